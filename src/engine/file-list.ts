/**
 * The workspace's file paths (ignore rules applied), walked once and then
 * kept current from the workspace's change notifications, so @file
 * completion, path suggestions and the system prompt's tree do not walk the
 * folder on every keystroke or send.
 */
import type { Workspace } from '../workspace/types';

export interface WorkspaceFileList {
  /** Every visible file, sorted; at most `maxFiles`. */
  paths(signal?: AbortSignal): Promise<readonly string[]>;
  /** More files exist than were listed. */
  readonly truncated: boolean;
  /** Walk again on the next call (e.g. after a .gitignore changed). */
  invalidate(): void;
  /** Stop listening to the workspace. */
  dispose(): void;
}

export const DEFAULT_MAX_FILES = 50_000;

export function createFileList(workspace: Workspace, options: { maxFiles?: number } = {}): WorkspaceFileList {
  const maxFiles = options.maxFiles ?? DEFAULT_MAX_FILES;
  let current: Promise<string[]> | null = null;
  let truncated = false;

  const walk = () => {
    const promise = workspace.walk({ maxFiles }).then((result) => {
      truncated = result.truncated;
      return result.files.map((f) => f.path).sort();
    });
    promise.catch(() => {
      if (current === promise) current = null;
    });
    current = promise;
    return promise;
  };

  // Changes chain onto the current list, so one that lands mid-walk is applied
  // after it (adding or removing a path twice is harmless).
  const unwatch = workspace.watch((changes) => {
    if (!current) return;
    // New ignore rules can hide or reveal anything: walk again.
    if (changes.some((c) => c.path === '.gitignore' || c.path.endsWith('/.gitignore'))) {
      current = null;
      return;
    }
    const structural = changes.filter((c) => c.type !== 'modified');
    if (structural.length === 0) return;
    const next = current.then(async (files) => {
      const set = new Set(files);
      for (const change of structural) {
        if (change.type === 'deleted') {
          set.delete(change.path);
          // An IDE reports a deleted folder once, not file by file: what was under it went too.
          const under = `${change.path}/`;
          for (const path of set) if (path.startsWith(under)) set.delete(path);
        }
        else if (!(await workspace.isIgnored(change.path, 'file').catch(() => false))) set.add(change.path);
      }
      return [...set].sort();
    });
    next.catch(() => {
      if (current === next) current = null;
    });
    current = next;
  });

  return {
    paths: async (signal) => {
      signal?.throwIfAborted();
      return current ?? walk();
    },
    get truncated() {
      return truncated;
    },
    invalidate: () => {
      current = null;
    },
    dispose: unwatch,
  };
}

/** The visible files from the context's list, or from a walk when there is none. */
export async function listWorkspaceFiles(
  workspace: Workspace,
  files: WorkspaceFileList | null,
  signal?: AbortSignal,
  under = '',
): Promise<readonly string[]> {
  if (files) {
    const all = await files.paths(signal);
    return under === '' ? all : all.filter((p) => p.startsWith(`${under}/`));
  }
  const result = await workspace.walk({ under, maxFiles: DEFAULT_MAX_FILES, signal });
  return result.files.map((f) => f.path).sort();
}
