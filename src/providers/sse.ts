import { isRecord, streamErrorOf, truncate } from './errors';
import { ProviderError } from './types';

/**
 * Incremental Server-Sent Events parsing: bytes in (chunked anywhere, even
 * inside a UTF-8 character or between `\r` and `\n`), JSON objects out.
 *
 * Two layers: `SseEventDecoder` follows the WHATWG event-stream grammar
 * (`\r\n`, `\n` or `\r` line ends, `data:` with or without the space, `:`
 * comments, multi-line data, `event:`/`id:`/`retry:` fields);
 * `SseObjectDecoder` reads each event's data as Refact's GUI does: `[DONE]`
 * ends the stream, `[ERROR]`, `{"detail":…}` and `{"error":…}` are errors.
 *
 * Garbage policy: a `data:` line that is not JSON ends the stream with a
 * ProviderError of kind 'protocol' naming the line. The seeds' GUI skipped
 * such lines because its own splitting (on "\n\n" per network chunk) produced
 * them; this parser is exact at every chunking, so a bad line is the
 * server's, and skipping it could silently drop part of the answer, e.g. a
 * fragment of tool-call arguments that would then run with wrong arguments.
 * Everything decoded before the bad line is still delivered. Tolerated
 * (not garbage): empty `data:` (keep-alive), comments, unknown fields, and
 * several JSON objects on consecutive `data:` lines of one event (some
 * proxies forget the blank line); each object is delivered.
 */

export interface SseEvent {
  /** The `event:` field, 'message' when absent. */
  event: string;
  /** The `data:` lines joined with "\n". */
  data: string;
  /** The last `id:` seen, if any. */
  id?: string;
}

const LF = 10;
const CR = 13;

/** Splits decoded text into SSE events. One instance per stream. */
export class SseEventDecoder {
  private readonly decoder = new TextDecoder('utf-8');
  private buffer = '';
  /** Where the search for the next line end resumes (the buffer before it has none). */
  private scanFrom = 0;
  /** The previous chunk ended with "\r": a leading "\n" of the next one belongs to it. */
  private pendingCR = false;
  private dataLines: string[] = [];
  private eventType = '';
  private lastId: string | undefined;

  /** Feeds bytes; returns the events completed by them. */
  push(bytes: Uint8Array): SseEvent[] {
    return this.feed(this.decoder.decode(bytes, { stream: true }));
  }

  /**
   * Ends the stream. Lenient where the spec is strict: a last line without a
   * line end, and an event without its closing blank line, are delivered.
   */
  end(): SseEvent[] {
    const events = this.feed(this.decoder.decode());
    if (this.buffer) {
      this.line(this.buffer, events);
      this.buffer = '';
    }
    this.dispatch(events);
    return events;
  }

  private feed(text: string): SseEvent[] {
    const events: SseEvent[] = [];
    if (!text) return events;
    if (this.pendingCR) {
      this.pendingCR = false;
      if (text.charCodeAt(0) === LF) text = text.slice(1);
    }
    const buffer = this.buffer + text;
    let start = 0;
    for (let i = this.scanFrom; i < buffer.length; i++) {
      const c = buffer.charCodeAt(i);
      if (c !== LF && c !== CR) continue;
      this.line(buffer.slice(start, i), events);
      if (c === CR) {
        if (i + 1 === buffer.length) this.pendingCR = true;
        else if (buffer.charCodeAt(i + 1) === LF) i++;
      }
      start = i + 1;
    }
    this.buffer = buffer.slice(start);
    this.scanFrom = this.buffer.length;
    return events;
  }

  private line(line: string, events: SseEvent[]): void {
    if (line === '') {
      this.dispatch(events);
      return;
    }
    if (line.startsWith(':')) return; // comment / keep-alive
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'data':
        this.dataLines.push(value);
        break;
      case 'event':
        this.eventType = value;
        break;
      case 'id':
        if (!value.includes('\0')) this.lastId = value;
        break;
      case 'error':
        // Not SSE: llama.cpp's server reports stream errors as `error: {...}`.
        this.eventType = 'error';
        this.dataLines.push(value);
        break;
      default:
        break; // `retry:` and unknown fields
    }
  }

  private dispatch(events: SseEvent[]): void {
    if (this.dataLines.length > 0) {
      const event: SseEvent = { event: this.eventType || 'message', data: this.dataLines.join('\n') };
      if (this.lastId !== undefined) event.id = this.lastId;
      events.push(event);
    }
    this.dataLines = [];
    this.eventType = '';
  }
}

/** One thing read from a completion stream. */
export type SseMessage =
  | { kind: 'object'; value: Record<string, unknown> }
  | { kind: 'done' }
  | { kind: 'error'; error: ProviderError };

/**
 * Bytes in, JSON objects out. After `[DONE]` or an error it ignores the rest:
 * the error (if any) is the last message returned, after every object that
 * preceded it in the stream.
 */
export class SseObjectDecoder {
  private readonly events = new SseEventDecoder();
  private finished = false;

  push(bytes: Uint8Array): SseMessage[] {
    return this.finished ? [] : this.interpretAll(this.events.push(bytes));
  }

  end(): SseMessage[] {
    return this.finished ? [] : this.interpretAll(this.events.end());
  }

  /** True once `[DONE]` or an error was read. */
  get isFinished(): boolean {
    return this.finished;
  }

  private interpretAll(events: SseEvent[]): SseMessage[] {
    const out: SseMessage[] = [];
    for (const event of events) {
      for (const message of interpretEvent(event)) {
        out.push(message);
        if (message.kind !== 'object') {
          this.finished = true;
          return out;
        }
      }
    }
    return out;
  }
}

/** What one event's data says. Pure; exported for tests. */
export function interpretEvent(event: SseEvent): SseMessage[] {
  const data = event.data.trim();
  if (data === '') return []; // keep-alive
  if (data === '[DONE]') return [{ kind: 'done' }];
  if (data.startsWith('[ERROR]')) {
    const rest = data.slice('[ERROR]'.length).trim();
    return [errorMessage(new ProviderError('server', `The server reported an error mid-answer${rest ? `: ${rest}` : ''}`))];
  }
  const values = parseJsonData(data);
  if (!values.ok) {
    return [
      errorMessage(
        new ProviderError('protocol', `The server sent a line that is not JSON: "data: ${truncate(values.badLine, 120)}"`),
      ),
    ];
  }
  const out: SseMessage[] = [];
  for (const value of values.values) {
    if (!isRecord(value)) {
      out.push(
        errorMessage(
          new ProviderError('protocol', `The server sent data that is not a JSON object: "data: ${truncate(JSON.stringify(value), 120)}"`),
        ),
      );
      return out;
    }
    const streamError = streamErrorOf(value);
    if (streamError) {
      out.push(errorMessage(streamError));
      return out;
    }
    if (event.event === 'error') {
      out.push(errorMessage(new ProviderError('server', `The server reported an error mid-answer: ${truncate(JSON.stringify(value))}`)));
      return out;
    }
    out.push({ kind: 'object', value });
  }
  return out;
}

function errorMessage(error: ProviderError): SseMessage {
  return { kind: 'error', error };
}

type JsonData = { ok: true; values: unknown[] } | { ok: false; badLine: string };

/** The event's data as one JSON value, else as one JSON value per line. */
function parseJsonData(data: string): JsonData {
  try {
    return { ok: true, values: [JSON.parse(data)] };
  } catch {
    // fall through: maybe several objects on consecutive data lines
  }
  const lines = data.split('\n').filter((l) => l.trim() !== '');
  if (lines.length < 2) return { ok: false, badLine: data };
  const values: unknown[] = [];
  for (const line of lines) {
    try {
      values.push(JSON.parse(line));
    } catch {
      return { ok: false, badLine: line };
    }
  }
  return { ok: true, values };
}

/**
 * Reads a response body as a stream of SSE messages; throws the stream's
 * ProviderError after yielding everything that came before it. Read errors
 * (dropped connection, abort) propagate unchanged for the caller to name.
 * Stops after `[DONE]` and cancels the body when the consumer stops early.
 */
export async function* readSseMessages(body: ReadableStream<Uint8Array>): AsyncGenerator<Record<string, unknown> | 'done'> {
  const reader = body.getReader();
  const decoder = new SseObjectDecoder();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      const messages = done ? decoder.end() : decoder.push(value);
      for (const message of messages) {
        if (message.kind === 'error') throw message.error;
        if (message.kind === 'done') {
          yield 'done';
          return;
        }
        yield message.value;
      }
      if (done) return;
    }
  } finally {
    reader.cancel().catch(() => {});
  }
}
