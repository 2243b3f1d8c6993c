import type { AstDefinition } from '../../worker-api/ast';

/**
 * A quick tagger: a hand-written, single-pass lexer for one language family
 * that finds definitions the way universal-ctags does (no syntax tree, no
 * usages) at a small fraction of tree-sitter's cost. Its results are a
 * stand-in until the tree-sitter pass replaces them, so each tagger aims to
 * give exactly what src/code-index/extract.ts gives for the same file: the
 * same definitions, paths (`modulePrefix` then nesting, `::`), kinds, lines,
 * columns and signatures. It never throws and runs in linear time on any text.
 */
export type QuickTagger = (text: string, modulePrefix: readonly string[], language: string) => AstDefinition[];
