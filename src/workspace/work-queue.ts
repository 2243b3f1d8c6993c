import type { WorkspaceChange } from './types';

export type ChangeBatch = Map<string, WorkspaceChange['type']>;

/**
 * One task at a time for an index that follows a workspace (the AST index,
 * the semantic index): full passes and change batches run one after another,
 * and changes reported while a task runs are merged into one batch (the last
 * change of a path wins), so a burst of saves costs one update.
 */
export interface WorkQueue {
  /** Runs `task` after everything queued so far. A failure goes to `onError` and the queue goes on. */
  enqueue(task: () => Promise<void>): Promise<void>;
  /** Adds changes to the batch waiting to run, queuing one if none is waiting. */
  addChanges(changes: readonly WorkspaceChange[]): void;
  /** The end of the queue as it is now: when it settles and is still the tail, the index is idle. */
  readonly tail: Promise<void>;
}

export interface WorkQueueOptions {
  /** Asked before each task; false skips it (the index was disposed, or could not open). */
  shouldRun: () => boolean | Promise<boolean>;
  applyChanges: (batch: ChangeBatch) => Promise<void>;
  onError: (error: unknown) => void;
}

export function createWorkQueue({ shouldRun, applyChanges, onError }: WorkQueueOptions): WorkQueue {
  let tail: Promise<void> = Promise.resolve();
  let pending: ChangeBatch = new Map();
  let batchQueued = false;

  const enqueue = (task: () => Promise<void>): Promise<void> => {
    const run = tail.then(async () => {
      if (await shouldRun()) await task();
    });
    tail = run.catch(onError);
    return tail;
  };

  return {
    enqueue,
    addChanges(changes) {
      for (const change of changes) pending.set(change.path, change.type);
      if (batchQueued) return;
      batchQueued = true;
      void enqueue(async () => {
        batchQueued = false;
        const batch = pending;
        pending = new Map();
        await applyChanges(batch);
      });
    },
    get tail() {
      return tail;
    },
  };
}
