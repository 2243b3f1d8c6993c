import { listWorkspaceFiles } from '../file-list';
import { renderTree } from '../project-tree';
import { optionalInteger, optionalString } from './args';
import { resolveExisting } from './resolve';
import { ToolError, type Tool } from './types';

const NAME = 'tree';

/**
 * The project's files as an indented tree, ignore rules applied (.gitignore,
 * node_modules, .git ...).
 *
 * @example
 * await tree.run({ path: 'src', max_depth: 2 }, ctx) // "app.ts\nlib/\n  util.ts"
 */
export const tree: Tool = {
  name: NAME,
  description:
    'Show the project files as a tree (ignored files such as .gitignore entries and node_modules left out). ' +
    'Use it first to find your way around.',
  parameters: {
    type: 'object',
    properties: {
      path: { type: 'string', description: 'Folder to show, relative to the project root. Default: the whole project.' },
      max_depth: { type: 'integer', description: 'Folder levels to open (1-20); deeper folders show their file count. Default 6.' },
    },
    required: [],
  },
  kind: 'read',
  async run(args, ctx) {
    const raw = optionalString(NAME, args, 'path') ?? '';
    const maxDepth = optionalInteger(NAME, args, 'max_depth', 6, { min: 1, max: 20 });
    const { path, stat } = await resolveExisting(NAME, ctx, raw);
    if (stat.kind === 'file') throw new ToolError(NAME, `"${path}" is a file, not a folder; use cat to read it`);
    const files = await listWorkspaceFiles(ctx.workspace, ctx.files, ctx.signal, path);
    if (files.length === 0) return { content: `"${path || '.'}" has no files (or only ignored ones)` };
    const text = renderTree(files, { root: path, maxDepth, maxLines: 800 });
    return { content: `${path === '' ? '.' : path}/\n${text.replace(/^/gm, '  ')}` };
  },
};
