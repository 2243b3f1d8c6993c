/**
 * The AST code index: tree-sitter in a pool of workers, definitions and usages
 * of every source file, persisted per workspace in IndexedDB. What the agent's
 * search_symbol_definition / search_symbol_usages tools and the @definition,
 * @references and `@tree --ast` commands call.
 */
export { createCodeIndex, DEFAULT_MAX_FILES, DEFAULT_MAX_FILE_BYTES, MAX_FILES_SETTING } from './code-index';
export type {
  AstPool,
  CodeIndex,
  CreateCodeIndex,
  CodeIndexOptions,
  CodeIndexStatus,
  CodeReference,
  CodeSymbol,
  DefinitionMatch,
  DefinitionMatchKind,
  DefinitionQueryOptions,
  IndexProblem,
} from './types';
export { createAstPool, defaultPoolSize, type AstPoolOptions } from './worker-pool';
export { INDEXED_LANGUAGES, indexedLanguageForPath, languageIdForPath } from './languages';
export { renderSkeleton } from './skeleton';
export { normalizeSymbolQuery } from './symbol-table';
export type { AstDefinition, AstUsage, SymbolKind, UsageKind } from '../worker-api/ast';
export { createAgentIndexPort, type AgentCodeLocation, type AgentIndexPort } from './agent-port';
