/**
 * The chat suite's model provider: a scripted OpenAI-compatible HTTP server
 * in the bench process (node:http on 127.0.0.1, a free port), like
 * e2e/support/openai-server.ts but with what the benchmarks need:
 *
 *   GET  /v1/models              one model, `model`, with a 128k context window
 *   POST /v1/chat/completions    answers with the next queued script (or a short
 *                                default answer); records when the request
 *                                arrived, on this process's epoch clock
 *   GET  /clock                  { now }: this process's epoch clock, so the page
 *                                can map its own clock onto ours (NTP-style)
 *   GET  /arrivals               the recorded chat requests: [{ at, bytes, preflight }]
 *   POST /script                 queues a script (JSON, sent as text/plain so the
 *                                page needs no preflight) for the next chat request
 *
 * A script is { tokens: string[], ratePerS }: one SSE event per token (as
 * OpenAI streams), paced from the moment the request arrived so that token i
 * leaves at i / ratePerS; everything due is written each tick (a few ms).
 * `ratePerS: Infinity` writes the whole answer at once.
 *
 * The page is on another origin (the dev server's), so answers carry CORS
 * headers, and preflights are answered with a 10-minute Access-Control-Max-Age
 * (browsers cap it lower, Chromium at 2 h) so warm sends, like a real
 * provider's, skip the preflight.
 */
import http from 'node:http';
import { listenOnLoopback } from '../lib/server.mjs';

const TICK_MS = 4;
const now = () => performance.timeOrigin + performance.now();

const CORS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Headers': '*',
  'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
  'Access-Control-Max-Age': '600',
  'Cross-Origin-Resource-Policy': 'cross-origin',
};

function chunk(model, delta, finish = null) {
  return { id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 1, model, choices: [{ index: 0, delta, finish_reason: finish }] };
}

const sse = (data) => `data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`;

export async function startScriptedProvider({ model }) {
  const queue = [];
  const arrivals = [];

  const stream = (res, script) => {
    res.writeHead(200, { ...CORS, 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store' });
    const events = [sse(chunk(model, { role: 'assistant', content: '' }))];
    for (const token of script.tokens) events.push(sse(chunk(model, { content: token })));
    const tail = [
      sse(chunk(model, {}, 'stop')),
      sse({ ...chunk(model, {}), choices: [], usage: { prompt_tokens: 100, completion_tokens: script.tokens.length, total_tokens: 100 + script.tokens.length } }),
      sse('[DONE]'),
    ];
    if (!Number.isFinite(script.ratePerS)) {
      res.end(events.join('') + tail.join(''));
      return;
    }
    const start = performance.now();
    let sent = 0;
    const tick = () => {
      if (res.destroyed) return;
      const due = Math.min(events.length, 1 + Math.floor(((performance.now() - start) / 1000) * script.ratePerS));
      if (due > sent) {
        res.write(events.slice(sent, due).join(''));
        sent = due;
      }
      if (sent === events.length) res.end(tail.join(''));
      else setTimeout(tick, TICK_MS);
    };
    tick();
  };

  const server = http.createServer((req, res) => {
    const arrivedAt = now();
    const url = new URL(req.url ?? '/', 'http://x');
    if (req.method === 'OPTIONS') {
      if (url.pathname === '/v1/chat/completions') arrivals.push({ at: arrivedAt, bytes: 0, preflight: true });
      // Named, not '*': a wildcard does not cover Authorization.
      res.writeHead(204, { ...CORS, 'Access-Control-Allow-Headers': req.headers['access-control-request-headers'] ?? '*' });
      res.end();
      return;
    }
    if (req.method === 'GET' && url.pathname === '/clock') {
      res.writeHead(200, { ...CORS, 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
      res.end(JSON.stringify({ now: now() }));
      return;
    }
    if (req.method === 'GET' && url.pathname === '/arrivals') {
      res.writeHead(200, { ...CORS, 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
      res.end(JSON.stringify(arrivals));
      return;
    }
    if (req.method === 'POST' && url.pathname === '/script') {
      let body = '';
      req.on('data', (b) => (body += b));
      req.on('end', () => {
        const script = JSON.parse(body);
        queue.push({ tokens: script.tokens, ratePerS: script.ratePerS ?? Infinity });
        res.writeHead(204, CORS);
        res.end();
      });
      return;
    }
    if (req.method === 'GET' && url.pathname === '/v1/models') {
      res.writeHead(200, { ...CORS, 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ object: 'list', data: [{ id: model, object: 'model', owned_by: 'bench', context_length: 128_000 }] }));
      return;
    }
    if (req.method === 'POST' && url.pathname === '/v1/chat/completions') {
      const arrival = { at: arrivedAt, bytes: 0, preflight: false };
      arrivals.push(arrival);
      req.on('data', (b) => (arrival.bytes += b.length));
      req.on('end', () => stream(res, queue.shift() ?? { tokens: ['Done', '.'], ratePerS: Infinity }));
      return;
    }
    res.writeHead(404, CORS);
    res.end(`no route ${req.method} ${url.pathname}`);
  });
  return listenOnLoopback(server);
}
