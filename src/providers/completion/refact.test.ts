import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRefactCompletionBackend } from './refact';
import { fimInput, replyJson, startTestServer, type TestServer } from './test-server.test-support';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const backend = (apiKey = '') =>
  createRefactCompletionBackend({ label: 'refact/starcoder2/3b', baseUrl: `${server.origin}/v1/`, apiKey, model: 'starcoder2/3b' });

describe('createRefactCompletionBackend', () => {
  it('POSTs the editor request to {root}/v1/code-completion with our model, the core sampling and no server cache', async () => {
    server.answer((_req, res) => replyJson(res, 200, { choices: [{ index: 0, code_completion: 'a + b', finish_reason: 'stop' }] }));
    const input = fimInput({ temperature: 0.6, maxTokens: 32 });
    const result = await backend('sk-r').complete(input, new AbortController().signal);

    expect(result).toEqual({ text: 'a + b', finish_reason: 'stop' });
    const seen = server.requests.at(-1)!;
    expect(`${seen.method} ${seen.path}`).toBe('POST /v1/code-completion');
    expect(seen.headers.authorization).toBe('Bearer sk-r');
    expect(seen.headers.cookie).toBeUndefined();
    expect(seen.headers.referer).toBeUndefined();
    expect(seen.body).toEqual({
      model: 'starcoder2/3b',
      inputs: input.request.inputs,
      parameters: { max_new_tokens: 32, temperature: 0.6 },
      stream: false,
      no_cache: true,
      use_ast: false,
      use_vecdb: false,
      rag_tokens_n: 0,
    });
  });

  it("reads finish_reason 'length' and sends no Authorization without a key", async () => {
    server.answer((_req, res) => replyJson(res, 200, { choices: [{ index: 0, code_completion: 'a +', finish_reason: 'length' }], model: 'x' }));
    const result = await backend().complete(fimInput(), new AbortController().signal);
    expect(result).toEqual({ text: 'a +', finish_reason: 'length' });
    expect(server.requests.at(-1)!.headers.authorization).toBeUndefined();
  });

  it('an answer without choices is a protocol error naming the field', async () => {
    server.answer((_req, res) => replyJson(res, 200, { choices: [] }));
    await expect(backend().complete(fimInput(), new AbortController().signal)).rejects.toMatchObject({
      kind: 'protocol',
      message: expect.stringContaining('choices[0].code_completion'),
    });
  });

  it("a 200 carrying Refact's {detail} error reports the server's message", async () => {
    server.answer((_req, res) => replyJson(res, 200, { detail: 'model "x" is not loaded' }));
    await expect(backend().complete(fimInput(), new AbortController().signal)).rejects.toMatchObject({
      kind: 'server',
      message: expect.stringContaining('model "x" is not loaded'),
    });
  });
});
