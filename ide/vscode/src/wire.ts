/**
 * The messages the extension writes. What it reads is checked with the app's
 * own guards (src/host/wire.ts, src/host/guards.ts): one definition of "well
 * formed" for both ends.
 */
import {
  CHANNEL,
  PROTOCOL_VERSION,
  type CancelMessage,
  type ErrorCode,
  type EventMessage,
  type RequestMessage,
  type ResponseMessage,
  type StreamMessage,
} from '../../../src/host/protocol';

export function eventMessage<T extends string, P>(type: T, payload: P): EventMessage<T, P> {
  return { channel: CHANNEL, version: PROTOCOL_VERSION, kind: 'event', type, payload };
}

export function requestMessage<T extends string, P>(id: string, type: T, payload: P): RequestMessage<T, P> {
  return { channel: CHANNEL, version: PROTOCOL_VERSION, kind: 'request', id, type, payload };
}

export function cancelMessage(id: string): CancelMessage {
  return { channel: CHANNEL, version: PROTOCOL_VERSION, kind: 'cancel', id };
}

export function streamMessage(id: string, payload: unknown): StreamMessage {
  return { channel: CHANNEL, version: PROTOCOL_VERSION, kind: 'stream', id, payload };
}

export function okResponse(request: RequestMessage, payload: unknown): ResponseMessage {
  return { channel: CHANNEL, version: PROTOCOL_VERSION, kind: 'response', id: request.id, ok: true, payload };
}

export function errorResponse(id: string, code: ErrorCode, message: string): ResponseMessage {
  return { channel: CHANNEL, version: PROTOCOL_VERSION, kind: 'response', id, ok: false, error: { code, message } };
}

/** An error a request handler throws to answer with a protocol error code rather than 'failed'. */
export class HostError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'HostError';
  }
}
