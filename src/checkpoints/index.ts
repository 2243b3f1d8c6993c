/**
 * Checkpoints: every agent write can be undone, byte for byte.
 *
 * ```ts
 * const { checkpoint } = await createCheckpoint(workspace, chat.id); // attach to the user message
 * const preview = await previewCheckpoints(workspace, [checkpoint]);  // what a reset would change
 * const report = await restoreCheckpoints(workspace, [checkpoint], (p) => show(p));
 * await restoreCheckpoints(workspace, report.checkpoints_for_undo);   // undo the reset
 * ```
 *
 * One shadow git repository per workspace (isomorphic-git over lightning-fs,
 * IndexedDB database `refact-checkpoints:<workspace id>`), a branch per chat.
 */
import type { Workspace } from '../workspace/types';
import { CheckpointError, WriteRefusedError } from './errors';
import { chatRef } from './git-objects';
import { describeChange, fileChange, loadTarget, pickCheckpoint, planRestore, runRestore, DEFAULT_MAX_DIFF_BYTES } from './restore';
import { shadowRepo } from './shadow-repo';
import { DEFAULT_MAX_FILE_BYTES, scanWorkspace, skipNotes, snapshotError, takeSnapshot } from './snapshot';
import type {
  Checkpoint,
  CheckpointPreview,
  PreviewOptions,
  RestoreOptions,
  RestoreProgress,
  RestoreReport,
  SnapshotOptions,
  SnapshotResult,
} from './types';

export * from './types';
export {
  CheckpointError,
  CheckpointNotFoundError,
  CheckpointStorageFullError,
  WriteRefusedError,
} from './errors';
export { checkpointUsage, collectGarbage, deleteCheckpoints, DEFAULT_MAX_AGE_MS, DEFAULT_MAX_BYTES } from './gc';
export { DEFAULT_MAX_FILE_BYTES } from './snapshot';
export { unifiedDiff } from './diff';
export { stopChangeJournal } from './change-journal';

/**
 * Saves the workspace's current state on the chat's branch. Unchanged files
 * cost a stat (size + mtime against the index); only new content is stored.
 * Throws CheckpointStorageFullError when storage is full, PermissionLostError
 * when the folder's permission is gone.
 */
export async function createCheckpoint(
  workspace: Workspace,
  chatId: string,
  options: SnapshotOptions = {},
): Promise<SnapshotResult> {
  const started = performance.now();
  const repo = shadowRepo(workspace.id);
  const ref = chatRef(chatId);
  const maxFileBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const { scan, outcome } = await repo
    .exclusive(() =>
      takeSnapshot(repo, workspace, ref, options.title ?? `checkpoint for chat ${chatId}`, {
        maxFileBytes,
        signal: options.signal,
        timings: options.profile,
        useJournal: options.scan !== 'full',
      }),
    )
    .catch((error: unknown) => {
      throw snapshotError(error, workspace); // also covers creating the repository
    });
  return {
    checkpoint: { workspace_folder: workspace.id, commit_hash: outcome.commit },
    chatId,
    ref,
    tree: outcome.tree,
    files: scan.files.size,
    hashed: scan.hashed,
    newObjects: scan.newObjects + outcome.newObjects,
    newBytes: scan.newBytes + outcome.newBytes,
    unchanged: outcome.unchanged,
    skipped: scan.skipped,
    notes: skipNotes(scan.skipped, maxFileBytes),
    ms: performance.now() - started,
  };
}

/**
 * Runs `write` only after a checkpoint of the workspace was saved; when the
 * snapshot fails (storage full, permission lost, ...) the write does not
 * happen and WriteRefusedError says why.
 */
export async function checkpointBeforeWrite<T>(
  workspace: Workspace,
  chatId: string,
  write: (checkpoint: Checkpoint) => Promise<T>,
  options: SnapshotOptions = {},
): Promise<{ snapshot: SnapshotResult; result: T }> {
  let snapshot: SnapshotResult;
  try {
    snapshot = await createCheckpoint(workspace, chatId, options);
  } catch (error) {
    const reason = error instanceof Error ? error : new CheckpointError(String(error));
    throw new WriteRefusedError(reason, workspace.name);
  }
  return { snapshot, result: await write(snapshot.checkpoint) };
}

/** The files a restore of `checkpoints` would change in `workspace`, with diffs. Changes nothing. */
export async function previewCheckpoints(
  workspace: Workspace,
  checkpoints: readonly Checkpoint[],
  options: PreviewOptions = {},
): Promise<CheckpointPreview> {
  const checkpoint = pickCheckpoint(workspace, checkpoints);
  const repo = shadowRepo(workspace.id);
  const maxDiffBytes = options.maxDiffBytes ?? DEFAULT_MAX_DIFF_BYTES;
  return repo.exclusive(async () => {
    const target = await loadTarget(repo, checkpoint);
    const index = await repo.loadIndex();
    const now = await scanWorkspace(repo, workspace, index, {
      maxFileBytes: options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES,
      store: false,
    });
    const untouched = [...target.skipped, ...now.skipped];
    const plan = planRestore(target.files, now.files, untouched);
    const files = [];
    for (const change of plan) files.push(await describeChange(repo, workspace, change, maxDiffBytes));
    return {
      checkpoint,
      reverted_to: new Date(target.takenAt).toISOString(),
      checkpoints_for_undo: [],
      reverted_changes: [{ workspace_folder: workspace.id, files_changed: files }],
      untouched,
      error_log: [],
    };
  });
}

/**
 * Puts the workspace back to `checkpoints` (the one for this workspace). Takes
 * an undo checkpoint first (returned in `checkpoints_for_undo`; restoring it
 * undoes this restore), then deletes, then writes (8 at a time), verifying each file by hash.
 * A failure stops the restore (writes already running finish); the report lists what was and was not done.
 */
export async function restoreCheckpoints(
  workspace: Workspace,
  checkpoints: readonly Checkpoint[],
  onProgress?: (progress: RestoreProgress) => void,
  options: RestoreOptions = {},
): Promise<RestoreReport> {
  const started = performance.now();
  const checkpoint = pickCheckpoint(workspace, checkpoints);
  const repo = shadowRepo(workspace.id);
  return repo.exclusive(async () => {
    const target = await loadTarget(repo, checkpoint);
    const run = await runRestore(repo, workspace, target, {
      maxFileBytes: options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES,
      signal: options.signal,
      onProgress,
    });
    return {
      checkpoint,
      reverted_to: new Date(target.takenAt).toISOString(),
      checkpoints_for_undo: [run.undo],
      reverted_changes: [{ workspace_folder: workspace.id, files_changed: run.plan.map((c) => fileChange(workspace, c)) }],
      error_log: run.errorLog,
      undo: run.undo,
      complete: run.failed.length === 0,
      restored: run.restored,
      failed: run.failed,
      not_restored: run.notRestored,
      untouched: run.untouched,
      verified: run.verified,
      ms: performance.now() - started,
    };
  });
}
