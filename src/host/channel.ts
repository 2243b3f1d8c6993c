/**
 * The app's end of the host protocol: typed events both ways, requests with
 * ids and replies (cancellable, with streamed parts), and the trust rules.
 *
 * Trust: a message counts only when it comes from the parent frame (the IDE's
 * webview), from an origin this app trusts as an IDE webview (trust.ts), and
 * passes its envelope and payload guards. Everything else is dropped and
 * counted; nothing is acted on. Replies go to the trusted origin only.
 */
import { hostEventGuards, hostRequestGuards, appRequestResultGuards } from './guards';
import {
  CHANNEL,
  PROTOCOL_VERSION,
  type AppToHostEvents,
  type AppToHostRequests,
  type ErrorCode,
  type HostToAppEvents,
  type HostToAppRequests,
  type Params,
  type Result,
  type WireMessage,
} from './protocol';
import { isRecord, isWireMessage, looksLikeOurs } from './wire';

/** The window pair the channel talks through (tests pass their own). */
export interface ChannelEndpoint {
  /** Where host messages arrive (the app's window). */
  listen(handler: (event: { data: unknown; origin: string; fromParent: boolean }) => void): () => void;
  /** Posts to the parent frame, only to `targetOrigin`. */
  post(message: WireMessage, targetOrigin: string): void;
}

export class HostRequestError extends Error {
  override name = 'HostRequestError';
  constructor(
    readonly method: string,
    message: string,
    readonly code: ErrorCode,
  ) {
    super(`${method}: ${message}`);
  }
}

type EventHandler<K extends keyof HostToAppEvents> = (payload: HostToAppEvents[K]) => void;
type RequestHandler<K extends keyof HostToAppRequests> = (
  params: Params<HostToAppRequests, K>,
  signal: AbortSignal,
) => Promise<Result<HostToAppRequests, K>>;

interface Pending {
  method: keyof AppToHostRequests;
  resolve(value: unknown): void;
  reject(error: Error): void;
  onStream?: (part: unknown) => void;
}

export interface HostChannelOptions {
  endpoint: ChannelEndpoint;
  /** Whether messages from this origin may be acted on. */
  trusts(origin: string): boolean;
  /** A message in our protocol from an origin not trusted (yet): the UI may ask the user. */
  onUntrusted?(origin: string): void;
  /** How long a request waits for its reply before failing (default 30 s). */
  timeoutMs?: number;
}

let nextId = 0;

const ERROR_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['conflict', 'not-found', 'permission', 'cancelled', 'unsupported', 'bad-request', 'failed']);

export class HostChannel {
  /** Messages dropped: foreign, untrusted, malformed, unknown type, bad payload. */
  dropped = 0;
  /** The host's origin, once a trusted message arrived; replies and requests go only there. */
  hostOrigin: string | null = null;
  private readonly events = new Map<string, Set<(payload: never) => void>>();
  private readonly handlers = new Map<string, RequestHandler<keyof HostToAppRequests>>();
  private readonly pending = new Map<string, Pending>();
  private readonly running = new Map<string, AbortController>();
  /** Ids of requests given up on, whose late answers are not counted as dropped (the newest few hundred). */
  private readonly cancelled = new Set<string>();
  private readonly stop: () => void;

  constructor(private readonly options: HostChannelOptions) {
    this.stop = options.endpoint.listen((event) => this.receive(event));
  }

  dispose(): void {
    this.stop();
    for (const p of [...this.pending.values()]) p.reject(new HostRequestError(p.method, 'the connection to the IDE closed', 'cancelled'));
    this.pending.clear();
    for (const c of this.running.values()) c.abort();
  }

  on<K extends keyof HostToAppEvents>(type: K, handler: EventHandler<K>): () => void {
    let set = this.events.get(type);
    if (!set) this.events.set(type, (set = new Set()));
    set.add(handler as (payload: never) => void);
    return () => set.delete(handler as (payload: never) => void);
  }

  handle<K extends keyof HostToAppRequests>(type: K, handler: RequestHandler<K>): void {
    this.handlers.set(type, handler as unknown as RequestHandler<keyof HostToAppRequests>);
  }

  /** Sends an event; before the host is known it goes to any parent origin (only the handshake should). */
  send<K extends keyof AppToHostEvents>(type: K, payload: AppToHostEvents[K]): void {
    this.post({ channel: CHANNEL, version: PROTOCOL_VERSION, kind: 'event', type, payload });
  }

  request<K extends keyof AppToHostRequests>(
    type: K,
    params: Params<AppToHostRequests, K>,
    options: { signal?: AbortSignal; onStream?: (part: unknown) => void; timeoutMs?: number } = {},
  ): Promise<Result<AppToHostRequests, K>> {
    if (this.hostOrigin === null) return Promise.reject(new HostRequestError(type, 'not connected to an IDE', 'unsupported'));
    const id = `a${++nextId}`;
    return new Promise((resolve, reject) => {
      const timeoutMs = options.timeoutMs ?? this.options.timeoutMs ?? 30_000;
      // Given up on (timed out or aborted): the host is told to stop, so it does not go on working for nobody.
      const cancel = (error: Error) => {
        this.post({ channel: CHANNEL, version: PROTOCOL_VERSION, kind: 'cancel', id });
        this.rememberCancelled(id);
        finish(error);
      };
      const timer =
        timeoutMs > 0 ? setTimeout(() => cancel(new HostRequestError(type, `no answer from the IDE in ${timeoutMs / 1000} s`, 'failed')), timeoutMs) : null;
      const onAbort = () => cancel(new DOMException(`${type} was cancelled`, 'AbortError'));
      const finish = (error: Error | null, value?: unknown) => {
        if (!this.pending.delete(id)) return;
        if (timer) clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        if (error) reject(error);
        else resolve(value as Result<AppToHostRequests, K>);
      };
      this.pending.set(id, {
        method: type,
        resolve: (value) => finish(null, value),
        reject: (error) => finish(error),
        ...(options.onStream ? { onStream: options.onStream } : {}),
      });
      if (options.signal?.aborted) return onAbort();
      options.signal?.addEventListener('abort', onAbort, { once: true });
      this.post({ channel: CHANNEL, version: PROTOCOL_VERSION, kind: 'request', id, type, payload: params });
    });
  }

  private rememberCancelled(id: string): void {
    this.cancelled.add(id);
    if (this.cancelled.size > 500) this.cancelled.delete(this.cancelled.values().next().value as string);
  }

  private post(message: WireMessage): void {
    // Before a trusted host spoke, only the handshake leaves, to whichever parent: it carries nothing.
    const target = this.hostOrigin ?? (message.kind === 'event' && message.type === 'ide/isChatReady' ? '*' : null);
    if (target !== null) this.options.endpoint.post(message, target);
  }

  private receive(event: { data: unknown; origin: string; fromParent: boolean }): void {
    if (!event.fromParent || !looksLikeOurs(event.data)) {
      if (looksLikeOurs(event.data)) this.dropped++;
      return; // someone else's message (extensions, devtools): not ours to count
    }
    if (!this.options.trusts(event.origin)) {
      this.dropped++;
      this.options.onUntrusted?.(event.origin);
      return;
    }
    if (!isWireMessage(event.data) || (this.hostOrigin !== null && event.origin !== this.hostOrigin)) {
      this.dropped++;
      return;
    }
    this.hostOrigin = event.origin;
    this.dispatch(event.data);
  }

  private dispatch(message: WireMessage): void {
    switch (message.kind) {
      case 'event':
        return this.onEvent(message.type, message.payload);
      case 'request':
        return void this.onRequest(message.id, message.type, message.payload);
      case 'response':
        return this.onResponse(message.id, message.ok, message.payload, message.error);
      case 'stream': {
        const pending = this.pending.get(message.id);
        if (pending?.onStream) pending.onStream(message.payload);
        else this.dropped++;
        return;
      }
      case 'cancel':
        this.running.get(message.id)?.abort();
        return;
    }
  }

  private onEvent(type: string, payload: unknown): void {
    const guard = (hostEventGuards as Record<string, (v: unknown) => boolean>)[type];
    if (!guard || !guard(payload)) {
      this.dropped++;
      return;
    }
    for (const handler of this.events.get(type) ?? []) {
      try {
        (handler as (p: unknown) => void)(payload);
      } catch (error) {
        console.error(`Handling ${type} from the IDE failed`, error);
      }
    }
  }

  private async onRequest(id: string, type: string, params: unknown): Promise<void> {
    const guard = (hostRequestGuards as Record<string, (v: unknown) => boolean>)[type];
    const handler = this.handlers.get(type);
    const reply = (ok: boolean, payload?: unknown, error?: { message: string; code: ErrorCode }) =>
      this.post({ channel: CHANNEL, version: PROTOCOL_VERSION, kind: 'response', id, ok, ...(ok ? { payload } : { error }) });
    if (!guard) {
      this.dropped++;
      return reply(false, undefined, { message: `the app does not know the request "${type}"`, code: 'unsupported' });
    }
    if (!guard(params)) {
      this.dropped++;
      return reply(false, undefined, { message: `malformed parameters for "${type}"`, code: 'bad-request' });
    }
    if (!handler) return reply(false, undefined, { message: `the app does not answer "${type}"`, code: 'unsupported' });
    const controller = new AbortController();
    this.running.set(id, controller);
    try {
      const result = await handler(params as never, controller.signal);
      // The host gave up on it: a handler that finished anyway must not answer as if it had been wanted.
      if (controller.signal.aborted) reply(false, undefined, { message: `${type} was cancelled`, code: 'cancelled' });
      else reply(true, result);
    } catch (error) {
      const cancelled = controller.signal.aborted || (error as Error).name === 'AbortError';
      reply(false, undefined, { message: error instanceof Error ? error.message : String(error), code: cancelled ? 'cancelled' : 'failed' });
    } finally {
      this.running.delete(id);
    }
  }

  private onResponse(id: string, ok: boolean, payload: unknown, error: { message: string; code: ErrorCode } | undefined): void {
    const pending = this.pending.get(id);
    if (!pending) {
      // A late answer to a request we gave up on is expected (the host says 'cancelled'); anything else is made up.
      if (!this.cancelled.delete(id)) this.dropped++;
      return;
    }
    if (!ok) {
      // The error is untrusted input too: an unknown code is a plain failure.
      const message = isRecord(error) && typeof error.message === 'string' ? error.message : 'the IDE refused';
      const code = isRecord(error) && ERROR_CODES.has(error.code as ErrorCode) ? error.code : 'failed';
      pending.reject(new HostRequestError(pending.method, message, code));
      return;
    }
    const guard = appRequestResultGuards[pending.method] as (v: unknown) => boolean;
    if (!guard(payload)) {
      this.dropped++;
      pending.reject(new HostRequestError(pending.method, 'the IDE answered with something malformed', 'failed'));
      return;
    }
    pending.resolve(payload);
  }
}

/** The endpoint over this window and its parent frame. */
export function windowEndpoint(self: Window = window): ChannelEndpoint {
  return {
    listen(handler) {
      const onMessage = (event: MessageEvent) =>
        handler({ data: event.data, origin: event.origin, fromParent: self.parent !== self && event.source === self.parent });
      self.addEventListener('message', onMessage);
      return () => self.removeEventListener('message', onMessage);
    },
    post(message, targetOrigin) {
      self.parent.postMessage(message, targetOrigin);
    },
  };
}
