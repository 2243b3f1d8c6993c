/**
 * The texts search_pattern has read, per workspace, so that a second search
 * over the project reads nothing from disk (each read is a few browser IPCs;
 * a search over thousands of files was mostly that). An entry is dropped as
 * soon as the workspace reports its path (or a folder above it) changed: the
 * agent's own writes are reported at once; edits made outside the app are
 * reported when the workspace notices them (instantly with
 * FileSystemObserver, else within its polling interval).
 */
import type { ReadTextResult, Workspace, WorkspaceChange } from '../../workspace/types';

/**
 * Most UTF-16 units kept per workspace (about 2 bytes each). Once full, new
 * texts are not kept (rather than evicting old ones): a search reads files in
 * the same order each time, and evicting the oldest would make every file of
 * a larger project miss on every search.
 */
export const SEARCH_CACHE_MAX_CHARS = 32 * 1024 * 1024;

export interface SearchTextCache {
  /** The file as `workspace.readText` gives it (binary and too-large results too), or null when it cannot be read. */
  read(path: string): Promise<ReadTextResult | null>;
}

interface Cache extends SearchTextCache {
  chars: number;
}

const caches = new WeakMap<Workspace, Cache>();

export function searchTextCache(workspace: Workspace, maxChars = SEARCH_CACHE_MAX_CHARS): SearchTextCache {
  let cache = caches.get(workspace);
  if (!cache) {
    cache = createCache(workspace, maxChars);
    caches.set(workspace, cache);
  }
  return cache;
}

function createCache(workspace: Workspace, maxChars: number): Cache {
  const entries = new Map<string, ReadTextResult>();
  // Bumped on every change, so a read that started before it is not stored.
  let generation = 0;
  const size = (entry: ReadTextResult) => (entry.kind === 'text' ? entry.text.length : 0) + 64;

  const drop = (path: string): void => {
    const entry = entries.get(path);
    if (entry && entries.delete(path)) cache.chars -= size(entry);
  };
  const onChanges = (changes: WorkspaceChange[]): void => {
    generation++;
    const changed = new Set(changes.map((c) => c.path));
    if (changed.has('')) {
      entries.clear();
      cache.chars = 0;
      return;
    }
    // A path, or a folder above it (deleted, moved or restored as a whole).
    for (const path of [...entries.keys()]) {
      for (let end = path.length; end > 0; end = path.lastIndexOf('/', end - 1)) {
        if (changed.has(path.slice(0, end))) {
          drop(path);
          break;
        }
      }
    }
  };
  workspace.watch(onChanges);

  const cache: Cache = {
    chars: 0,
    async read(path) {
      const hit = entries.get(path);
      if (hit) return hit;
      const started = generation;
      const read = await workspace.readText(path).catch(() => null);
      if (!read || started !== generation) return read;
      drop(path);
      if (cache.chars + size(read) > maxChars) return read;
      entries.set(path, read);
      cache.chars += size(read);
      return read;
    },
  };
  return cache;
}
