import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLlamaCppCompletionBackend, llamaCppFinishReason } from './llamacpp';
import { fimInput, replyJson, startTestServer, type TestServer } from './test-server.test-support';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const backend = (model = 'qwen2.5-coder-1.5b', apiKey = '') =>
  createLlamaCppCompletionBackend({ label: `llamacpp/${model}`, baseUrl: `${server.origin}/v1/`, apiKey, model });
const signal = () => new AbortController().signal;

describe('createLlamaCppCompletionBackend', () => {
  it('POSTs prefix, suffix and context files to {root}/infill and reads content', async () => {
    server.answer((_req, res) =>
      replyJson(res, 200, { content: 'a + b', stop: true, stop_type: 'eos', stopped_limit: null, tokens_predicted: 4 }),
    );
    expect(await backend('qwen', 'sk-l').complete(fimInput(), signal())).toEqual({ text: 'a + b', finish_reason: 'stop' });
    const seen = server.requests.at(-1)!;
    expect(`${seen.method} ${seen.path}`).toBe('POST /infill');
    expect(seen.headers.authorization).toBe('Bearer sk-l');
    expect(seen.body).toEqual({
      model: 'qwen',
      input_prefix: 'def add(a, b):\n    return ',
      input_suffix: '\n\nprint(add(1, 2))\n',
      input_extra: [{ filename: 'src/ops.py', text: 'def plus(x, y): ...' }],
      prompt: '',
      n_predict: 64,
      temperature: 0.2,
      stop: ['\n\n', '\n'],
      cache_prompt: true,
      stream: false,
    });
  });

  it('maps stop_type "limit" to length and leaves the model out when it has no name', async () => {
    server.answer((_req, res) => replyJson(res, 200, { content: 'a +', stop_type: 'limit' }));
    expect(await backend('').complete(fimInput(), signal())).toEqual({ text: 'a +', finish_reason: 'length' });
    expect(server.requests.at(-1)!.body).not.toHaveProperty('model');
  });

  it("a model without FIM tokens: the server's 501 message reaches the user", async () => {
    server.answer((_req, res) =>
      replyJson(res, 501, { error: { code: 501, message: 'Infill is not supported by this model: prefix token is missing', type: 'not_supported_error' } }),
    );
    await expect(backend().complete(fimInput(), signal())).rejects.toMatchObject({
      kind: 'server',
      message: expect.stringContaining('Infill is not supported by this model'),
    });
  });
});

describe('llamaCppFinishReason', () => {
  it('is length only when generation hit n_predict, in the new and the old field', () => {
    expect(llamaCppFinishReason({ stop_type: 'limit' })).toBe('length');
    expect(llamaCppFinishReason({ stop_type: 'eos', stopped_limit: null })).toBe('stop');
    expect(llamaCppFinishReason({ stop_type: 'word', stopping_word: '\n' })).toBe('stop');
    expect(llamaCppFinishReason({ stopped_eos: false, stopped_word: false, stopped_limit: true })).toBe('length');
    expect(llamaCppFinishReason({ stopped_eos: true, stopped_word: false, stopped_limit: false })).toBe('stop');
    expect(llamaCppFinishReason({})).toBe('stop');
  });
});
