import ignore, { type Ignore } from 'ignore';
import { isWithin, parentPath, splitPath } from './paths';
import type { EntryKind } from './types';

/** Directories never worth walking into unless the user asks (`includeIgnored`). */
export const DEFAULT_EXCLUDED_DIRS: ReadonlySet<string> = new Set([
  '.git',
  'node_modules',
  'dist',
  'build',
  'target',
  '.venv',
  '__pycache__',
]);

interface RuleLevel {
  /** Directory the .gitignore lives in ('' = root). */
  base: string;
  rules: Ignore;
}

/**
 * The .gitignore files that apply to one directory, outermost first. Git gives
 * the deepest file the last word, so a deeper `!pattern` can re-include what
 * an outer file excluded (but never inside an excluded directory, which we do
 * not walk at all).
 */
export class IgnoreStack {
  private constructor(private readonly levels: readonly RuleLevel[]) {}

  static readonly empty = new IgnoreStack([]);

  /** A stack for a child directory whose own .gitignore text is `gitignoreText`. */
  with(base: string, gitignoreText: string | null): IgnoreStack {
    if (gitignoreText === null || gitignoreText.trim() === '') return this;
    return new IgnoreStack([...this.levels, { base, rules: ignore({ allowRelativePaths: true }).add(gitignoreText) }]);
  }

  isIgnored(path: string, isDirectory: boolean): boolean {
    let ignored = false;
    for (const { base, rules } of this.levels) {
      if (!isWithin(path, base) || path === base) continue;
      const rel = (base === '' ? path : path.slice(base.length + 1)) + (isDirectory ? '/' : '');
      const verdict = rules.test(rel);
      if (verdict.ignored) ignored = true;
      else if (verdict.unignored) ignored = false;
    }
    return ignored;
  }
}

/** The prefix of the temporary file a new file is written to before it takes its name (handle-workspace.ts). */
export const PARTIAL_WRITE_PREFIX = '.refact-partial-';

/** Default excludes first (cheap), then the .gitignore rules. */
export function isExcluded(stack: IgnoreStack, path: string, name: string, isDirectory: boolean): boolean {
  if (isDirectory && DEFAULT_EXCLUDED_DIRS.has(name)) return true;
  // What an interrupted write of a new file left behind is not the user's file.
  if (!isDirectory && name.startsWith(PARTIAL_WRITE_PREFIX)) return true;
  return stack.isIgnored(path, isDirectory);
}

/** A folder's entries as listed, when known: lets a reader skip folders without a .gitignore. */
export type Listing = readonly { name: string; kind: string }[];

/**
 * The .gitignore rules of a folder tree, each folder's file read once and kept
 * until cleared. HandleWorkspace and HostWorkspace share it; each reads a
 * .gitignore its own way (`readGitignore`, null when there is none).
 */
export class IgnoreRules {
  private readonly cache = new Map<string, Promise<IgnoreStack>>();

  constructor(private readonly readGitignore: (dirPath: string, listing?: Listing) => Promise<string | null>) {}

  /** The rules that apply to the children of `dirPath` (its own .gitignore included). */
  stackFor(dirPath: string, listing?: Listing): Promise<IgnoreStack> {
    let cached = this.cache.get(dirPath);
    if (!cached) {
      cached = (async () => {
        const outer = dirPath === '' ? IgnoreStack.empty : await this.stackFor(parentPath(dirPath));
        return outer.with(dirPath, await this.readGitignore(dirPath, listing));
      })();
      cached.catch(() => this.cache.delete(dirPath));
      this.cache.set(dirPath, cached);
    }
    return cached;
  }

  /** Whether `path` (normalized) or a folder above it is excluded. */
  async isIgnored(path: string, kind: EntryKind): Promise<boolean> {
    const segments = splitPath(path);
    for (let i = 0; i < segments.length; i++) {
      const entryPath = segments.slice(0, i + 1).join('/');
      const isDir = i < segments.length - 1 || kind === 'directory';
      const stack = await this.stackFor(parentPath(entryPath)).catch(() => IgnoreStack.empty);
      if (isExcluded(stack, entryPath, segments[i]!, isDir)) return true;
    }
    return false;
  }

  clear(): void {
    this.cache.clear();
  }

  /** Drops the rules of `path` and the folders under it (they were moved or deleted). */
  forget(path: string): void {
    for (const dir of [...this.cache.keys()]) if (dir === path || dir.startsWith(`${path}/`)) this.cache.delete(dir);
  }
}
