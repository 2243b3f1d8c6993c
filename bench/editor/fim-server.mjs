/**
 * The editor suite's remote completion backend: an OpenAI-compatible server in
 * the bench process (node:http on 127.0.0.1, a free port) that answers every
 * fill-in-the-middle request at once, so that keystroke -> ghost text through
 * it is the app's overhead with ~0 model time.
 *
 *   GET  /v1/models         the one model
 *   POST /v1/completions    { choices: [{ text: ANSWER, finish_reason: 'stop' }] } as soon as the body is read;
 *                           counts the requests and their bytes
 *
 * CORS as a real provider answers it; preflights carry a 10-minute
 * Access-Control-Max-Age, so warm requests skip them as they would with a
 * real server after the first one.
 */
import http from 'node:http';
import { listenOnLoopback } from '../lib/server.mjs';

/** One line, so single-line mode keeps it whole; starts with a letter (typing along needs no bracket). */
export const ANSWER = 'bench_ghost_value + 1';

const CORS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
  'Access-Control-Max-Age': '600',
  'Cross-Origin-Resource-Policy': 'cross-origin',
};

export async function startFimServer({ model }) {
  const stats = { completions: 0, preflights: 0, bytes: 0 };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (req.method === 'OPTIONS') {
      stats.preflights++;
      res.writeHead(204, { ...CORS, 'Access-Control-Allow-Headers': req.headers['access-control-request-headers'] ?? '*' });
      res.end();
      return;
    }
    if (req.method === 'GET' && url.pathname === '/v1/models') {
      res.writeHead(200, { ...CORS, 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ object: 'list', data: [{ id: model, object: 'model', owned_by: 'bench' }] }));
      return;
    }
    if (req.method === 'POST' && url.pathname === '/v1/completions') {
      stats.completions++;
      req.on('data', (b) => (stats.bytes += b.length));
      req.on('end', () => {
        res.writeHead(200, { ...CORS, 'Content-Type': 'application/json' });
        res.end(
          JSON.stringify({
            id: 'cmpl-bench',
            object: 'text_completion',
            created: 1,
            model,
            choices: [{ index: 0, text: ANSWER, finish_reason: 'stop', logprobs: null }],
            usage: { prompt_tokens: 100, completion_tokens: 6, total_tokens: 106 },
          }),
        );
      });
      return;
    }
    res.writeHead(404, CORS);
    res.end(`no route ${req.method} ${url.pathname}`);
  });
  return { ...(await listenOnLoopback(server)), stats };
}
