/**
 * The typed message layer over one webview: the extension's end of
 * src/host/protocol.ts. Handlers are registered per message type; the maps'
 * types tie each handler to its params and result, so a renamed message
 * breaks the build.
 *
 * What arrives here was relayed from the app's iframe by the webview (relay.ts),
 * which already checked the sender; every payload is still checked here, with
 * the protocol's guard for its type (src/host/guards.ts) before any handler runs.
 * The other direction (this host asking the app, e.g. for a completion) is
 * app-requests.ts; its answers arrive here as `response` messages.
 */
import type * as vscode from 'vscode';
import {
  PROTOCOL_VERSION,
  type AppToHostEvents,
  type AppToHostRequests,
  type HostToAppEvents,
  type HostToAppRequests,
  type Params,
  type RequestMessage,
  type ResponseMessage,
  type Result,
} from '../../../src/host/protocol';
import { appEventGuards, appRequestGuards } from '../../../src/host/guards';
import { isWireMessage } from '../../../src/host/wire';
import { AppRequests, type RequestOptions } from './app-requests';
import { HostError, errorResponse, eventMessage, okResponse, streamMessage } from './wire';

interface EventHandler {
  guard: (payload: unknown) => boolean;
  handle: (payload: never) => void;
}

interface RequestHandler {
  guard: (payload: unknown) => boolean;
  handle: (params: never, signal: AbortSignal, stream: (part: unknown) => void) => Promise<unknown>;
}

/** Sends a part of a long answer (shell output) before the response. */
export type StreamPart = (part: string) => void;

export class WebviewChannel implements vscode.Disposable {
  /** Messages refused (not ours, malformed, of an unknown type): counted and logged, never acted on. */
  dropped = 0;
  private readonly events = new Map<string, EventHandler>();
  private readonly requests = new Map<string, RequestHandler>();
  /** Requests being answered, so a `cancel` can answer them at once. */
  private readonly inFlight = new Map<string, AbortController>();
  private readonly subscription: vscode.Disposable;
  /** What this host asks the app (completions), with the app's answers checked. */
  private readonly outgoing: AppRequests;
  private versionWarned = false;
  private readonly listeners = new Set<(kind: string, type: string | undefined) => void>();

  constructor(
    private readonly webview: vscode.Webview,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.outgoing = new AppRequests((message) => this.webview.postMessage(message), (why) => this.drop(why));
    this.subscription = webview.onDidReceiveMessage((data: unknown) => this.receive(data));
  }

  onEvent<K extends keyof AppToHostEvents & string>(type: K, handle: (payload: AppToHostEvents[K]) => void): void {
    this.events.set(type, { guard: appEventGuards[type], handle });
  }

  /** `stream` sends parts of the answer before it (shell output); most handlers ignore it. */
  onRequest<K extends keyof AppToHostRequests & string>(
    type: K,
    handle: (params: Params<AppToHostRequests, K>, signal: AbortSignal, stream: StreamPart) => Promise<Result<AppToHostRequests, K>>,
  ): void {
    this.requests.set(type, { guard: appRequestGuards[type], handle });
  }

  /** Called for every well-formed message from the app, before it is handled (the view tells a trusting app by it). */
  onMessage(listener: (kind: string, type: string | undefined) => void): vscode.Disposable {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** Sends an event to the app; false when the webview is gone. */
  send<K extends keyof HostToAppEvents & string>(type: K, payload: HostToAppEvents[K]): Thenable<boolean> {
    return this.webview.postMessage(eventMessage(type, payload));
  }

  /**
   * Asks the app (a completion); the answer is checked with the protocol's
   * guard. Rejects with an AppRequestError: 'cancelled' when `token` fires
   * (the app is told to stop), 'failed' after the timeout or when the app
   * refuses.
   */
  request<K extends keyof HostToAppRequests & string>(
    type: K,
    params: Params<HostToAppRequests, K>,
    options: RequestOptions = {},
  ): Promise<Result<HostToAppRequests, K>> {
    return this.outgoing.request(type, params, options);
  }

  dispose(): void {
    this.subscription.dispose();
    for (const abort of this.inFlight.values()) abort.abort();
    this.inFlight.clear();
    this.outgoing.dispose();
  }

  private receive(data: unknown): void {
    if (!isWireMessage(data)) return this.drop('not a protocol message');
    if (data.version !== PROTOCOL_VERSION && !this.versionWarned) {
      // The app tells the user (it gets our version in config/update); we only note it.
      this.versionWarned = true;
      this.log.warn(`the app speaks protocol ${data.version}, this extension ${PROTOCOL_VERSION}`);
    }
    for (const listener of this.listeners) listener(data.kind, 'type' in data ? data.type : undefined);
    switch (data.kind) {
      case 'event':
        return this.receiveEvent(data.type, data.payload);
      case 'request':
        void this.receiveRequest(data);
        return;
      case 'cancel':
        return this.cancel(data.id);
      case 'response':
        return this.outgoing.receive(data);
      case 'stream':
        // None of this host's requests is answered in parts.
        return this.drop('unexpected stream part');
    }
  }

  private receiveEvent(type: string, payload: unknown): void {
    const handler = this.events.get(type);
    if (!handler) return this.drop(`unknown event ${type}`);
    if (!handler.guard(payload)) return this.drop(`malformed ${type} payload`);
    try {
      handler.handle(payload as never);
    } catch (err) {
      this.log.error(`${type} failed: ${messageOf(err)}`);
    }
  }

  private async receiveRequest(request: RequestMessage): Promise<void> {
    const handler = this.requests.get(request.type);
    if (!handler) {
      // Answered rather than dropped: the app would otherwise wait for a reply.
      return this.reply(errorResponse(request.id, 'unsupported', `${request.type} is not supported by this host`));
    }
    if (!handler.guard(request.payload)) {
      this.drop(`malformed ${request.type} payload`);
      return this.reply(errorResponse(request.id, 'bad-request', `malformed ${request.type} payload`));
    }
    if (this.inFlight.has(request.id)) {
      return this.reply(errorResponse(request.id, 'bad-request', `request id ${request.id} is already in use`));
    }
    const abort = new AbortController();
    this.inFlight.set(request.id, abort);
    const stream = (part: unknown) => {
      if (!abort.signal.aborted) void this.webview.postMessage(streamMessage(request.id, part));
    };
    let response: ResponseMessage;
    try {
      response = okResponse(request, await handler.handle(request.payload as never, abort.signal, stream));
    } catch (err) {
      response = errorResponse(request.id, err instanceof HostError ? err.code : 'failed', `${request.type}: ${messageOf(err)}`);
    }
    if (abort.signal.aborted) return; // already answered 'cancelled'
    this.inFlight.delete(request.id);
    this.reply(response);
  }

  private cancel(id: string): void {
    const abort = this.inFlight.get(id);
    if (!abort) return; // answered already: nothing to cancel
    this.inFlight.delete(id);
    abort.abort();
    this.reply(errorResponse(id, 'cancelled', 'cancelled by the app'));
  }

  private reply(response: ResponseMessage): void {
    void this.webview.postMessage(response);
  }

  private drop(why: string): void {
    this.dropped++;
    this.log.warn(`dropped a message from the webview (${why}); ${this.dropped} so far`);
  }
}

export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
