import fs from 'node:fs';
import path from 'node:path';
import type { ViteDevServer } from 'vite';

const MIME_TYPES: Record<string, string> = {
  '.wasm': 'application/wasm',
  '.mjs': 'text/javascript',
  '.js': 'text/javascript',
};

/**
 * Dev-server middleware for runtime files we serve from our own origin (never
 * a CDN): GET `<prefix><name>` streams `fileFor(name)` with the right MIME
 * type, and any other name under the prefix is a 404 saying why.
 */
export function serveFiles(
  server: ViteDevServer,
  prefix: string,
  fileFor: (name: string) => string | undefined,
  notServed: (name: string) => string,
): void {
  server.middlewares.use((req, res, next) => {
    const url = req.url?.split('?')[0] ?? '';
    if (!url.startsWith(prefix)) return next();
    const name = decodeURIComponent(url.slice(prefix.length));
    const file = fileFor(name);
    if (!file) {
      res.statusCode = 404;
      res.setHeader('Content-Type', 'text/plain');
      res.end(notServed(name));
      return;
    }
    const stat = fs.statSync(file);
    res.setHeader('Content-Type', MIME_TYPES[path.extname(name)] ?? 'application/octet-stream');
    res.setHeader('Content-Length', String(stat.size));
    res.setHeader('Cache-Control', 'no-cache');
    fs.createReadStream(file).on('error', next).pipe(res);
  });
}
