/**
 * Requests this host sends to the app (HostToAppRequests: a completion for
 * the editor), each with an id, answered by one `response` from the app.
 *
 * - The answer is untrusted input like everything from the webview: it is
 *   checked with the protocol's guard for its type before anyone sees it.
 * - VS Code cancels a completion on every keystroke; the app is then sent a
 *   `cancel` so its model stops working for nobody, and the caller gets an
 *   AppRequestError 'cancelled' at once.
 * - No answer within the timeout: cancelled the same way, as 'failed'.
 *
 * No runtime import of 'vscode' (the cancellation token is a structural type),
 * so this runs in the unit tests as it does in the extension host.
 */
import type * as vscode from 'vscode';
import type { ErrorCode, HostToAppRequests, Params, ResponseMessage, Result, WireMessage } from '../../../src/host/protocol';
import { hostRequestResultGuards } from '../../../src/host/guards';
import { isRecord } from '../../../src/host/wire';
import { cancelMessage, requestMessage } from './wire';

/** How long a request waits for the app by default. */
export const DEFAULT_APP_TIMEOUT_MS = 30_000;

export interface RequestOptions {
  token?: Pick<vscode.CancellationToken, 'isCancellationRequested' | 'onCancellationRequested'>;
  timeoutMs?: number;
}

export class AppRequestError extends Error {
  override name = 'AppRequestError';
  constructor(
    readonly method: string,
    readonly code: ErrorCode,
    message: string,
  ) {
    super(`${method}: ${message}`);
  }
}

interface Pending {
  method: keyof HostToAppRequests & string;
  resolve(value: unknown): void;
  reject(error: AppRequestError): void;
}

const ERROR_CODES: ReadonlySet<string> = new Set<ErrorCode>(['conflict', 'not-found', 'permission', 'cancelled', 'unsupported', 'bad-request', 'failed']);
/** Ids given up on whose late answers are expected, not counted as dropped (the newest few hundred). */
const REMEMBERED_CANCELS = 500;

let nextId = 0;

export class AppRequests {
  private readonly pending = new Map<string, Pending>();
  private readonly cancelled = new Set<string>();

  constructor(
    /** Posts to the webview; resolves false when it is gone. */
    private readonly post: (message: WireMessage) => Thenable<boolean>,
    /** A message refused (unknown id, malformed answer): counted by the channel. */
    private readonly drop: (why: string) => void,
  ) {}

  request<K extends keyof HostToAppRequests & string>(
    method: K,
    params: Params<HostToAppRequests, K>,
    { token, timeoutMs = DEFAULT_APP_TIMEOUT_MS }: RequestOptions = {},
  ): Promise<Result<HostToAppRequests, K>> {
    const id = `h${++nextId}`;
    return new Promise((resolve, reject) => {
      if (token?.isCancellationRequested) return reject(new AppRequestError(method, 'cancelled', 'cancelled before it was sent'));
      const giveUp = (code: ErrorCode, why: string) => {
        if (!this.pending.has(id)) return;
        void this.post(cancelMessage(id));
        this.rememberCancelled(id);
        finish(new AppRequestError(method, code, why));
      };
      const timer = timeoutMs > 0 ? setTimeout(() => giveUp('failed', `no answer from the app in ${timeoutMs / 1000} s`), timeoutMs) : undefined;
      const onCancel = token?.onCancellationRequested(() => giveUp('cancelled', 'cancelled by the editor'));
      const finish = (error: AppRequestError | null, value?: unknown) => {
        if (!this.pending.delete(id)) return;
        clearTimeout(timer);
        onCancel?.dispose();
        if (error) reject(error);
        else resolve(value as Result<HostToAppRequests, K>);
      };
      this.pending.set(id, { method, resolve: (value) => finish(null, value), reject: (error) => finish(error) });
      this.post(requestMessage(id, method, params)).then(
        (delivered) => delivered || finish(new AppRequestError(method, 'failed', 'the Refact view is gone')),
        (err: unknown) => finish(new AppRequestError(method, 'failed', `not delivered: ${String(err)}`)),
      );
    });
  }

  /** The app's answer to one of our requests. */
  receive(response: ResponseMessage): void {
    const pending = this.pending.get(response.id);
    if (!pending) {
      // A late answer to a request given up on is expected (the app says 'cancelled'); anything else is made up.
      if (!this.cancelled.delete(response.id)) this.drop(`a response to no request of ours (${response.id})`);
      return;
    }
    if (!response.ok) {
      // The error is untrusted input too: an unknown code is a plain failure.
      const error: unknown = response.error;
      const message = isRecord(error) && typeof error.message === 'string' ? error.message : 'the app refused';
      const code = isRecord(error) && typeof error.code === 'string' && ERROR_CODES.has(error.code) ? (error.code as ErrorCode) : 'failed';
      pending.reject(new AppRequestError(pending.method, code, message));
      return;
    }
    const guard = hostRequestResultGuards[pending.method] as (v: unknown) => boolean;
    if (!guard(response.payload)) {
      this.drop(`malformed ${pending.method} answer`);
      pending.reject(new AppRequestError(pending.method, 'failed', 'the app answered with something malformed'));
      return;
    }
    pending.resolve(response.payload);
  }

  /** The webview is gone: every request still waiting fails. */
  dispose(): void {
    for (const p of [...this.pending.values()]) p.reject(new AppRequestError(p.method, 'cancelled', 'the Refact view closed'));
    this.pending.clear();
  }

  private rememberCancelled(id: string): void {
    this.cancelled.add(id);
    if (this.cancelled.size > REMEMBERED_CANCELS) this.cancelled.delete(this.cancelled.values().next().value as string);
  }
}
