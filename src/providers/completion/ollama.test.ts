import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOllamaCompletionBackend } from './ollama';
import { fimInput, replyJson, startTestServer, type TestServer } from './test-server.test-support';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const backend = () =>
  createOllamaCompletionBackend({ label: 'ollama/qwen2.5-coder:1.5b', baseUrl: `${server.origin}/v1`, apiKey: '', model: 'qwen2.5-coder:1.5b' });
const signal = () => new AbortController().signal;

describe('createOllamaCompletionBackend', () => {
  it('POSTs prompt (context as comments + prefix) and suffix to {root}/api/generate, reading response/done_reason', async () => {
    server.answer((_req, res) =>
      replyJson(res, 200, { model: 'qwen2.5-coder:1.5b', response: 'a + b', done: true, done_reason: 'stop', eval_count: 4 }),
    );
    expect(await backend().complete(fimInput(), signal())).toEqual({ text: 'a + b', finish_reason: 'stop' });
    const seen = server.requests.at(-1)!;
    expect(`${seen.method} ${seen.path}`).toBe('POST /api/generate');
    expect(seen.headers.authorization).toBeUndefined();
    expect(seen.body).toEqual({
      model: 'qwen2.5-coder:1.5b',
      prompt: '# Path: src/ops.py\n# def plus(x, y): ...\ndef add(a, b):\n    return ',
      suffix: '\n\nprint(add(1, 2))\n',
      stream: false,
      options: { temperature: 0.2, num_predict: 64, stop: ['\n\n', '\n'] },
    });
  });

  it("maps done_reason 'length', and sends \"\\n\" for an empty suffix so Ollama keeps its FIM template", async () => {
    server.answer((_req, res) => replyJson(res, 200, { response: 'a +', done: true, done_reason: 'length' }));
    const result = await backend().complete(fimInput({ suffix: '', context: [] }), signal());
    expect(result).toEqual({ text: 'a +', finish_reason: 'length' });
    expect(server.requests.at(-1)!.body).toMatchObject({ prompt: 'def add(a, b):\n    return ', suffix: '\n' });
  });

  it('an answer without "response" is a protocol error', async () => {
    server.answer((_req, res) => replyJson(res, 200, { done: true }));
    await expect(backend().complete(fimInput(), signal())).rejects.toMatchObject({ kind: 'protocol', message: expect.stringContaining('"response"') });
  });

  it("a model without FIM support: Ollama's 400 message reaches the user", async () => {
    server.answer((_req, res) => replyJson(res, 400, { error: 'registry.ollama.ai/library/llama3:latest does not support insert' }));
    await expect(backend().complete(fimInput(), signal())).rejects.toMatchObject({
      kind: 'bad-request',
      status: 400,
      message: expect.stringContaining('does not support insert'),
    });
  });
});
