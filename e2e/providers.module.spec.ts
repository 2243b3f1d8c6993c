/**
 * Remote providers in Chromium, over real HTTP to a scripted OpenAI-compatible
 * server on another origin (so CORS and preflights are real): streaming at
 * awkward byte boundaries, every failure kind, keys, Refact caps.
 */
import type { Page } from '@playwright/test';
import type { ChatChunk, ChatRequest } from '../src/providers/types';
import { DONE, awkwardCuts, chunk, expect, startOpenAiServer, test, type StreamPart } from './support/openai-server';

type OpenAiModule = typeof import('../src/providers/openai-compatible');
type RefactModule = typeof import('../src/providers/refact-server');

interface PageError {
  name: string;
  kind: string;
  message: string;
  status: number | null;
  retryable: boolean;
}

interface ChatRun {
  chunks: ChatChunk[];
  error: PageError | null;
}

const REQUEST: ChatRequest = {
  model: 'test-model',
  messages: [
    { role: 'user', content: 'Read ünï.ts' },
    { role: 'assistant', content: 'Sure.', reasoning_content: 'private thoughts' },
    { role: 'user', content: 'Go on' },
  ],
};

/** Streams one chat in the page through the real provider module; returns what the caller received. */
function chatInPage(
  page: Page,
  args: { baseUrl: string; apiKey?: string; abortAfterChunks?: number; provider?: 'openai' | 'refact' },
): Promise<ChatRun> {
  return page.evaluate(
    async ({ baseUrl, apiKey, abortAfterChunks, provider, request }) => {
      const chunks: ChatChunk[] = [];
      const controller = new AbortController();
      const chat =
        provider === 'refact'
          ? ((await import('/src/providers/refact-server.ts' as string)) as RefactModule).createRefactServerProvider({
              id: 'refact',
              baseUrl,
              ...(apiKey !== undefined && { apiKey }),
            })
          : ((await import('/src/providers/openai-compatible.ts' as string)) as OpenAiModule).createOpenAiCompatibleProvider({
              id: 'test',
              baseUrl,
              ...(apiKey !== undefined && { apiKey }),
            });
      try {
        for await (const c of chat.streamChat(request, controller.signal)) {
          chunks.push(c);
          (globalThis as { chunksReceived?: number }).chunksReceived = chunks.length;
          if (abortAfterChunks !== undefined && chunks.length >= abortAfterChunks) controller.abort();
        }
        return { chunks, error: null };
      } catch (err) {
        const e = err as Error & { kind?: string; status?: number; retryable?: boolean };
        return {
          chunks,
          error: { name: e.name, kind: e.kind ?? '', message: e.message, status: e.status ?? null, retryable: e.retryable ?? false },
        };
      }
    },
    { ...args, provider: args.provider ?? 'openai', request: REQUEST },
  );
}

/** What a chat merge makes of the chunks: text, reasoning, tool calls by index, finish, usage. */
function merged(chunks: ChatChunk[]) {
  let content = '';
  let reasoning = '';
  let finish: string | null = null;
  let usage: unknown = null;
  const calls: { id?: string; name: string; arguments: string }[] = [];
  for (const c of chunks) {
    if (c.usage) usage = c.usage;
    for (const choice of c.choices) {
      content += choice.delta.content ?? '';
      reasoning += choice.delta.reasoning_content ?? '';
      finish = choice.finish_reason ?? finish;
      for (const t of choice.delta.tool_calls ?? []) {
        const call = (calls[t.index] ??= { name: '', arguments: '' });
        if (t.id) call.id = t.id;
        call.name += t.function?.name ?? '';
        call.arguments += t.function?.arguments ?? '';
      }
    }
  }
  return { content, reasoning, calls, finish, usage };
}

test.beforeEach(async ({ page }) => {
  await page.goto('/e2e/harness/index.html');
});

test('content, reasoning and tool calls cut at awkward byte boundaries arrive intact', async ({ page, openai }) => {
  const stream: StreamPart[] = [
    { raw: ': keep-alive\r\n\r\n' },
    { data: chunk.role() },
    { data: chunk.reasoning('Denke nach… 🤔 ', 'reasoning') }, // Ollama's field name
    { data: chunk.reasoning('ünï') },
    { data: chunk.content('Héllo, wörld — ') },
    { raw: `data:${JSON.stringify(chunk.content('你好 🎉'))}\r\n\r\n` }, // no space after "data:"
    { data: chunk.toolCall(0, { id: 'call_0', name: 'read_file', arguments: '' }) },
    { data: chunk.toolCall(0, { arguments: '{"path":' }) },
    { data: chunk.toolCall(0, { arguments: '"src/ünï.ts"}' }) },
    { data: chunk.toolCall(1, { name: 'grep', arguments: '{"q":"€"}' }) }, // no id: left for the merge to make up
    { data: chunk.finish('tool_calls') },
    { data: chunk.usage(12, 34) },
    DONE,
  ];
  const reply = {
    stream,
    eol: '\r\n' as const,
    chunkDelayMs: 8,
    splitAt: (bytes: Uint8Array) => [...awkwardCuts.all(bytes), ...Array.from({ length: bytes.length / 29 }, (_, i) => i * 29 + 5)],
  };
  openai.reply('POST /v1/chat/completions', reply, reply);

  const run = await chatInPage(page, { baseUrl: openai.baseUrl, apiKey: 'sk-test-123' });
  expect(run.error).toBeNull();
  expect(merged(run.chunks)).toEqual({
    content: 'Héllo, wörld — 你好 🎉',
    reasoning: 'Denke nach… 🤔 ünï',
    calls: [
      { id: 'call_0', name: 'read_file', arguments: '{"path":"src/ünï.ts"}' },
      { name: 'grep', arguments: '{"q":"€"}' },
    ],
    finish: 'tool_calls',
    usage: { prompt_tokens: 12, completion_tokens: 34, total_tokens: 46 },
  });
  // Tool-call fragments stay fragments, with their index.
  expect(run.chunks.filter((c) => c.choices[0]?.delta.tool_calls).map((c) => c.choices[0]?.delta.tool_calls?.[0]?.index)).toEqual([0, 0, 0, 1]);

  const [call] = openai.calls('POST /v1/chat/completions');
  expect(call?.headers.authorization).toBe('Bearer sk-test-123');
  expect(call?.body).toEqual({
    model: 'test-model',
    stream: true,
    stream_options: { include_usage: true },
    messages: [
      { role: 'user', content: 'Read ünï.ts' },
      { role: 'assistant', content: 'Sure.' },
      { role: 'user', content: 'Go on' },
    ],
  });
  // The key travelled only in the Authorization header.
  for (const r of openai.requests) {
    expect(r.path).not.toContain('sk-test-123');
    expect(JSON.stringify(r.body ?? '')).not.toContain('sk-test-123');
  }

  // The same bytes read raw in the page: the cuts really reach the browser's reader as
  // separate reads, inside UTF-8 characters, inside "data:" and between \r and \n (a loaded
  // machine may coalesce some writes, so at least one of each).
  const reads = await page.evaluate(async (url) => {
    const response = await fetch(url, { method: 'POST', body: '{}' });
    const reader = response.body!.getReader();
    const sizes: number[] = [];
    for (let r = await reader.read(); !r.done; r = await reader.read()) sizes.push(r.value.byteLength);
    return sizes;
  }, `${openai.baseUrl}/chat/completions`);
  const bytes = Buffer.concat(
    stream.map((p) => Buffer.from('data' in p ? `data: ${typeof p.data === 'string' ? p.data : JSON.stringify(p.data)}\r\n\r\n` : 'raw' in p ? String(p.raw) : '')),
  );
  const boundaries = new Set(reads.map((_, i) => reads.slice(0, i + 1).reduce((a, b) => a + b, 0)));
  expect(reads.reduce((a, b) => a + b, 0)).toBe(bytes.length);
  expect(awkwardCuts.insideUtf8(bytes).filter((c) => boundaries.has(c)).length).toBeGreaterThan(0);
  expect(awkwardCuts.inside(bytes, '\r\n', 1).filter((c) => boundaries.has(c)).length).toBeGreaterThan(0);
  expect(awkwardCuts.inside(bytes, 'data:', 2).filter((c) => boundaries.has(c)).length).toBeGreaterThan(0);
});

test('the test server answers CORS preflights for Authorization', async ({ openai }) => {
  // Under the privacy guard's context.route, Playwright answers preflights itself, so the
  // page's own never reach the server; ask it directly, as a browser without routing would.
  const response = await fetch(`${openai.baseUrl}/chat/completions`, {
    method: 'OPTIONS',
    headers: { Origin: 'https://app.example', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization,content-type' },
  });
  expect(response.status).toBe(204);
  expect(response.headers.get('access-control-allow-origin')).toBe('*');
  expect(response.headers.get('access-control-allow-headers')).toBe('authorization,content-type');
  expect(response.headers.get('access-control-allow-methods')).toContain('POST');
});

test.describe('failures become ProviderErrors and keep what arrived', () => {
  test('401: the key is rejected', async ({ page, openai }) => {
    openai.reply('POST /v1/chat/completions', { status: 401, json: { error: { message: 'Incorrect API key provided: sk-wr***', type: 'invalid_request_error' } } });
    const run = await chatInPage(page, { baseUrl: openai.baseUrl, apiKey: 'sk-wrong' });
    expect(run.error).toMatchObject({ name: 'ProviderError', kind: 'auth', status: 401, retryable: false });
    expect(run.error?.message).toBe(
      "The provider rejected the API key (401): Incorrect API key provided: sk-wr***. Check the key in the provider's settings.",
    );
    expect(openai.calls('POST /v1/chat/completions')[0]?.headers.authorization).toBe('Bearer sk-wrong');
  });

  test('429: rate-limited, with Retry-After', async ({ page, openai }) => {
    openai.reply('POST /v1/chat/completions', {
      status: 429,
      headers: { 'Retry-After': '7' },
      json: { error: { message: 'Rate limit reached for requests', type: 'requests' } },
    });
    const run = await chatInPage(page, { baseUrl: openai.baseUrl, apiKey: 'k' });
    expect(run.error).toMatchObject({ kind: 'rate-limit', status: 429, retryable: true });
    expect(run.error?.message).toBe('The provider is rate-limiting requests (429): Rate limit reached for requests. Retry after 7 s.');
  });

  test('500: the server failed, in its own words', async ({ page, openai }) => {
    openai.reply('POST /v1/chat/completions', { status: 500, json: { detail: 'CUDA out of memory' } });
    const run = await chatInPage(page, { baseUrl: openai.baseUrl });
    expect(run.error).toMatchObject({ kind: 'server', status: 500, retryable: true });
    expect(run.error?.message).toBe("The provider's server failed (500): CUDA out of memory");
  });

  test('a garbage line ends the stream with a protocol error naming it', async ({ page, openai }) => {
    openai.reply('POST /v1/chat/completions', {
      stream: [{ data: chunk.role() }, { data: chunk.content('Before the ') }, { data: chunk.content('garbage') }, { raw: 'data: <html>502 Bad Gateway</html>\n\n' }, { data: chunk.content(' never') }],
      splitAt: (bytes) => awkwardCuts.inside(bytes, '<html>', 3),
    });
    const run = await chatInPage(page, { baseUrl: openai.baseUrl });
    expect(merged(run.chunks).content).toBe('Before the garbage');
    expect(run.error).toMatchObject({ kind: 'protocol', retryable: false });
    expect(run.error?.message).toBe('The server sent a line that is not JSON: "data: <html>502 Bad Gateway</html>"');
  });

  test('an error object mid-stream keeps the answer so far', async ({ page, openai }) => {
    openai.reply('POST /v1/chat/completions', {
      stream: [{ data: chunk.content('Half an ') }, { data: { error: { message: 'upstream model crashed' } } }],
    });
    const run = await chatInPage(page, { baseUrl: openai.baseUrl });
    expect(merged(run.chunks).content).toBe('Half an ');
    expect(run.error).toMatchObject({ kind: 'server', message: 'The server reported an error mid-answer: upstream model crashed' });
  });

  test('a dropped connection is a network error; the chunks before it are kept', async ({ page, openai }) => {
    openai.reply('POST /v1/chat/completions', {
      stream: [{ data: chunk.role() }, { data: chunk.content('Partial ans') }, { data: chunk.content('wer') }, { hold: 'drop' }, { drop: true }],
    });
    const pending = chatInPage(page, { baseUrl: openai.baseUrl });
    // Drop only once the caller has the chunks: what the caller received must stay received.
    await expect.poll(() => page.evaluate(() => (globalThis as { chunksReceived?: number }).chunksReceived)).toBe(3);
    openai.release('drop');
    const run = await pending;
    expect(merged(run.chunks).content).toBe('Partial answer');
    expect(run.error).toMatchObject({ kind: 'network', retryable: true, message: 'The connection dropped mid-answer; what arrived is kept' });
  });

  test('a stream that ends without finish_reason or [DONE] counts as dropped', async ({ page, openai }) => {
    openai.reply('POST /v1/chat/completions', { stream: [{ data: chunk.content('Cut sho') }] });
    const run = await chatInPage(page, { baseUrl: openai.baseUrl });
    expect(merged(run.chunks).content).toBe('Cut sho');
    expect(run.error).toMatchObject({ kind: 'network', message: 'The connection dropped mid-answer; what arrived is kept' });
  });

  test('stopping mid-answer is "aborted"; the server sees the connection close', async ({ page, openai }) => {
    openai.reply('POST /v1/chat/completions', {
      stream: [{ data: chunk.role() }, { data: chunk.content('Thinking') }, { hold: 'rest' }, { data: chunk.content(' never sent') }],
    });
    const run = await chatInPage(page, { baseUrl: openai.baseUrl, abortAfterChunks: 2 });
    expect(merged(run.chunks).content).toBe('Thinking');
    expect(run.error).toMatchObject({ kind: 'aborted', retryable: false });
    await expect.poll(() => openai.calls('POST /v1/chat/completions')[0]?.clientClosed).toBe(true);
  });

  test('a server that is not there: "Could not reach" its host', async ({ page, network }) => {
    const gone = await startOpenAiServer();
    await gone.close();
    network.allow(gone.origin);
    const run = await chatInPage(page, { baseUrl: gone.baseUrl });
    expect(run.chunks).toEqual([]);
    expect(run.error).toMatchObject({ kind: 'network', retryable: true });
    expect(run.error?.message).toMatch(new RegExp(`^Could not reach ${new URL(gone.origin).host.replace('.', '\\.')}: Failed to fetch\\.`));
  });
});

test('listModels reads GET /v1/models', async ({ page, openai }) => {
  const models = await page.evaluate(async (baseUrl) => {
    const { createOpenAiCompatibleProvider } = (await import('/src/providers/openai-compatible.ts' as string)) as OpenAiModule;
    return createOpenAiCompatibleProvider({ id: 'test', baseUrl, apiKey: 'sk-list' }).listModels();
  }, openai.baseUrl);
  expect(models).toEqual([
    { id: 'test-model', contextWindow: 8192, ownedBy: 'test' },
    { id: 'test-embed', ownedBy: 'test' },
  ]);
  expect(openai.calls('GET /v1/models')[0]?.headers.authorization).toBe('Bearer sk-list');
});

test.describe('Refact server', () => {
  test('caps from /refact-caps, then chat at the caps chat endpoint', async ({ page, openai }) => {
    const caps = await page.evaluate(async (baseUrl) => {
      const { fetchRefactCaps } = (await import('/src/providers/refact-server.ts' as string)) as RefactModule;
      return fetchRefactCaps({ id: 'refact', baseUrl, apiKey: 'refact-key' });
    }, `${openai.origin}/v1/`);
    expect(caps).toMatchObject({
      cloudName: 'Refact Self-Hosted',
      capsUrl: `${openai.origin}/refact-caps`,
      chatEndpoint: `${openai.origin}/v1/chat/completions`,
      completionEndpoint: `${openai.origin}/v1/completions`,
      warnings: [],
      caps: {
        chat_default_model: 'qwen2.5/coder/32b/instruct',
        completion_default_model: 'qwen2.5/coder/1.5b/base',
        embedding_model: 'thenlper/gte-base',
        chat_models: {
          'qwen2.5/coder/32b/instruct': { n_ctx: 32768, supports_tools: true, supports_agent: true, default_temperature: 0.2 },
          'llama3.1/8b/instruct': { n_ctx: 8192, supports_tools: false },
        },
        completion_models: { 'qwen2.5/coder/1.5b/base': { n_ctx: 4096 } },
      },
    });
    expect(openai.calls('GET /refact-caps')[0]?.headers.authorization).toBe('Bearer refact-key');

    openai.reply('POST /v1/chat/completions', { stream: [{ data: chunk.content('from refact') }, { data: chunk.finish('stop') }, DONE] });
    const run = await chatInPage(page, { baseUrl: openai.origin, apiKey: 'refact-key', provider: 'refact' });
    expect(run.error).toBeNull();
    expect(merged(run.chunks).content).toBe('from refact');
    expect(openai.calls('POST /v1/chat/completions')[0]?.headers.authorization).toBe('Bearer refact-key');
  });

  test('falls back to /v1/caps when /refact-caps is missing', async ({ page, openai }) => {
    openai.refactCaps = null;
    openai.reply('GET /v1/caps', {
      json: { cloud_name: 'refact-lsp', chat_models: { 'openai/gpt-4o': { n_ctx: 128000, supports_tools: true } }, chat_default_model: 'openai/gpt-4o' },
    });
    const caps = await page.evaluate(async (baseUrl) => {
      const { fetchRefactCaps } = (await import('/src/providers/refact-server.ts' as string)) as RefactModule;
      return fetchRefactCaps({ id: 'refact', baseUrl });
    }, openai.origin);
    expect(caps.capsUrl).toBe(`${openai.origin}/v1/caps`);
    expect(caps.caps.chat_default_model).toBe('openai/gpt-4o');
    expect(openai.calls().map((r) => `${r.method} ${r.path}`)).toEqual(['GET /refact-caps', 'GET /v1/caps']);
  });
});
