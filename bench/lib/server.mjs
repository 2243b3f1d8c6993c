/**
 * A Vite dev server over the project root (vite.config.ts is loaded as usual,
 * so the COOP/COEP headers in server.headers apply), so that bench pages can
 * import /src/... modules directly, plus a middleware serving the corpus:
 *
 *   GET /__corpus/manifest.json   { name, bytes, files: [{ path, size }] }
 *   GET /__corpus/file/<path>     the file's bytes (path segments URL-encoded)
 *
 * `?corpus=<name>` on either picks another corpus than the default one
 * (`corpusNamed(name)` prepares it on first request).
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { createServer } from 'vite';

/** A TCP port that was free a moment ago on 127.0.0.1. */
/** Starts an OpenAI-style test server on a free loopback port: its origin, its /v1 base URL and a close() that drops open connections. */
export async function listenOnLoopback(server) {
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${server.address().port}`;
  return {
    origin,
    baseUrl: `${origin}/v1`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

export function freePort(host = '127.0.0.1') {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, host, () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function corpusPlugin(defaultCorpus, corpusNamed) {
  const served = new Map();
  const serve = (corpus) => {
    let s = served.get(corpus.name);
    if (!s) {
      s = {
        corpus,
        known: new Set(corpus.files.map((f) => f.path)),
        manifest: JSON.stringify({ name: corpus.name, bytes: corpus.bytes, files: corpus.files }),
      };
      served.set(corpus.name, s);
    }
    return s;
  };
  return {
    name: 'bench-corpus',
    configureServer(server) {
      server.middlewares.use('/__corpus', (req, res, next) => {
        const url = new URL(req.url ?? '/', 'http://x');
        const name = url.searchParams.get('corpus');
        let chosen;
        try {
          chosen = serve(name && name !== defaultCorpus.name ? corpusNamed(name) : defaultCorpus);
        } catch (error) {
          res.statusCode = 404;
          res.end(String(error));
          return;
        }
        const { corpus, known, manifest } = chosen;
        if (url.pathname === '/manifest.json') {
          res.setHeader('Content-Type', 'application/json');
          res.setHeader('Cache-Control', 'no-store');
          res.end(manifest);
          return;
        }
        if (url.pathname.startsWith('/file/')) {
          const rel = url.pathname.slice('/file/'.length).split('/').map(decodeURIComponent).join('/');
          if (!known.has(rel)) {
            res.statusCode = 404;
            res.end(`not in the corpus: ${rel}`);
            return;
          }
          res.setHeader('Content-Type', 'application/octet-stream');
          res.setHeader('Cache-Control', 'no-store');
          fs.createReadStream(path.join(corpus.dir, rel)).on('error', next).pipe(res);
          return;
        }
        next();
      });
    },
  };
}

/**
 * Starts the dev server. `optimizeDeps` lists bare imports to pre-bundle at
 * startup (e.g. 'ignore', a CommonJS package the workspace code imports):
 * otherwise Vite discovers them on the page's first import, re-optimizes and
 * reloads the page in the middle of a measurement.
 */
export async function startDevServer({ root, corpus, corpusNamed = () => corpus, optimizeDeps = [] }) {
  const host = '127.0.0.1';
  const port = await freePort(host);
  const server = await createServer({
    root,
    // configFile: default, i.e. <root>/vite.config.ts with its server.headers.
    logLevel: process.env.BENCH_VERBOSE ? 'info' : 'warn',
    clearScreen: false,
    // Our own pre-bundle cache: the include list below differs from a plain
    // `vite` run's, and sharing node_modules/.vite would make this server and
    // someone's dev server re-optimize each other's deps (and reload pages).
    cacheDir: path.join(root, 'bench', '.cache', 'vite'),
    // watch: null: others edit src/ while the bench runs; a watcher would turn
    // their saves into HMR full reloads of the harness page mid-measurement.
    // The page measures the sources as they were when first served.
    server: { host, port, strictPort: true, open: false, watch: null },
    optimizeDeps: { include: [...new Set(optimizeDeps)] },
    plugins: [corpusPlugin(corpus, corpusNamed)],
  });
  await server.listen();
  return { server, origin: `http://${host}:${port}`, close: () => server.close() };
}
