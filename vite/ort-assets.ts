import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import type { Plugin, ResolvedConfig } from 'vite';
import { serveFiles } from './serve-files.js';

/**
 * Serves onnxruntime-web's runtime (the WebAssembly binary transformers.js
 * runs on, for both its 'wasm' and 'webgpu' devices) from our own origin at
 * `<base>ort/`, never from a CDN:
 *
 * - dev (`vite`): a middleware streams the files from the onnxruntime-web copy
 *   that @huggingface/transformers itself imports (the versions must match);
 * - build: the same files are emitted as `dist/ort/<name>` under fixed names, so
 *   vite-plugin-pwa's glob (`**\/*.{…,wasm,mjs}`) precaches them and the app
 *   runs local models offline.
 *
 * The engine points `env.backends.onnx.wasm.wasmPaths` at `<origin><base>ort/`
 * (src/inference/transformers-engine.ts, `defaultOrtBaseUrl`).
 *
 * Which files: transformers.js 4.3.1 imports `onnxruntime-web/webgpu`, which a
 * bundler resolves to `ort.webgpu.bundle.min.mjs` (onnxruntime-web
 * 1.31.0-dev). That bundle has the Emscripten glue inlined, but uses it only
 * when wasmPaths is neither a URL prefix nor names an .mjs; with our prefix it
 * imports `ort-wasm-simd-threaded.asyncify.mjs` and fetches
 * `ort-wasm-simd-threaded.asyncify.wasm` (27 MB), for the 'wasm' and the
 * 'webgpu' device alike. The glue as its own file is also what WASM threads
 * start their workers from (53 KB, instead of the whole transformers.js chunk).
 * Checked in Chromium: e2e/transformers-engine.module.spec.ts fails if anything
 * else under /ort/ is requested or anything 404s.
 */

/** URL path segment (under Vite's `base`) the runtime files are served from. */
export const ORT_URL_DIR = 'ort/';

/** The files the browser requests from ORT_URL_DIR (and nothing else is served there). */
export const ORT_RUNTIME_FILES: readonly string[] = ['ort-wasm-simd-threaded.asyncify.mjs', 'ort-wasm-simd-threaded.asyncify.wasm'];

/** The dist/ folder of the onnxruntime-web copy that @huggingface/transformers resolves. */
export function onnxruntimeWebDist(root: string): { dir: string; version: string } {
  const fromRoot = createRequire(path.join(root, 'package.json'));
  // Resolve onnxruntime-web the way transformers.js's own import does (it may
  // have a nested copy of a different version than the top-level one).
  const transformersEntry = fromRoot.resolve('@huggingface/transformers');
  const fromTransformers = createRequire(transformersEntry);
  // 'onnxruntime-web' resolves (node condition) to dist/ort.node.min.js.
  const dir = path.dirname(fromTransformers.resolve('onnxruntime-web'));
  const pkg = JSON.parse(fs.readFileSync(path.join(dir, '..', 'package.json'), 'utf8')) as { version: string };
  return { dir, version: pkg.version };
}

export interface OrtAssetsOptions {
  /** Files to serve and emit; default ORT_RUNTIME_FILES. */
  files?: readonly string[];
  /**
   * For `worker.plugins`: workers are bundled separately and onnxruntime-web
   * lives in the llm worker's bundle, so the worker build needs the rewrite of
   * its `new URL(…wasm)` too, but must not emit the files a second time.
   */
  transformOnly?: boolean;
}

/** Vite plugin: onnxruntime-web's runtime files at `<base>ort/`, in dev and in the build. */
export function ortAssets(options: OrtAssetsOptions = {}): Plugin {
  const files = options.files ?? ORT_RUNTIME_FILES;
  const transformOnly = options.transformOnly ?? false;
  let config: ResolvedConfig | undefined;
  let dist: { dir: string; version: string };

  const root = () => config?.root ?? process.cwd();
  const base = () => (config?.base ?? '/').replace(/\/?$/, '/');

  const check = () => {
    dist ??= onnxruntimeWebDist(root());
    for (const f of files) {
      if (!fs.existsSync(path.join(dist.dir, f))) {
        throw new Error(
          `ort-assets: ${f} is not in ${dist.dir} (onnxruntime-web ${dist.version}); ` +
            'a transformers.js upgrade may have changed the runtime file names: update ORT_RUNTIME_FILES in vite/ort-assets.ts',
        );
      }
    }
    return dist;
  };

  return {
    name: transformOnly ? 'refact:ort-assets-worker' : 'refact:ort-assets',
    // Before vite:asset-import-meta-url, so the rewrite below happens first.
    enforce: 'pre',

    config() {
      if (transformOnly) return;
      // Pre-bundle transformers.js (and the onnxruntime-web it imports) when the
      // dev server starts. Found later, on a page's first import of the engine,
      // Vite would optimize it then and reload that page: a module test's
      // page.evaluate would die with the old page.
      return { optimizeDeps: { include: ['@huggingface/transformers'] } };
    },

    configResolved(resolved) {
      config = resolved;
    },

    configureServer(server) {
      if (transformOnly) return;
      const { dir } = check();
      serveFiles(
        server,
        `${base()}${ORT_URL_DIR}`,
        (name) => (files.includes(name) ? path.join(dir, name) : undefined),
        (name) => `ort-assets: ${name} is not one of the served onnxruntime-web files (${files.join(', ')})`,
      );
    },

    transform(code, id) {
      // onnxruntime-web's bundle names its wasm as `new URL("ort-….wasm", import.meta.url)`
      // (a fallback used only when wasmPaths is unset, which the engine never
      // leaves unset). Vite's build turns that pattern into a second, hashed
      // 27 MB copy under assets/ that the service worker would precache too.
      // Point the fallback at our fixed copy instead.
      if (config?.command === 'serve' || !/[\\/]onnxruntime-web[\\/]dist[\\/]/.test(id)) return null;
      let changed = false;
      const out = code.replace(/new URL\(\s*(["'])(ort-wasm[\w.-]*\.(?:wasm|mjs))\1\s*,\s*import\.meta\.url\s*\)/g, (_m, _q, name: string) => {
        changed = true;
        return `new URL(${JSON.stringify(base() + ORT_URL_DIR + name)}, self.location.href)`;
      });
      return changed ? { code: out, map: null } : null;
    },

    generateBundle() {
      if (transformOnly) return;
      const { dir } = check();
      for (const name of files) {
        this.emitFile({ type: 'asset', fileName: `${ORT_URL_DIR}${name}`, source: fs.readFileSync(path.join(dir, name)) });
      }
    },
  };
}
