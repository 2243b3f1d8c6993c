/**
 * Preview and restore. Both compare the checkpoint's files with the folder as
 * it is now; the restore first saves the current state as an undo checkpoint,
 * then deletes what was created since, writes back what changed or vanished,
 * and verifies each file by hash. It stops at the first failure (a revoked
 * permission, a locked file) and reports exactly what was and was not done;
 * the undo checkpoint keeps the state from before, so nothing is lost.
 */
import { NotFoundError, WorkspaceError } from '../workspace/errors';
import { isWithin, parentPath } from '../workspace/paths';
import { decodeText } from '../workspace/text-codec';
import type { Workspace } from '../workspace/types';
import { unifiedDiff } from './diff';
import { CheckpointError, CheckpointNotFoundError, messageOf } from './errors';
import { UNDO_REF, parseSkipped, type SkippedPath } from './git-objects';
import { git } from './git';
import type { ShadowRepo } from './shadow-repo';
import { scanChanges, scanWorkspace, takeSnapshot, type ScannedFile } from './snapshot';
import { peekJournal } from './change-journal';
import type {
  Checkpoint,
  FailedFile,
  FileChange,
  RestoreAction,
  RestoreProgress,
  RestoredFile,
} from './types';

export const DEFAULT_MAX_DIFF_BYTES = 1024 * 1024;
/** Files written at once (each write is a few IPCs to the browser's file system). */
const RESTORE_CONCURRENCY = 8;

export interface CheckpointTarget {
  checkpoint: Checkpoint;
  files: Map<string, string>;
  skipped: SkippedPath[];
  takenAt: number;
}

/** The checkpoint of this workspace among `checkpoints` (Refact passes one per workspace folder). */
export function pickCheckpoint(workspace: Workspace, checkpoints: readonly Checkpoint[]): Checkpoint {
  const mine = checkpoints.filter((c) => c.workspace_folder === workspace.id);
  if (mine.length === 0) {
    throw new CheckpointError(
      checkpoints.length === 0
        ? 'No checkpoint was given.'
        : `None of the checkpoints belongs to the open folder "${workspace.name}".`,
    );
  }
  if (mine.length > 1 && mine.some((c) => c.commit_hash !== mine[0]!.commit_hash)) {
    throw new CheckpointError(`Several different checkpoints were given for "${workspace.name}".`);
  }
  return mine[0]!;
}

export async function loadTarget(repo: ShadowRepo, checkpoint: Checkpoint): Promise<CheckpointTarget> {
  if (!/^[0-9a-f]{40}$/.test(checkpoint.commit_hash)) {
    throw new CheckpointError(`"${checkpoint.commit_hash}" is not a checkpoint id.`);
  }
  let commit;
  try {
    commit = await repo.readCommit(checkpoint.commit_hash);
  } catch (error) {
    throw new CheckpointNotFoundError(checkpoint.commit_hash, error);
  }
  return {
    checkpoint,
    files: await repo.flattenTree(commit.tree),
    skipped: parseSkipped(commit.message),
    takenAt: commit.committer.timestamp * 1000,
  };
}

/** Paths a restore must not touch: not saved then, or not saved now (so not in the undo checkpoint). */
function isProtected(path: string, protectedPaths: readonly SkippedPath[]): boolean {
  return protectedPaths.some((s) => (s.kind === 'file' ? s.path === path : isWithin(path, s.path)));
}

export interface PlannedChange {
  path: string;
  action: RestoreAction;
  currentOid: string | null;
  checkpointOid: string | null;
}

/** The changes that turn `current` into `target`, in path order. */
export function planRestore(
  target: ReadonlyMap<string, string>,
  current: ReadonlyMap<string, ScannedFile>,
  protectedPaths: readonly SkippedPath[],
): PlannedChange[] {
  const plan: PlannedChange[] = [];
  for (const [path, oid] of target) {
    if (isProtected(path, protectedPaths)) continue;
    const now = current.get(path);
    if (!now) plan.push({ path, action: 'added', currentOid: null, checkpointOid: oid });
    else if (now.oid !== oid) plan.push({ path, action: 'modified', currentOid: now.oid, checkpointOid: oid });
  }
  for (const [path, now] of current) {
    if (target.has(path) || isProtected(path, protectedPaths)) continue;
    plan.push({ path, action: 'deleted', currentOid: now.oid, checkpointOid: null });
  }
  return plan.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

const STATUS = { added: 'ADDED', modified: 'MODIFIED', deleted: 'DELETED' } as const;

export function fileChange(workspace: Workspace, change: PlannedChange, extra: Partial<FileChange> = {}): FileChange {
  return {
    relative_path: change.path,
    absolute_path: `${workspace.name}/${change.path}`,
    action: change.action,
    status: STATUS[change.action],
    current_oid: change.currentOid,
    checkpoint_oid: change.checkpointOid,
    binary: false,
    diff: null,
    ...extra,
  };
}

/** Diff of one change, current -> checkpoint; binary and oversized files get a note instead. */
export async function describeChange(
  repo: ShadowRepo,
  workspace: Workspace,
  change: PlannedChange,
  maxDiffBytes: number,
): Promise<FileChange> {
  const readSide = async (side: 'current' | 'checkpoint'): Promise<Uint8Array | null> => {
    if (side === 'current') return change.currentOid ? workspace.readBytes(change.path) : null;
    return change.checkpointOid ? repo.readBlob(change.checkpointOid) : null;
  };
  let current: Uint8Array | null;
  let saved: Uint8Array | null;
  try {
    [current, saved] = await Promise.all([readSide('current'), readSide('checkpoint')]);
  } catch (error) {
    return fileChange(workspace, change, { note: `no diff: ${messageOf(error)}` });
  }
  const size = Math.max(current?.length ?? 0, saved?.length ?? 0);
  if (size > maxDiffBytes) {
    return fileChange(workspace, change, { note: `no diff: the file is larger than ${Math.round(maxDiffBytes / 1024)} KB` });
  }
  const decode = (bytes: Uint8Array | null) => (bytes === null ? { kind: 'text' as const, text: '' } : decodeText(bytes));
  const a = decode(current);
  const b = decode(saved);
  if (a.kind !== 'text' || b.kind !== 'text') {
    const reason = a.kind === 'binary' ? a.reason : b.kind === 'binary' ? b.reason : 'binary file';
    return fileChange(workspace, change, { binary: true, note: reason });
  }
  const diff = unifiedDiff(a.text, b.text, {
    oldLabel: current ? `a/${change.path}` : '/dev/null',
    newLabel: saved ? `b/${change.path}` : '/dev/null',
  });
  return fileChange(workspace, change, { diff });
}

// ---- restore -----------------------------------------------------------------------

export interface RestoreRun {
  undo: Checkpoint;
  plan: PlannedChange[];
  restored: RestoredFile[];
  failed: FailedFile[];
  notRestored: RestoredFile[];
  untouched: SkippedPath[];
  verified: boolean;
  errorLog: string[];
}

function sameBytesAsBlob(bytes: Uint8Array, oid: string): Promise<boolean> {
  return git.hashBlob({ object: bytes }).then((h) => h.oid === oid);
}

function describeFailure(error: unknown): string {
  if (error instanceof WorkspaceError) return error.message;
  return messageOf(error);
}

/** Removes directories left empty by deletions, unless the checkpoint has files below them. */
async function removeEmptiedDirectories(
  workspace: Workspace,
  deleted: readonly string[],
  target: ReadonlyMap<string, string>,
): Promise<void> {
  const targetDirs = new Set<string>();
  for (const path of target.keys()) for (let d = parentPath(path); d !== ''; d = parentPath(d)) targetDirs.add(d);
  const candidates = new Set<string>();
  for (const path of deleted) for (let d = parentPath(path); d !== '' && !targetDirs.has(d); d = parentPath(d)) candidates.add(d);
  // Deepest first, so a parent is tried after its children went.
  for (const dir of [...candidates].sort((a, b) => b.split('/').length - a.split('/').length)) {
    // Not recursive: a folder still holding anything (ignored files, say) stays.
    await workspace.remove(dir, { recursive: false }).catch(() => undefined);
  }
}

/**
 * Writes `bytes` at `path`. Git does not track empty folders, so an empty one
 * can sit where the checkpoint has a file: it is removed (only if empty) first.
 */
async function writeReplacingEmptyFolder(workspace: Workspace, path: string, bytes: Uint8Array): Promise<void> {
  try {
    await workspace.writeBytes(path, bytes);
  } catch (error) {
    const cause = error instanceof WorkspaceError ? (error.cause as { name?: unknown } | undefined) : undefined;
    if (cause?.name !== 'TypeMismatchError') throw error;
    const stat = await workspace.stat(path).catch(() => null);
    if (stat?.kind !== 'directory') throw error;
    await workspace.remove(path, { recursive: false }); // throws (and stops the restore) if not empty
    await workspace.writeBytes(path, bytes);
  }
}

export async function runRestore(
  repo: ShadowRepo,
  workspace: Workspace,
  target: CheckpointTarget,
  options: { maxFileBytes: number; signal?: AbortSignal; onProgress?: (p: RestoreProgress) => void },
): Promise<RestoreRun> {
  const progress = options.onProgress ?? (() => undefined);
  progress({ phase: 'saving-undo', done: 0, total: 1 });
  const short = target.checkpoint.commit_hash.slice(0, 10);
  // If this fails nothing has been touched yet; the error goes to the caller as it is.
  const { scan: now, outcome } = await takeSnapshot(repo, workspace, UNDO_REF, `undo point: before restoring ${short}`, {
    maxFileBytes: options.maxFileBytes,
    signal: options.signal,
  });
  const undo: Checkpoint = { workspace_folder: workspace.id, commit_hash: outcome.commit };
  progress({ phase: 'saving-undo', done: 1, total: 1 });

  const untouched = [...target.skipped, ...now.skipped];
  const plan = planRestore(target.files, now.files, untouched);
  // Deletions first: a file may have to go before a folder of the same name can come back (and vice versa).
  const deletions = plan.filter((c) => c.action === 'deleted');
  const writes = plan.filter((c) => c.action !== 'deleted');
  const ordered = [...deletions, ...writes];
  const restored: RestoredFile[] = [];
  const failed: FailedFile[] = [];
  const errorLog: string[] = [];
  const attempted = new Set<PlannedChange>();
  let stopped = false;
  const apply = async (change: PlannedChange): Promise<void> => {
    attempted.add(change);
    progress({ phase: 'restoring', done: restored.length + failed.length, total: ordered.length, path: change.path });
    try {
      if (options.signal?.aborted) throw options.signal.reason ?? new DOMException('The restore was cancelled', 'AbortError');
      if (change.action === 'deleted') {
        await workspace.remove(change.path).catch((error: unknown) => {
          if (!(error instanceof NotFoundError)) throw error;
        });
        if (await workspace.exists(change.path)) throw new Error('the file is still there after deleting it');
      } else {
        const bytes = await repo.readBlob(change.checkpointOid!);
        await writeReplacingEmptyFolder(workspace, change.path, bytes);
        const back = await workspace.readBytes(change.path);
        if (!(await sameBytesAsBlob(back, change.checkpointOid!))) {
          throw new Error('the file read back does not match the checkpoint (hash mismatch)');
        }
      }
      restored.push({ path: change.path, action: change.action });
    } catch (error) {
      const reason = describeFailure(error);
      failed.push({ path: change.path, action: change.action, reason });
      errorLog.push(`${change.path}: ${reason}`);
      stopped = true; // no new changes start; those already running finish and are reported
    }
  };
  for (const change of deletions) {
    if (stopped) break;
    await apply(change);
  }
  if (!stopped) await removeEmptiedDirectories(workspace, deletions.map((c) => c.path), target.files);
  let next = 0;
  const lane = async () => {
    while (!stopped && next < writes.length) await apply(writes[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(RESTORE_CONCURRENCY, writes.length) }, lane));
  const notRestored = ordered.filter((c) => !attempted.has(c)).map((c) => ({ path: c.path, action: c.action }));
  if (stopped) {
    errorLog.push(
      `Restore stopped: ${restored.length} of ${ordered.length} changes were made and ${ordered.length - restored.length} were not. ` +
        `Undo checkpoint ${undo.commit_hash.slice(0, 10)} holds the folder as it was before.`,
    );
  }
  progress({ phase: 'restoring', done: restored.length, total: ordered.length });

  let verified = false;
  if (!stopped) {
    progress({ phase: 'verifying', done: 0, total: 1 });
    // Re-scan the folder and compare file for file: the change journal (if one runs) knows
    // which files the restore touched; otherwise the index makes a full walk cheap.
    const journal = peekJournal(workspace);
    const gcMarker = journal ? await repo.gcMarker() : 0;
    const index = await repo.loadIndex();
    const scanOptions = { maxFileBytes: options.maxFileBytes, store: false };
    const work = journal?.take(options.maxFileBytes, gcMarker);
    let after = work ? await scanChanges(repo, workspace, index, work.baseline, work.dirty, scanOptions) : null;
    if (!after) {
      journal?.beginFullScan();
      after = await scanWorkspace(repo, workspace, index, scanOptions);
    }
    const remaining = planRestore(target.files, after.files, [...untouched, ...after.skipped]);
    verified = remaining.length === 0;
    // Every file of a verified folder is a checkpoint blob, so the scan can be the journal's baseline.
    if (verified) journal?.settle({ files: after.files, skipped: after.skipped, maxFileBytes: options.maxFileBytes, gcMarker });
    else {
      journal?.invalidate();
      errorLog.push(`After the restore ${remaining.length} files still differ: ${remaining.slice(0, 5).map((c) => c.path).join(', ')}`);
    }
    await repo.saveIndex(index);
    await repo.flush();
    progress({ phase: 'verifying', done: 1, total: 1 });
  } else {
    peekJournal(workspace)?.invalidate();
  }
  progress({ phase: 'done', done: restored.length, total: ordered.length });
  return { undo, plan, restored, failed, notRestored, untouched, verified, errorLog };
}
