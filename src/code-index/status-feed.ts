/**
 * An index's status as listeners get it: a fresh snapshot at most once per
 * interval while work streams in (a progress bar needs no more), at once when
 * forced (a pass started or ended). A listener that throws is logged, never
 * stops the others or the index.
 */
export interface StatusFeed<T> {
  listen(listener: (status: T) => void): () => void;
  emit(force?: boolean): void;
  clear(): void;
}

export function createStatusFeed<T>(name: string, snapshot: () => T, intervalMs: number): StatusFeed<T> {
  const listeners = new Set<(status: T) => void>();
  let last = 0;
  return {
    listen(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    emit(force = false) {
      const now = performance.now();
      if (!force && now - last < intervalMs) return;
      last = now;
      const current = snapshot();
      for (const listener of listeners) {
        try {
          listener(current);
        } catch (error) {
          console.error(`${name}: status listener failed`, error);
        }
      }
    },
    clear: () => listeners.clear(),
  };
}
