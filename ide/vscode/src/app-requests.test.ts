import { describe, expect, it } from 'vitest';
import type { WireMessage } from '../../../src/host/protocol';
import { AppRequestError, AppRequests } from './app-requests';
import { okResponse } from './wire';

const REQUEST = { inputs: { sources: { 'a.py': 'x = ' }, cursor: { file: 'a.py', line: 0, character: 4 }, multiline: false } };
const ANSWER = { choices: [{ index: 0, code_completion: '1', finish_reason: 'stop' }], model: 'm', snippet_telemetry_id: 1, created: 0 };

/** A cancellation token whose `cancel()` fires its listeners, as VS Code's does. */
function token() {
  const listeners = new Set<(e: unknown) => unknown>();
  return {
    isCancellationRequested: false,
    onCancellationRequested(listener: (e: unknown) => unknown) {
      listeners.add(listener);
      return { dispose: () => listeners.delete(listener) };
    },
    cancel() {
      this.isCancellationRequested = true;
      for (const l of listeners) l(undefined);
    },
    get listening() {
      return listeners.size;
    },
  };
}

function setup() {
  const sent: WireMessage[] = [];
  const dropped: string[] = [];
  const requests = new AppRequests(
    async (m) => (sent.push(m), true),
    (why) => dropped.push(why),
  );
  const last = () => sent.at(-1) as Extract<WireMessage, { kind: 'request' }>;
  return { sent, dropped, requests, last };
}

describe('AppRequests', () => {
  it('sends a request with an id and resolves with the checked answer', async () => {
    const { requests, last, dropped } = setup();
    const answer = requests.request('completion/request', REQUEST);
    expect(last()).toMatchObject({ kind: 'request', type: 'completion/request', payload: REQUEST });
    requests.receive(okResponse(last(), ANSWER));
    await expect(answer).resolves.toEqual(ANSWER);
    expect(dropped).toEqual([]);
  });

  it('rejects a malformed answer and counts it', async () => {
    const { requests, last, dropped } = setup();
    const answer = requests.request('completion/request', REQUEST);
    requests.receive(okResponse(last(), { choices: [{ code_completion: 42 }] }));
    await expect(answer).rejects.toMatchObject({ code: 'failed' });
    expect(dropped).toHaveLength(1);
  });

  it("passes the app's error on, an unknown code as 'failed'", async () => {
    const { requests, last } = setup();
    const first = requests.request('completion/request', REQUEST);
    requests.receive({ ...okResponse(last(), undefined), ok: false, error: { code: 'unsupported', message: 'no model' } });
    await expect(first).rejects.toMatchObject({ code: 'unsupported', message: 'completion/request: no model' });
    const second = requests.request('completion/request', REQUEST);
    requests.receive({ ...okResponse(last(), undefined), ok: false, error: { code: 'made-up' as never, message: 'x' } });
    await expect(second).rejects.toMatchObject({ code: 'failed' });
  });

  it('cancellation sends `cancel`, rejects at once, and the late answer is not counted as foreign', async () => {
    const { requests, sent, last, dropped } = setup();
    const t = token();
    const answer = requests.request('completion/request', REQUEST, { token: t });
    const request = last();
    expect(t.listening).toBe(1);
    t.cancel();
    await expect(answer).rejects.toBeInstanceOf(AppRequestError);
    await expect(answer).rejects.toMatchObject({ code: 'cancelled' });
    expect(sent.at(-1)).toMatchObject({ kind: 'cancel', id: request.id });
    expect(t.listening).toBe(0);
    requests.receive({ ...okResponse(request, undefined), ok: false, error: { code: 'cancelled', message: 'cancelled' } });
    expect(dropped).toEqual([]);
    // An answer to an id never sent is someone else's: dropped.
    requests.receive(okResponse({ ...request, id: 'h-unknown' }, ANSWER));
    expect(dropped).toHaveLength(1);
  });

  it('a token already cancelled sends nothing', async () => {
    const { requests, sent } = setup();
    const t = token();
    t.cancel();
    await expect(requests.request('completion/request', REQUEST, { token: t })).rejects.toMatchObject({ code: 'cancelled' });
    expect(sent).toEqual([]);
  });

  it('times out: cancels the request at the app and fails', async () => {
    const { requests, sent } = setup();
    const answer = requests.request('completion/request', REQUEST, { timeoutMs: 20 });
    await expect(answer).rejects.toMatchObject({ code: 'failed', message: expect.stringContaining('no answer') });
    expect(sent.map((m) => m.kind)).toEqual(['request', 'cancel']);
  });

  it('fails when the webview is gone, and on dispose', async () => {
    const gone = new AppRequests(async () => false, () => undefined);
    await expect(gone.request('completion/request', REQUEST)).rejects.toMatchObject({ code: 'failed' });
    const { requests } = setup();
    const answer = requests.request('completion/request', REQUEST);
    requests.dispose();
    await expect(answer).rejects.toMatchObject({ code: 'cancelled' });
  });
});
