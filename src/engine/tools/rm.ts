import { diffChunks } from '../diff';
import type { DiffChunk } from '../messages';
import { optionalBoolean, requireString } from './args';
import { checkpointFirst, diffOutcome } from './file-edit';
import { resolveExisting } from './resolve';
import { ToolError, type Tool, type ToolContext } from './types';

const NAME = 'rm';
/** Deleted files longer than this show only their size in the diff. */
const DIFF_MAX_LINES = 2000;

async function deletionChunks(ctx: ToolContext, path: string): Promise<DiffChunk[]> {
  const read = await ctx.workspace.readText(path).catch(() => null);
  if (read?.kind === 'text') {
    const lineCount = read.text === '' ? 0 : read.text.split('\n').length - (read.text.endsWith('\n') ? 1 : 0);
    if (lineCount <= DIFF_MAX_LINES) {
      const chunks = diffChunks(path, read.text, null);
      if (chunks.length > 0) return chunks;
    }
    return [{ file_name: path, file_action: 'D', line1: 1, line2: Math.max(1, lineCount), chunks: `@@ -1,${lineCount} +0,0 @@\n` }];
  }
  return [{ file_name: path, file_action: 'D', line1: 1, line2: 1, chunks: `Binary file ${path} deleted\n` }];
}

/**
 * Deletes a file, or a folder with everything in it when `recursive` is true.
 * A checkpoint is taken first, so the reset button brings it back.
 *
 * @example
 * await rm.run({ path: 'build/old.js' }, ctx)
 */
export const rm: Tool = {
  name: NAME,
  description: 'Delete a file, or a folder and everything in it (recursive: true).',
  parameters: {
    type: 'object',
    properties: {
      path: { type: 'string', description: 'File or folder path relative to the project root.' },
      recursive: { type: 'boolean', description: 'Required to delete a folder that is not empty. Default false.' },
    },
    required: ['path'],
  },
  kind: 'write',
  async run(args, ctx) {
    const { path, stat } = await resolveExisting(NAME, ctx, requireString(NAME, args, 'path'));
    const recursive = optionalBoolean(NAME, args, 'recursive', false);
    if (path === '') throw new ToolError(NAME, 'refusing to delete the project root');
    const files =
      stat.kind === 'file' ? [path] : (await ctx.workspace.walk({ under: path, includeIgnored: true, signal: ctx.signal })).files.map((f) => f.path).sort();
    if (stat.kind === 'directory' && files.length > 0 && !recursive) {
      throw new ToolError(NAME, `"${path}" is a folder with ${files.length} files; set recursive to true to delete it with everything in it`);
    }
    const diff: DiffChunk[] = [];
    for (const file of files) diff.push(...(await deletionChunks(ctx, file)));
    const checkpoint = await checkpointFirst(NAME, ctx, files.length > 0 ? files : [path]);
    ctx.signal.throwIfAborted();
    await ctx.workspace.remove(path, { recursive: stat.kind === 'directory' });
    const outcome = diffOutcome(diff, checkpoint);
    if (diff.length === 0) outcome.content = `Deleted the empty folder "${path}"`;
    return outcome;
  },
};
