import { listWorkspaceFiles } from '../file-list';
import { fuzzyFindPaths } from '../fuzzy';
import { normalizeWorkspacePath } from '../../workspace/paths';
import { AtCommandError, type AtCommand, type AtCommandContext } from './types';

/** "@file a.py:42" shows this many lines on each side of line 42. */
export const LINE_WINDOW = 20;

interface FileArg {
  path: string;
  range?: { start: number; end: number; around: boolean };
}

/** "path", "path:N" (around line N) or "path:N-M". */
export function parseFileArg(arg: string): FileArg {
  const match = /^(.*?):(\d+)(?:-(\d+))?$/.exec(arg);
  if (!match || match[1] === '') return { path: arg };
  const start = Number(match[2]);
  if (match[3] === undefined) return { path: match[1]!, range: { start, end: start, around: true } };
  return { path: match[1]!, range: { start, end: Number(match[3]), around: false } };
}

async function files(ctx: AtCommandContext): Promise<readonly string[]> {
  return listWorkspaceFiles(ctx.workspace, ctx.files ?? null, ctx.signal);
}

async function exactFile(path: string, ctx: AtCommandContext): Promise<string | null> {
  try {
    const clean = normalizeWorkspacePath(path);
    return (await files(ctx)).includes(clean) ? clean : null;
  } catch {
    return null;
  }
}

/** The file an argument means: the exact path, else the clearly best fuzzy match. */
export async function resolveFileArg(path: string, ctx: AtCommandContext): Promise<string> {
  const exact = await exactFile(path, ctx);
  if (exact) return exact;
  const [best, second] = fuzzyFindPaths(path, await files(ctx), 4);
  if (!best) throw new AtCommandError(`no file matches "${path}"`);
  // Same tier (e.g. two files named index.ts): ask rather than guess.
  if (second && Math.floor(second.score / 100) === Math.floor(best.score / 100)) {
    const options = fuzzyFindPaths(path, await files(ctx), 4).map((m) => m.path);
    throw new AtCommandError(`"${path}" matches several files: ${options.join(', ')}`);
  }
  return best.path;
}

/**
 * @file path[:N | :N-M]: the file (or lines N-M, or lines around N) as a
 * context file. The path may be partial; it is matched fuzzily.
 */
export const atFile: AtCommand = {
  name: '@file',
  description: 'Attach a file (path, path:N or path:N-M)',
  params: 'one',
  async complete(arg, ctx, topN) {
    const { path } = parseFileArg(arg);
    return fuzzyFindPaths(path, await files(ctx), topN).map((m) => m.path);
  },
  async isValid(arg, ctx) {
    const { path, range } = parseFileArg(arg);
    if (range && range.end < range.start) return false;
    return (await exactFile(path, ctx)) !== null;
  },
  async execute(arg, ctx) {
    const { path: wanted, range } = parseFileArg(arg);
    const path = await resolveFileArg(wanted, ctx);
    const read = await ctx.workspace.readText(path);
    if (read.kind !== 'text') throw new AtCommandError(`"${path}" cannot be attached: ${read.reason}`);
    const lines = read.text.replace(/\r\n/g, '\n').split('\n');
    if (lines.at(-1) === '') lines.pop();
    let start = 1;
    let end = lines.length;
    if (range) {
      if (range.end < range.start) throw new AtCommandError(`the range ${range.start}-${range.end} is backwards`);
      if (range.start > lines.length) throw new AtCommandError(`"${path}" has ${lines.length} lines; line ${range.start} is past its end`);
      start = range.around ? Math.max(1, range.start - LINE_WINDOW) : range.start;
      end = Math.min(lines.length, range.around ? range.start + LINE_WINDOW : range.end);
    }
    const content = lines.length === 0 ? '' : `${lines.slice(start - 1, end).join('\n')}\n`;
    return { contextFiles: [{ file_name: path, file_content: content, line1: lines.length === 0 ? 0 : start, line2: end }] };
  },
};
