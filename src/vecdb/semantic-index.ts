import { createWorkQueue } from '../workspace/work-queue';
import { DEFAULT_MAX_FILE_BYTES, DEFAULT_MAX_FILES } from '../code-index/limits';
import { createStatusFeed } from '../code-index/status-feed';
import { contentHash } from '../code-index/content-hash';
import { yieldToUi } from '../code-index/yield';
import { progressCallback, type RemoteApi } from '../worker-api/connect';
import type { EmbedChunk, EmbedHit, EmbedLoadProgress, EmbedModelSpec, EmbedWorkerApi, FileVersion } from '../worker-api/embed';
import type { Workspace, WorkspaceChange } from '../workspace/types';
import { chunkFileCounted, type ChunkSymbol } from './chunker';
import { DEFAULT_EMBED_MODEL } from './embed-models';

/**
 * The semantic (vector + keyword) index of a workspace, from the page's side:
 * walks the workspace's text files, chunks them at AST boundaries
 * (chunker.ts, with the AST index's symbols, cut to the model's limit as its
 * tokenizer counts), and hands the chunks of files that changed to the embed
 * worker, which embeds only chunks it has no stored vector for and keeps the
 * searchable index. At start the worker restores the index stored for the
 * workspace (no model needed: keyword search answers while the model loads),
 * and only files whose size or mtime changed since are read again. Follows workspace.watch, yields to
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

/**
 * How a search is answered right now: 'hybrid' (vectors + keywords, fused);
 * 'keyword only' (BM25 over the index restored from storage, while the model
 * is still loading or after it failed to load); 'none' (nothing to search
 * yet: a search waits for the model, or fails with the reason).
 */
export type SemanticSearchMode = 'hybrid' | 'keyword only' | 'none';

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
  /** See SemanticSearchMode. */
  searchMode: SemanticSearchMode;
  /** Files brought back from the workspace's stored index at start (not read, chunked or embedded). */
  restored: number;
  /** Files read from the workspace since this index was created (files unchanged since the last visit are not). */
  filesRead: number;
  /** Files chunked (new or changed content) since this index was created. */
  filesChunked: number;
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
  /** Resolves once the model is loaded (or failed to) and every pass and change so far has been indexed. */
  whenIdle(): Promise<SemanticIndexStatus>;
  /**
   * The best `topN` chunks for a question or an identifier, as agent code locations.
   * Keyword only while status().searchMode says so (see SemanticSearchMode).
   */
  search(query: string, topN: number, signal?: AbortSignal): Promise<SemanticLocation[]>;
  /** The same with scores and which ranking found each (vector, bm25). */
  hits(query: string, topN: number): Promise<EmbedHit[]>;
  /** Re-indexes these files now (e.g. after writes the watcher has not reported yet). */
  update(paths: string[]): Promise<void>;
  rescan(): Promise<void>;
  /**
   * After an error (the model did not load: the Hub or the mirror unreachable, say): loads the
   * model again, then brings the index up to date. Resolves with the status afterwards
   * (state 'ready', or 'error' again with the reason).
   */
  retry(): Promise<SemanticIndexStatus>;
  dispose(): void;
  /**
   * Disposes the index, waits for its work in the embed worker (opening, the upsert in flight),
   * then deletes this workspace's stored vectors and files, and nothing of another workspace's,
   * even when the shared worker has already opened another one. Works after dispose() too.
   */
  forget(): Promise<void>;
}

export { DEFAULT_MAX_FILE_BYTES, DEFAULT_MAX_FILES };
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

interface KnownFile {
  hash: string;
  size: number;
  mtime: number;
}

export function createSemanticIndex(workspace: Workspace, options: SemanticIndexOptions): SemanticIndex {
  const { embed } = options;
  const model = options.model ?? DEFAULT_EMBED_MODEL;
  const maxFileBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const maxFiles = options.maxFiles ?? DEFAULT_MAX_FILES;
  const includeIgnored = options.includeIgnored ?? false;
  /** Path -> the file as last indexed (restored from storage, or read in this session). */
  const known = new Map<string, KnownFile>();

  let disposed = false;
  let modelState: 'loading' | 'loaded' | 'failed' = 'loading';
  let openState: 'opening' | 'open' | 'failed' = 'opening';
  /** Why the index cannot work (the model or the stored index failed); per-file problems do not go here. */
  let fatal: string | null = null;
  let running = false;
  let modelLoad: Promise<boolean> = Promise.resolve(false);
  let opened: Promise<boolean> = Promise.resolve(false);
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
    searchMode: 'none',
    restored: 0,
    filesRead: 0,
    filesChunked: 0,
  };

  const stateNow = (): SemanticIndexStatus['state'] => {
    if (disposed) return 'disposed';
    if (openState === 'failed' || modelState === 'failed') return 'error';
    if (modelState === 'loading') return 'loading-model';
    if (running) return 'indexing';
    if (openState === 'opening') return 'starting';
    return 'ready';
  };
  const searchModeNow = (): SemanticSearchMode => {
    if (openState !== 'open') return 'none';
    if (modelState === 'loaded') return 'hybrid';
    return status.chunks > 0 ? 'keyword only' : 'none';
  };
  const snapshot = (): SemanticIndexStatus => ({ ...status, skipped: [...status.skipped] });
  const feed = createStatusFeed('semantic index', snapshot, STATUS_INTERVAL_MS);
  if (options.onStatus) feed.listen(options.onStatus);
  const emit = (force = false): void => {
    status.state = stateNow();
    status.searchMode = searchModeNow();
    feed.emit(force);
  };
  const set = (patch: Partial<SemanticIndexStatus>, force = false): void => {
    status = { ...status, ...patch };
    emit(force);
  };
  const skip = (path: string, reason: string): void => {
    if (status.skipped.length < MAX_LISTED) status.skipped.push({ path, reason });
  };
  /** A problem with one file or one batch: shown unless the index has a worse one. */
  const problem = (text: string, force = false): void => set({ error: fatal ?? text }, force);

  // ---- the model and the stored index --------------------------------------------

  const loadModel = (): Promise<boolean> => {
    modelState = 'loading';
    fatal = openState === 'failed' ? fatal : null;
    set({ error: fatal, download: null }, true);
    modelLoad = (async () => {
      try {
        await embed.load(
          model,
          progressCallback((p: EmbedLoadProgress) => {
            // The worker already throttles these (LoadProgressTracker): pass each one on.
            if (!disposed && modelState === 'loading') set({ download: p }, true);
          }),
        );
        if (disposed) return false;
        modelState = 'loaded';
        set({ download: null }, true);
        return true;
      } catch (error) {
        if (disposed) return false;
        modelState = 'failed';
        fatal = message(error);
        set({ error: fatal, download: null }, true);
        return false;
      }
    })();
    return modelLoad;
  };

  /** Opens the workspace's index in the worker and restores what was stored there, without the model. */
  const openIndex = (): Promise<boolean> => {
    openState = 'opening';
    opened = (async () => {
      try {
        await embed.open(workspace.id, { ...(options.dbName !== undefined ? { dbName: options.dbName } : {}), model });
      } catch (error) {
        if (disposed) return false;
        openState = 'failed';
        fatal = `the index could not be opened: ${message(error)}`;
        set({ error: fatal }, true);
        return false;
      }
      try {
        const restored = await embed.restore();
        for (const f of restored.files) known.set(f.path, { hash: f.hash, size: f.size, mtime: f.mtime });
        status.restored += restored.restored;
        status.chunks = restored.chunks;
      } catch (error) {
        // Not fatal: every file is read and chunked again (stored vectors are still reused).
        skip('(IndexedDB)', `the stored index could not be read: ${message(error)}`);
        problem(`the stored index could not be read, indexing everything again: ${message(error)}`);
      }
      if (disposed) return false;
      openState = 'open';
      emit(true);
      return true;
    })();
    return opened;
  };

  // ---- sending chunks to the worker ------------------------------------------------

  let batch: { path: string; version: FileVersion; chunks: EmbedChunk[] }[] = [];
  let batchChunks = 0;
  /** Files read again with the same content but a new stat: stored with it, so the next reload skips them. */
  let touched: FileVersion[] = [];
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
        const result = await embed.upsertFiles(files);
        for (const f of files) known.set(f.path, { hash: f.version.hash, size: f.version.size, mtime: f.version.mtime });
        set({ embedded: status.embedded + result.embedded, reused: status.reused + result.reused, chunks: result.chunks });
      } catch (error) {
        // These files keep their old version (or none), so the next pass or edit tries them again.
        for (const f of files) skip(f.path, `not embedded: ${message(error)}`);
        problem(`embedding failed: ${message(error)}`, true);
      }
    })();
    await previous;
  };

  const flushTouched = async (): Promise<void> => {
    const versions = touched;
    touched = [];
    if (versions.length === 0 || disposed) return;
    // Only a shortcut for the next reload: without it those files are read once more.
    await embed.touchFiles(versions).catch(() => undefined);
  };

  const countTokens = (texts: string[]): Promise<number[]> => embed.countTokens(texts);

  /** Reads one file and, when its content changed, chunks it and queues it for the worker. */
  const indexFile = async (path: string): Promise<void> => {
    const read = await workspace.readText(path, { limitBytes: maxFileBytes });
    status.filesRead++;
    if (read.kind !== 'text') {
      skip(path, read.reason);
      if (known.has(path)) await removeFromIndex([path]);
      return;
    }
    const hash = contentHash(read.text);
    const version: FileVersion = { path, hash, size: read.size, mtime: read.mtime };
    const before = known.get(path);
    if (before?.hash === hash) {
      if (before.size !== read.size || before.mtime !== read.mtime) {
        known.set(path, { hash, size: read.size, mtime: read.mtime });
        touched.push(version);
      }
      return;
    }
    let symbols: readonly ChunkSymbol[] | null = null;
    if (options.symbolsOf) {
      try {
        symbols = await options.symbolsOf(path);
      } catch {
        symbols = null; // The AST index could not say: chunk by blank lines instead.
      }
    }
    // Cut to the model's limit as its own tokenizer counts (in the worker, a batch per round).
    const chunks = await chunkFileCounted(path, read.text, symbols, { maxTokens: model.maxTokens, countTokens });
    status.filesChunked++;
    batch.push({ path, version, chunks });
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

  /**
   * Brings these files up to date. With `stats` (from a walk), a file whose size and mtime are
   * those it was indexed with is not read: after a reload only changed files are.
   */
  const indexFiles = async (paths: string[], stats?: Map<string, { size: number; mtime: number }>): Promise<void> => {
    running = true;
    set({ done: 0, total: paths.length, error: fatal }, true);
    try {
      const toRead: string[] = [];
      for (const path of paths) {
        const before = known.get(path);
        const now = stats?.get(path);
        // mtime 0: a source without modification times; only the content can tell.
        if (before && now && now.mtime > 0 && now.size === before.size && now.mtime === before.mtime) status.done++;
        else toRead.push(path);
      }
      emit(true);
      // Reading needs the model (its tokenizer cuts the chunks, then it embeds them). If it
      // failed to load, these files stay as they were indexed and retry() picks them up.
      if (toRead.length > 0 && modelState !== 'loaded' && !(await modelLoad)) return;
      for (const path of toRead) {
        if (disposed) return;
        try {
          await indexFile(path);
        } catch (error) {
          // One unreadable file (deleted meanwhile, permission) does not stop the pass.
          skip(path, message(error));
          problem(`${path}: ${message(error)}`);
        }
        status.done++;
        emit();
        await yieldToUi();
      }
      await flush();
      await inFlight;
      await flushTouched();
    } finally {
      running = false;
      emit(true);
    }
  };

  // ---- passes -------------------------------------------------------------------

  const fullPass = async (): Promise<void> => {
    set({ skipped: [] });
    // With stored files to compare against, size + mtime let unchanged files skip being read.
    const walked = await workspace.walk({ includeIgnored, stat: known.size > 0 });
    for (const e of walked.errors) skip(e.path, e.message);
    const paths = walked.files.map((f) => f.path).filter(isIndexablePath).sort();
    const over = paths.length > maxFiles ? paths.splice(maxFiles) : [];
    for (const p of over.slice(0, 10)) skip(p, `over the ${maxFiles}-file limit of the semantic index`);
    const stats = new Map<string, { size: number; mtime: number }>();
    for (const f of walked.files) if (f.size !== undefined && f.mtime !== undefined) stats.set(f.path, { size: f.size, mtime: f.mtime });
    const present = new Set(paths);
    await removeFromIndex([...known.keys()].filter((p) => !present.has(p)));
    await indexFiles(paths, stats);
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

  const queue = createWorkQueue({
    shouldRun: async () => (await opened) && !disposed,
    applyChanges,
    onError: (error) => {
      if (!disposed) problem(`indexing stopped: ${message(error)}`, true);
    },
  });
  const enqueue = queue.enqueue;

  // The model loads while the stored index is restored: keyword search works before it is loaded.
  void loadModel();
  void openIndex();
  const unwatch = options.watch === false ? () => {} : workspace.watch((changes) => queue.addChanges(changes));
  void enqueue(fullPass);

  const live = (method: string): void => {
    if (disposed) throw new Error(`${method}() failed: the semantic index of "${workspace.name}" was disposed`);
  };

  const dispose = (): void => {
    if (disposed) return;
    disposed = true;
    unwatch();
    set({ state: 'disposed' }, true);
    feed.clear();
  };

  const unavailable = (): Error => new Error(`The semantic index is not available: ${fatal ?? status.error ?? 'unknown error'}`);

  const hits = async (query: string, topN: number): Promise<EmbedHit[]> => {
    live('search');
    if (!(await opened)) throw unavailable();
    // Nothing restored to search by keyword: wait for the model (the first visit).
    if (modelState === 'loading' && status.chunks === 0) await modelLoad;
    if (modelState === 'failed' && status.chunks === 0) throw unavailable();
    return embed.search(query, topN);
  };

  return {
    status: snapshot,
    onStatus: feed.listen,
    async whenIdle() {
      for (;;) {
        const [o, m, w] = [opened, modelLoad, queue.tail];
        await o;
        await m;
        await w;
        if (o === opened && m === modelLoad && w === queue.tail) return snapshot();
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
    async retry() {
      live('retry');
      if (openState === 'failed') {
        fatal = null;
        void openIndex();
      }
      if (modelState === 'failed') void loadModel();
      await opened;
      if (await modelLoad) await enqueue(fullPass);
      return snapshot();
    },
    dispose,
    async forget() {
      dispose();
      // Not the model load (a download can take minutes): nothing is embedded or stored without it.
      await opened;
      for (let seen: Promise<void> | null = null; seen !== inFlight; ) {
        seen = inFlight;
        await seen;
      }
      await embed.clear(workspace.id, options.dbName !== undefined ? { dbName: options.dbName } : undefined);
    },
  };
}
