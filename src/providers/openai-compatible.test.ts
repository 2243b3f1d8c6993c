import { describe, expect, it } from 'vitest';
import { createOpenAiCompatibleProvider, parseModelList } from './openai-compatible';
import type { FetchLike } from './http';
import { ProviderError, type ChatChunk, type ChatRequest } from './types';

const encode = (s: string) => new TextEncoder().encode(s);
const REQUEST: ChatRequest = { model: 'm1', messages: [{ role: 'user', content: 'hi' }] };

interface Call {
  url: string;
  init: RequestInit;
}

/** A fetch that answers each call with the next of `answers`, recording calls. */
function fakeFetch(...answers: ((init: RequestInit) => Response | Promise<Response>)[]): FetchLike & { calls: Call[] } {
  const calls: Call[] = [];
  const fn = async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    const answer = answers.shift();
    if (!answer) throw new Error(`unexpected fetch ${url}`);
    return answer(init);
  };
  return Object.assign(fn, { calls });
}

/** An SSE response, one chunk per read; `end` says how the body ends after the chunks. */
function sse(chunks: string[], end: 'close' | 'drop' | 'hang' = 'close', init?: ResponseInit) {
  return (requestInit: RequestInit) => {
    const queue = [...chunks];
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        requestInit.signal?.addEventListener('abort', () => controller.error(new DOMException('aborted', 'AbortError')));
      },
      pull(controller) {
        const next = queue.shift();
        if (next !== undefined) controller.enqueue(encode(next));
        else if (end === 'close') controller.close();
        else if (end === 'drop') controller.error(new TypeError('network error'));
        else return new Promise<void>(() => {}); // hang until aborted
      },
    });
    return new Response(stream, { headers: { 'Content-Type': 'text/event-stream' }, ...init });
  };
}

function json(status: number, body: unknown, headers: Record<string, string> = {}) {
  return () => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } });
}

const delta = (d: object, finish: string | null = null) =>
  `data: ${JSON.stringify({ choices: [{ index: 0, delta: d, finish_reason: finish }] })}\n\n`;

/** Runs a stream to the end: the chunks received and the error (if any). */
async function run(
  fetch: FetchLike,
  options: { apiKey?: string; chatEndpoint?: string; signal?: AbortSignal; onChunk?: (c: ChatChunk) => void } = {},
) {
  const provider = createOpenAiCompatibleProvider({
    id: 'p',
    baseUrl: 'https://api.example.com/v1/',
    fetch,
    ...(options.apiKey !== undefined && { apiKey: options.apiKey }),
    ...(options.chatEndpoint !== undefined && { chatEndpoint: options.chatEndpoint }),
  });
  const chunks: ChatChunk[] = [];
  let error: ProviderError | undefined;
  try {
    for await (const chunk of provider.streamChat(REQUEST, options.signal ?? new AbortController().signal)) {
      chunks.push(chunk);
      options.onChunk?.(chunk);
    }
  } catch (err) {
    if (!(err instanceof ProviderError)) throw err;
    error = err;
  }
  return { chunks, error, text: chunks.map((c) => c.choices[0]?.delta.content ?? '').join('') };
}

describe('createOpenAiCompatibleProvider: requests', () => {
  it('POSTs a streaming request to {baseUrl}/chat/completions with the key only in Authorization', async () => {
    const fetch = fakeFetch(sse([delta({ content: 'ok' }, 'stop'), 'data: [DONE]\n\n']));
    const { text, error } = await run(fetch, { apiKey: ' sk-1 ' });
    expect(error).toBeUndefined();
    expect(text).toBe('ok');
    const call = fetch.calls[0]!;
    expect(call.url).toBe('https://api.example.com/v1/chat/completions');
    expect(call.init).toMatchObject({ method: 'POST', credentials: 'omit', referrerPolicy: 'no-referrer' });
    expect(call.init.headers).toEqual({
      'Content-Type': 'application/json',
      Accept: 'text/event-stream, application/json',
      Authorization: 'Bearer sk-1',
    });
    expect(JSON.parse(call.init.body as string)).toEqual({
      model: 'm1',
      messages: REQUEST.messages,
      stream: true,
      stream_options: { include_usage: true },
    });
  });

  it('sends no Authorization header without a key, and fills $MODEL in an explicit endpoint', async () => {
    const fetch = fakeFetch(sse([delta({}, 'stop')]));
    await run(fetch, { chatEndpoint: 'https://gw.example.com/deploy/$MODEL/chat?v=1' });
    expect(fetch.calls[0]!.url).toBe('https://gw.example.com/deploy/m1/chat?v=1');
    expect(fetch.calls[0]!.init.headers).not.toHaveProperty('Authorization');
  });

  it('retries once without stream_options when the server rejects it, and remembers', async () => {
    const fetch = fakeFetch(
      json(400, { error: { message: "Unrecognized request argument supplied: stream_options" } }),
      sse([delta({ content: 'a' }, 'stop')]),
    );
    const { text } = await run(fetch);
    expect(text).toBe('a');
    expect(fetch.calls).toHaveLength(2);
    expect(JSON.parse(fetch.calls[1]!.init.body as string)).not.toHaveProperty('stream_options');
  });

  it('accepts a server that ignores stream:true and answers with one JSON object', async () => {
    const fetch = fakeFetch(
      json(200, {
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: 'whole', tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{}' } }] },
            finish_reason: 'tool_calls',
          },
        ],
        usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 },
      }),
    );
    const { chunks, error } = await run(fetch);
    expect(error).toBeUndefined();
    expect(chunks).toEqual([
      {
        choices: [
          {
            index: 0,
            delta: { role: 'assistant', content: 'whole', tool_calls: [{ index: 0, id: 'c', type: 'function', function: { name: 'f', arguments: '{}' } }] },
            finish_reason: 'tool_calls',
          },
        ],
        usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 },
      },
    ]);
  });

  it('refuses a base URL that is not http(s)', () => {
    expect(() => createOpenAiCompatibleProvider({ id: 'p', baseUrl: 'ftp://x' })).toThrow(/must start with http/);
    expect(() => createOpenAiCompatibleProvider({ id: 'p', baseUrl: 'localhost:11434' })).toThrow(ProviderError);
  });
});

describe('createOpenAiCompatibleProvider: failures', () => {
  it.each([
    [401, { error: { message: 'Incorrect API key provided.' } }, {}, 'auth', 'The provider rejected the API key (401): Incorrect API key provided. Check'],
    [403, { detail: 'Forbidden' }, {}, 'auth', 'rejected the API key (403): Forbidden'],
    [429, { error: { message: 'Rate limit reached' } }, { 'Retry-After': '12' }, 'rate-limit', '(429): Rate limit reached. Retry after 12 s.'],
    [500, { error: { message: 'CUDA out of memory' } }, {}, 'server', "The provider's server failed (500): CUDA out of memory"],
    [404, { error: 'model "m1" not found, try pulling it first' }, {}, 'bad-request', 'model "m1" not found'],
  ])('HTTP %i becomes a clear ProviderError', async (status, body, headers, kind, message) => {
    const { error } = await run(fakeFetch(json(status, body, headers)), { apiKey: 'k' });
    expect(error?.kind).toBe(kind);
    expect(error?.status).toBe(status);
    expect(error?.message).toContain(message);
  });

  it('says a key is needed when none was set', async () => {
    const { error } = await run(fakeFetch(json(401, { error: { message: 'no key' } })));
    expect(error?.message).toContain('The provider needs an API key (401)');
  });

  it('summarises an HTML error page', async () => {
    const fetch = fakeFetch(() => new Response('<html><body><h1>502 Bad Gateway</h1></body></html>', { status: 502 }));
    const { error } = await run(fetch);
    expect(error?.message).toBe("The provider's server failed (502): 502 Bad Gateway");
  });

  it('names the host when fetch fails', async () => {
    const fetch: FetchLike = async () => {
      throw new TypeError('Failed to fetch');
    };
    const { error } = await run(fetch);
    expect(error?.kind).toBe('network');
    expect(error?.message).toMatch(/^Could not reach api\.example\.com: Failed to fetch\./);
    expect(error?.retryable).toBe(true);
  });

  it('a connection dropped mid-answer keeps the chunks that arrived', async () => {
    const { text, error } = await run(fakeFetch(sse([delta({ content: 'Hel' }), delta({ content: 'lo' })], 'drop')));
    expect(text).toBe('Hello');
    expect(error?.kind).toBe('network');
    expect(error?.message).toBe('The connection dropped mid-answer; what arrived is kept');
  });

  it('a stream that just ends without finish_reason or [DONE] counts as dropped', async () => {
    const { text, error } = await run(fakeFetch(sse([delta({ content: 'Hel' })])));
    expect(text).toBe('Hel');
    expect(error?.kind).toBe('network');
  });

  it('a drop after finish_reason loses only the tail: no error', async () => {
    const { text, error } = await run(fakeFetch(sse([delta({ content: 'done' }, 'stop')], 'drop')));
    expect(text).toBe('done');
    expect(error).toBeUndefined();
  });

  it('a garbage line ends the stream with a protocol error after the chunks before it', async () => {
    const { text, error } = await run(fakeFetch(sse([delta({ content: 'ok' }), 'data: {oops\n\n', delta({ content: 'never' })])));
    expect(text).toBe('ok');
    expect(error?.kind).toBe('protocol');
    expect(error?.message).toContain('"data: {oops"');
  });

  it('an error object in the stream keeps what came before', async () => {
    const { text, error } = await run(fakeFetch(sse([delta({ content: 'a' }), 'data: {"error":{"message":"upstream timeout"}}\n\n'])));
    expect(text).toBe('a');
    expect(error).toMatchObject({ kind: 'server', message: 'The server reported an error mid-answer: upstream timeout' });
  });

  it('aborting mid-answer gives kind "aborted" and keeps the chunks', async () => {
    const controller = new AbortController();
    const { text, error } = await run(fakeFetch(sse([delta({ content: 'partial' })], 'hang')), {
      signal: controller.signal,
      onChunk: () => controller.abort(),
    });
    expect(text).toBe('partial');
    expect(error?.kind).toBe('aborted');
  });

  it('an already aborted signal sends nothing', async () => {
    const fetch = fakeFetch();
    const controller = new AbortController();
    controller.abort();
    const { error } = await run(fetch, { signal: controller.signal });
    expect(error?.kind).toBe('aborted');
    expect(fetch.calls).toHaveLength(0);
  });
});

describe('listModels', () => {
  it('GETs {baseUrl}/models and reads context windows where servers give them', async () => {
    const fetch = fakeFetch(
      json(200, {
        object: 'list',
        data: [{ id: 'qwen', max_model_len: 32768, owned_by: 'vllm' }, { id: 'gpt-4o' }, { bad: true }],
      }),
    );
    const provider = createOpenAiCompatibleProvider({ id: 'p', baseUrl: 'http://127.0.0.1:8000/v1', apiKey: 'k', fetch });
    expect(await provider.listModels()).toEqual([{ id: 'qwen', contextWindow: 32768, ownedBy: 'vllm' }, { id: 'gpt-4o' }]);
    expect(fetch.calls[0]).toMatchObject({ url: 'http://127.0.0.1:8000/v1/models', init: { method: 'GET', headers: { Authorization: 'Bearer k' } } });
  });

  it('reads Ollama\'s native list and rejects other JSON', () => {
    expect(parseModelList({ models: [{ name: 'llama3.2:3b' }] })).toEqual([{ id: 'llama3.2:3b' }]);
    expect(parseModelList({ hello: 1 })).toBeUndefined();
  });

  it('maps a 401 like chat does', async () => {
    const provider = createOpenAiCompatibleProvider({ id: 'p', baseUrl: 'http://h/v1', apiKey: 'bad', fetch: fakeFetch(json(401, { error: { message: 'nope' } })) });
    await expect(provider.listModels()).rejects.toMatchObject({ kind: 'auth' });
  });
});
