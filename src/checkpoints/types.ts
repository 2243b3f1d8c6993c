/**
 * Public shapes of the checkpoints API. Top-level field names follow Refact's
 * `/v1/checkpoints-preview` and `/v1/checkpoints-restore` responses
 * (`reverted_to`, `checkpoints_for_undo`, `reverted_changes`, `error_log`), so
 * the chat can keep Refact's message model.
 */
import type { SkippedPath } from './git-objects';

export type { SkippedPath };

/** Attached to a user message: the state of the folder before the agent acted on it. */
export interface Checkpoint {
  /** The workspace id (`Workspace.id`); a restore refuses a checkpoint of another folder. */
  workspace_folder: string;
  /** The commit in the workspace's shadow repository. */
  commit_hash: string;
}

export interface SnapshotOptions {
  /** Files larger than this are not saved (and a restore leaves them alone). Default 32 MiB. */
  maxFileBytes?: number;
  /** First line of the commit message. */
  title?: string;
  signal?: AbortSignal;
  /**
   * 'auto' (default): where a FileSystemObserver watches the folder, re-check
   * only the paths changed since the last snapshot (see change-journal.ts);
   * 'full': walk and stat every file.
   */
  scan?: 'auto' | 'full';
  /** Filled with milliseconds per phase (walk, read+hash+store, trees+commit, index+flush), for profiling. */
  profile?: Record<string, number>;
}

export interface SnapshotResult {
  checkpoint: Checkpoint;
  chatId: string;
  /** The branch the commit is on (`refs/heads/chats/<encoded chat id>`). */
  ref: string;
  /** Root tree of the snapshot. */
  tree: string;
  /** Files in the snapshot. */
  files: number;
  /** Files read and hashed because the index had no matching size + mtime. */
  hashed: number;
  /** Objects (blobs, trees) this snapshot added, and their stored bytes. */
  newObjects: number;
  newBytes: number;
  /** Nothing changed since the branch's last checkpoint: `checkpoint` is that one. */
  unchanged: boolean;
  /** Files or folders not saved, with the reason (size cap, unreadable). */
  skipped: SkippedPath[];
  /** One line per kind of skip, for the user. */
  notes: string[];
  ms: number;
}

/** What a restore does to a file of the current folder. */
export type RestoreAction = 'added' | 'modified' | 'deleted';

export interface FileChange {
  relative_path: string;
  /** The workspace's name + the path: the browser has no absolute paths. */
  absolute_path: string;
  /**
   * What the restore will do: `added` = the file was deleted since the
   * checkpoint and comes back, `modified` = its content goes back,
   * `deleted` = it was created since the checkpoint and is removed.
   */
  action: RestoreAction;
  /** `action` in Refact's spelling. */
  status: 'ADDED' | 'MODIFIED' | 'DELETED';
  /** Blob ids now and at the checkpoint (null = absent). */
  current_oid: string | null;
  checkpoint_oid: string | null;
  binary: boolean;
  /** Unified diff from the current file to the checkpoint's, for text files; null otherwise (see `note`). */
  diff: string | null;
  note?: string;
}

export interface RevertedChanges {
  workspace_folder: string;
  files_changed: FileChange[];
}

export interface CheckpointPreview {
  checkpoint: Checkpoint;
  /** When the checkpoint was taken (ISO 8601). */
  reverted_to: string;
  /** Always empty in a preview: only a restore takes an undo checkpoint. */
  checkpoints_for_undo: Checkpoint[];
  reverted_changes: RevertedChanges[];
  /** Files a restore will leave as they are (over the size cap now or then, unreadable). */
  untouched: SkippedPath[];
  error_log: string[];
}

export interface PreviewOptions {
  /** No diff for files larger than this (either side). Default 1 MiB. */
  maxDiffBytes?: number;
  maxFileBytes?: number;
}

export type RestorePhase = 'saving-undo' | 'restoring' | 'verifying' | 'done';

export interface RestoreProgress {
  phase: RestorePhase;
  /** Files handled so far in this phase, of `total`. */
  done: number;
  total: number;
  path?: string;
}

export interface RestoreOptions {
  maxFileBytes?: number;
  signal?: AbortSignal;
}

export interface RestoredFile {
  path: string;
  action: RestoreAction;
}

export interface FailedFile extends RestoredFile {
  reason: string;
}

export interface RestoreReport {
  checkpoint: Checkpoint;
  reverted_to: string;
  /** The state just before the restore; restoring it undoes the restore. */
  checkpoints_for_undo: Checkpoint[];
  reverted_changes: RevertedChanges[];
  error_log: string[];
  undo: Checkpoint;
  /** Every planned change was made and verified. */
  complete: boolean;
  /** Changes made and verified by hash (written files read back; deleted ones gone). */
  restored: RestoredFile[];
  /** The change that stopped the restore, with the reason. */
  failed: FailedFile[];
  /** Planned changes not attempted because the restore stopped. */
  not_restored: RestoredFile[];
  untouched: SkippedPath[];
  /** After a complete restore: the folder was re-scanned and matches the checkpoint file for file. */
  verified: boolean;
  ms: number;
}

export interface GcPolicy {
  /** Chat branches whose newest checkpoint is older than this are deleted. Default 30 days. */
  maxAgeMs?: number;
  /** Then the oldest branches go until all repositories together store at most this. Default 512 MiB. */
  maxBytes?: number;
  /** Never deleted (e.g. the open chats). */
  keepChatIds?: readonly string[];
  /** Only these workspaces' repositories (default: every one in this origin). */
  workspaceIds?: readonly string[];
  now?: number;
}

export interface ChatCheckpoints {
  /** null for the branch of undo checkpoints taken by restores. */
  chatId: string | null;
  ref: string;
  checkpoints: number;
  /** Epoch ms of the newest checkpoint. */
  lastCheckpointAt: number;
}

export interface RepoUsage {
  workspaceId: string;
  /** Bytes stored in the repository (before IndexedDB's own compression). */
  bytes: number;
  objects: number;
  commits: number;
  chats: ChatCheckpoints[];
}

export interface CheckpointUsage {
  bytes: number;
  objects: number;
  commits: number;
  repos: RepoUsage[];
}

export interface GcReport {
  deletedBranches: { workspaceId: string; chatId: string | null; reason: 'age' | 'size' }[];
  deletedObjects: number;
  freedBytes: number;
  /** Repositories left with no branch were deleted entirely. */
  deletedRepos: string[];
  usage: CheckpointUsage;
}
