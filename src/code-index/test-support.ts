import { createRequire } from 'node:module';
import path from 'node:path';
import type { GrammarLocator } from './parse-engine';

/** Node tests: web-tree-sitter finds its runtime itself; grammars come straight from node_modules. */
export function nodeGrammarLocator(): GrammarLocator {
  const require = createRequire(import.meta.url);
  const dir = path.dirname(require.resolve('@repomix/tree-sitter-wasms/package.json'));
  return { grammar: (file) => path.join(dir, 'out', file) };
}
