import type { AstDefinition, AstUsage, ParseRequest, ParseResult, TagResult } from '../worker-api/ast';
import type { Workspace } from '../workspace/types';

/** Parses batches of files on several AST workers at once (worker-pool.ts). */
export interface AstPool {
  /** Number of workers. */
  readonly size: number;
  /** Parses on the least busy worker; one result per file, in order. A worker that dies is replaced. */
  parse(files: ParseRequest[]): Promise<ParseResult[]>;
  /** Quick-tags on the least busy worker (definitions only); one result per file, in order. */
  tag(files: ParseRequest[]): Promise<TagResult[]>;
  /** Starts every worker and loads these languages' grammars now, ahead of the first batch. */
  prepare(languages: string[]): void;
  dispose(): void;
}

/** A definition somewhere in the workspace. */
export interface CodeSymbol extends AstDefinition {
  /** Workspace-relative path of the file it is in. */
  file: string;
  /** Language id of that file. */
  language: string;
}

/**
 * How a definition matched a query: `exact` (its name, or its whole qualified
 * path), `suffix` (the query is the end of its path, e.g. `Class.method` or
 * `Class::method`), or `fuzzy` (nothing matched exactly; similar names).
 */
export type DefinitionMatchKind = 'exact' | 'suffix' | 'fuzzy';

export interface DefinitionMatch {
  symbol: CodeSymbol;
  match: DefinitionMatchKind;
  /** 1 for exact and suffix matches; 0..1 for fuzzy ones (higher is closer). */
  score: number;
}

/** A usage of a definition. */
export interface CodeReference extends AstUsage {
  /** Workspace-relative path of the file the usage is in. */
  file: string;
  /** Qualified path of the definition it refers to, or null when that is ambiguous or unknown. */
  definition: string | null;
  /**
   * `scope`: linked by scope (a same-file definition visible from the usage, `self.x` in
   * its class, or `Foo.x` with Foo the definition's class); `name`: only the name matches.
   */
  confidence: 'scope' | 'name';
}

export interface IndexProblem {
  path: string;
  reason: string;
}

/** What the index is doing, for a progress bar and for tools to report. */
export interface CodeIndexStatus {
  /** `error`: a pass stopped on an unexpected error before every file was indexed (see `error`). */
  state: 'starting' | 'indexing' | 'ready' | 'error' | 'disposed';
  /**
   * Why the last pass stopped (state `error`), else null. What is indexed still answers, but may
   * miss files; the next reported change or `rescan()` walks the whole folder again.
   */
  error: string | null;
  /**
   * While indexing: `definitions` while changed files are quick-tagged (a first pass or a big
   * update: definitions only, ctags-like, fast), then `parsing` while tree-sitter parses them
   * (precise ranges, usages). `done`/`total` count the current phase. Null when not indexing.
   */
  phase: 'definitions' | 'parsing' | null;
  /** Files handled so far in the current phase, of `total` (the files to index after limits). */
  done: number;
  total: number;
  /** Of those, parsed in a worker this pass; reused from the IndexedDB cache (unchanged content). */
  parsed: number;
  cached: number;
  /** What the index holds now. */
  files: number;
  definitions: number;
  usages: number;
  /** Files whose definitions come from the quick tagger only so far (their usages come with the parse). */
  quick: number;
  /** Files not indexed: binary, over the size limit, over the file-count cap (at most 200 listed). */
  skipped: IndexProblem[];
  skippedCount: number;
  /** Files that could not be read or parsed, and directories the walk could not read. */
  errors: IndexProblem[];
  /** The workspace has more indexable files than `maxFiles`. */
  truncated: boolean;
  /** Files of languages without a grammar (not indexed, not listed). */
  unsupported: number;
  /** Milliseconds the last full pass or incremental update took, or null before the first finished. */
  lastPassMs: number | null;
  /** Worker threads parsing. */
  workers: number;
}

export interface CodeIndexOptions {
  /** Parse in this pool (shared between indexes, or an in-process one in tests); default a new worker pool. */
  pool?: AstPool;
  /** Size of the pool created when `pool` is not given; default hardwareConcurrency - 1, at least 1 (2 on two cores). */
  workers?: number;
  /** Index at most this many files; default the `codeIndex.maxFiles` setting, else 20,000. */
  maxFiles?: number;
  /** Skip files larger than this; default 1 MB. */
  maxFileBytes?: number;
  /** Also index ignored files (node_modules, .gitignore'd); default false. */
  includeIgnored?: boolean;
  /** Keep the index in IndexedDB so a reload only re-parses changed files; default true. */
  persist?: boolean;
  /** IndexedDB database name (tests); default the app's database. */
  dbName?: string;
  /** Follow workspace changes (workspace.watch); default true. */
  watch?: boolean;
}

export interface DefinitionQueryOptions {
  /** Default 50. */
  limit?: number;
  /** Fall back to similar names when nothing matches exactly; default true. */
  fuzzy?: boolean;
}

/** The code index of one workspace: what the agent's tools and @-commands query. */
export interface CodeIndex {
  /** Definitions by name, qualified path, `Class.method` / `Class::method` suffix, else fuzzily. */
  definitions(query: string, options?: DefinitionQueryOptions): Promise<DefinitionMatch[]>;
  /** Usages of a definition (a name, a qualified path, or a symbol from `definitions`). */
  references(symbol: string | CodeSymbol, options?: { limit?: number }): Promise<CodeReference[]>;
  /** Definitions in one file, in source order. Empty when the file is not indexed. */
  fileSymbols(path: string): Promise<CodeSymbol[]>;
  /** An outline of one file (its definitions' signatures, nested, with line ranges) for `@tree --ast`; null when not indexed. */
  skeleton(path: string): Promise<string | null>;
  status(): CodeIndexStatus;
  /** Called on every status change (throttled while indexing); returns the unsubscribe function. */
  onStatus(listener: (status: CodeIndexStatus) => void): () => void;
  /**
   * Resolves once the quick-tag phase of a running pass is over: every file of a language with a
   * quick tagger (Python, JavaScript/TypeScript, Go, Rust, Java, C#) has its definitions in; files of other
   * languages get theirs with the parse. Usually well before `whenIdle`. Also resolves when the
   * pass stops on an error: check the status's `state`.
   */
  whenDefinitions(): Promise<CodeIndexStatus>;
  /**
   * Resolves once the work queued so far (first pass, updates, IndexedDB writes) is done, with
   * state `ready`, or `error` when a pass stopped before indexing every file (never rejects).
   */
  whenIdle(): Promise<CodeIndexStatus>;
  /** Re-index these paths now (as if the workspace reported them changed). */
  update(paths: string[]): Promise<void>;
  /** Walk the workspace again (e.g. after ignore rules or the file cap changed). */
  rescan(): Promise<void>;
  /** Stops watching, ends the workers it started, and refuses later calls. */
  dispose(): void;
}

/** The signature of `createCodeIndex` (for callers that load it lazily). */
export type CreateCodeIndex = (workspace: Workspace, options?: CodeIndexOptions) => CodeIndex;
