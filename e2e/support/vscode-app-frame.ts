/**
 * A probe in the app's frame inside VS Code's webview: it records every
 * message on our channel that reaches the app's window (from before the app's
 * own code runs) and sends protocol messages to the webview as the app would
 * (`window.parent.postMessage`), so a test can check the host end of
 * src/host/protocol.ts whatever the app itself does with it.
 *
 *   await installAppProbe(page, appOrigin);          // before the app loads
 *   const res = await appRequest(app, 'fs/readFile', { path: 'a.txt' });
 *   await waitForHostEvent(app, 'config/update', (p) => p.themeProps?.appearance === 'dark');
 *
 * Bytes cross the Playwright boundary as `{ $bytes: number[] }` and are
 * Uint8Arrays again on either side.
 */
import type { Frame, Page } from '@playwright/test';
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
} from '../../src/host/protocol';

/** A message the app's window received, as the probe recorded it. */
export interface Received {
  origin: string;
  /** Sent by the app's parent (the webview's relay). */
  fromParent: boolean;
  data: { kind: string; type?: string; id?: string; ok?: boolean; payload?: unknown; error?: { code: ErrorCode; message: string } };
}

export interface ProbeResponse<R> {
  ok: boolean;
  payload?: R;
  error?: { code: ErrorCode; message: string };
}

interface Probe {
  received: Received[];
  post(message: unknown): void;
  request(type: string, payload: unknown, timeoutMs: number): Promise<Received['data'] | null>;
}

declare global {
  interface Window {
    __refactProbe?: Probe;
    /** In the webview's relay frame: the app's responses to the extension's requests (recordAppAnswers). */
    __refactAppAnswers?: Received['data'][];
  }
}

/** Installs the probe in every frame of `page` that is on the app's origin, from the next navigation on. */
export async function installAppProbe(page: Page, appOrigin: string): Promise<void> {
  await page.addInitScript(
    ({ appOrigin, channel, version }) => {
      if (location.origin !== appOrigin || window.parent === window) return;
      // Same shapes as toWire/fromWire below (this runs in the page, apart from this module).
      const encode = (v: unknown): unknown =>
        v instanceof Uint8Array
          ? { $bytes: Array.from(v) }
          : Array.isArray(v)
            ? v.map(encode)
            : v !== null && typeof v === 'object'
              ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, encode(x)]))
              : v;
      const decode = (v: unknown): unknown =>
        Array.isArray(v)
          ? v.map(decode)
          : v !== null && typeof v === 'object'
            ? '$bytes' in v
              ? new Uint8Array((v as { $bytes: number[] }).$bytes)
              : Object.fromEntries(Object.entries(v).map(([k, x]) => [k, decode(x)]))
            : v;
      const received: Received[] = [];
      window.addEventListener('message', (e: MessageEvent) => {
        const data = e.data as { channel?: unknown } | null;
        if (data && data.channel === channel) {
          received.push({ origin: e.origin, fromParent: e.source === window.parent, data: encode(data) as Received['data'] });
        }
      });
      let seq = 0;
      window.__refactProbe = {
        received,
        post: (message) => window.parent.postMessage(decode(message), '*'),
        async request(type, payload, timeoutMs) {
          const id = `probe-${++seq}`;
          window.parent.postMessage({ channel, version, kind: 'request', id, type, payload: decode(payload) }, '*');
          const deadline = Date.now() + timeoutMs;
          while (Date.now() < deadline) {
            const hit = received.find((r) => r.data.kind === 'response' && r.data.id === id);
            if (hit) return hit.data;
            await new Promise((resolve) => setTimeout(resolve, 20));
          }
          return null;
        },
      };
    },
    { appOrigin, channel: CHANNEL, version: PROTOCOL_VERSION },
  );
}

/** Sends a request from the app's window and waits for its response. */
export async function appRequest<K extends keyof AppToHostRequests & string>(
  app: Frame,
  type: K,
  params: Params<AppToHostRequests, K>,
  timeoutMs = 10_000,
): Promise<ProbeResponse<Result<AppToHostRequests, K>>> {
  const data = await app.evaluate(
    ({ type, payload, timeoutMs }) => window.__refactProbe!.request(type, payload, timeoutMs),
    { type, payload: toWire(params), timeoutMs },
  );
  if (!data) throw new Error(`${type}: no response within ${timeoutMs} ms`);
  return { ok: data.ok === true, payload: fromWire(data.payload) as Result<AppToHostRequests, K>, error: data.error };
}

/** Sends an event from the app's window, as the app would. */
export async function appEvent<K extends keyof AppToHostEvents & string>(app: Frame, type: K, payload: AppToHostEvents[K]): Promise<void> {
  await postFromApp(app, { channel: CHANNEL, version: PROTOCOL_VERSION, kind: 'event', type, payload });
}

/** Posts any message (well-formed or not) from the app's window to its parent. */
export async function postFromApp(app: Frame, message: unknown): Promise<void> {
  await app.evaluate((m) => window.__refactProbe!.post(m), toWire(message));
}

/** Everything on our channel the app's window received so far. */
export async function received(app: Frame): Promise<Received[]> {
  const list = await app.evaluate(() => window.__refactProbe?.received ?? null);
  if (!list) throw new Error('no probe in the app frame: call installAppProbe before the workbench loads');
  return list.map((r) => ({ ...r, data: { ...r.data, payload: fromWire(r.data.payload) } }));
}

/** The host events of `type` received so far. */
export async function hostEvents<K extends keyof HostToAppEvents & string>(app: Frame, type: K): Promise<Array<HostToAppEvents[K]>> {
  return (await received(app))
    .filter((r) => r.data.kind === 'event' && r.data.type === type)
    .map((r) => r.data.payload as HostToAppEvents[K]);
}

/** Waits for a host event of `type` (the first received from index `after` on) that satisfies `match`. */
export async function waitForHostEvent<K extends keyof HostToAppEvents & string>(
  app: Frame,
  type: K,
  match: (payload: HostToAppEvents[K]) => boolean = () => true,
  { after = 0, timeoutMs = 10_000 }: { after?: number; timeoutMs?: number } = {},
): Promise<HostToAppEvents[K]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const hit = (await received(app))
      .slice(after)
      .find((r) => r.data.kind === 'event' && r.data.type === type && match(r.data.payload as HostToAppEvents[K]));
    if (hit) return hit.data.payload as HostToAppEvents[K];
    if (Date.now() > deadline) throw new Error(`no ${type} event reached the app within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The params of the host's requests of `type` the app received so far (e.g. VS Code's completion requests). */
export async function hostRequests<K extends keyof HostToAppRequests & string>(app: Frame, type: K): Promise<Array<Params<HostToAppRequests, K>>> {
  return (await received(app))
    .filter((r) => r.data.kind === 'request' && r.data.type === type)
    .map((r) => r.data.payload as Params<HostToAppRequests, K>);
}

/**
 * Starts recording, in the webview's relay frame, the app's responses to the
 * extension's requests as they pass (ids the extension gives start with 'h').
 */
export async function recordAppAnswers(relay: Frame): Promise<void> {
  await relay.evaluate((channel) => {
    if (window.__refactAppAnswers) return;
    const answers: Received['data'][] = [];
    window.__refactAppAnswers = answers;
    window.addEventListener('message', (e: MessageEvent) => {
      const data = e.data as (Received['data'] & { channel?: unknown }) | null;
      if (data?.channel === channel && data.kind === 'response' && typeof data.id === 'string' && data.id.startsWith('h')) {
        answers.push({ kind: data.kind, id: data.id, ok: data.ok, error: data.error });
      }
    });
  }, CHANNEL);
}

/** The app's responses to the extension's requests since recordAppAnswers. */
export async function appAnswers(relay: Frame): Promise<Array<Pick<Received['data'], 'id' | 'ok' | 'error'>>> {
  const list = await relay.evaluate(() => window.__refactAppAnswers ?? null);
  if (!list) throw new Error('no answers recorded in the relay frame: call recordAppAnswers first');
  return list;
}

/** Uint8Array -> { $bytes } for the trip through Playwright's serializer. */
export function toWire(v: unknown): unknown {
  if (v instanceof Uint8Array) return { $bytes: Array.from(v) };
  if (Array.isArray(v)) return v.map(toWire);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toWire(x)]));
  return v;
}

export function fromWire(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(fromWire);
  if (v !== null && typeof v === 'object') {
    if ('$bytes' in v) return new Uint8Array((v as { $bytes: number[] }).$bytes);
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fromWire(x)]));
  }
  return v;
}
