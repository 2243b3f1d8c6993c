import { createWorkQueue } from '../workspace/work-queue';
import type { Workspace, WorkspaceChange } from '../workspace/types';
import { INDEX_FORMAT, IndexStore, type StoredFileIndex } from './index-store';
import { indexedLanguageForPath } from './languages';
import { DEFAULT_MAX_FILE_BYTES, MAX_FILES_SETTING } from './limits';
import { readMaxFilesSetting } from './settings';
import { runParsePipeline } from './parse-pipeline';
import { renderSkeleton } from './skeleton';
import { createStatusFeed } from './status-feed';
import { SymbolTable } from './symbol-table';
import type { AstPool, CodeIndex, CodeIndexOptions, CodeIndexStatus, IndexProblem } from './types';
import { createAstPool } from './worker-pool';
import { yieldToUi } from './yield';

export { DEFAULT_MAX_FILE_BYTES, DEFAULT_MAX_FILES, MAX_FILES_SETTING } from './limits';

/** Cached-entry writes are grouped into one IndexedDB transaction per this many files. */
const WRITE_BATCH = 128;
const MAX_LISTED_PROBLEMS = 200;
const STATUS_INTERVAL_MS = 100;
/** An update touching at least this many files tags them all before parsing any (a branch switch, a big pull). */
const QUICK_UPDATE_FILES = 64;

/** What the index remembers of each indexed file. */
interface KnownFile {
  hash: string;
  data: StoredFileIndex;
}

interface Candidate {
  path: string;
  language: string;
  size?: number;
  mtime?: number;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Open until a pass has every file's definitions in (tagged, parsed or cached). */
interface DefinitionsGate {
  promise: Promise<void>;
  open(): void;
}

function closedGate(): DefinitionsGate {
  let open = (): void => {};
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

/**
 * Indexes a workspace's source files with tree-sitter in a pool of workers and
 * answers definition / reference / outline queries from memory. The index is
 * cached in IndexedDB per workspace (by path and content hash), so a reload
 * re-parses only files that changed; workspace changes are applied as they are
 * reported. Queries answer at once with whatever is indexed so far; `status()`
 * and `onStatus` tell how far the indexing is.
 *
 * ```ts
 * const index = createCodeIndex(workspace);
 * await index.whenIdle();
 * const [hit] = await index.definitions('Cart.total');
 * const callers = await index.references(hit.symbol);
 * ```
 */
export function createCodeIndex(workspace: Workspace, options: CodeIndexOptions = {}): CodeIndex {
  const maxFileBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const includeIgnored = options.includeIgnored ?? false;
  const ownsPool = options.pool === undefined;
  const pool: AstPool = options.pool ?? createAstPool({ size: options.workers });
  const store = options.persist === false ? null : new IndexStore(workspace.id, options.dbName);
  const table = new SymbolTable();
  const known = new Map<string, KnownFile>();
  /** Files whose table entry holds quick-tagged definitions only, waiting for their parse. */
  const quickOnly = new Set<string>();
  /** Closed while a pass is still finding definitions; the first pass is queued from the start. */
  let definitionsGate: DefinitionsGate | null = closedGate();
  const openDefinitionsGate = (): void => {
    definitionsGate?.open();
    definitionsGate = null;
  };

  let disposed = false;
  let firstPass = true;
  let writes: Promise<void> = Promise.resolve();
  // Keyed by path, so a file written then deleted (or the reverse) before a flush ends up right.
  let pendingPuts = new Map<string, { path: string; hash: string; data: StoredFileIndex }>();
  let pendingDeletes = new Set<string>();

  let status: CodeIndexStatus = {
    state: 'starting',
    error: null,
    phase: null,
    done: 0,
    total: 0,
    parsed: 0,
    cached: 0,
    files: 0,
    definitions: 0,
    usages: 0,
    quick: 0,
    skipped: [],
    skippedCount: 0,
    errors: [],
    truncated: false,
    unsupported: 0,
    lastPassMs: null,
    workers: pool.size,
  };

  const snapshot = (): CodeIndexStatus => ({
    ...status,
    files: table.fileCount,
    definitions: table.definitionCount,
    usages: table.usageCount,
    quick: quickOnly.size,
    skipped: [...status.skipped],
    errors: [...status.errors],
  });

  const feed = createStatusFeed('code index', snapshot, STATUS_INTERVAL_MS);
  const emit = feed.emit;

  const problem = (list: IndexProblem[], path: string, reason: string): void => {
    if (list.length < MAX_LISTED_PROBLEMS) list.push({ path, reason });
  };
  const skip = (path: string, reason: string): void => {
    status.skippedCount++;
    problem(status.skipped, path, reason);
  };
  const fail = (path: string, reason: string): void => problem(status.errors, path, reason);

  // ---- persistence ------------------------------------------------------------

  const flushWrites = (): void => {
    if (!store || (pendingPuts.size === 0 && pendingDeletes.size === 0)) return;
    const puts = [...pendingPuts.values()];
    const deletes = [...pendingDeletes];
    pendingPuts = new Map();
    pendingDeletes = new Set();
    writes = writes
      .then(async () => {
        await store.delete(deletes);
        await store.put(puts);
      })
      .catch((error: unknown) => {
        fail('(IndexedDB)', `the index could not be saved, so a reload will parse again: ${message(error)}`);
        emit(true);
      });
  };

  const remember = (path: string, entry: KnownFile): void => {
    known.set(path, entry);
    if (!store) return;
    pendingDeletes.delete(path);
    pendingPuts.set(path, { path, hash: entry.hash, data: entry.data });
    if (pendingPuts.size >= WRITE_BATCH) flushWrites();
  };

  const forget = (path: string): void => {
    table.remove(path);
    quickOnly.delete(path);
    pendingPuts.delete(path);
    if (known.delete(path) && store) pendingDeletes.add(path);
  };

  const adopt = (path: string, entry: KnownFile): void => {
    quickOnly.delete(path);
    table.set({ path, language: entry.data.language, definitions: entry.data.definitions, usages: entry.data.usages });
  };

  // ---- indexing files -----------------------------------------------------------

  /**
   * Reads, hashes and (when changed) parses files through the pool; records every outcome.
   * `quick`: tag every changed file first (definitions only, at ctags speed), then parse.
   * `warm`: grammars to load in every worker once the tagging is done (not before: compiling a
   * grammar's wasm would hold a worker's tagging up).
   */
  const indexFiles = (files: Candidate[], quick: boolean, warm: string[] = []): Promise<void> => {
    const languageOf = new Map(files.map((f) => [f.path, f.language]));
    return runParsePipeline(files, pool, {
      previous: (path) => {
        const entry = known.get(path);
        return entry && { hash: entry.hash, size: entry.data.size, mtime: entry.data.mtime };
      },
      read: (path) => workspace.readText(path, { limitBytes: maxFileBytes }),
      cancelled: () => disposed,
      unchanged(path, now) {
        status.cached++;
        status.done++;
        const entry = known.get(path);
        // Same content, new mtime (touched, or rewritten identically): refresh the stat fast path.
        if (entry && now && (entry.data.size !== now.size || entry.data.mtime !== now.mtime)) {
          remember(path, { hash: now.hash, data: { ...entry.data, size: now.size, mtime: now.mtime } });
        }
      },
      parsed(file, version) {
        if (disposed) return;
        status.done++;
        status.parsed++;
        const entry: KnownFile = {
          hash: version.hash,
          data: {
            format: INDEX_FORMAT,
            language: file.language,
            size: version.size,
            mtime: version.mtime,
            definitions: file.definitions,
            usages: file.usages,
            hasErrors: file.hasErrors,
          },
        };
        adopt(file.path, entry);
        remember(file.path, entry);
      },
      skipped(path, reason) {
        status.done++;
        skip(path, reason);
        forget(path);
      },
      failed(path, reason, gone) {
        // Disposed mid-pass: the pool refused the batch; keep the cached entry for next time.
        if (disposed) return;
        status.done++;
        if (!gone && quickOnly.has(path)) {
          // A parse that failed (e.g. timed out) still leaves the file findable by its definitions.
          fail(path, `${reason} (its definitions from the quick tagger are kept; no usages)`);
          return;
        }
        if (!gone) fail(path, reason);
        forget(path);
      },
      tagged(path, definitions) {
        if (disposed) return;
        status.done++;
        if (definitions === null) return;
        const language = languageOf.get(path) ?? 'plaintext';
        // Usages of the previous version stay until the parse replaces them: roughly right beats none.
        table.set({ path, language, definitions, usages: known.get(path)?.data.usages ?? [] });
        quickOnly.add(path);
      },
      tagsDone(toParse) {
        if (toParse > 0 && warm.length > 0) pool.prepare(warm);
        status = { ...status, phase: 'parsing', done: 0, total: toParse };
        openDefinitionsGate();
        emit(true);
      },
      progress: () => emit(),
    }, { quick });
  };

  const maxFiles = async (): Promise<number> => {
    if (options.maxFiles !== undefined) return Math.max(1, Math.floor(options.maxFiles));
    return readMaxFilesSetting();
  };

  const startPass = (quick: boolean): number => {
    if (quick) definitionsGate ??= closedGate();
    status = {
      ...status,
      state: 'indexing',
      error: null,
      phase: quick ? 'definitions' : 'parsing',
      done: 0,
      total: 0,
      parsed: 0,
      cached: 0,
      skipped: [],
      skippedCount: 0,
      errors: [],
    };
    emit(true);
    return performance.now();
  };

  const endPass = (started: number): void => {
    flushWrites();
    openDefinitionsGate();
    status = { ...status, state: 'ready', phase: null, lastPassMs: performance.now() - started };
    emit(true);
  };

  /** Walks the workspace and brings the index in line with it. */
  const fullPass = async (): Promise<void> => {
    const started = startPass(true);
    if (firstPass) {
      firstPass = false;
      if (store) {
        try {
          for await (const page of store.load()) {
            if (disposed) return;
            for (const [path, cached] of page) {
              known.set(path, cached);
              adopt(path, cached);
            }
            emit();
            await yieldToUi();
          }
        } catch (error) {
          fail('(IndexedDB)', `the saved index could not be read; parsing everything: ${message(error)}`);
        }
        emit(true);
      }
    }
    const cap = await maxFiles();
    let walked;
    try {
      // With entries to compare against, size + mtime let unchanged files skip being read.
      walked = await workspace.walk({ includeIgnored, stat: known.size > 0 });
    } catch (error) {
      fail('', `could not list the workspace's files: ${message(error)}`);
      endPass(started);
      return;
    }
    for (const e of walked.errors) fail(e.path, e.message);
    const candidates: Candidate[] = [];
    let unsupported = 0;
    for (const f of walked.files) {
      const language = indexedLanguageForPath(f.path);
      if (language === null) unsupported++;
      else candidates.push({ path: f.path, language, size: f.size, mtime: f.mtime });
    }
    candidates.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    const over = candidates.length > cap ? candidates.splice(cap) : [];
    for (const f of over) skip(f.path, `over the ${cap}-file limit of the code index (setting ${MAX_FILES_SETTING})`);
    const present = new Set(candidates.map((c) => c.path));
    // The table also holds files that are not in `known` (quick-tagged, or their parse failed).
    for (const path of new Set([...known.keys(), ...table.paths()])) if (!present.has(path)) forget(path);
    status.total = candidates.length;
    status.truncated = over.length > 0;
    status.unsupported = unsupported;
    const languages = [...new Set(candidates.filter((c) => !known.has(c.path)).map((c) => c.language))];
    emit(true);
    await indexFiles(candidates, true, languages);
    endPass(started);
  };

  /** Applies reported changes: re-indexes created/modified files, drops deleted ones. */
  const applyChanges = async (changes: Map<string, WorkspaceChange['type']>): Promise<void> => {
    // After a pass stopped, files it never reached are missing: a change is the moment to retry them all.
    // Ignore rules changed: the set of files may have too.
    if (status.state === 'error' || [...changes.keys()].some((p) => p === '.gitignore' || p.endsWith('/.gitignore'))) {
      await fullPass();
      return;
    }
    const started = startPass(changes.size >= QUICK_UPDATE_FILES);
    const cap = await maxFiles();
    const toIndex: Candidate[] = [];
    for (const [path, type] of changes) {
      if (type === 'deleted') {
        const under = `${path}/`;
        for (const p of new Set([...known.keys(), ...table.paths()])) if (p === path || p.startsWith(under)) forget(p);
        continue;
      }
      const language = indexedLanguageForPath(path);
      if (language === null) {
        // A folder that appeared (moved or copied in): index what is inside.
        if (type === 'created') {
          const stat = await workspace.stat(path).catch(() => null);
          if (stat?.kind === 'directory') {
            const inside = await workspace.walk({ under: path, includeIgnored }).catch(() => null);
            for (const f of inside?.files ?? []) {
              const lang = indexedLanguageForPath(f.path);
              if (lang !== null) toIndex.push({ path: f.path, language: lang });
            }
          }
        }
        continue;
      }
      if (!includeIgnored && (await workspace.isIgnored(path, 'file').catch(() => false))) {
        forget(path);
        continue;
      }
      toIndex.push({ path, language });
    }
    const accepted = toIndex.filter((f) => {
      if (known.has(f.path) || table.fileCount < cap) return true;
      skip(f.path, `over the ${cap}-file limit of the code index (setting ${MAX_FILES_SETTING})`);
      return false;
    });
    status.total = accepted.length;
    await indexFiles(accepted, status.phase === 'definitions');
    endPass(started);
  };

  const queue = createWorkQueue({
    shouldRun: () => !disposed,
    applyChanges,
    // A pass that threw left files unindexed: say so (never 'ready'), and release whoever waits.
    onError: (error) => {
      if (disposed) return;
      flushWrites();
      openDefinitionsGate();
      status = { ...status, state: 'error', error: message(error), phase: null };
      emit(true);
    },
  });
  const enqueue = queue.enqueue;

  const unwatch = options.watch === false ? () => {} : workspace.watch((changes) => queue.addChanges(changes));
  void enqueue(fullPass);

  const live = (method: string): void => {
    if (disposed) throw new Error(`${method}() failed: the code index of "${workspace.name}" was disposed`);
  };

  return {
    async definitions(query, queryOptions) {
      live('definitions');
      return table.definitions(query, queryOptions);
    },
    async references(symbol, queryOptions) {
      live('references');
      return table.references(symbol, queryOptions);
    },
    async fileSymbols(path) {
      live('fileSymbols');
      return [...(table.fileSymbols(path) ?? [])];
    },
    async skeleton(path) {
      live('skeleton');
      const symbols = table.fileSymbols(path);
      return symbols ? renderSkeleton(path, symbols) : null;
    },
    status: snapshot,
    onStatus: feed.listen,
    async whenDefinitions() {
      for (let gate = definitionsGate; gate; gate = definitionsGate) await gate.promise;
      return snapshot();
    },
    async whenIdle() {
      // Changes reported while waiting queue more work; wait until the chain is still.
      for (;;) {
        const pending = queue.tail;
        await pending;
        await writes;
        if (pending === queue.tail) return snapshot();
      }
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
      openDefinitionsGate();
      unwatch();
      if (ownsPool) pool.dispose();
      status = { ...status, state: 'disposed' };
      emit(true);
      feed.clear();
    },
  };
}
