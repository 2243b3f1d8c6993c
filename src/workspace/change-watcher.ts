import type { WorkspaceChange } from './types';

/** A map path -> fingerprint (size and mtime) of every walked file. */
export type Fingerprints = Map<string, string>;

export function diffFingerprints(before: Fingerprints, after: Fingerprints): WorkspaceChange[] {
  const changes: WorkspaceChange[] = [];
  for (const [path, print] of after) {
    const old = before.get(path);
    if (old === undefined) changes.push({ type: 'created', path });
    else if (old !== print) changes.push({ type: 'modified', path });
  }
  for (const path of before.keys()) if (!after.has(path)) changes.push({ type: 'deleted', path });
  return changes;
}

export interface PollerOptions {
  snapshot: () => Promise<Fingerprints>;
  onChanges: (changes: WorkspaceChange[]) => void;
  intervalMs: number;
  onError?: (err: unknown) => void;
}

/**
 * Change detection where FileSystemObserver is missing: re-walk with stats on
 * an interval (only while the tab is visible) and whenever the tab regains
 * focus, which is when a user has most likely edited files elsewhere.
 */
export function startPolling({ snapshot, onChanges, intervalMs, onError }: PollerOptions) {
  let last: Fingerprints | null = null;
  let running: Promise<void> | null = null;
  let stopped = false;

  const poll = (): Promise<void> => {
    if (stopped) return Promise.resolve();
    running ??= (async () => {
      try {
        const next = await snapshot();
        if (last && !stopped) {
          const changes = diffFingerprints(last, next);
          if (changes.length) onChanges(changes);
        }
        last = next;
      } catch (err) {
        onError?.(err);
      } finally {
        running = null;
      }
    })();
    return running;
  };

  const hasDocument = typeof document !== 'undefined';
  const onFocus = () => void poll();
  const onVisibility = () => {
    if (document.visibilityState === 'visible') void poll();
  };
  const timer = setInterval(() => {
    if (!hasDocument || document.visibilityState === 'visible') void poll();
  }, intervalMs);
  if (hasDocument) {
    window.addEventListener('focus', onFocus);
    document.addEventListener('visibilitychange', onVisibility);
  }
  void poll();

  return {
    pollNow: poll,
    stop() {
      stopped = true;
      clearInterval(timer);
      if (hasDocument) {
        window.removeEventListener('focus', onFocus);
        document.removeEventListener('visibilitychange', onVisibility);
      }
    },
  };
}

/** Turns FileSystemObserver records into our change events; null = rescan needed. */
export function changesFromRecords(records: readonly FileSystemChangeRecord[]): WorkspaceChange[] | null {
  const changes: WorkspaceChange[] = [];
  for (const record of records) {
    const path = record.relativePathComponents.join('/');
    switch (record.type) {
      case 'appeared':
        changes.push({ type: 'created', path });
        break;
      case 'disappeared':
        changes.push({ type: 'deleted', path });
        break;
      case 'modified':
        changes.push({ type: 'modified', path });
        break;
      case 'moved':
        if (record.relativePathMovedFrom) changes.push({ type: 'deleted', path: record.relativePathMovedFrom.join('/') });
        changes.push({ type: 'created', path });
        break;
      default:
        // 'unknown' means events were dropped; 'errored' means the observation broke.
        return null;
    }
  }
  return changes;
}
