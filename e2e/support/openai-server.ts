/**
 * A scripted OpenAI-compatible server for e2e tests (node:http on 127.0.0.1,
 * a free port). The page under test runs on another origin, so every answer
 * carries CORS headers (and `Cross-Origin-Resource-Policy: cross-origin`),
 * and preflights are answered.
 *
 *   import { test, expect, chunk, DONE } from './support/openai-server';
 *
 *   test('…', async ({ page, openai }) => {        // started per test; its origin is allowed by the privacy guard
 *     openai.reply('POST /v1/chat/completions', {
 *       stream: [{ data: chunk.content('Hel') }, { waitMs: 20 }, { data: chunk.finish('stop') }, DONE],
 *       splitAt: [3, 17],                           // cut the bytes here (and at every part boundary)
 *     });
 *     … the page fetches `${openai.baseUrl}/chat/completions` …
 *     expect(openai.requests[0]?.headers.authorization).toBe('Bearer sk-test');
 *   });
 *
 * A reply is consumed by the first request to its route; routes without a
 * scripted reply fall back to GET /v1/models (`openai.models`) and
 * GET /refact-caps (`openai.refactCaps`), else 500 with an error naming the
 * route. Stream parts: `data` (one SSE event: objects as JSON, strings as
 * they are), `raw` bytes, `waitMs`, `hold` (until `openai.release(name)`),
 * `drop` (destroy the socket mid-stream). For agent tests, `chunk.toolCall`
 * and `toolCallStream` build tool-call deltas split into fragments.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { test as privacyTest } from './privacy';

export { expect } from './privacy';

export type StreamPart =
  | { data: unknown }
  | { raw: string | Uint8Array }
  | { waitMs: number }
  | { hold: string }
  | { drop: true };

export interface Reply {
  /** Default 200. */
  status?: number;
  headers?: Record<string, string>;
  /** A JSON body (an error, a model list, caps…). */
  json?: unknown;
  /** Any other body, sent as is. */
  body?: string;
  /** A streamed (SSE) body. */
  stream?: StreamPart[];
  /** Byte offsets in the concatenated stream bytes where writes are cut, or a function choosing them. */
  splitAt?: number[] | ((bytes: Uint8Array) => number[]);
  /** Pause between writes, ms (default 2). */
  chunkDelayMs?: number;
  /** Line end of `data` parts (default "\n"). */
  eol?: '\n' | '\r\n';
}

export interface RecordedRequest {
  method: string;
  /** Path and query. */
  path: string;
  /** Lower-cased names. */
  headers: Record<string, string>;
  /** Parsed JSON when it parses, else the text; undefined without a body. */
  body: unknown;
  /** The connection closed before the answer was complete (client abort, or a scripted `drop`). */
  clientClosed: boolean;
}

export interface OpenAiTestServer {
  /** http://127.0.0.1:<port> */
  readonly origin: string;
  /** origin + '/v1', what an OpenAI-compatible provider is configured with. */
  readonly baseUrl: string;
  /** Every request, preflights included, in arrival order. */
  readonly requests: RecordedRequest[];
  /** Requests other than CORS preflights. */
  calls(route?: string): RecordedRequest[];
  /** Queues replies for a route like 'POST /v1/chat/completions' (query ignored). */
  reply(route: string, ...replies: Reply[]): void;
  /** Ends a `{ hold: name }` pause. */
  release(name: string): void;
  /** Resolves once `count` non-preflight requests arrived. */
  waitForCalls(count: number, timeoutMs?: number): Promise<void>;
  /** GET /v1/models answer. */
  models: unknown;
  /** GET /refact-caps answer; null gives 404. */
  refactCaps: unknown;
  close(): Promise<void>;
}

/** Builders for OpenAI chat.completion.chunk objects. */
export const chunk = {
  role: () => delta({ role: 'assistant', content: '' }),
  content: (text: string) => delta({ content: text }),
  reasoning: (text: string, field: 'reasoning_content' | 'reasoning' = 'reasoning_content') => delta({ [field]: text }),
  /** An Anthropic-style thinking fragment, as LiteLLM passes Claude's thinking through. */
  thinking: (text: string, signature?: string) =>
    delta({ thinking_blocks: [{ type: 'thinking', thinking: text, ...(signature !== undefined && { signature }) }] }),
  /** A tool-call fragment; omit `id`/`name` on continuation fragments. */
  toolCall: (index: number, call: { id?: string; name?: string; arguments?: string }) =>
    delta({
      tool_calls: [
        {
          index,
          ...(call.id !== undefined && { id: call.id, type: 'function' }),
          function: { ...(call.name !== undefined && { name: call.name }), ...(call.arguments !== undefined && { arguments: call.arguments }) },
        },
      ],
    }),
  finish: (reason: 'stop' | 'length' | 'tool_calls') => ({
    id: 'chatcmpl-test',
    object: 'chat.completion.chunk',
    created: 1,
    model: 'test-model',
    choices: [{ index: 0, delta: {}, finish_reason: reason }],
  }),
  usage: (prompt: number, completion: number) => ({
    id: 'chatcmpl-test',
    object: 'chat.completion.chunk',
    created: 1,
    model: 'test-model',
    choices: [],
    usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion },
  }),
};

function delta(d: Record<string, unknown>) {
  return {
    id: 'chatcmpl-test',
    object: 'chat.completion.chunk',
    created: 1,
    model: 'test-model',
    choices: [{ index: 0, delta: d, finish_reason: null }],
  };
}

export const DONE: StreamPart = { data: '[DONE]' };

/** A whole text answer: role, the text in `pieces` deltas, finish 'stop', usage, [DONE]. */
export function textStream(text: string, pieces = 3): StreamPart[] {
  const chars = Array.from(text);
  const size = Math.max(1, Math.ceil(chars.length / pieces));
  const parts: StreamPart[] = [{ data: chunk.role() }];
  for (let i = 0; i < chars.length; i += size) parts.push({ data: chunk.content(chars.slice(i, i + size).join('')) });
  parts.push({ data: chunk.finish('stop') }, { data: chunk.usage(10, chars.length) }, DONE);
  return parts;
}

/** Tool calls as an agent turn streams them: name first, arguments in `argPieces` fragments, finish 'tool_calls'. */
export function toolCallStream(
  calls: { id?: string; name: string; arguments: string }[],
  options: { argPieces?: number; content?: string } = {},
): StreamPart[] {
  const parts: StreamPart[] = [{ data: chunk.role() }];
  if (options.content) parts.push({ data: chunk.content(options.content) });
  calls.forEach((call, index) => {
    parts.push({ data: chunk.toolCall(index, { ...(call.id !== undefined && { id: call.id }), name: call.name, arguments: '' }) });
    const chars = Array.from(call.arguments);
    const size = Math.max(1, Math.ceil(chars.length / (options.argPieces ?? 3)));
    for (let i = 0; i < chars.length; i += size) {
      parts.push({ data: chunk.toolCall(index, { arguments: chars.slice(i, i + size).join('') }) });
    }
  });
  parts.push({ data: chunk.finish('tool_calls') }, { data: chunk.usage(20, 10) }, DONE);
  return parts;
}

/** Offsets that make awkward cuts in `bytes`: inside each multi-byte UTF-8 char, inside "data:", between "\r" and "\n". */
export const awkwardCuts = {
  insideUtf8(bytes: Uint8Array): number[] {
    const cuts: number[] = [];
    for (let i = 1; i < bytes.length; i++) if ((bytes[i]! & 0xc0) === 0x80) cuts.push(i);
    return cuts;
  },
  inside(bytes: Uint8Array, needle: string, at: number): number[] {
    const text = Buffer.from(bytes).toString('latin1');
    const cuts: number[] = [];
    for (let i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) cuts.push(i + at);
    return cuts;
  },
  /** All of the above. */
  all(bytes: Uint8Array): number[] {
    return [
      ...awkwardCuts.insideUtf8(bytes),
      ...awkwardCuts.inside(bytes, 'data:', 2),
      ...awkwardCuts.inside(bytes, '\r\n', 1),
    ];
  },
};

const DEFAULT_MODELS = {
  object: 'list',
  data: [
    { id: 'test-model', object: 'model', created: 1, owned_by: 'test', max_model_len: 8192 },
    { id: 'test-embed', object: 'model', created: 1, owned_by: 'test' },
  ],
};

/** Like the self-hosted Refact server's /refact-caps. */
export const SAMPLE_REFACT_CAPS = {
  cloud_name: 'Refact Self-Hosted',
  completion: {
    endpoint: '/v1/completions',
    models: { 'qwen2.5/coder/1.5b/base': { n_ctx: 4096 } },
    default_model: 'qwen2.5/coder/1.5b/base',
    default_multiline_model: 'qwen2.5/coder/1.5b/base',
  },
  chat: {
    endpoint: '/v1/chat/completions',
    models: {
      'qwen2.5/coder/32b/instruct': { n_ctx: 32768, supports_tools: true, supports_agent: true, default_temperature: 0.2 },
      'llama3.1/8b/instruct': { n_ctx: 8192, supports_tools: false },
    },
    default_model: 'qwen2.5/coder/32b/instruct',
  },
  embedding: { endpoint: 'v1/embeddings', models: { 'thenlper/gte-base': { n_ctx: 512, size: 768 } }, default_model: 'thenlper/gte-base' },
  telemetry_endpoints: {
    telemetry_basic_endpoint: '/stats/telemetry-basic',
    telemetry_basic_retrieve_my_own_endpoint: '/stats/rh-stats',
  },
  tokenizer_endpoints: {},
  caps_version: 1,
};

const CORS_HEADERS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Expose-Headers': 'Retry-After, X-Request-Id',
  'Cross-Origin-Resource-Policy': 'cross-origin',
};

export async function startOpenAiServer(): Promise<OpenAiTestServer> {
  const queues = new Map<string, Reply[]>();
  const holds = new Map<string, { released: boolean; waiters: (() => void)[] }>();
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  const callWaiters: { count: number; resolve: () => void }[] = [];

  const holdFor = (name: string) => {
    let h = holds.get(name);
    if (!h) holds.set(name, (h = { released: false, waiters: [] }));
    return h;
  };

  const calls = (route?: string) =>
    requests.filter((r) => r.method !== 'OPTIONS' && (!route || `${r.method} ${r.path.split('?')[0]}` === route));

  const state = {
    models: DEFAULT_MODELS as unknown,
    refactCaps: SAMPLE_REFACT_CAPS as unknown,
  };

  const server = http.createServer((req, res) => {
    void handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500, { ...CORS_HEADERS, 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ error: { message: `openai-server crashed: ${String(err)}` } }));
    });
  });
  server.on('connection', (socket) => {
    socket.setNoDelay(true);
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const path = req.url ?? '/';
    const route = `${method} ${path.split('?')[0]}`;
    const text = await readBody(req);
    const record: RecordedRequest = {
      method,
      path,
      headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : (v ?? '')])),
      body: parseBody(text),
      clientClosed: false,
    };
    requests.push(record);
    res.on('close', () => {
      if (!res.writableFinished) record.clientClosed = true;
    });
    if (method !== 'OPTIONS') {
      const n = calls().length;
      for (let i = callWaiters.length - 1; i >= 0; i--) {
        const waiter = callWaiters[i];
        if (waiter && n >= waiter.count) {
          callWaiters.splice(i, 1);
          waiter.resolve();
        }
      }
    }

    if (method === 'OPTIONS') {
      const headers: Record<string, string> = {
        ...CORS_HEADERS,
        'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
        'Access-Control-Allow-Headers': req.headers['access-control-request-headers'] ?? 'Authorization, Content-Type',
        'Access-Control-Max-Age': '600',
      };
      // Chromium's Private/Local Network Access preflight (public page -> local server).
      if (req.headers['access-control-request-private-network']) headers['Access-Control-Allow-Private-Network'] = 'true';
      res.writeHead(204, headers).end();
      return;
    }

    const scripted = queues.get(route)?.shift();
    if (scripted) return send(res, scripted);
    if (route === 'GET /v1/models') return send(res, { json: state.models });
    if (route === 'GET /refact-caps') {
      return send(res, state.refactCaps === null ? { status: 404, json: { detail: 'Not Found' } } : { json: state.refactCaps });
    }
    return send(res, { status: 500, json: { error: { message: `openai-server: no reply scripted for ${route}` } } });
  }

  async function send(res: http.ServerResponse, reply: Reply): Promise<void> {
    const status = reply.status ?? 200;
    if (reply.stream === undefined) {
      const body = reply.json !== undefined ? JSON.stringify(reply.json) : (reply.body ?? '');
      const type = reply.json !== undefined ? 'application/json' : 'text/plain; charset=utf-8';
      res.writeHead(status, { ...CORS_HEADERS, 'Content-Type': type, ...reply.headers }).end(body);
      return;
    }
    res.writeHead(status, {
      ...CORS_HEADERS,
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache',
      ...reply.headers,
    });
    res.flushHeaders();
    for (const step of plan(reply)) {
      if (res.destroyed) return;
      if ('bytes' in step) {
        res.write(step.bytes);
        await sleep(reply.chunkDelayMs ?? 2);
      } else if ('waitMs' in step) {
        await sleep(step.waitMs);
      } else if ('hold' in step) {
        const h = holdFor(step.hold);
        if (!h.released) await new Promise<void>((resolve) => h.waiters.push(resolve));
      } else {
        res.socket?.destroy();
        return;
      }
    }
    res.end();
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;

  return {
    origin,
    baseUrl: `${origin}/v1`,
    requests,
    calls,
    reply(route, ...replies) {
      const q = queues.get(route) ?? [];
      q.push(...replies);
      queues.set(route, q);
    },
    release(name) {
      const h = holdFor(name);
      h.released = true;
      for (const w of h.waiters.splice(0)) w();
    },
    waitForCalls(count, timeoutMs = 10_000) {
      if (calls().length >= count) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`openai-server: ${calls().length} of ${count} requests after ${timeoutMs} ms`)), timeoutMs);
        callWaiters.push({ count, resolve: () => (clearTimeout(timer), resolve()) });
      });
    },
    get models() {
      return state.models;
    },
    set models(value) {
      state.models = value;
    },
    get refactCaps() {
      return state.refactCaps;
    },
    set refactCaps(value) {
      state.refactCaps = value;
    },
    async close() {
      for (const h of holds.values()) for (const w of h.waiters.splice(0)) w();
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

type PlanStep = { bytes: Uint8Array } | { waitMs: number } | { hold: string } | { drop: true };

/** The reply's stream as writes: part bytes cut at `splitAt`, with the control steps in between. */
function plan(reply: Reply): PlanStep[] {
  const eol = reply.eol ?? '\n';
  const parts = (reply.stream ?? []).map((part): PlanStep => {
    if ('data' in part) {
      const data = typeof part.data === 'string' ? part.data : JSON.stringify(part.data);
      return { bytes: Buffer.from(`data: ${data}${eol}${eol}`, 'utf8') };
    }
    if ('raw' in part) return { bytes: typeof part.raw === 'string' ? Buffer.from(part.raw, 'utf8') : part.raw };
    return part;
  });
  const all = Buffer.concat(parts.flatMap((p) => ('bytes' in p ? [p.bytes] : [])));
  const cuts = new Set(typeof reply.splitAt === 'function' ? reply.splitAt(all) : (reply.splitAt ?? []));
  const out: PlanStep[] = [];
  let offset = 0;
  for (const part of parts) {
    if (!('bytes' in part)) {
      out.push(part);
      continue;
    }
    let start = 0;
    for (let i = 1; i < part.bytes.length; i++) {
      if (cuts.has(offset + i)) {
        out.push({ bytes: part.bytes.subarray(start, i) });
        start = i;
      }
    }
    out.push({ bytes: part.bytes.subarray(start) });
    offset += part.bytes.length;
  }
  return out;
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseBody(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * The privacy-guarded `test` with an `openai` fixture: a fresh server per
 * test whose origin the guard allows.
 */
export const test = privacyTest.extend<{ openai: OpenAiTestServer }>({
  openai: async ({ network }, use) => {
    const server = await startOpenAiServer();
    network.allow(server.origin);
    await use(server);
    await server.close();
  },
});
