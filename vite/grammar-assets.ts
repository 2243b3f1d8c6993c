import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import type { Plugin, ResolvedConfig } from 'vite';
import { serveFiles } from './serve-files.js';
import { GRAMMAR_FILES, GRAMMAR_URL_DIR, TREE_SITTER_RUNTIME_FILE } from '../src/code-index/languages.js';

/**
 * Serves web-tree-sitter's runtime and the tree-sitter grammars the code index
 * parses with from our own origin at `<base>tree-sitter/`, never from a CDN:
 *
 * - dev (`vite`): a middleware streams them from node_modules
 *   (web-tree-sitter/web-tree-sitter.wasm, @repomix/tree-sitter-wasms/out/*.wasm);
 * - build: the same files are emitted as `dist/tree-sitter/<name>` under fixed
 *   names, which vite-plugin-pwa's `**\/*.wasm` glob precaches, so the index
 *   works offline.
 *
 * The ast worker points web-tree-sitter there (src/code-index/grammar-urls.ts).
 * Only the grammars listed in src/code-index/languages.ts (those with a tags
 * query) are served. web-tree-sitter also names its runtime as
 * `new URL("web-tree-sitter.wasm", import.meta.url)`, a fallback used only when
 * `locateFile` is not given (we always give it); in the build that pattern would
 * become a second, hashed copy under assets/, so it is pointed at ours.
 */

export interface GrammarAssetsOptions {
  /** For `worker.plugins`: rewrite web-tree-sitter's fallback URL in the worker bundle, but emit nothing. */
  transformOnly?: boolean;
}

/** Absolute paths of every file served, by name. */
export function grammarAssetFiles(root: string): Map<string, string> {
  const require = createRequire(path.join(root, 'package.json'));
  const runtimeDir = path.dirname(require.resolve('web-tree-sitter'));
  const grammarDir = path.join(path.dirname(require.resolve('@repomix/tree-sitter-wasms/package.json')), 'out');
  const files = new Map<string, string>([[TREE_SITTER_RUNTIME_FILE, path.join(runtimeDir, TREE_SITTER_RUNTIME_FILE)]]);
  for (const name of GRAMMAR_FILES) files.set(name, path.join(grammarDir, name));
  for (const [name, file] of files) {
    if (!fs.existsSync(file)) {
      throw new Error(
        `grammar-assets: ${name} is not at ${file}; an upgrade of web-tree-sitter or @repomix/tree-sitter-wasms ` +
          'may have renamed it: update src/code-index/languages.ts',
      );
    }
  }
  return files;
}

/** Vite plugin: the tree-sitter runtime and grammars at `<base>tree-sitter/`, in dev and in the build. */
export function grammarAssets(options: GrammarAssetsOptions = {}): Plugin {
  const transformOnly = options.transformOnly ?? false;
  let config: ResolvedConfig | undefined;
  let files: Map<string, string> | undefined;

  const root = () => config?.root ?? process.cwd();
  const base = () => (config?.base ?? '/').replace(/\/?$/, '/');
  const assets = () => (files ??= grammarAssetFiles(root()));

  return {
    name: transformOnly ? 'refact:grammar-assets-worker' : 'refact:grammar-assets',
    enforce: 'pre',

    config() {
      if (transformOnly) return;
      // Pre-bundle web-tree-sitter when the dev server starts, not when the first
      // ast worker imports it (Vite would then re-optimize and reload the page).
      return { optimizeDeps: { include: ['web-tree-sitter'] } };
    },

    configResolved(resolved) {
      config = resolved;
    },

    configureServer(server) {
      if (transformOnly) return;
      const served = assets();
      serveFiles(
        server,
        `${base()}${GRAMMAR_URL_DIR}`,
        (name) => served.get(name),
        (name) => `grammar-assets: ${name} is not one of the served tree-sitter files`,
      );
    },

    transform(code, id) {
      if (config?.command === 'serve' || !/[\\/]web-tree-sitter[\\/]/.test(id)) return null;
      let changed = false;
      const out = code.replace(/new URL\(\s*(["'])web-tree-sitter\.wasm\1\s*,\s*import\.meta\.url\s*\)/g, () => {
        changed = true;
        return `new URL(${JSON.stringify(base() + GRAMMAR_URL_DIR + TREE_SITTER_RUNTIME_FILE)}, self.location.href)`;
      });
      return changed ? { code: out, map: null } : null;
    },

    generateBundle() {
      if (transformOnly) return;
      for (const [name, file] of assets()) {
        this.emitFile({ type: 'asset', fileName: `${GRAMMAR_URL_DIR}${name}`, source: fs.readFileSync(file) });
      }
    },
  };
}
