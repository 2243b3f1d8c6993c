import type * as Transformers from '@huggingface/transformers';
import { defaultOrtBaseUrl, LoadProgressTracker } from '../src/inference/transformers-engine';
import { HybridIndex } from '../src/vecdb/hybrid-index';
import { isEmbedModelSpec } from '../src/vecdb/embed-models';
import { VectorCache, vecDbName } from '../src/vecdb/vector-cache';
import type { Quantization } from '../src/vecdb/vector-store';
import { sendToCallback } from '../src/worker-api/connect';
import type {
  EmbedChunk,
  EmbedLoadProgress,
  EmbedModelSpec,
  EmbedStatus,
  EmbedWorkerApi,
  UpsertResult,
} from '../src/worker-api/embed';

/**
 * The embed worker: an embedding model through transformers.js
 * (`feature-extraction`, mean pooling, normalized) and the open workspace's
 * hybrid index (src/vecdb/hybrid-index.ts). Both live here so that embedding
 * and a scan over 100k vectors never block the page. Vectors are cached in
 * IndexedDB by (model, chunk hash) (src/vecdb/vector-cache.ts): a chunk is run
 * through the model once, ever.
 *
 * transformers.js's `env` is global to the realm; this worker loads one model
 * at a time, and each load applies its own settings.
 */

export interface EmbedServiceOptions {
  /** Node (tests): onnxruntime-node on the CPU instead of the browser's devices. */
  nodeCpu?: boolean;
  /** Where onnxruntime-web's runtime is; default `<origin>/ort/`. */
  ortBaseUrl?: string | null;
  /** The in-memory layout of vectors (vector-store.ts). */
  quantization?: Quantization;
  /** Texts per model run. */
  batchSize?: number;
}

type Extractor = Transformers.FeatureExtractionPipeline;
type Device = 'webgpu' | 'wasm' | 'cpu';

const DEFAULT_BATCH = 16;
const DEFAULT_HOST = 'https://huggingface.co/';
/** Hashes looked up in IndexedDB per transaction. */
const LOOKUP_BATCH = 512;

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function webGpuAvailable(): Promise<boolean> {
  const gpu = (globalThis.navigator as (Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }) | undefined)?.gpu;
  if (!gpu) return false;
  try {
    return (await gpu.requestAdapter()) !== null;
  } catch {
    return false;
  }
}

export function createEmbedService(options: EmbedServiceOptions = {}): EmbedWorkerApi {
  const batchSize = Math.max(1, options.batchSize ?? DEFAULT_BATCH);
  let model: { spec: EmbedModelSpec; extractor: Extractor; device: Device } | null = null;
  let loading: Promise<void> | null = null;
  let workspace: { id: string; index: HybridIndex; cache: VectorCache } | null = null;
  let embedded = 0;
  // onnxruntime sessions take one run at a time.
  let runs: Promise<unknown> = Promise.resolve();

  const status = (): EmbedStatus => ({
    ready: model !== null,
    model: model?.spec.id ?? null,
    device: model?.device ?? null,
    workspace: workspace?.id ?? null,
    chunks: workspace?.index.size ?? 0,
    embedded,
  });

  const run = <T>(task: () => Promise<T>): Promise<T> => {
    const result = runs.then(task);
    runs = result.catch(() => undefined);
    return result;
  };

  /** Normalized vectors of `texts`, one model run per batch. */
  const embedTexts = async (texts: readonly string[]): Promise<Float32Array[]> => {
    const current = model;
    if (!current) throw new Error('embed() failed: no embedding model is loaded (call load() first)');
    const out: Float32Array[] = [];
    for (let i = 0; i < texts.length; i += batchSize) {
      const batch = texts.slice(i, i + batchSize);
      const tensor = await run(() => current.extractor(batch, { pooling: 'mean', normalize: true }));
      const data = tensor.data as Float32Array;
      const dims = tensor.dims[tensor.dims.length - 1] ?? 0;
      if (dims !== current.spec.dims) {
        throw new Error(`${current.spec.label} gave ${dims}-dimensional vectors; its catalog entry says ${current.spec.dims}`);
      }
      for (let j = 0; j < batch.length; j++) out.push(data.slice(j * dims, (j + 1) * dims));
    }
    return out;
  };

  const loadNow = async (spec: EmbedModelSpec, onProgress?: (p: EmbedLoadProgress) => void): Promise<void> => {
    const lib = await import('@huggingface/transformers');
    const env = lib.env;
    if (spec.localModelPath) {
      env.allowLocalModels = true;
      env.localModelPath = spec.localModelPath;
      env.allowRemoteModels = false;
    } else {
      env.allowLocalModels = false;
      env.allowRemoteModels = true;
    }
    env.remoteHost = (spec.modelHost ?? DEFAULT_HOST).replace(/\/?$/, '/');
    // The service worker precaches onnxruntime's runtime; a second copy in transformers.js's cache would be 27 MB more.
    env.useWasmCache = false;
    const ortBase = options.ortBaseUrl === undefined ? defaultOrtBaseUrl() : options.ortBaseUrl;
    if (ortBase && env.backends.onnx.wasm) env.backends.onnx.wasm.wasmPaths = ortBase;

    const wanted = spec.device ?? 'auto';
    const device: Device = options.nodeCpu
      ? 'cpu'
      : wanted === 'auto'
        ? (await webGpuAvailable())
          ? 'webgpu'
          : 'wasm'
        : wanted;
    const tracker = new LoadProgressTracker(
      (p) => {
        if (onProgress) sendToCallback(onProgress, p);
      },
      device === 'webgpu' ? 'Creating the WebGPU session' : 'Creating the WASM session',
    );
    let extractor: Extractor;
    try {
      tracker.report('download', `Fetching ${spec.repo}`, true);
      extractor = (await lib.pipeline('feature-extraction', spec.repo, {
        device,
        dtype: spec.dtype,
        progress_callback: (info: unknown) => tracker.handle(info as Parameters<LoadProgressTracker['handle']>[0]),
      })) as Extractor;
    } catch (error) {
      throw new Error(`Loading the embedding model ${spec.label} (${spec.repo}, ${spec.dtype} on ${device}) failed: ${describe(error)}`, {
        cause: error,
      });
    }
    const previous = model;
    model = { spec, extractor, device };
    try {
      // A first run compiles the session (shaders on WebGPU) and checks the vector length.
      tracker.report('compile', device === 'webgpu' ? 'Compiling GPU shaders (warm-up run)' : 'Warm-up run', true);
      await embedTexts(['warm up']);
    } catch (error) {
      model = previous;
      await extractor.dispose().catch(() => undefined);
      throw new Error(`${spec.label} loaded but its first run failed (${spec.dtype} on ${device}): ${describe(error)}`, { cause: error });
    }
    if (previous) await previous.extractor.dispose().catch(() => undefined);
    if (workspace && (!previous || previous.spec.id !== spec.id)) {
      // Vectors of another model are not comparable: start the index over (stored ones stay, keyed by model).
      workspace.index = new HybridIndex(spec.dims, options.quantization);
    }
    if (onProgress) sendToCallback(onProgress, { phase: 'ready', loadedBytes: tracker.bytes.loaded, totalBytes: tracker.bytes.total, text: `${spec.label} is loaded` });
  };

  const requireIndex = (method: string): { spec: EmbedModelSpec; index: HybridIndex; cache: VectorCache } => {
    if (!model) throw new Error(`${method}() failed: no embedding model is loaded (call load() first)`);
    if (!workspace) throw new Error(`${method}() failed: no workspace index is open (call open() first)`);
    return { spec: model.spec, index: workspace.index, cache: workspace.cache };
  };

  return {
    status: async () => status(),

    async load(spec, onProgress) {
      if (!isEmbedModelSpec(spec)) throw new TypeError('load() failed: not an embedding model spec (needs id, repo, dtype, dims, maxTokens)');
      if (model?.spec.id === spec.id && model.spec.repo === spec.repo && (spec.device ?? 'auto') === (model.spec.device ?? 'auto')) return status();
      const previous = loading ?? Promise.resolve();
      const mine = previous.catch(() => undefined).then(() => loadNow(spec, onProgress));
      loading = mine;
      try {
        await mine;
      } finally {
        if (loading === mine) loading = null;
      }
      return status();
    },

    async open(workspaceId, openOptions) {
      if (!model) throw new Error('open() failed: load an embedding model first (the index needs its vector length)');
      const dbName = openOptions?.dbName ?? vecDbName(workspaceId);
      if (workspace?.id === workspaceId && workspace.cache.dbName === dbName) return status();
      await workspace?.cache.close();
      workspace = { id: workspaceId, index: new HybridIndex(model.spec.dims, options.quantization), cache: new VectorCache(dbName) };
      return status();
    },

    async upsertFiles(files): Promise<UpsertResult> {
      const { spec, index, cache } = requireIndex('upsertFiles');
      const hashes = [...new Set(files.flatMap((f) => f.chunks.map((c) => c.hash)))];
      const vectors = new Map<string, Float32Array>();
      for (let i = 0; i < hashes.length; i += LOOKUP_BATCH) {
        for (const [hash, vector] of await cache.getMany(spec.id, hashes.slice(i, i + LOOKUP_BATCH))) {
          if (vector.length === spec.dims) vectors.set(hash, vector);
        }
      }
      const reused = files.reduce((n, f) => n + f.chunks.filter((c) => vectors.has(c.hash)).length, 0);
      // One text per missing hash; sorted by length so each batch pads little.
      const missing = new Map<string, EmbedChunk>();
      for (const f of files) for (const c of f.chunks) if (!vectors.has(c.hash) && !missing.has(c.hash)) missing.set(c.hash, c);
      const todo = [...missing.values()].sort((a, b) => a.text.length - b.text.length);
      const prefix = spec.documentPrefix ?? '';
      const fresh = await embedTexts(todo.map((c) => prefix + c.text));
      embedded += fresh.length;
      const toStore = todo.map((c, i) => ({ hash: c.hash, vector: fresh[i]! }));
      for (const { hash, vector } of toStore) vectors.set(hash, vector);
      // Saved before indexing, so an index that answers with a chunk also survives a reload with it.
      await cache.putMany(spec.id, toStore);
      for (const f of files) index.setFile(f.path, f.chunks, f.chunks.map((c) => vectors.get(c.hash)!));
      return { embedded: fresh.length, reused, chunks: index.size };
    },

    async removePaths(paths) {
      workspace?.index.removePaths(paths);
      return status();
    },

    async search(query, topK) {
      if (!workspace) throw new Error('search() failed: no workspace index is open (call open() first)');
      if (typeof query !== 'string' || query.trim() === '') throw new TypeError('search() failed: the query is empty');
      const k = Math.max(1, Math.min(200, Math.floor(topK) || 10));
      // Without a model (still loading, or failed) the keyword half still answers.
      const vector = model ? (await embedTexts([(model.spec.queryPrefix ?? '') + query]))[0]! : null;
      return workspace.index.search(vector, query, k);
    },

    async embed(texts) {
      const vectors = await embedTexts(texts);
      embedded += vectors.length;
      return vectors;
    },

    async clear() {
      if (workspace) {
        workspace.index.clear();
        await workspace.cache.clear();
      }
      return status();
    },
  };
}
