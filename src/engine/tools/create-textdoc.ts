import { NotFoundError } from '../../workspace/errors';
import { requireString, workspacePath } from './args';
import { readForEdit, withFileLineEnds, writeTextFile } from './file-edit';
import { ToolError, type Tool } from './types';

const NAME = 'create_textdoc';

/**
 * Creates a text file (folders on the way are created), or replaces the whole
 * content of an existing one, keeping its line ends and BOM.
 *
 * @example
 * await createTextdoc.run({ path: 'src/new.ts', content: 'export {};\n' }, ctx)
 */
export const createTextdoc: Tool = {
  name: NAME,
  description:
    'Create a new text file with the given content, or replace the whole content of an existing file. ' +
    'For small changes to an existing file use update_textdoc instead.',
  parameters: {
    type: 'object',
    properties: {
      path: { type: 'string', description: 'File path relative to the project root, e.g. "src/utils/math.ts".' },
      content: { type: 'string', description: 'The complete text of the file.' },
    },
    required: ['path', 'content'],
  },
  kind: 'write',
  patchLike: true,
  async run(args, ctx) {
    const path = workspacePath(NAME, requireString(NAME, args, 'path'));
    const content = requireString(NAME, args, 'content');
    if (path === '') throw new ToolError(NAME, 'the argument "path" names the project root, not a file');
    let existing: Awaited<ReturnType<typeof readForEdit>> | null = null;
    try {
      const stat = await ctx.workspace.stat(path);
      if (stat.kind === 'directory') throw new ToolError(NAME, `"${path}" is a folder`);
      existing = await readForEdit(NAME, ctx, path);
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
    }
    if (!existing) return writeTextFile(NAME, ctx, { path, before: null, after: content });
    const after = withFileLineEnds(existing, content.replace(/\r\n/g, '\n'));
    return writeTextFile(NAME, ctx, { path, before: withFileLineEnds(existing, existing.text), after, expectMtime: existing.mtime });
  },
};
