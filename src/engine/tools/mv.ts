import { baseName, joinPath } from '../../workspace/paths';
import type { DiffChunk } from '../messages';
import { requireString, workspacePath } from './args';
import { checkpointFirst, diffOutcome } from './file-edit';
import { resolveExisting } from './resolve';
import { ToolError, type Tool } from './types';

const NAME = 'mv';

/**
 * Moves or renames a file or folder. Into an existing folder when the
 * destination is one; never over an existing file.
 *
 * @example
 * await mv.run({ source: 'src/old.ts', destination: 'src/lib/new.ts' }, ctx)
 */
export const mv: Tool = {
  name: NAME,
  description: 'Move or rename a file or folder. If the destination is an existing folder, the source moves into it.',
  parameters: {
    type: 'object',
    properties: {
      source: { type: 'string', description: 'File or folder to move, relative to the project root.' },
      destination: { type: 'string', description: 'New path, or an existing folder to move into.' },
    },
    required: ['source', 'destination'],
  },
  kind: 'write',
  async run(args, ctx) {
    const source = await resolveExisting(NAME, ctx, requireString(NAME, args, 'source'), 'source');
    let destination = workspacePath(NAME, requireString(NAME, args, 'destination'), 'destination');
    if (source.path === '') throw new ToolError(NAME, 'the project root cannot be moved');
    const target = await ctx.workspace.stat(destination).catch(() => null);
    if (target?.kind === 'directory') destination = joinPath(destination, baseName(source.path));
    else if (target) throw new ToolError(NAME, `"${destination}" already exists; delete it with rm first if it should be replaced`);
    if (destination === source.path) throw new ToolError(NAME, `"${source.path}" is already there`);
    if (await ctx.workspace.exists(destination)) throw new ToolError(NAME, `"${destination}" already exists`);

    const moved =
      source.stat.kind === 'file'
        ? [source.path]
        : (await ctx.workspace.walk({ under: source.path, includeIgnored: true, signal: ctx.signal })).files.map((f) => f.path).sort();
    const renamed = moved.map((from) => ({ from, to: destination + from.slice(source.path.length) }));
    const checkpoint = await checkpointFirst(NAME, ctx, [...renamed.map((r) => r.from), ...renamed.map((r) => r.to)]);
    ctx.signal.throwIfAborted();
    await ctx.workspace.move(source.path, destination);
    const diff: DiffChunk[] = renamed.map(({ from, to }) => ({
      file_name: from,
      file_name_rename: to,
      file_action: 'M',
      line1: 1,
      line2: 1,
      chunks: `rename from ${from}\nrename to ${to}\n`,
    }));
    const outcome = diffOutcome(diff, checkpoint);
    if (diff.length === 0) outcome.content = `Moved the empty folder "${source.path}" to "${destination}"`;
    return outcome;
  },
};
