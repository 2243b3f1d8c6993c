import { describe, expect, it, vi } from 'vitest';
import type { CompletionRequest } from '../completion/types';
import { HostChannel, HostRequestError } from './channel';
import { CHANNEL, PROTOCOL_VERSION, type ActiveFileInfo, type ResponseMessage } from './protocol';
import { trustsOrigin } from './trust';
import { FramePair, IDE_ORIGIN, MemoryHost, connectedChannel, nextRequest, settle } from './test-support';

const fileInfo: ActiveFileInfo = { name: 'a.py', path: 'src/a.py', line1: 3, line2: 4, cursor: 2, can_paste: true };

function channelOver(pair = new FramePair()) {
  const onUntrusted = vi.fn();
  const channel = new HostChannel({ endpoint: pair.endpoint, trusts: (origin) => trustsOrigin(origin, []), onUntrusted });
  const seen: unknown[] = [];
  channel.on('activeFile/setFileInfo', (info) => seen.push(info));
  return { pair, channel, onUntrusted, seen };
}

const event = (type: string, payload: unknown) => ({ channel: CHANNEL, version: PROTOCOL_VERSION, kind: 'event', type, payload });

describe('HostChannel: who is listened to', () => {
  it('acts on a good event from the trusted parent frame', async () => {
    const { pair, channel, seen } = channelOver();
    pair.event('activeFile/setFileInfo', fileInfo);
    await settle();
    expect(seen).toEqual([fileInfo]);
    expect(channel.dropped).toBe(0);
    expect(channel.hostOrigin).toBe(IDE_ORIGIN);
  });

  it('drops and counts a good event from another frame or an untrusted origin, and says which origin', async () => {
    const { pair, channel, onUntrusted, seen } = channelOver();
    pair.deliver(event('activeFile/setFileInfo', fileInfo), { fromParent: false });
    pair.deliver(event('activeFile/setFileInfo', fileInfo), { origin: 'https://evil.com' });
    await settle();
    expect(seen).toEqual([]);
    expect(channel.dropped).toBe(2);
    expect(onUntrusted).toHaveBeenCalledExactlyOnceWith('https://evil.com');
    expect(channel.hostOrigin).toBeNull();
  });

  it('ignores messages that are not ours without counting them', async () => {
    const { pair, channel, onUntrusted } = channelOver();
    pair.deliver({ type: 'activeFile/setFileInfo', payload: fileInfo });
    pair.deliver('webpackHotUpdate', { origin: 'https://evil.com' });
    await settle();
    expect(channel.dropped).toBe(0);
    expect(onUntrusted).not.toHaveBeenCalled();
  });

  it('drops and counts malformed envelopes, unknown types and bad payloads from the trusted host', async () => {
    const { pair, channel, seen } = channelOver();
    pair.fromHost({ kind: 'event', payload: fileInfo }); // no type
    pair.fromHost({ kind: 'shout', type: 'activeFile/setFileInfo', payload: fileInfo });
    pair.fromHost({ kind: 'response', id: '', ok: true });
    pair.fromHost({ kind: 'event', type: 'ide/runAnything', payload: 'rm -rf /' });
    pair.fromHost({ kind: 'event', type: 'activeFile/setFileInfo', payload: { ...fileInfo, line1: '3' } });
    pair.fromHost({ kind: 'event', type: 'fs/changed', payload: [{ type: 'renamed', path: 'a' }] });
    await settle();
    expect(seen).toEqual([]);
    expect(channel.dropped).toBe(6);
  });

  it('once a host spoke, drops a second origin even when it would be trusted', async () => {
    const { pair, channel, seen } = channelOver();
    pair.event('activeFile/setFileInfo', fileInfo);
    await settle();
    pair.deliver(event('activeFile/setFileInfo', null), { origin: 'vscode-webview://other' });
    await settle();
    expect(seen).toEqual([fileInfo]);
    expect(channel.dropped).toBe(1);
  });

  it('before a host spoke, lets only the handshake out (to any origin) and refuses requests', async () => {
    const { pair, channel } = channelOver();
    channel.send('ide/openFile', { file_path: 'src/a.py', line: 3 });
    channel.send('ide/isChatReady', true);
    expect(pair.sent.map((s) => [s.message.kind === 'event' && s.message.type, s.targetOrigin])).toEqual([['ide/isChatReady', '*']]);
    await expect(channel.request('fs/stat', { path: 'a' })).rejects.toThrow('fs/stat: not connected to an IDE');
  });

  it('after the host spoke, sends everything to the host origin only', async () => {
    const { pair, channel } = channelOver();
    pair.event('chatThread/new', null);
    await settle();
    channel.send('ide/openFile', { file_path: 'src/a.py', line: 3 });
    channel.send('ide/isChatReady', true);
    expect(pair.sent.map((s) => s.targetOrigin)).toEqual([IDE_ORIGIN, IDE_ORIGIN]);
  });
});

describe('HostChannel: requests to the host', () => {
  it('resolves with the host answer (bytes survive the structured clone)', async () => {
    const { channel } = await connectedChannel({ host: new MemoryHost({ 'src/a.py': 'x = 1\n' }) });
    expect(await channel.request('fs/stat', { path: 'src/a.py' })).toMatchObject({ kind: 'file', size: 6 });
    expect(new TextDecoder().decode(await channel.request('fs/readFile', { path: 'src/a.py' }))).toBe('x = 1\n');
  });

  it('rejects with the host error code', async () => {
    const { channel } = await connectedChannel({ host: new MemoryHost() });
    const error = await channel.request('fs/readFile', { path: 'nope.py' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HostRequestError);
    expect(error).toMatchObject({ code: 'not-found', method: 'fs/readFile', message: 'fs/readFile: no file nope.py' });
  });

  it('treats an error with an unknown code as a plain failure', async () => {
    const { pair, channel } = await connectedChannel();
    const asked = nextRequest(pair);
    const answer = channel.request('fs/stat', { path: 'a' });
    pair.fromHost({ kind: 'response', id: (await asked).id, ok: false, error: { code: 'EACCES', message: 7 } });
    await expect(answer).rejects.toMatchObject({ code: 'failed', message: 'fs/stat: the IDE refused' });
  });

  it('rejects a malformed answer and counts it', async () => {
    const { pair, channel } = await connectedChannel();
    const asked = nextRequest(pair);
    const answer = channel.request('fs/stat', { path: 'a' });
    pair.fromHost({ kind: 'response', id: (await asked).id, ok: true, payload: { kind: 'pipe', size: 0, mtime: 0 } });
    await expect(answer).rejects.toThrow('fs/stat: the IDE answered with something malformed');
    expect(channel.dropped).toBe(1);
  });

  it('on abort tells the host to cancel, rejects with AbortError, and ignores the late answer without counting it', async () => {
    const { pair, channel } = await connectedChannel();
    const asked = nextRequest(pair);
    const controller = new AbortController();
    const answer = channel.request('fs/stat', { path: 'a' }, { signal: controller.signal });
    const { id } = await asked;
    controller.abort();
    await expect(answer).rejects.toMatchObject({ name: 'AbortError' });
    expect(pair.sentOf('cancel')).toEqual([expect.objectContaining({ id })]);
    pair.fromHost({ kind: 'response', id, ok: false, error: { message: 'cancelled', code: 'cancelled' } });
    await settle();
    expect(channel.dropped).toBe(0); // expected after a cancel, not a foreign message
    pair.fromHost({ kind: 'response', id, ok: true, payload: null }); // a second answer is made up
    await settle();
    expect(channel.dropped).toBe(1);
  });

  it('gives up after the timeout with a clear message, and tells the host to stop', async () => {
    const { pair, channel } = await connectedChannel({ timeoutMs: 20 });
    const asked = nextRequest(pair);
    const answer = channel.request('ide/toolEdit', {
      toolCall: { id: 't1', function: { name: 'update_textdoc', arguments: '{}' } },
      chatId: 'c1',
      path: 'a.py',
      edit: { file_before: 'a', file_after: 'b', chunks: [] },
    });
    await expect(answer).rejects.toThrow('ide/toolEdit: no answer from the IDE in 0.02 s');
    expect(pair.sentOf('cancel')).toEqual([expect.objectContaining({ id: (await asked).id })]);
  });

  it('passes streamed parts to onStream before the result (shell/run)', async () => {
    const { pair, channel } = await connectedChannel();
    const asked = nextRequest(pair);
    const seen: unknown[] = [];
    const done = channel
      .request('shell/run', { command: 'pytest -q', timeoutMs: 60_000 }, { onStream: (part) => seen.push(part) })
      .then((result) => seen.push(result));
    const { id } = await asked;
    pair.fromHost({ kind: 'stream', id, payload: '..F\n' });
    pair.fromHost({ kind: 'stream', id, payload: '1 failed\n' });
    pair.fromHost({ kind: 'response', id, ok: true, payload: { exitCode: 1, output: '..F\n1 failed\n' } });
    await done;
    expect(seen).toEqual(['..F\n', '1 failed\n', { exitCode: 1, output: '..F\n1 failed\n' }]);
  });
});

describe('HostChannel: requests from the host (completion/request)', () => {
  const params: CompletionRequest = {
    inputs: { sources: { 'a.py': 'def f(' }, cursor: { file: 'a.py', line: 0, character: 6 }, multiline: false },
  };
  const answer = { choices: [{ index: 0, code_completion: 'x):', finish_reason: 'stop' as const }], model: 'tiny', snippet_telemetry_id: 1, created: 0 };

  async function responseTo(pair: FramePair, id: string): Promise<ResponseMessage> {
    return new Promise((resolve) => {
      const stop = pair.onAppMessage((m) => {
        if (m.kind !== 'response' || m.id !== id) return;
        stop();
        resolve(m);
      });
    });
  }

  it('runs the handler with the params and answers with the same id, to the host origin', async () => {
    const { pair, channel } = await connectedChannel();
    const handler = vi.fn(async () => answer);
    channel.handle('completion/request', handler);
    const response = responseTo(pair, 'h1');
    pair.fromHost({ kind: 'request', id: 'h1', type: 'completion/request', payload: params });
    expect(await response).toMatchObject({ id: 'h1', ok: true, payload: answer });
    expect(handler).toHaveBeenCalledWith(params, expect.any(AbortSignal));
    expect(pair.sent.find((s) => s.message.kind === 'response')?.targetOrigin).toBe(IDE_ORIGIN);
  });

  it('a cancel aborts the handler signal and the answer says cancelled', async () => {
    const { pair, channel } = await connectedChannel();
    let signal: AbortSignal | undefined;
    channel.handle('completion/request', (_, s) => {
      signal = s;
      return new Promise((_, reject) => s.addEventListener('abort', () => reject(s.reason)));
    });
    const response = responseTo(pair, 'h2');
    pair.fromHost({ kind: 'request', id: 'h2', type: 'completion/request', payload: params });
    pair.fromHost({ kind: 'cancel', id: 'h2' });
    expect(await response).toMatchObject({ ok: false, error: { code: 'cancelled' } });
    expect(signal?.aborted).toBe(true);
  });

  it('answers cancelled even when the handler finishes regardless of the abort', async () => {
    const { pair, channel } = await connectedChannel();
    channel.handle('completion/request', async () => {
      await settle(2);
      return answer;
    });
    const response = responseTo(pair, 'h3');
    pair.fromHost({ kind: 'request', id: 'h3', type: 'completion/request', payload: params });
    pair.fromHost({ kind: 'cancel', id: 'h3' });
    expect(await response).toMatchObject({ ok: false, error: { code: 'cancelled' } });
  });

  it('answers bad-request to malformed params without calling the handler', async () => {
    const { pair, channel } = await connectedChannel();
    const handler = vi.fn(async () => answer);
    channel.handle('completion/request', handler);
    const response = responseTo(pair, 'h4');
    pair.fromHost({ kind: 'request', id: 'h4', type: 'completion/request', payload: { inputs: { ...params.inputs, cursor: { file: 'a.py', line: '0' } } } });
    expect(await response).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    expect(handler).not.toHaveBeenCalled();
    expect(channel.dropped).toBe(1);
  });

  it('answers unsupported when nothing handles the request, or the app does not know it', async () => {
    const { pair } = await connectedChannel();
    const unhandled = responseTo(pair, 'h5');
    const unknown = responseTo(pair, 'h6');
    pair.fromHost({ kind: 'request', id: 'h5', type: 'completion/request', payload: params });
    pair.fromHost({ kind: 'request', id: 'h6', type: 'completion/accepted', payload: {} });
    expect(await unhandled).toMatchObject({ ok: false, error: { code: 'unsupported' } });
    expect(await unknown).toMatchObject({ ok: false, error: { code: 'unsupported' } });
  });
});
