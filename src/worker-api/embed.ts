/** API of workers/embed.worker.ts: embeddings (transformers.js) and the workspace's hybrid (vector + BM25) index. */

/** Where the embedding model runs: 'auto' picks WebGPU when an adapter exists, else WASM; 'cpu' is Node (tests). */
export type EmbedDevice = 'auto' | 'webgpu' | 'wasm' | 'cpu';

/** An embedding model as the worker loads it (src/vecdb/embed-models.ts has the catalog). */
export interface EmbedModelSpec {
  /** Stable id: stored vectors are keyed by it, so it names the repo and the dtype. */
  id: string;
  /** Hugging Face repo (or folder under localModelPath). */
  repo: string;
  /** ONNX weights to load (transformers.js dtype, e.g. 'q8' = onnx/model_quantized.onnx). */
  dtype: 'fp32' | 'fp16' | 'q8' | 'q4' | 'q4f16';
  /** Length of the vectors it gives. */
  dims: number;
  /** Longest input in tokens; chunks are cut to fit. */
  maxTokens: number;
  label: string;
  /** Download size, for the UI. */
  sizeMB: number;
  /** Text put before a search query (some models are trained with one, e.g. 'search_query: '). */
  queryPrefix?: string;
  /** Text put before each chunk. */
  documentPrefix?: string;
  device?: EmbedDevice;
  /** Load only from this URL prefix (browser) or folder (Node), never the Hub: tests. */
  localModelPath?: string;
  /** Another host than https://huggingface.co/ (a mirror). */
  modelHost?: string;
}

export interface EmbedLoadProgress {
  phase: 'download' | 'compile' | 'ready';
  loadedBytes: number;
  totalBytes: number;
  text: string;
}

export interface EmbedStatus {
  ready: boolean;
  /** The loaded embedding model's id, or null before one is loaded. */
  model: string | null;
  /** The device it runs on, once loaded. */
  device?: 'webgpu' | 'wasm' | 'cpu' | null;
  /** The workspace whose index is open, or null. */
  workspace?: string | null;
  /** Chunks in the index. */
  chunks?: number;
  /** Texts this worker has run through the model since it started (queries not counted). */
  embedded?: number;
}

/** One piece of a file to index (src/vecdb/chunker.ts makes them). */
export interface EmbedChunk {
  path: string;
  /** 1-based, inclusive. */
  line1: number;
  line2: number;
  text: string;
  /** Content hash of `text` (equal texts share one embedding): the key of its stored vector. */
  hash: string;
  /** The definition (or markdown heading) the chunk holds, when it is one. */
  symbol?: string;
}

export interface UpsertResult {
  /** Chunks run through the model now. */
  embedded: number;
  /** Chunks whose vector was already stored. */
  reused: number;
  /** Chunks in the index afterwards. */
  chunks: number;
}

/** A file as last indexed: its content hash and the stat that lets a reload skip reading it. */
export interface FileVersion {
  path: string;
  /** contentHash of the whole file. */
  hash: string;
  size: number;
  mtime: number;
}

export interface RestoreResult {
  /** Every file now in the index with a known version (restored from storage, or upserted since open). */
  files: FileVersion[];
  /** Files brought back from storage by this call (vectors + keywords, no model run, nothing read). */
  restored: number;
  /** Stored files left out because a chunk's vector was missing (they must be read again). */
  stale: number;
  /** Chunks in the index afterwards. */
  chunks: number;
}

export type HitSource = 'vector' | 'bm25';

export interface EmbedHit {
  path: string;
  line1: number;
  line2: number;
  symbol?: string;
  /** Reciprocal-rank-fusion score (higher is better; not a similarity). */
  score: number;
  /** The rankings that found it. */
  sources: HitSource[];
  text: string;
}

export interface EmbedWorkerApi {
  status(): Promise<EmbedStatus>;
  /** Loads (downloading if needed) an embedding model; a different model empties the open index. */
  load(model: EmbedModelSpec, onProgress?: (p: EmbedLoadProgress) => void): Promise<EmbedStatus>;
  /**
   * Opens the index of a workspace (empty in memory; `restore()` fills it from its IndexedDB
   * database `refact-vecdb-<workspaceId>`). `dbName` overrides that name. `model` is the
   * model the index is for: given, the index opens (and restores, and answers keyword
   * searches) while that model is still loading; without it, a model must be loaded.
   */
  open(workspaceId: string, options?: { dbName?: string; model?: EmbedModelSpec }): Promise<EmbedStatus>;
  /**
   * Fills the open index with the files stored for its model (chunks, vectors, keywords),
   * without the model and without reading a file; answers with every indexed file's version.
   */
  restore(): Promise<RestoreResult>;
  /**
   * Replaces each file's chunks; embeds only chunks whose hash has no stored vector. With
   * `version`, the file (its chunks and stat) is stored too, for `restore()` after a reload.
   */
  upsertFiles(files: { path: string; chunks: EmbedChunk[]; version?: FileVersion }[]): Promise<UpsertResult>;
  /** Records a new size / mtime for stored files whose content (hash) did not change. */
  touchFiles(versions: FileVersion[]): Promise<void>;
  /** Drops these files' chunks, stored ones too (a path also removes everything below it, as for a folder). */
  removePaths(paths: string[]): Promise<EmbedStatus>;
  /**
   * Tokens of each text as the loaded model takes it as a chunk (its document prefix and
   * special tokens included), from the model's own tokenizer: what chunks are cut to fit.
   */
  countTokens(texts: string[]): Promise<number[]>;
  /**
   * Fused vector + keyword search over the open index, best first. Until the index's model is
   * loaded (or when it failed to), keyword (BM25) only: every hit's `sources` is ['bm25'].
   */
  search(query: string, topK: number): Promise<EmbedHit[]>;
  /** Vectors of these texts (normalized), for tests and the bench. */
  embed(texts: string[]): Promise<Float32Array[]>;
  /**
   * Deletes the stored vectors and files of this workspace (its database `refact-vecdb-<workspaceId>`,
   * or `dbName`), and empties the index in memory when it is the open one; another open
   * workspace is left alone. An upsert or restore of it still running stores and indexes nothing.
   */
  clear(workspaceId: string, options?: { dbName?: string }): Promise<EmbedStatus>;
}
