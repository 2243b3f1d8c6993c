import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFromPreset, type PresetId, type ProviderConfig } from '../config';
import { ProviderError } from '../types';
import { createCompletionBackend } from './from-config';
import { dropMidBody, fimInput, hold, replyJson, replyText, startTestServer, type TestServer } from './test-server.test-support';

/**
 * Every wire format through createCompletionBackend: where each kind sends its
 * request, and the failures every format must report the same way.
 */

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

interface Format {
  preset: PresetId;
  model: string;
  path: string;
  answer: unknown;
}

const FORMATS: Format[] = [
  { preset: 'refact', model: 'starcoder2/3b', path: '/v1/code-completion', answer: { choices: [{ code_completion: 'ok', finish_reason: 'stop' }] } },
  { preset: 'vllm', model: 'Qwen/Qwen2.5-Coder-1.5B', path: '/v1/completions', answer: { choices: [{ text: 'ok', finish_reason: 'stop' }] } },
  { preset: 'lmstudio', model: 'starcoder2-3b', path: '/v1/completions', answer: { choices: [{ text: 'ok', finish_reason: 'stop' }] } },
  { preset: 'openai', model: 'deepseek-coder-6.7b-base', path: '/v1/completions', answer: { choices: [{ text: 'ok', finish_reason: 'stop' }] } },
  { preset: 'ollama', model: 'qwen2.5-coder:1.5b', path: '/api/generate', answer: { response: 'ok', done: true, done_reason: 'stop' } },
  { preset: 'llamacpp', model: 'any', path: '/infill', answer: { content: 'ok', stop_type: 'eos' } },
];

function configFor(format: Format, apiKey = ''): ProviderConfig {
  // Refact servers are entered by their root, the others by their OpenAI-style /v1 base.
  const baseUrl = format.preset === 'refact' ? server.origin : `${server.origin}/v1`;
  return configFromPreset(format.preset, { id: format.preset, baseUrl, apiKey });
}

async function failure(promise: Promise<unknown>): Promise<ProviderError> {
  const error: unknown = await promise.then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!(error instanceof ProviderError)) throw new Error(`expected a ProviderError, got ${String(error)}`);
  return error;
}

describe.each(FORMATS)('createCompletionBackend: $preset', (format) => {
  const backend = (apiKey = '') => createCompletionBackend(configFor(format, apiKey), format.model);
  const signal = () => new AbortController().signal;

  it(`POSTs to ${format.path} and labels itself <provider>/<model>`, async () => {
    server.answer((_req, res) => replyJson(res, 200, format.answer));
    const b = backend();
    expect(b.label).toBe(`${format.preset}/${format.model}`);
    expect(await b.complete(fimInput(), signal())).toEqual({ text: 'ok', finish_reason: 'stop' });
    expect(server.requests.at(-1)?.path).toBe(format.path);
  });

  it('401 with a key: the key was rejected', async () => {
    server.answer((_req, res) => replyJson(res, 401, { error: { message: 'Invalid API Key', type: 'authentication_error' } }));
    const error = await failure(backend('sk-bad').complete(fimInput(), signal()));
    expect(error).toMatchObject({ kind: 'auth', status: 401, retryable: false });
    expect(error.message).toMatch(/rejected the API key \(401\): Invalid API Key/);
  });

  it('429: rate-limited, with the wait the server asked for', async () => {
    server.answer((_req, res) => {
      res.setHeader('Retry-After', '7');
      replyJson(res, 429, { error: 'slow down' });
    });
    const error = await failure(backend().complete(fimInput(), signal()));
    expect(error).toMatchObject({ kind: 'rate-limit', status: 429, retryable: true });
    expect(error.message).toMatch(/rate-limiting.*Retry after 7 s/);
  });

  it('503: the server failed, with its message', async () => {
    server.answer((_req, res) => replyText(res, 503, '<html><body>Loading model</body></html>', 'text/html'));
    const error = await failure(backend().complete(fimInput(), signal()));
    expect(error).toMatchObject({ kind: 'server', status: 503, retryable: true });
    expect(error.message).toContain('Loading model');
  });

  it('a body that is not JSON is a protocol error', async () => {
    server.answer((_req, res) => replyText(res, 200, '{"choices": [ oops'));
    const error = await failure(backend().complete(fimInput(), signal()));
    expect(error.kind).toBe('protocol');
    expect(error.message).toContain('not JSON');
  });

  it('a connection dropped mid-answer is a network error saying so', async () => {
    server.answer((_req, res) => dropMidBody(res));
    const error = await failure(backend().complete(fimInput(), signal()));
    expect(error).toMatchObject({ kind: 'network', retryable: true });
    expect(error.message).toMatch(/dropped before the completion arrived/);
  });

  it('an abort while the server holds the answer rejects at once and closes the connection', async () => {
    server.answer(hold);
    const controller = new AbortController();
    const pending = backend().complete(fimInput(), controller.signal);
    while (server.requests.at(-1)?.path !== format.path || server.requests.at(-1)?.body === undefined) {
      await new Promise((r) => setTimeout(r, 5));
    }
    const held = server.requests.at(-1)!;
    const started = performance.now();
    controller.abort();
    const error = await failure(pending);
    expect(error.kind).toBe('aborted');
    expect(performance.now() - started).toBeLessThan(200);
    await held.connectionClosed;
  });
});

describe('createCompletionBackend', () => {
  const ollama = FORMATS.find((f) => f.preset === 'ollama')!;

  it('an already aborted signal rejects without contacting the server', async () => {
    const before = server.requests.length;
    const controller = new AbortController();
    controller.abort();
    const error = await failure(createCompletionBackend(configFor(ollama), ollama.model).complete(fimInput(), controller.signal));
    expect(error.kind).toBe('aborted');
    expect(server.requests.length).toBe(before);
  });

  it('an unreachable server is a network error with the CORS question', async () => {
    const config = configFromPreset('ollama', { baseUrl: 'http://127.0.0.1:9/v1' });
    const error = await failure(createCompletionBackend(config, 'm').complete(fimInput(), new AbortController().signal));
    expect(error.kind).toBe('network');
    expect(error.message).toMatch(/Could not reach 127\.0\.0\.1:9.*CORS/);
  });

  it("OpenAI-compatible kinds take the model's stored FIM format over the name's guess", async () => {
    server.answer((_req, res) => replyJson(res, 200, { choices: [{ text: 'ok', finish_reason: 'stop' }] }));
    const config = configFromPreset('vllm', {
      baseUrl: `${server.origin}/v1`,
      completionModels: { 'my-finetune': { n_ctx: 2048, enabled: true, fim_family: 'codellama' } },
    });
    await createCompletionBackend(config, 'my-finetune').complete(fimInput({ context: [] }), new AbortController().signal);
    expect(server.requests.at(-1)?.body).toMatchObject({ prompt: expect.stringMatching(/^<PRE> def add/) });
  });

  it('an OpenAI-compatible model with no known format fails with the Models page hint', async () => {
    const config = configFromPreset('openai', { baseUrl: `${server.origin}/v1` });
    const error = await failure(createCompletionBackend(config, 'gpt-4o-mini').complete(fimInput(), new AbortController().signal));
    expect(error.kind).toBe('bad-request');
    expect(error.message).toContain('Models page');
  });
});
