/**
 * The texts search_pattern has read, for the current workspace, so that a
 * second search over the project reads nothing from disk (each read is a few
 * browser IPCs; a search over thousands of files was mostly that). An entry is
 * dropped as soon as the workspace reports its path (or a folder above it)
 * changed: the agent's own writes are reported at once; edits made outside the
 * app are reported when the workspace notices them (instantly with
 * FileSystemObserver, else within its polling interval).
 *
 * Only one workspace is cached at a time: asking for another one (the user
 * opened a different folder, or reconnected to the same one) unsubscribes from
 * the old workspace's changes and lets its texts go. `disposeSearchTextCache`
 * does the same on demand.
 *
 * Files the workspace ignores (a `scope` may name one) are read fresh every
 * time: the workspace does not report outside edits to them.
 */
import type { ReadTextResult, Workspace, WorkspaceChange } from '../../workspace/types';

/**
 * Most UTF-16 units kept (about 2 bytes each). Once full, new texts are not
 * kept (rather than evicting old ones): a search reads files in the same order
 * each time, and evicting the oldest would make every file of a larger project
 * miss on every search.
 */
export const SEARCH_CACHE_MAX_CHARS = 32 * 1024 * 1024;

export interface SearchTextCache {
  /** The file as `workspace.readText` gives it (binary and too-large results too), or null when it cannot be read. */
  read(path: string): Promise<ReadTextResult | null>;
}

interface Cache extends SearchTextCache {
  workspace: Workspace;
  chars: number;
  entries: Map<string, ReadTextResult>;
  dispose(): void;
}

let current: Cache | null = null;

/** The cache for `workspace`; the cache of any other workspace is disposed. */
export function searchTextCache(workspace: Workspace, maxChars = SEARCH_CACHE_MAX_CHARS): SearchTextCache {
  if (current?.workspace !== workspace) {
    current?.dispose();
    current = createCache(workspace, maxChars);
  }
  return current;
}

/** Stops following changes and drops the texts: of `workspace` if given (when it is the cached one), else of whatever is cached. */
export function disposeSearchTextCache(workspace?: Workspace): void {
  if (!current || (workspace && current.workspace !== workspace)) return;
  current.dispose();
  current = null;
}

/** For tests: how many texts are kept, and for which workspace. */
export function searchTextCacheStats(): { workspace: Workspace | null; entries: number; chars: number } {
  return { workspace: current?.workspace ?? null, entries: current?.entries.size ?? 0, chars: current?.chars ?? 0 };
}

function createCache(workspace: Workspace, maxChars: number): Cache {
  const entries = new Map<string, ReadTextResult>();
  // Bumped on every change (and on dispose), so a read that started before it is not stored.
  let generation = 0;
  let disposed = false;
  const size = (entry: ReadTextResult) => (entry.kind === 'text' ? entry.text.length : 0) + 64;

  const drop = (path: string): void => {
    const entry = entries.get(path);
    if (entry && entries.delete(path)) cache.chars -= size(entry);
  };
  const clear = (): void => {
    entries.clear();
    cache.chars = 0;
  };
  const onChanges = (changes: WorkspaceChange[]): void => {
    generation++;
    const changed = new Set(changes.map((c) => c.path));
    // A changed .gitignore may hide kept files, whose outside edits would then go unreported.
    if (changed.has('') || changes.some((c) => c.path === '.gitignore' || c.path.endsWith('/.gitignore'))) {
      clear();
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
  const unwatch = workspace.watch(onChanges);

  const cache: Cache = {
    workspace,
    chars: 0,
    entries,
    async read(path) {
      const hit = entries.get(path);
      if (hit) return hit;
      const started = generation;
      const [read, ignored] = await Promise.all([
        workspace.readText(path).catch(() => null),
        workspace.isIgnored(path, 'file').catch(() => true),
      ]);
      if (!read || ignored || disposed || started !== generation) return read;
      drop(path);
      if (cache.chars + size(read) > maxChars) return read;
      entries.set(path, read);
      cache.chars += size(read);
      return read;
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      generation++;
      unwatch();
      clear();
    },
  };
  return cache;
}
