import ignore, { type Ignore } from 'ignore';
import { isWithin } from './paths';

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

/** Default excludes first (cheap), then the .gitignore rules. */
/** The prefix of the temporary file a new file is written to before it takes its name (handle-workspace.ts). */
export const PARTIAL_WRITE_PREFIX = '.refact-partial-';

export function isExcluded(stack: IgnoreStack, path: string, name: string, isDirectory: boolean): boolean {
  if (isDirectory && DEFAULT_EXCLUDED_DIRS.has(name)) return true;
  // What an interrupted write of a new file left behind is not the user's file.
  if (!isDirectory && name.startsWith(PARTIAL_WRITE_PREFIX)) return true;
  return stack.isIgnored(path, isDirectory);
}
