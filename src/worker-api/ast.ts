/** API of workers/ast.worker.ts: parsing source files (web-tree-sitter). */

export interface AstStatus {
  /** True once at least one grammar is loaded and files can be parsed. */
  ready: boolean;
  /** Language ids (as `languageForPath` returns) with a loaded grammar. */
  languages: string[];
}

export interface AstWorkerApi {
  /** VS Code-style language id for a path by extension or file name, or null if unknown. */
  languageForPath(path: string): Promise<string | null>;
  status(): Promise<AstStatus>;

  // Added by the AST issue:
  //   loadGrammars(languages: string[], onProgress: (p: { language: string; loaded: number; total: number }) => void): Promise<AstStatus>;
  //   parseFile(path: string, text: string): Promise<{ language: string; definitions: AstSymbol[]; usages: AstUsage[] }>;
  //   chunkFile(path: string, text: string, maxTokens: number): Promise<CodeChunk[]>;   // symbol-bounded chunks for embedding
  //   symbolAt(path: string, text: string, line: number, column: number): Promise<AstSymbol | null>;
}
