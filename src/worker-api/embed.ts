/** API of workers/embed.worker.ts: embeddings (transformers.js) and the vector index. */

export interface EmbedStatus {
  ready: boolean;
  /** The loaded embedding model's id, or null before one is loaded. */
  model: string | null;
}

export interface EmbedWorkerApi {
  status(): Promise<EmbedStatus>;

  // Added by the embeddings / VecDB issue (vectors come back as transferred Float32Arrays):
  //   load(modelId: string, onProgress: (p: { loaded: number; total: number; text: string }) => void): Promise<EmbedStatus>;
  //   embed(texts: string[]): Promise<Float32Array[]>;
  //   upsert(workspace: string, chunks: { id: string; path: string; hash: string; text: string }[]): Promise<void>;
  //   search(workspace: string, query: string, topK: number): Promise<{ id: string; path: string; score: number }[]>;
  //   removePaths(workspace: string, paths: string[]): Promise<void>;
}
