import { isPositiveInteger } from '../code-index/limits';
import type { EmbedModelSpec } from '../worker-api/embed';

/**
 * Embedding models for the semantic index.
 *
 * Default: Xenova/all-MiniLM-L6-v2, q8 (onnx/model_quantized.onnx, ~23 MB,
 * 384 dims, 256 tokens). Against jinaai/jina-embeddings-v2-base-code (trained
 * on code, 768 dims, 8k tokens, but ~160 MB in q8 and ~6x the compute per
 * chunk at 137M parameters vs 22M):
 * - the whole index is built on the user's machine, usually on WASM: a model
 *   six times heavier turns a minute of indexing into several, and a 160 MB
 *   download is a long wait before the first search;
 * - half the dims means half the memory and scan time per chunk (384 x 100k
 *   int8 is 38 MB);
 * - its weakness on code, exact identifiers, is what the BM25 half of the
 *   hybrid search covers; MiniLM carries the natural-language half ("where do
 *   we retry failed requests"), which it does well;
 * - 256 tokens is about one function, which is what the chunker makes anyway.
 * The code model stays in the catalog for users who want the better recall.
 */

export const DEFAULT_EMBED_MODEL: EmbedModelSpec = {
  id: 'Xenova/all-MiniLM-L6-v2@q8',
  repo: 'Xenova/all-MiniLM-L6-v2',
  dtype: 'q8',
  dims: 384,
  maxTokens: 256,
  label: 'MiniLM L6 (general, small)',
  sizeMB: 23,
};

export const EMBED_MODELS: readonly EmbedModelSpec[] = [
  DEFAULT_EMBED_MODEL,
  {
    id: 'jinaai/jina-embeddings-v2-base-code@q8',
    repo: 'jinaai/jina-embeddings-v2-base-code',
    dtype: 'q8',
    dims: 768,
    // The model takes 8192; longer chunks dilute the vector and cost quadratic attention.
    maxTokens: 512,
    label: 'Jina v2 base code (code-aware, large)',
    sizeMB: 162,
  },
];

/**
 * The tiny test embedder (e2e/fixtures/models/tiny-embed: BERT, 64 dims, 256
 * tokens, random weights). In the browser it comes from the stand-in hub
 * (e2e/support/model-hub.ts serves https://huggingface.co/refact-test/tiny-embed/...)
 * or from `localModelPath` (a URL prefix such as '/e2e/fixtures/models/'); in
 * Node, `localModelPath` is the fixtures folder.
 */
export function tinyEmbedFixture(options: { dtype?: 'fp32' | 'q8'; device?: EmbedModelSpec['device']; localModelPath?: string } = {}): EmbedModelSpec {
  const dtype = options.dtype ?? 'q8';
  const local = options.localModelPath !== undefined;
  return {
    id: `refact-test/tiny-embed@${dtype}`,
    repo: local ? 'tiny-embed' : 'refact-test/tiny-embed',
    dtype,
    dims: 64,
    maxTokens: 256,
    label: 'Tiny embed (test fixture)',
    sizeMB: 0.6,
    ...(options.device ? { device: options.device } : {}),
    ...(local ? { localModelPath: options.localModelPath } : {}),
  };
}

/** A vector length or a token limit: a whole number above zero (384.5 would make the vector store throw). */
export function isEmbedModelSpec(value: unknown): value is EmbedModelSpec {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<EmbedModelSpec>;
  return (
    typeof v.id === 'string' &&
    typeof v.repo === 'string' &&
    typeof v.dtype === 'string' &&
    isPositiveInteger(v.dims) &&
    isPositiveInteger(v.maxTokens)
  );
}
