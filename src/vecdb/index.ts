/**
 * The semantic code index: files chunked at AST boundaries, embedded in the
 * embed worker (transformers.js), searched by vector and BM25 and fused (RRF).
 * What the agent's search_semantic tool and the @search command call, through
 * `createSemanticIndex(...).search` as the engine's `semanticSearch` port.
 */
export {
  createSemanticIndex,
  isIndexablePath,
  DEFAULT_MAX_FILES,
  DEFAULT_MAX_FILE_BYTES,
  type SemanticIndex,
  type SemanticIndexOptions,
  type SemanticIndexStatus,
  type SemanticLocation,
  type SemanticSearchMode,
} from './semantic-index';
export { chunkFile, chunkFileCounted, type BatchTokenCounter, type CountedChunkOptions, type ChunkOptions, type ChunkSymbol, type CodeChunk } from './chunker';
export { DEFAULT_EMBED_MODEL, EMBED_MODELS, tinyEmbedFixture, isEmbedModelSpec } from './embed-models';
export { vecDbName, VECDB_PREFIX } from './vector-cache';
export type { EmbedHit, EmbedModelSpec, EmbedStatus, FileVersion, HitSource, RestoreResult } from '../worker-api/embed';
