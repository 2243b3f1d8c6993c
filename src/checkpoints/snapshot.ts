/**
 * Taking a snapshot: walk the workspace (its ignore rules apply), hash every
 * file whose size or mtime differs from the index, store the blobs the
 * repository lacks, build the trees bottom-up and commit.
 *
 * The working tree is never copied into lightning-fs: only new blobs are
 * written, as git objects.
 */
import { PermissionLostError, NotFoundError } from '../workspace/errors';
import { formatBytes } from '../workspace/format';
import { baseName, isWithin } from '../workspace/paths';
import type { Workspace } from '../workspace/types';
import { git } from './git';
import {
  FILE_MODE,
  TREE_MODE,
  checkpointMessage,
  serializeTree,
  sha1Hex,
  wrapObject,
  type SkippedPath,
  type TreeItem,
} from './git-objects';
import { CheckpointError, CheckpointStorageFullError, isQuotaError, messageOf } from './errors';
import type { IndexEntry, ShadowRepo } from './shadow-repo';
import { journalFor, peekJournal, type JournalBaseline } from './change-journal';

export const DEFAULT_MAX_FILE_BYTES = 32 * 1024 * 1024;
/** Allowed disagreement between the file system's clock and Date.now(). */
const CLOCK_SLACK_MS = 20;
/** Reads in flight, and bytes in flight across them (a few huge files must not all be in memory at once). */
const READ_CONCURRENCY = 32;
const READ_BUDGET_BYTES = 64 * 1024 * 1024;
/** Folder listings remembered with their tree ids (a few MB at most). */
const MAX_CACHED_TREES = 20_000;

export interface ScannedFile {
  oid: string;
  size: number;
  mtime: number;
}

export interface ScanResult {
  files: Map<string, ScannedFile>;
  skipped: SkippedPath[];
  hashed: number;
  newObjects: number;
  newBytes: number;
  /** Epoch ms when the scan began. */
  startedAt: number;
}

export interface ScanOptions {
  maxFileBytes: number;
  /** Write missing blobs into the repository (a snapshot) or only hash (a preview). */
  store: boolean;
  signal?: AbortSignal;
  /** Timings of the phases, for profiling. */
  timings?: Record<string, number>;
}

/** Waiters for a condition that changes when work finishes: each `notify` wakes them all to re-check. */
class Wakeups {
  private waiting: (() => void)[] = [];
  wait(): Promise<void> {
    return new Promise((resolve) => this.waiting.push(resolve));
  }
  notify(): void {
    for (const wake of this.waiting.splice(0)) wake();
  }
}

/** Runs `task` over `items` with at most `n` running and at most `budget` of `weight` in flight. */
async function pool<T>(
  items: readonly T[],
  n: number,
  budget: number,
  weight: (item: T) => number,
  task: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  let inFlight = 0;
  let failed: unknown = null;
  const done = new Wakeups();
  const lane = async () => {
    while (next < items.length && failed === null) {
      const item = items[next++]!;
      const w = Math.min(weight(item), budget);
      while (inFlight > 0 && inFlight + w > budget) await done.wait();
      inFlight += w;
      try {
        await task(item);
      } catch (error) {
        failed ??= error;
      } finally {
        inFlight -= w;
        done.notify();
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, lane));
  if (failed !== null) throw failed;
}

function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw signal.reason ?? new DOMException('The snapshot was cancelled', 'AbortError');
}

interface Candidate {
  path: string;
  size: number;
  mtime: number;
}

/**
 * The coarsest mtime step this file's mtime is consistent with: 2 s on FAT,
 * 10 ms on exFAT, 1 ms elsewhere. A file with a "round" mtime by chance is
 * only treated more carefully than it needed.
 */
function mtimeGranularity(mtime: number): number {
  if (mtime % 2000 === 0) return 2000;
  if (mtime % 1000 === 0) return 1000;
  if (mtime % 10 === 0) return 10;
  return 1;
}

/**
 * "Racy git": if a file's mtime step had not ended when the scan began, a later
 * same-size edit could keep the mtime we recorded; such entries are re-hashed
 * next time instead of trusted.
 */
export function isRacy(mtime: number, scanStartedAt: number): boolean {
  return mtime + mtimeGranularity(mtime) + CLOCK_SLACK_MS > scanStartedAt;
}

/** Sorts one stat'ed file into the result: over the cap (skipped), unchanged per the index, or to hash. */
function classify(
  f: Candidate,
  index: ReadonlyMap<string, IndexEntry>,
  maxFileBytes: number,
  files: Map<string, ScannedFile>,
  skipped: SkippedPath[],
  toHash: Candidate[],
): void {
  if (f.size > maxFileBytes) {
    skipped.push({
      path: f.path,
      kind: 'file',
      size: f.size,
      reason: `${formatBytes(f.size)} is over the ${formatBytes(maxFileBytes)} checkpoint limit`,
    });
    return;
  }
  const cached = index.get(f.path);
  if (cached && !cached.racy && cached.size === f.size && cached.mtime === f.mtime) {
    files.set(f.path, { oid: cached.oid, size: f.size, mtime: f.mtime });
  } else {
    toHash.push(f);
  }
}

/** Reads and hashes `toHash` (stores new blobs when `store`), updating `files`, `skipped` and `index`. */
async function hashFiles(
  repo: ShadowRepo,
  workspace: Workspace,
  index: Map<string, IndexEntry>,
  toHash: readonly Candidate[],
  files: Map<string, ScannedFile>,
  skipped: SkippedPath[],
  options: ScanOptions & { startedAt: number },
): Promise<{ hashed: number; newObjects: number; newBytes: number }> {
  let newObjects = 0;
  let newBytes = 0;
  let hashed = 0;
  // Reads do not wait for their blob to be committed (that would make every blob its own
  // IndexedDB transaction); the bytes not yet committed count against the read budget instead.
  const writes: Promise<void>[] = [];
  let unwritten = 0;
  const written = new Wakeups();
  const store = async (f: Candidate, oid: string, object: Uint8Array) => {
    unwritten += object.length;
    try {
      const stored = await repo.writeObject(oid, object);
      if (stored > 0) {
        newObjects++;
        newBytes += stored;
      }
      index.set(f.path, { size: f.size, mtime: f.mtime, oid, racy: isRacy(f.mtime, options.startedAt) });
    } finally {
      unwritten -= object.length;
      written.notify();
    }
  };
  await repo.batched(async () => {
    await pool(
      toHash,
      READ_CONCURRENCY,
      READ_BUDGET_BYTES,
      (f) => f.size,
      async (f) => {
        throwIfAborted(options.signal);
        while (unwritten > READ_BUDGET_BYTES) await written.wait();
        let bytes: Uint8Array;
        try {
          bytes = await workspace.readBytes(f.path);
        } catch (error) {
          if (error instanceof NotFoundError) return; // deleted since the walk: not part of this state
          if (error instanceof PermissionLostError) throw error;
          skipped.push({ path: f.path, kind: 'file', size: f.size, reason: `could not be read: ${messageOf(error)}` });
          return;
        }
        const { oid, object } = await git.hashBlob({ object: bytes });
        hashed++;
        // Keep the walk's size + mtime: if the file changed after the walk, they will not match next time.
        files.set(f.path, { oid, size: f.size, mtime: f.mtime });
        if (options.store) {
          const write = store(f, oid, object);
          write.catch(() => undefined); // awaited below
          writes.push(write);
        } else if (await repo.hasObject(oid)) {
          index.set(f.path, { size: f.size, mtime: f.mtime, oid, racy: isRacy(f.mtime, options.startedAt) });
        } else {
          index.delete(f.path);
        }
      },
    );
  });
  const failed = (await Promise.allSettled(writes)).find((r) => r.status === 'rejected');
  if (failed) throw (failed as PromiseRejectedResult).reason;
  return { hashed, newObjects, newBytes };
}

/**
 * Walks the whole workspace and hashes every file whose size or mtime differs
 * from `index` (updated in place for every file hashed whose blob is in the
 * repository).
 */
export async function scanWorkspace(
  repo: ShadowRepo,
  workspace: Workspace,
  index: Map<string, IndexEntry>,
  options: ScanOptions,
): Promise<ScanResult> {
  const { maxFileBytes, signal, timings } = options;
  const startedAt = Date.now();
  let t = performance.now();
  const walk = await workspace.walk({ stat: true, signal });
  if (timings) timings.walk = performance.now() - t;
  throwIfAborted(signal);
  const rootError = walk.errors.find((e) => e.path === '');
  if (rootError) {
    // Not a folder with one unreadable corner: nothing could be read (typically a revoked permission).
    throw new CheckpointError(`Could not read the folder "${workspace.name}": ${rootError.message}`);
  }
  const files = new Map<string, ScannedFile>();
  // walk.errors name unreadable directories, and files whose stat failed (listed without a size).
  const walkedPaths = new Set(walk.files.map((f) => f.path));
  const skipped: SkippedPath[] = walk.errors.map((e) => ({
    path: e.path,
    kind: walkedPaths.has(e.path) ? ('file' as const) : ('directory' as const),
    size: 0,
    reason: `could not be read: ${e.message}`,
  }));
  const toHash: Candidate[] = [];
  for (const f of walk.files) {
    if (f.size === undefined || f.mtime === undefined) {
      if (!skipped.some((s) => s.path === f.path)) {
        skipped.push({ path: f.path, kind: 'file', size: 0, reason: 'could not be read' });
      }
      continue;
    }
    classify({ path: f.path, size: f.size, mtime: f.mtime }, index, maxFileBytes, files, skipped, toHash);
  }
  // Files gone from the folder leave the index.
  for (const path of [...index.keys()]) if (!walkedPaths.has(path)) index.delete(path);
  t = performance.now();
  const counts = await hashFiles(repo, workspace, index, toHash, files, skipped, { ...options, startedAt });
  if (timings) timings['read+hash+store'] = performance.now() - t;
  return { files, skipped, ...counts, startedAt };
}

/**
 * The same result as `scanWorkspace`, from the last snapshot's files plus a
 * re-check of the paths the change journal reports. Returns null when it
 * cannot be trusted to (a .gitignore or the root changed, a folder could not
 * be walked): the caller then walks everything.
 */
export async function scanChanges(
  repo: ShadowRepo,
  workspace: Workspace,
  index: Map<string, IndexEntry>,
  baseline: JournalBaseline,
  dirty: readonly string[],
  options: ScanOptions,
): Promise<ScanResult | null> {
  const { maxFileBytes, timings } = options;
  const startedAt = Date.now();
  let t = performance.now();
  // A dirty folder covers everything below it.
  const roots = [...new Set(dirty)].sort().filter((p, i, all) => !all.slice(0, i).some((q) => isWithin(p, q)));
  if (roots.some((p) => p === '' || baseName(p) === '.gitignore')) return null;
  const files = new Map(baseline.files);
  let skipped = baseline.skipped.slice();
  const toHash: Candidate[] = [];
  for (const root of roots) {
    throwIfAborted(options.signal);
    // Forget what the baseline had there (a known file is one entry; anything else may be a folder).
    if (!files.delete(root)) for (const path of files.keys()) if (isWithin(path, root)) files.delete(path);
    skipped = skipped.filter((s) => !isWithin(s.path, root));
    let stat;
    try {
      stat = await workspace.stat(root);
    } catch (error) {
      if (error instanceof NotFoundError) continue; // deleted
      if (error instanceof PermissionLostError) throw error;
      return null;
    }
    if (await workspace.isIgnored(root, stat.kind)) continue;
    if (stat.kind === 'file') {
      classify({ path: root, size: stat.size, mtime: stat.mtime }, index, maxFileBytes, files, skipped, toHash);
      continue;
    }
    const walk = await workspace.walk({ under: root, stat: true, signal: options.signal });
    if (walk.errors.length) return null;
    for (const f of walk.files) {
      if (f.size === undefined || f.mtime === undefined) return null;
      classify({ path: f.path, size: f.size, mtime: f.mtime }, index, maxFileBytes, files, skipped, toHash);
    }
  }
  // Files gone from the folder leave the index.
  for (const root of roots) {
    if (index.has(root)) {
      if (!files.has(root)) index.delete(root);
    } else {
      for (const path of [...index.keys()]) if (isWithin(path, root) && !files.has(path)) index.delete(path);
    }
  }
  if (timings) timings.walk = performance.now() - t;
  t = performance.now();
  const counts = await hashFiles(repo, workspace, index, toHash, files, skipped, { ...options, startedAt });
  if (timings) timings['read+hash+store'] = performance.now() - t;
  return { files, skipped, ...counts, startedAt };
}

/** Builds the trees of `files` bottom-up; stores the missing ones when `store`. Returns the root tree id. */
export async function buildTrees(
  repo: ShadowRepo,
  files: ReadonlyMap<string, ScannedFile>,
  store: boolean,
): Promise<{ root: string; newObjects: number; newBytes: number }> {
  const dirs = new Map<string, TreeItem[]>([['', []]]);
  const itemsOf = (dir: string): TreeItem[] => {
    let items = dirs.get(dir);
    if (!items) dirs.set(dir, (items = []));
    return items;
  };
  for (const [path, file] of files) {
    const cut = path.lastIndexOf('/');
    itemsOf(cut < 0 ? '' : path.slice(0, cut)).push({ name: path.slice(cut + 1), mode: FILE_MODE, oid: file.oid });
    // Make sure every ancestor directory has an entry list.
    for (let dir = cut < 0 ? '' : path.slice(0, cut); dir !== ''; ) {
      const up = dir.lastIndexOf('/');
      dir = up < 0 ? '' : dir.slice(0, up);
      itemsOf(dir);
    }
  }
  const depth = (dir: string) => (dir === '' ? 0 : dir.split('/').length);
  const order = [...dirs.keys()].sort((a, b) => depth(b) - depth(a));
  let newObjects = 0;
  let newBytes = 0;
  let root = '';
  // Hash level by level, deepest first; trees of one level are independent.
  for (let i = 0; i < order.length; ) {
    const level = depth(order[i]!);
    let j = i;
    while (j < order.length && depth(order[j]!) === level) j++;
    await Promise.all(
      order.slice(i, j).map(async (dir) => {
        const items = dirs.get(dir)!;
        const key = items
          .map((item) => `${item.mode} ${item.name}\0${item.oid}`)
          .sort()
          .join('\n');
        let oid = store ? repo.storedTrees.get(key) : undefined;
        if (oid === undefined) {
          const wrapped = wrapObject('tree', serializeTree(items));
          oid = await sha1Hex(wrapped);
          if (store) {
            const written = await repo.writeObject(oid, wrapped);
            if (written > 0) {
              newObjects++;
              newBytes += written;
            }
            if (repo.storedTrees.size > MAX_CACHED_TREES) repo.storedTrees.clear();
            repo.storedTrees.set(key, oid);
          }
        }
        if (dir === '') {
          root = oid;
        } else {
          const cut = dir.lastIndexOf('/');
          itemsOf(cut < 0 ? '' : dir.slice(0, cut)).push({ name: dir.slice(cut + 1), mode: TREE_MODE, oid });
        }
      }),
    );
    i = j;
  }
  return { root, newObjects, newBytes };
}

export function skipNotes(skipped: readonly SkippedPath[], maxFileBytes: number): string[] {
  const notes: string[] = [];
  const large = skipped.filter((s) => s.reason.includes('checkpoint limit'));
  const unreadable = skipped.filter((s) => !s.reason.includes('checkpoint limit'));
  const list = (items: readonly SkippedPath[]) =>
    items
      .slice(0, 5)
      .map((s) => s.path)
      .join(', ') + (items.length > 5 ? ` and ${items.length - 5} more` : '');
  if (large.length) {
    notes.push(
      `${large.length} file${large.length > 1 ? 's' : ''} over ${formatBytes(maxFileBytes)} ` +
        `${large.length > 1 ? 'were' : 'was'} not saved in the checkpoint and will not be restored: ${list(large)}`,
    );
  }
  if (unreadable.length) {
    notes.push(`${unreadable.length} could not be read and will not be restored: ${list(unreadable)}`);
  }
  return notes;
}

export interface CommitOutcome {
  commit: string;
  tree: string;
  unchanged: boolean;
  newObjects: number;
  newBytes: number;
}

/**
 * Stores the scan as a commit on `ref` (parent: the ref's head). When the tree
 * and the skipped list equal the head's, the head is reused instead.
 */
export async function commitScan(repo: ShadowRepo, scan: ScanResult, ref: string, title: string): Promise<CommitOutcome> {
  const trees = await buildTrees(repo, scan.files, true);
  const message = checkpointMessage(title, scan.skipped);
  const parent = await repo.resolveRef(ref);
  if (parent) {
    const head = await repo.commitSummary(parent);
    const sameSkips = head.message.slice(head.message.indexOf('\n')) === message.slice(message.indexOf('\n'));
    if (head.tree === trees.root && sameSkips) {
      return { commit: parent, tree: trees.root, unchanged: true, newObjects: trees.newObjects, newBytes: trees.newBytes };
    }
  }
  const commit = await repo.writeCommit(trees.root, parent, message);
  await repo.writeRef(ref, commit);
  return { commit, tree: trees.root, unchanged: false, newObjects: trees.newObjects + 1, newBytes: trees.newBytes };
}

/** Snapshot + commit + index save + flush; quota errors become CheckpointStorageFullError. */
export async function takeSnapshot(
  repo: ShadowRepo,
  workspace: Workspace,
  ref: string,
  title: string,
  options: {
    maxFileBytes: number;
    signal?: AbortSignal;
    timings?: Record<string, number>;
    /** Re-check only what the change journal reports (createCheckpoint); otherwise walk everything. */
    useJournal?: boolean;
  },
): Promise<{ scan: ScanResult; outcome: CommitOutcome }> {
  const journal = options.useJournal ? await journalFor(workspace) : peekJournal(workspace);
  try {
    const gcMarker = await repo.syncWithGc();
    const index = await repo.loadIndex();
    const scanOptions = { ...options, store: true };
    const work = options.useJournal ? journal?.take(options.maxFileBytes, gcMarker) : null;
    let scan = work ? await scanChanges(repo, workspace, index, work.baseline, work.dirty, scanOptions) : null;
    if (options.timings) options.timings.journal = scan ? 1 : 0;
    if (!scan) {
      journal?.beginFullScan();
      scan = await scanWorkspace(repo, workspace, index, scanOptions);
    }
    let t = performance.now();
    const outcome = await commitScan(repo, scan, ref, title);
    if (options.timings) options.timings['trees+commit'] = performance.now() - t;
    t = performance.now();
    await repo.saveIndex(index);
    await repo.flush();
    if (options.timings) options.timings['index+flush'] = performance.now() - t;
    journal?.settle({ files: scan.files, skipped: scan.skipped, maxFileBytes: options.maxFileBytes, gcMarker });
    return { scan, outcome };
  } catch (error) {
    journal?.invalidate();
    throw snapshotError(error, workspace);
  }
}

/** Quota errors become CheckpointStorageFullError; other unexpected errors a CheckpointError naming the folder. */
export function snapshotError(error: unknown, workspace: Workspace): unknown {
  if (error instanceof CheckpointError || error instanceof PermissionLostError) return error;
  if (isQuotaError(error)) return new CheckpointStorageFullError(workspace.name, error);
  if ((error as { name?: unknown } | null)?.name === 'AbortError') return error;
  return new CheckpointError(`Could not save a checkpoint of "${workspace.name}": ${messageOf(error)}`, { cause: error });
}
