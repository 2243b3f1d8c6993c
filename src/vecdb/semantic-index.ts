import { contentHash } from '../code-index/content-hash';
import { yieldToUi } from '../code-index/yield';
import { progressCallback, type RemoteApi } from '../worker-api/connect';
import type { EmbedChunk, EmbedHit, EmbedLoadProgress, EmbedModelSpec, EmbedWorkerApi } from '../worker-api/embed';
import type { Workspace, WorkspaceChange } from '../workspace/types';
import { chunkFile, type ChunkSymbol } from './chunker';
import { DEFAULT_EMBED_MODEL } from './embed-models';

/**
 * The semantic (vector + keyword) index of a workspace, from the page's side:
 * walks the workspace's text files, chunks them at AST boundaries
 * (chunker.ts, with the AST index's symbols), and hands the chunks of files
 * that changed to the embed worker, which embeds only chunks it has no stored
 * vector for and keeps the searchable index. Follows workspace.watch, yields to
 * the UI between files, and answers `search` in the shape of the agent's
 * `CodeLocation` (src/engine/tools/types.ts), so it plugs into the
 * `semanticSearch` port (search_semantic, @search).
 *
 * ```ts
 * const semantic = createSemanticIndex(workspace, {
 *   embed: embedWorker().api,
 *   symbolsOf: async (path) => (indexedLanguageForPath(path) ? codeIndex.fileSymbols(path) : null),
 * });
 * await semantic.whenIdle();
 * const hits = await semantic.search('where are taxes computed', 10, signal);
 * ```
 */

export interface SemanticIndexStatus {
  state: 'starting' | 'loading-model' | 'indexing' | 'ready' | 'error' | 'disposed';
  /** Files handled in the current pass, of `total`. */
  done: number;
  total: number;
  /** Chunks in the index. */
  chunks: number;
  /** The embedding model's id. */
  model: string;
  /** Why the index is not usable (state 'error'), or the last problem with one file. */
  error: string | null;
  /** Chunks embedded / found already stored, since this index was created. */
  embedded: number;
  reused: number;
  /** The model download, while state is 'loading-model'. */
  download: EmbedLoadProgress | null;
  /** Files left out, with why (at most 100 listed). */
  skipped: { path: string; reason: string }[];
}

/** What search returns: the agent's CodeLocation shape, declared here so the folders do not import each other. */
export interface SemanticLocation {
  file_name: string;
  line1: number;
  line2: number;
  text?: string;
  symbol?: string;
}

export interface SemanticIndexOptions {
  /** The embed worker's API: `embedWorker().api` (src/worker-api/workers.ts), or an inProcess service in tests. */
  embed: RemoteApi<EmbedWorkerApi>;
  /** A file's definitions from the AST index, or null when its language has no grammar. Default: none (blank-line chunks). */
  symbolsOf?: (path: string) => Promise<readonly ChunkSymbol[] | null>;
  model?: EmbedModelSpec;
  /** The IndexedDB database for stored vectors; default `refact-vecdb-<workspace id>`. */
  dbName?: string;
  maxFileBytes?: number;
  maxFiles?: number;
  includeIgnored?: boolean;
  /** Follow workspace.watch (default true). */
  watch?: boolean;
  onStatus?: (status: SemanticIndexStatus) => void;
}

export interface SemanticIndex {
  status(): SemanticIndexStatus;
  onStatus(listener: (status: SemanticIndexStatus) => void): () => void;
  /** Resolves once every pass and change so far has been indexed. */
  whenIdle(): Promise<SemanticIndexStatus>;
  /** The best `topN` chunks for a question or an identifier, as agent code locations. */
  search(query: string, topN: number, signal?: AbortSignal): Promise<SemanticLocation[]>;
  /** The same with scores and which ranking found each (vector, bm25). */
  hits(query: string, topN: number): Promise<EmbedHit[]>;
  /** Re-indexes these files now (e.g. after writes the watcher has not reported yet). */
  update(paths: string[]): Promise<void>;
  rescan(): Promise<void>;
  dispose(): void;
}

export const DEFAULT_MAX_FILE_BYTES = 1024 * 1024;
export const DEFAULT_MAX_FILES = 20_000;
/** Chunks sent to the worker per call. */
const UPSERT_BATCH = 64;
const STATUS_INTERVAL_MS = 100;
const MAX_LISTED = 100;
// Never text, or text no one searches by meaning: skipped without reading them.
const NOT_INDEXED =
  /\.(png|jpe?g|gif|webp|ico|bmp|tiff?|svgz|pdf|zip|gz|tgz|bz2|xz|7z|rar|jar|war|class|o|a|so|dylib|dll|exe|bin|wasm|onnx|pt|safetensors|mp[34]|wav|ogg|webm|mov|avi|woff2?|ttf|otf|eot|map|min\.js|min\.css|lock)$|(^|\/)(package-lock\.json|pnpm-lock\.yaml|yarn\.lock|Cargo\.lock|poetry\.lock|go\.sum)$/i;

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function isIndexablePath(path: string): boolean {
  return !NOT_INDEXED.test(path);
}

export function createSemanticIndex(workspace: Workspace, options: SemanticIndexOptions): SemanticIndex {
  const { embed } = options;
  const model = options.model ?? DEFAULT_EMBED_MODEL;
  const maxFileBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const maxFiles = options.maxFiles ?? DEFAULT_MAX_FILES;
  const includeIgnored = options.includeIgnored ?? false;
  const listeners = new Set<(status: SemanticIndexStatus) => void>();
  if (options.onStatus) listeners.add(options.onStatus);
  /** Path -> content hash of the file as last indexed. */
  const known = new Map<string, string>();

  let disposed = false;
  let ready: Promise<void>;
  let work: Promise<void> = Promise.resolve();
  let pendingChanges = new Map<string, WorkspaceChange['type']>();
  let changesScheduled = false;
  let lastEmit = 0;
  let status: SemanticIndexStatus = {
    state: 'starting',
    done: 0,
    total: 0,
    chunks: 0,
    model: model.id,
    error: null,
    embedded: 0,
    reused: 0,
    download: null,
    skipped: [],
  };

  const emit = (force = false): void => {
    const now = performance.now();
    if (!force && now - lastEmit < STATUS_INTERVAL_MS) return;
    lastEmit = now;
    const current = { ...status, skipped: [...status.skipped] };
    for (const listener of listeners) {
      try {
        listener(current);
      } catch (error) {
        console.error('semantic index: status listener failed', error);
      }
    }
  };
  const set = (patch: Partial<SemanticIndexStatus>, force = false): void => {
    status = { ...status, ...patch };
    emit(force);
  };
  const skip = (path: string, reason: string): void => {
    if (status.skipped.length < MAX_LISTED) status.skipped.push({ path, reason });
  };

  // ---- sending chunks to the worker ------------------------------------------------

  let batch: { path: string; hash: string; chunks: EmbedChunk[] }[] = [];
  let batchChunks = 0;
  // At most one upsert in flight while the next batch is read and chunked.
  let inFlight: Promise<void> = Promise.resolve();

  const flush = async (): Promise<void> => {
    const files = batch;
    batch = [];
    batchChunks = 0;
    const previous = inFlight;
    inFlight = (async () => {
      await previous;
      if (files.length === 0 || disposed) return;
      try {
        const result = await embed.upsertFiles(files.map(({ path, chunks }) => ({ path, chunks })));
        for (const f of files) known.set(f.path, f.hash);
        set({ embedded: status.embedded + result.embedded, reused: status.reused + result.reused, chunks: result.chunks });
      } catch (error) {
        // These files stay unknown, so the next pass or edit tries them again.
        for (const f of files) skip(f.path, `not embedded: ${message(error)}`);
        set({ error: `embedding failed: ${message(error)}` }, true);
      }
    })();
    await previous;
  };

  /** Reads, chunks and queues one file; false when it was left out. */
  const indexFile = async (path: string): Promise<void> => {
    const read = await workspace.readText(path, { limitBytes: maxFileBytes });
    if (read.kind !== 'text') {
      skip(path, read.reason);
      if (known.has(path)) await removeFromIndex([path]);
      return;
    }
    const hash = contentHash(read.text);
    if (known.get(path) === hash) return;
    let symbols: readonly ChunkSymbol[] | null = null;
    if (options.symbolsOf) {
      try {
        symbols = await options.symbolsOf(path);
      } catch {
        symbols = null; // The AST index could not say: chunk by blank lines instead.
      }
    }
    const chunks = chunkFile(path, read.text, symbols, { maxTokens: model.maxTokens });
    batch.push({ path, hash, chunks });
    batchChunks += chunks.length;
    if (batchChunks >= UPSERT_BATCH) await flush();
  };

  const removeFromIndex = async (paths: string[]): Promise<void> => {
    if (paths.length === 0) return;
    for (const p of paths) {
      const under = `${p}/`;
      for (const k of [...known.keys()]) if (k === p || k.startsWith(under)) known.delete(k);
    }
    const after = await embed.removePaths(paths);
    set({ chunks: after.chunks ?? status.chunks });
  };

  const indexFiles = async (paths: string[]): Promise<void> => {
    set({ state: 'indexing', done: 0, total: paths.length, error: null }, true);
    for (const path of paths) {
      if (disposed) return;
      try {
        await indexFile(path);
      } catch (error) {
        // One unreadable file (deleted meanwhile, permission) does not stop the pass.
        skip(path, message(error));
        set({ error: `${path}: ${message(error)}` });
      }
      status.done++;
      emit();
      await yieldToUi();
    }
    await flush();
    await inFlight;
    set({ state: 'ready' }, true);
  };

  // ---- passes -------------------------------------------------------------------

  const fullPass = async (): Promise<void> => {
    set({ skipped: [] });
    const walked = await workspace.walk({ includeIgnored });
    for (const e of walked.errors) skip(e.path, e.message);
    const paths = walked.files.map((f) => f.path).filter(isIndexablePath).sort();
    const over = paths.length > maxFiles ? paths.splice(maxFiles) : [];
    for (const p of over.slice(0, 10)) skip(p, `over the ${maxFiles}-file limit of the semantic index`);
    const present = new Set(paths);
    await removeFromIndex([...known.keys()].filter((p) => !present.has(p)));
    await indexFiles(paths);
  };

  const applyChanges = async (changes: Map<string, WorkspaceChange['type']>): Promise<void> => {
    if ([...changes.keys()].some((p) => p === '.gitignore' || p.endsWith('/.gitignore'))) {
      await fullPass(); // the set of files may have changed
      return;
    }
    const toIndex: string[] = [];
    const deleted: string[] = [];
    for (const [path, type] of changes) {
      if (type === 'deleted') {
        deleted.push(path);
        continue;
      }
      const stat = await workspace.stat(path).catch(() => null);
      if (!stat) {
        deleted.push(path);
      } else if (stat.kind === 'directory') {
        const inside = await workspace.walk({ under: path, includeIgnored }).catch(() => null);
        for (const f of inside?.files ?? []) if (isIndexablePath(f.path)) toIndex.push(f.path);
      } else if (!isIndexablePath(path) || (!includeIgnored && (await workspace.isIgnored(path, 'file').catch(() => false)))) {
        if (known.has(path)) deleted.push(path);
      } else {
        toIndex.push(path);
      }
    }
    await removeFromIndex(deleted);
    await indexFiles(toIndex);
  };

  const enqueue = (task: () => Promise<void>): Promise<void> => {
    const run = work.then(async () => {
      await ready;
      if (!disposed && status.state !== 'error') await task();
    });
    work = run.catch((error: unknown) => {
      if (disposed) return;
      set({ state: 'ready', error: `indexing stopped: ${message(error)}` }, true);
    });
    return work;
  };

  const scheduleChanges = (changes: WorkspaceChange[]): void => {
    for (const change of changes) pendingChanges.set(change.path, change.type);
    if (changesScheduled) return;
    changesScheduled = true;
    void enqueue(async () => {
      changesScheduled = false;
      const changed = pendingChanges;
      pendingChanges = new Map();
      await applyChanges(changed);
    });
  };

  ready = (async () => {
    set({ state: 'loading-model' }, true);
    try {
      await embed.load(
        model,
        progressCallback((p: EmbedLoadProgress) => {
          // The worker already throttles these (LoadProgressTracker): pass each one on.
          if (!disposed) set({ download: p }, true);
        }),
      );
      await embed.open(workspace.id, options.dbName !== undefined ? { dbName: options.dbName } : undefined);
      set({ download: null });
    } catch (error) {
      set({ state: 'error', error: message(error) }, true);
    }
  })();

  const unwatch = options.watch === false ? () => {} : workspace.watch(scheduleChanges);
  void enqueue(fullPass);

  const live = (method: string): void => {
    if (disposed) throw new Error(`${method}() failed: the semantic index of "${workspace.name}" was disposed`);
  };

  const hits = async (query: string, topN: number): Promise<EmbedHit[]> => {
    live('search');
    await ready;
    if (status.state === 'error') throw new Error(`The semantic index is not available: ${status.error ?? 'unknown error'}`);
    return embed.search(query, topN);
  };

  return {
    status: () => ({ ...status, skipped: [...status.skipped] }),
    onStatus(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async whenIdle() {
      for (;;) {
        const pending = work;
        await pending;
        if (pending === work) return { ...status, skipped: [...status.skipped] };
      }
    },
    hits,
    async search(query, topN, signal) {
      signal?.throwIfAborted();
      const found = await hits(query, topN);
      signal?.throwIfAborted();
      return found.map((h) => ({
        file_name: h.path,
        line1: h.line1,
        line2: h.line2,
        text: h.text,
        ...(h.symbol !== undefined ? { symbol: h.symbol } : {}),
      }));
    },
    update(paths) {
      live('update');
      return enqueue(() => applyChanges(new Map(paths.map((p) => [p, 'modified' as const]))));
    },
    rescan() {
      live('rescan');
      return enqueue(fullPass);
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      unwatch();
      set({ state: 'disposed' }, true);
      listeners.clear();
    },
  };
}
