/**
 * A real HTTP server on 127.0.0.1 for the completion backends' tests: each
 * request is recorded (method, path, headers, parsed JSON body) and answered by
 * the test's script, so requests go through the real fetch, sockets included.
 *
 *   const server = await startTestServer();
 *   server.answer((req, res) => replyJson(res, 200, { content: 'x' }));
 *   … await backend.complete(input, signal) …
 *   expect(server.requests[0]?.body).toEqual({ … });
 *   await server.close();
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FimInput } from '../../completion/backend';

export interface SeenRequest {
  method: string;
  /** Path and query. */
  path: string;
  headers: IncomingMessage['headers'];
  /** The body parsed as JSON (undefined when it is not JSON). */
  body: unknown;
  /** Settles when the client's connection closes (e.g. it aborted while we held the answer). */
  connectionClosed: Promise<void>;
}

export type Answer = (req: SeenRequest, res: ServerResponse) => void;

export interface TestServer {
  /** http://127.0.0.1:<port> */
  origin: string;
  requests: SeenRequest[];
  /** How the next requests are answered (until answered again). */
  answer(next: Answer): void;
  close(): Promise<void>;
}

export async function startTestServer(): Promise<TestServer> {
  const requests: SeenRequest[] = [];
  let answer: Answer = (_req, res) => replyJson(res, 500, { error: 'no answer scripted' });
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const seen: SeenRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: parseJson(Buffer.concat(chunks).toString('utf8')),
        connectionClosed: new Promise((resolve) => req.socket.once('close', () => resolve())),
      };
      requests.push(seen);
      answer(seen, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    answer: (next) => {
      answer = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function replyJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

export function replyText(res: ServerResponse, status: number, text: string, contentType = 'application/json'): void {
  res.writeHead(status, { 'Content-Type': contentType });
  res.end(text);
}

/** Sends the headers and part of a body, then cuts the connection. */
export function dropMidBody(res: ServerResponse, partial = '{"choices":[{"te'): void {
  res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '500' });
  res.write(partial, () => res.socket?.destroy());
}

/** Never answers; the test aborts. */
export function hold(): void {}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A completion to compute: `def add(a, b):\n    return |` in a Python file, with one context snippet. */
export function fimInput(overrides: Partial<FimInput> = {}): FimInput {
  const text = 'def add(a, b):\n    return \n\nprint(add(1, 2))\n';
  return {
    request: {
      model: 'ignored',
      inputs: { sources: { 'src/calc.py': text }, cursor: { file: 'src/calc.py', line: 1, character: 11 }, multiline: false },
      parameters: { max_new_tokens: 50, temperature: 0.2 },
    },
    path: 'src/calc.py',
    repoName: 'calc',
    prefix: 'def add(a, b):\n    return ',
    suffix: '\n\nprint(add(1, 2))\n',
    context: [{ path: 'src/ops.py', text: 'def plus(x, y): ...', symbol: 'plus' }],
    multiline: false,
    stop: ['\n\n', '\n'],
    maxTokens: 64,
    temperature: 0.2,
    ...overrides,
  };
}
