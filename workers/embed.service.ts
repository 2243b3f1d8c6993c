import type { EmbedStatus, EmbedWorkerApi } from '../src/worker-api/embed';

export function createEmbedService(): EmbedWorkerApi {
  // No model yet: the embeddings issue loads one through transformers.js.
  const model: string | null = null;
  return {
    status: async (): Promise<EmbedStatus> => ({ ready: model !== null, model }),
  };
}
