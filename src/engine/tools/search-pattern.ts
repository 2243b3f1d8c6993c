import { yieldToUi } from '../../code-index/yield';
import { listWorkspaceFiles } from '../file-list';
import { optionalBoolean, optionalInteger, optionalString, requireString } from './args';
import { createLineMatcher } from './line-matcher';
import { resolveExisting } from './resolve';
import { searchTextCache } from './search-text-cache';
import { ToolError, type Tool } from './types';

const NAME = 'search_pattern';
const PER_FILE = 20;
const LINE_CHARS = 300;
const CONCURRENCY = 8;
/** Longest stretch of matching without giving the page a turn (to paint, and to take a click on Stop). */
const BUSY_MS = 12;

function compile(pattern: string, ignoreCase: boolean): RegExp {
  try {
    return new RegExp(pattern, ignoreCase ? 'i' : '');
  } catch (error) {
    throw new ToolError(NAME, `the argument "pattern" is not a valid regular expression: ${(error as Error).message}`);
  }
}

/**
 * Awaited between files and between slices of a large file. Reads served from
 * the text cache resolve without a task boundary, so without it a search over
 * cached texts would run as one long task that Stop could not interrupt.
 */
function pauser(signal: AbortSignal): () => Promise<void> {
  let since = performance.now();
  return async () => {
    signal.throwIfAborted();
    if (performance.now() - since < BUSY_MS) return;
    await yieldToUi();
    since = performance.now();
    signal.throwIfAborted();
  };
}

function clip(line: string): string {
  const trimmed = line.trim();
  return trimmed.length > LINE_CHARS ? `${trimmed.slice(0, LINE_CHARS)}…` : trimmed;
}

/**
 * Searches file paths and file contents with a regular expression (JavaScript
 * syntax), in the whole project or under one folder or file. Results are
 * capped; the answer says when it stopped early.
 *
 * @example
 * await searchPattern.run({ pattern: 'def \\w+_test', scope: 'tests' }, ctx)
 */
export const searchPattern: Tool = {
  name: NAME,
  description:
    'Search the project with a regular expression (JavaScript syntax) over file paths and file contents. ' +
    'Returns matching paths and path:line: text for matching lines.',
  parameters: {
    type: 'object',
    properties: {
      pattern: { type: 'string', description: 'Regular expression, e.g. "class \\\\w+Error" or "TODO".' },
      scope: { type: 'string', description: 'Folder or file to search, relative to the project root. Default: the whole project.' },
      ignore_case: { type: 'boolean', description: 'Match letters regardless of case. Default false.' },
      max_results: { type: 'integer', description: 'Stop after this many matching lines (1-500). Default 100.' },
    },
    required: ['pattern'],
  },
  kind: 'read',
  async run(args, ctx) {
    const pattern = requireString(NAME, args, 'pattern');
    if (pattern === '') throw new ToolError(NAME, 'the argument "pattern" is empty');
    const regex = compile(pattern, optionalBoolean(NAME, args, 'ignore_case', false));
    const maxResults = optionalInteger(NAME, args, 'max_results', 100, { min: 1, max: 500 });
    const scope = await resolveExisting(NAME, ctx, optionalString(NAME, args, 'scope') ?? '', 'scope');
    const files = scope.stat.kind === 'file' ? [scope.path] : await listWorkspaceFiles(ctx.workspace, ctx.files, ctx.signal, scope.path);

    const pathHits = files.filter((p) => regex.test(p));
    const matcher = createLineMatcher(regex);
    const texts = searchTextCache(ctx.workspace);
    const perFile = new Map<string, string[]>();
    let total = 0;
    let skipped = 0;
    let capped = false;
    let next = 0;
    const pause = pauser(ctx.signal);
    const worker = async () => {
      while (next < files.length && !capped) {
        await pause();
        if (next >= files.length || capped) break;
        const path = files[next++]!;
        const read = await texts.read(path);
        ctx.signal.throwIfAborted();
        if (!read || read.kind !== 'text') {
          skipped++;
          continue;
        }
        // One more than shown, to tell that the file has more.
        const found = await matcher.matchesInSlices(read.text, PER_FILE + 1, pause);
        const hits = found.map((m) => `${path}:${m.line}: ${clip(m.text)}`);
        if (hits.length === 0) continue;
        if (hits.length > PER_FILE) hits.splice(PER_FILE, hits.length, `${path}: ... more matches in this file; search it with scope "${path}"`);
        perFile.set(path, hits);
        total += hits.length;
        if (total >= maxResults) capped = true;
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));

    const lines = [...perFile.keys()].sort().flatMap((p) => perFile.get(p)!).slice(0, maxResults);
    const where = scope.path === '' ? 'the project' : `"${scope.path}"`;
    const parts: string[] = [];
    if (pathHits.length > 0) parts.push(`Paths matching /${pattern}/:\n${pathHits.slice(0, maxResults).join('\n')}`);
    if (lines.length > 0) parts.push(`Lines matching /${pattern}/ in ${where}:\n${lines.join('\n')}`);
    if (parts.length === 0) parts.push(`No paths or lines in ${where} match /${pattern}/.`);
    if (capped || pathHits.length > maxResults) parts.push(`Stopped at ${maxResults} results; narrow the pattern or the scope.`);
    if (skipped > 0) parts.push(`${skipped} binary or very large files were not searched.`);
    return { content: parts.join('\n\n') };
  },
};
