import { GRAMMAR_URL_DIR, TREE_SITTER_RUNTIME_FILE } from './languages';
import type { GrammarLocator } from './parse-engine';

/**
 * The runtime and grammars on our own origin, at `<base>tree-sitter/` (served in
 * dev and emitted by the build by vite/grammar-assets.ts, precached by the
 * service worker): never a CDN.
 */
export function originGrammarLocator(from: string = self.location.href): GrammarLocator {
  const base = new URL(`${import.meta.env.BASE_URL}${GRAMMAR_URL_DIR}`, from);
  return {
    runtime: new URL(TREE_SITTER_RUNTIME_FILE, base).href,
    grammar: (file) => new URL(file, base).href,
  };
}
