import type * as Transformers from '@huggingface/transformers';
import { defaultOrtBaseUrl, LoadProgressTracker } from '../src/inference/transformers-engine';
import { HybridIndex } from '../src/vecdb/hybrid-index';
import { isEmbedModelSpec } from '../src/vecdb/embed-models';
import { deleteVecDb, VectorCache, vecDbName, type FileRecord } from '../src/vecdb/vector-cache';
import type { Quantization } from '../src/vecdb/vector-store';
import { sendToCallback } from '../src/worker-api/connect';
import type {
  EmbedChunk,
  EmbedLoadProgress,
  EmbedModelSpec,
  EmbedStatus,
  EmbedWorkerApi,
  FileVersion,
  RestoreResult,
  UpsertResult,
} from '../src/worker-api/embed';

/**
 * The embed worker: an embedding model through transformers.js
 * (`feature-extraction`, mean pooling, normalized) and the open workspace's
 * hybrid index (src/vecdb/hybrid-index.ts). Both live here so that embedding
 * and a scan over 100k vectors never block the page. Vectors are cached in
 * IndexedDB by (model, chunk hash) (src/vecdb/vector-cache.ts): a chunk is run
 * through the model once, ever. Each upserted file is stored with its chunks
 * and stat, so `restore()` rebuilds the index after a reload without the model
 * (keyword search answers at once; vector search once the model is loaded).
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

/** The same model (as loaded): one ONNX session serves both. */
function sameModel(a: EmbedModelSpec | undefined, b: EmbedModelSpec): boolean {
  return a !== undefined && a.id === b.id && a.repo === b.repo && (a.device ?? 'auto') === (b.device ?? 'auto');
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A failure to reach a server (no HTTP answer at all), as fetch reports it in browsers and Node. */
function isNetworkError(error: unknown): boolean {
  const text = `${describe(error)} ${error instanceof Error && error.cause ? describe(error.cause) : ''}`;
  return error instanceof TypeError || /failed to fetch|fetch failed|networkerror|network error|load failed|ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ECONNRESET/i.test(text);
}

/**
 * Why a model did not load, in words a user can act on: for a download that
 * failed, the URL (transformers.js's network errors do not name it) and where
 * a mirror of the Hub can be set.
 */
export function modelLoadError(spec: EmbedModelSpec, device: string, error: unknown, pendingUrls: readonly string[]): string {
  const why = describe(error);
  let text = `Loading the embedding model ${spec.label} (${spec.repo}, ${spec.dtype} on ${device}) failed: ${why}`;
  if (spec.localModelPath) return text;
  const host = (spec.modelHost ?? DEFAULT_HOST).replace(/\/?$/, '/');
  const network = isNetworkError(error);
  if (network && pendingUrls.length > 0 && !pendingUrls.some((u) => why.includes(u))) text += ` (downloading ${pendingUrls[0]})`;
  if (network || why.includes(host)) {
    text += `. ${network ? `${host} could not be reached` : `${host} did not serve the model`}: check the connection, or set a model mirror on the Models page.`;
  }
  return text;
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

/** transformers.js's own fetch, before this worker wrapped it. */
type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;
let baseFetch: FetchLike | undefined;

export function createEmbedService(options: EmbedServiceOptions = {}): EmbedWorkerApi {
  const batchSize = Math.max(1, options.batchSize ?? DEFAULT_BATCH);
  let model: { spec: EmbedModelSpec; extractor: Extractor; device: Device } | null = null;
  /** The model's first run is compiling (minutes of shaders on a slow GPU): searches answer by keyword meanwhile. */
  let warming = false;
  /**
   * The last load asked for (loads run one after another): a caller asking for the same model
   * meanwhile waits for it, and hears its progress, instead of building a second ONNX session.
   */
  let loading: { spec: EmbedModelSpec; done: Promise<void>; listeners: ((p: EmbedLoadProgress) => void)[] } | null = null;
  /**
   * The open index: for one model (`spec`), which may still be loading. `generation` counts
   * clear() calls, so work that started before one does not store or index anything after it.
   */
  let workspace: {
    id: string;
    spec: EmbedModelSpec;
    index: HybridIndex;
    cache: VectorCache;
    versions: Map<string, FileVersion>;
    generation: number;
  } | null = null;
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
    // transformers.js's network errors do not say which URL failed: note it on the way.
    baseFetch ??= env.fetch as unknown as FetchLike;
    const fetchBase = baseFetch;
    const failedUrls: string[] = [];
    const noting: FetchLike = (input, init) =>
      fetchBase(input, init).catch((error: unknown) => {
        failedUrls.push(typeof input === 'string' ? input : input instanceof URL ? input.href : (input as Request).url);
        throw error;
      });
    env.fetch = noting as unknown as typeof env.fetch;
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
    // Files asked for and not finished: the URL a network failure is about.
    const pending = new Set<string>();
    try {
      tracker.report('download', `Fetching ${spec.repo}`, true);
      extractor = (await lib.pipeline('feature-extraction', spec.repo, {
        device,
        dtype: spec.dtype,
        progress_callback: (info: unknown) => {
          const event = info as Parameters<LoadProgressTracker['handle']>[0] & { file?: string };
          if (typeof event.file === 'string') {
            const url = `${env.remoteHost}${spec.repo}/resolve/main/${event.file}`;
            if (event.status === 'initiate' || event.status === 'download') pending.add(url);
            else if (event.status === 'done') pending.delete(url);
          }
          tracker.handle(event);
        },
      })) as Extractor;
    } catch (error) {
      throw new Error(modelLoadError(spec, device, error, [...failedUrls, ...pending]), { cause: error });
    }
    const previous = model;
    model = { spec, extractor, device };
    warming = true;
    try {
      // A first run compiles the session (shaders on WebGPU) and checks the vector length.
      tracker.report('compile', device === 'webgpu' ? 'Compiling GPU shaders (warm-up run)' : 'Warm-up run', true);
      await embedTexts(['warm up']);
      warming = false;
    } catch (error) {
      warming = false;
      model = previous;
      await extractor.dispose().catch(() => undefined);
      throw new Error(`${spec.label} loaded but its first run failed (${spec.dtype} on ${device}): ${describe(error)}`, { cause: error });
    }
    if (previous) await previous.extractor.dispose().catch(() => undefined);
    if (workspace && workspace.spec.id !== spec.id) {
      // Vectors of another model are not comparable: start the index over (stored ones stay, keyed by model).
      workspace.index = new HybridIndex(spec.dims, options.quantization);
      workspace.versions = new Map();
      workspace.spec = spec;
    }
    if (onProgress) sendToCallback(onProgress, { phase: 'ready', loadedBytes: tracker.bytes.loaded, totalBytes: tracker.bytes.total, text: `${spec.label} is loaded` });
  };

  const requireIndex = (method: string): NonNullable<typeof workspace> => {
    if (!model) throw new Error(`${method}() failed: no embedding model is loaded (call load() first)`);
    if (!workspace) throw new Error(`${method}() failed: no workspace index is open (call open() first)`);
    if (workspace.spec.id !== model.spec.id) {
      throw new Error(`${method}() failed: the open index is for ${workspace.spec.id}, but the loaded model is ${model.spec.id} (load it first)`);
    }
    return workspace;
  };

  const requireOpen = (method: string): NonNullable<typeof workspace> => {
    if (!workspace) throw new Error(`${method}() failed: no workspace index is open (call open() first)`);
    return workspace;
  };

  return {
    status: async () => status(),

    async load(spec, onProgress) {
      if (!isEmbedModelSpec(spec)) throw new TypeError('load() failed: not an embedding model spec (needs id, repo, dtype, dims, maxTokens)');
      const queued = loading;
      if (queued && sameModel(queued.spec, spec)) {
        // Still loading (disable / enable, or a folder switch, during the download): wait for that load.
        if (onProgress) queued.listeners.push(onProgress);
        await queued.done;
        return status();
      }
      if (!queued && sameModel(model?.spec, spec)) return status();
      const listeners = onProgress ? [onProgress] : [];
      const fanOut = (p: EmbedLoadProgress): void => {
        for (const listener of listeners) sendToCallback(listener, p);
      };
      const previous = queued?.done ?? Promise.resolve();
      // After another model's load (A, B, A): the last one asked for is the one loaded.
      const done = previous.catch(() => undefined).then(() => (sameModel(model?.spec, spec) ? undefined : loadNow(spec, fanOut)));
      const mine = { spec, done, listeners };
      loading = mine;
      try {
        await done;
      } finally {
        if (loading === mine) loading = null;
      }
      return status();
    },

    async open(workspaceId, openOptions) {
      const spec = openOptions?.model ?? model?.spec;
      if (!spec) throw new Error('open() failed: load an embedding model first, or name the model to open the index for (the index needs its vector length)');
      if (openOptions?.model && !isEmbedModelSpec(openOptions.model)) throw new TypeError('open() failed: not an embedding model spec');
      const dbName = openOptions?.dbName ?? vecDbName(workspaceId);
      if (workspace?.id === workspaceId && workspace.cache.dbName === dbName && workspace.spec.id === spec.id) return status();
      if (workspace?.cache.dbName !== dbName) await workspace?.cache.close();
      const cache = workspace?.cache.dbName === dbName ? workspace.cache : new VectorCache(dbName);
      workspace = { id: workspaceId, spec, index: new HybridIndex(spec.dims, options.quantization), cache, versions: new Map(), generation: 0 };
      return status();
    },

    async restore(): Promise<RestoreResult> {
      const ws = requireOpen('restore');
      const generation = ws.generation;
      let restored = 0;
      let stale = 0;
      for await (const page of ws.cache.files(ws.spec.id)) {
        if (workspace !== ws) throw new Error('restore() failed: the index was closed or reopened meanwhile');
        if (ws.generation !== generation) throw new Error('restore() failed: the index was cleared meanwhile');
        // Files upserted since open() are newer than what is stored.
        const todo = page.filter((r) => !ws.versions.has(r.path) && !ws.index.has(r.path));
        const hashes = [...new Set(todo.flatMap((r) => r.chunks.map((c) => c.hash)))];
        const vectors = new Map<string, Float32Array>();
        for (let i = 0; i < hashes.length; i += LOOKUP_BATCH) {
          for (const [hash, vector] of await ws.cache.getMany(ws.spec.id, hashes.slice(i, i + LOOKUP_BATCH))) {
            if (vector.length === ws.spec.dims) vectors.set(hash, vector);
          }
        }
        for (const r of todo) {
          if (ws.versions.has(r.path)) continue;
          if (!r.chunks.every((c) => vectors.has(c.hash))) {
            stale++; // left out: the page reads and upserts it again
            continue;
          }
          ws.index.setFile(
            r.path,
            r.chunks.map((c) => ({ path: r.path, ...c })),
            r.chunks.map((c) => vectors.get(c.hash)!),
          );
          ws.versions.set(r.path, { path: r.path, hash: r.hash, size: r.size, mtime: r.mtime });
          restored++;
        }
      }
      return { files: [...ws.versions.values()], restored, stale, chunks: ws.index.size };
    },

    async touchFiles(versions) {
      const ws = requireOpen('touchFiles');
      const known = versions.filter((v) => ws.versions.get(v.path)?.hash === v.hash);
      for (const v of known) ws.versions.set(v.path, { path: v.path, hash: v.hash, size: v.size, mtime: v.mtime });
      await ws.cache.touchFiles(ws.spec.id, known);
    },

    async countTokens(texts) {
      const current = model;
      if (!current) throw new Error('countTokens() failed: no embedding model is loaded (call load() first)');
      const prefix = current.spec.documentPrefix ?? '';
      return texts.map((t) => current.extractor.tokenizer.encode(prefix + t).length);
    },

    async upsertFiles(files): Promise<UpsertResult> {
      const ws = requireIndex('upsertFiles');
      const { spec, index, cache, versions: fileVersions, generation } = ws;
      const cleared = (): Error | null => (ws.generation === generation ? null : new Error('upsertFiles() failed: the index was cleared meanwhile (nothing stored)'));
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
      const records: FileRecord[] = files
        .filter((f) => f.version)
        .map((f) => ({
          path: f.path,
          hash: f.version!.hash,
          size: f.version!.size,
          mtime: f.version!.mtime,
          model: spec.id,
          chunks: f.chunks.map((c) => ({ line1: c.line1, line2: c.line2, text: c.text, hash: c.hash, ...(c.symbol !== undefined ? { symbol: c.symbol } : {}) })),
        }));
      // clear() while this was embedding: what it deleted must not come back.
      const before = cleared();
      if (before) throw before;
      await cache.saveFiles(spec.id, toStore, records);
      const after = cleared();
      if (after) throw after;
      // A file upserted without a version must not come back from storage as it was before.
      const unversioned = files.filter((f) => !f.version).map((f) => f.path);
      if (unversioned.some((p) => fileVersions.has(p))) await cache.deleteFiles(unversioned.filter((p) => fileVersions.has(p)));
      for (const f of files) {
        index.setFile(f.path, f.chunks, f.chunks.map((c) => vectors.get(c.hash)!));
        if (f.version) fileVersions.set(f.path, { path: f.path, hash: f.version.hash, size: f.version.size, mtime: f.version.mtime });
        else fileVersions.delete(f.path);
      }
      return { embedded: fresh.length, reused, chunks: index.size };
    },

    async removePaths(paths) {
      const ws = workspace;
      if (ws) {
        ws.index.removePaths(paths);
        for (const p of paths) {
          const under = `${p.replace(/\/$/, '')}/`;
          for (const path of [...ws.versions.keys()]) if (path === p || path.startsWith(under)) ws.versions.delete(path);
        }
        await ws.cache.deleteFiles(paths);
      }
      return status();
    },

    async search(query, topK) {
      if (!workspace) throw new Error('search() failed: no workspace index is open (call open() first)');
      if (typeof query !== 'string' || query.trim() === '') throw new TypeError('search() failed: the query is empty');
      const k = Math.max(1, Math.min(200, Math.floor(topK) || 10));
      // Without the index's model (still loading, or failed) the keyword half still answers.
      const vector = model && !warming && model.spec.id === workspace.spec.id ? (await embedTexts([(model.spec.queryPrefix ?? '') + query]))[0]! : null;
      return workspace.index.search(vector, query, k);
    },

    async embed(texts) {
      const vectors = await embedTexts(texts);
      embedded += vectors.length;
      return vectors;
    },

    async clear(workspaceId, clearOptions) {
      if (typeof workspaceId !== 'string' || workspaceId === '') throw new TypeError('clear() failed: name the workspace whose index to delete');
      const dbName = clearOptions?.dbName ?? vecDbName(workspaceId);
      const ws = workspace;
      if (ws && ws.cache.dbName === dbName) {
        // The open index: emptied in memory too, and work started before this stores nothing.
        ws.generation++;
        ws.index.clear();
        ws.versions.clear();
        await ws.cache.clear();
      } else {
        // Another workspace's (this worker has a different one open, or none): only its database.
        await deleteVecDb(dbName);
      }
      return status();
    },
  };
}
