import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIM_TOKENS, renderFimPrompt } from '../../inference/fim';
import { createOpenAiFimBackend } from './openai-fim';
import { fimInput, replyJson, startTestServer, type TestServer } from './test-server.test-support';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const signal = () => new AbortController().signal;

describe('createOpenAiFimBackend', () => {
  it("POSTs the family's FIM prompt to {baseUrl}/completions and reads choices[0].text", async () => {
    server.answer((_req, res) => replyJson(res, 200, { choices: [{ index: 0, text: 'a + b', finish_reason: 'length' }] }));
    const backend = createOpenAiFimBackend({
      label: 'vllm/qwen',
      baseUrl: `${server.origin}/v1/`,
      apiKey: ' sk-v ',
      model: 'Qwen/Qwen2.5-Coder-1.5B',
      family: 'qwen2.5-coder',
    });
    const input = fimInput();
    const result = await backend.complete(input, signal());

    expect(result).toEqual({ text: 'a + b', finish_reason: 'length' });
    const seen = server.requests.at(-1)!;
    expect(`${seen.method} ${seen.path}`).toBe('POST /v1/completions');
    expect(seen.headers.authorization).toBe('Bearer sk-v');
    expect(seen.body).toEqual({
      model: 'Qwen/Qwen2.5-Coder-1.5B',
      prompt:
        '<|repo_name|>calc\n<|file_sep|>src/ops.py\ndef plus(x, y): ...\n<|file_sep|>src/calc.py\n' +
        '<|fim_prefix|>def add(a, b):\n    return <|fim_suffix|>\n\nprint(add(1, 2))\n<|fim_middle|>',
      max_tokens: 64,
      temperature: 0.2,
      stop: ['\n\n', '\n', ...FIM_TOKENS['qwen2.5-coder'].stop],
      stream: false,
    });
  });

  it('uses the configured completion endpoint, with $MODEL replaced', async () => {
    server.answer((_req, res) => replyJson(res, 200, { choices: [{ text: 'x', finish_reason: 'stop' }] }));
    const backend = createOpenAiFimBackend({
      label: 'p/sc',
      baseUrl: 'http://elsewhere.invalid/v1',
      apiKey: '',
      model: 'starcoder2',
      family: 'starcoder',
      completionEndpoint: `${server.origin}/models/$MODEL/complete`,
    });
    const input = fimInput({ context: [] });
    expect(await backend.complete(input, signal())).toEqual({ text: 'x', finish_reason: 'stop' });
    const seen = server.requests.at(-1)!;
    expect(seen.path).toBe('/models/starcoder2/complete');
    expect(seen.body).toMatchObject({ prompt: renderFimPrompt('starcoder', { ...input, context: [] }) });
  });

  it('without a family it fails before any request, telling the user to pick the format on the Models page', async () => {
    const before = server.requests.length;
    const backend = createOpenAiFimBackend({ label: 'p/gpt', baseUrl: server.origin, apiKey: '', model: 'gpt-4o-mini', family: undefined });
    await expect(backend.complete(fimInput(), signal())).rejects.toMatchObject({
      name: 'ProviderError',
      kind: 'bad-request',
      message: expect.stringMatching(/"gpt-4o-mini" needs its fill-in-the-middle format.*Models page/),
    });
    expect(server.requests.length).toBe(before);
  });

  it("an answer without choices[0].text is a protocol error", async () => {
    server.answer((_req, res) => replyJson(res, 200, { choices: [{ message: { content: 'chat?' } }] }));
    const backend = createOpenAiFimBackend({ label: 'p/m', baseUrl: server.origin, apiKey: '', model: 'm', family: 'codellama' });
    await expect(backend.complete(fimInput(), signal())).rejects.toMatchObject({ kind: 'protocol', message: expect.stringContaining('choices[0].text') });
  });
});
