/** Errors the checkpoints API throws; each says what failed and what the user can do. */
import { isQuotaExceeded } from '../storage/db';

export class CheckpointError extends Error {
  override name = 'CheckpointError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Browser storage is full, so the checkpoint could not be saved. */
export class CheckpointStorageFullError extends CheckpointError {
  override name = 'CheckpointStorageFullError';
  constructor(workspaceName: string, cause: unknown) {
    super(
      `Browser storage is full, so no checkpoint of "${workspaceName}" could be saved. ` +
        'Delete old checkpoints (or downloaded models) to free space, then try again.',
      { cause },
    );
  }
}

/** `checkpointBeforeWrite` did not run the write because the snapshot failed. */
export class WriteRefusedError extends CheckpointError {
  override name = 'WriteRefusedError';
  constructor(
    readonly reason: CheckpointError | Error,
    workspaceName: string,
  ) {
    super(
      `The change to "${workspaceName}" was not made: a checkpoint to undo it could not be saved first. ${reason.message}`,
      { cause: reason },
    );
  }
}

export class CheckpointNotFoundError extends CheckpointError {
  override name = 'CheckpointNotFoundError';
  constructor(commitHash: string, cause?: unknown) {
    super(
      `Checkpoint ${commitHash.slice(0, 10)} is no longer stored (old checkpoints are deleted to save space).`,
      { cause },
    );
  }
}

/** Is `error`, or anything in its `cause` chain, a quota error? */
export function isQuotaError(error: unknown): boolean {
  for (let e = error, depth = 0; e && depth < 8; e = (e as { cause?: unknown }).cause, depth++) {
    if (isQuotaExceeded(e) || (e as { name?: unknown }).name === 'QuotaError') return true;
  }
  return false;
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
