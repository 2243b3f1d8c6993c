/**
 * What changed in a workspace since its last snapshot, so that the next
 * snapshot re-checks those paths instead of statting every file (git's
 * fsmonitor idea). On the 739-file bench corpus a full walk with stats costs
 * 90-280 ms (one IPC per file for `getFile()`), the whole budget for a
 * snapshot after 10 edits.
 *
 * Sources: the workspace's own change events (synchronous for writes made
 * through it, i.e. the agent's) and a FileSystemObserver on the folder's root
 * handle (edits made elsewhere; in Chromium OPFS delivers them before the
 * writer's `close()` resolves, a local folder after the OS reports them).
 * The journal is trusted only while that observer runs: without it (other
 * browsers, non-handle workspaces), after an 'unknown' or 'errored' record,
 * after a .gitignore change or a garbage collection, the next snapshot walks
 * everything. Preview and restore always walk everything.
 *
 * The residual risk: an edit made outside the app less than the observer's
 * delivery delay before a checkpoint is missed by that checkpoint (not by the
 * next one, nor by a restore's undo checkpoint).
 */
import type { Workspace, WorkspaceChange } from '../workspace/types';
import type { SkippedPath } from './git-objects';
import type { ScannedFile } from './snapshot';

export interface JournalBaseline {
  files: Map<string, ScannedFile>;
  skipped: SkippedPath[];
  maxFileBytes: number;
  /** The repository's garbage-collection marker when the baseline was taken. */
  gcMarker: number;
}

/** Past this many dirty paths a full walk is cheaper than re-checking each. */
const MAX_DIRTY = 2000;

export class ChangeJournal {
  private dirty = new Set<string>();
  private trusted = false;
  private baseline: JournalBaseline | null = null;
  private readonly stops: (() => void)[] = [];
  private watching = false;

  private constructor(private readonly workspace: Workspace) {}

  /** A journal for `workspace`, or null where no FileSystemObserver can watch it. */
  static async start(workspace: Workspace): Promise<ChangeJournal | null> {
    const root = (workspace as { rootHandle?: unknown }).rootHandle;
    if (typeof FileSystemObserver !== 'function' || !root || (root as FileSystemHandle).kind !== 'directory') return null;
    const journal = new ChangeJournal(workspace);
    try {
      const observer = new FileSystemObserver((records) => journal.onRecords(records));
      await observer.observe(root as FileSystemDirectoryHandle, { recursive: true });
      journal.stops.push(() => observer.disconnect());
    } catch {
      return null;
    }
    journal.trusted = true;
    return journal;
  }

  /**
   * The workspace's own change events arrive synchronously with its writes
   * (the observer's may lag on a local disk). Subscribed once the first walk
   * is done: a workspace starts its own polling walk on its first subscriber,
   * which should not compete with ours.
   */
  private watchWorkspace(): void {
    if (this.watching) return;
    this.watching = true;
    this.stops.push(this.workspace.watch((changes) => this.onChanges(changes)));
  }

  private onRecords(records: readonly FileSystemChangeRecord[]): void {
    for (const record of records) {
      switch (record.type) {
        case 'appeared':
        case 'disappeared':
        case 'modified':
          this.add(record.relativePathComponents.join('/'));
          break;
        case 'moved':
          if (record.relativePathMovedFrom) this.add(record.relativePathMovedFrom.join('/'));
          this.add(record.relativePathComponents.join('/'));
          break;
        case 'errored':
          // The observation broke: no more events will come.
          this.trusted = false;
          this.baseline = null;
          break;
        default:
          // 'unknown': events were dropped.
          this.baseline = null;
      }
    }
  }

  private onChanges(changes: readonly WorkspaceChange[]): void {
    for (const change of changes) this.add(change.path);
  }

  private add(path: string): void {
    this.dirty.add(path);
    if (this.dirty.size > MAX_DIRTY) this.baseline = null;
  }

  /**
   * The baseline and the paths changed since, emptying the journal; null when
   * the next snapshot must walk everything.
   */
  take(maxFileBytes: number, gcMarker: number): { baseline: JournalBaseline; dirty: string[] } | null {
    const baseline = this.baseline;
    if (!this.trusted || !baseline || baseline.maxFileBytes !== maxFileBytes || baseline.gcMarker !== gcMarker) return null;
    const dirty = [...this.dirty];
    this.dirty.clear();
    return { baseline, dirty };
  }

  /** Called as a full walk starts: changes from now on are relative to what it will find. */
  beginFullScan(): void {
    this.dirty.clear();
    this.baseline = null;
  }

  /** The state a snapshot just found; the next one builds on it. */
  settle(baseline: JournalBaseline): void {
    if (!this.trusted) return;
    this.baseline = baseline;
    this.watchWorkspace();
  }

  /** After a failed snapshot: walk everything next time. */
  invalidate(): void {
    this.baseline = null;
  }

  get isTrusted(): boolean {
    return this.trusted;
  }

  stop(): void {
    for (const stop of this.stops.splice(0)) stop();
    this.trusted = false;
    this.baseline = null;
  }
}

const journals = new WeakMap<Workspace, Promise<ChangeJournal | null>>();
const started = new WeakMap<Workspace, ChangeJournal>();

/** The workspace's journal if one is running (full scans keep it up to date without starting one). */
export function peekJournal(workspace: Workspace): ChangeJournal | null {
  const journal = started.get(workspace);
  return journal?.isTrusted ? journal : null;
}

/** The journal of a workspace instance, started on first use and restarted if its observer broke. */
export async function journalFor(workspace: Workspace): Promise<ChangeJournal | null> {
  if (journals.has(workspace)) {
    const existing = await journals.get(workspace)!;
    if (existing === null || existing.isTrusted) return existing; // null: this browser cannot observe it
    existing.stop();
  }
  const starting = ChangeJournal.start(workspace).then((journal) => {
    if (journal) started.set(workspace, journal);
    return journal;
  });
  journals.set(workspace, starting);
  return starting;
}

/** Stops watching `workspace` for checkpoints (call when the folder is closed). */
export async function stopChangeJournal(workspace: Workspace): Promise<void> {
  const journal = await journals.get(workspace);
  journal?.stop();
  journals.delete(workspace);
  started.delete(workspace);
}
