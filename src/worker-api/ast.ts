/** API of workers/ast.worker.ts: parsing source files (web-tree-sitter) into definitions and usages. */

export interface AstStatus {
  /** True once at least one grammar is loaded and files can be parsed. */
  ready: boolean;
  /** Language ids (as `languageForPath` returns) with a loaded grammar. */
  languages: string[];
}

/** What a definition is. Methods are functions whose nearest container is a class-like definition. */
export type SymbolKind =
  | 'function'
  | 'method'
  | 'class'
  | 'struct'
  | 'interface'
  | 'trait'
  | 'enum'
  | 'union'
  | 'type'
  | 'variable'
  | 'constant'
  | 'module'
  | 'macro';

export const SYMBOL_KINDS: readonly SymbolKind[] = [
  'function',
  'method',
  'class',
  'struct',
  'interface',
  'trait',
  'enum',
  'union',
  'type',
  'variable',
  'constant',
  'module',
  'macro',
];

/** A definition found in one file. Lines are 1-based and inclusive; columns are 1-based UTF-16 units. */
export interface AstDefinition {
  /** The bare name, e.g. `method`. */
  name: string;
  /** Qualified path, `::` between segments for every language, e.g. `pkg::Class::method`. */
  path: string;
  kind: SymbolKind;
  /** First and last line of the whole definition (decorators and doc comments not included). */
  line1: number;
  line2: number;
  /** Where the name itself is. */
  nameLine: number;
  nameColumn: number;
  /** The declaration up to its body, whitespace collapsed, at most ~160 characters. */
  signature: string;
  /** Qualified path of the enclosing definition or scope (class, impl, namespace...), or null at top level. */
  parent: string | null;
}

/** How a name is used: called, constructed, named as a type, inherited from, or referred to otherwise. */
export type UsageKind = 'call' | 'new' | 'type' | 'inherit' | 'ref';

/** A use of a name in one file. */
export interface AstUsage {
  name: string;
  kind: UsageKind;
  line: number;
  column: number;
  /** The expression before the name (`obj` in `obj.name()`, `Foo` in `Foo::name`), or null. */
  receiver: string | null;
  /** Qualified path of the innermost definition containing the usage, or null at top level. */
  scope: string | null;
  /** A definition in the same file this usage resolves to by scope (lexically, or via self/this), or null. */
  target: string | null;
  /** For a name brought in by an import (`from shop.tax import rate`, `import { a } from './x'`): the qualified path it was imported as, e.g. `shop::tax::rate`; else null. */
  imported: string | null;
}

/** One parsed file. */
export interface ParsedFile {
  path: string;
  /** Language id, as `languageForPath` returns. */
  language: string;
  definitions: AstDefinition[];
  usages: AstUsage[];
  /** The tree had syntax errors (the definitions found are still reported). */
  hasErrors: boolean;
  /** Milliseconds spent parsing and extracting in the worker. */
  ms: number;
}

export interface ParseRequest {
  path: string;
  text: string;
}

export type ParseResult =
  | { ok: true; file: ParsedFile }
  | {
      ok: false;
      path: string;
      /** `unsupported`: no grammar for this file's language; `error`: grammar failed to load, parse failed or timed out. */
      reason: 'unsupported' | 'error';
      message: string;
    };

/** Quick-tagged definitions of one file (quick-tags/), or null when no quick tagger knows its language. */
export interface TagResult {
  path: string;
  definitions: AstDefinition[] | null;
}

export interface AstWorkerApi {
  /** VS Code-style language id for a path by extension or file name, or null if unknown. */
  languageForPath(path: string): Promise<string | null>;
  status(): Promise<AstStatus>;
  /** Loads the grammars of these language ids now (otherwise each loads on first use). */
  loadGrammars(languages: string[]): Promise<AstStatus>;
  /** Parses files and extracts their definitions and usages; one result per request, in order. */
  parseFiles(files: ParseRequest[]): Promise<ParseResult[]>;
  /** Definitions only, from the quick taggers (no grammar needed, a fraction of parseFiles' cost); one result per request, in order. */
  tagFiles(files: ParseRequest[]): Promise<TagResult[]>;

  // Added by the embeddings issue:
  //   chunkFile(path: string, text: string, maxTokens: number): Promise<CodeChunk[]>;   // symbol-bounded chunks for embedding
}
