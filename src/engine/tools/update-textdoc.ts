import { optionalBoolean, requireString } from './args';
import { lineAt, readForEdit, withFileLineEnds, writeTextFile } from './file-edit';
import { resolveExistingFile } from './resolve';
import { ToolError, type Tool } from './types';

const NAME = 'update_textdoc';

/** Offsets of every occurrence of `needle` (non-overlapping, left to right). */
export function occurrences(text: string, needle: string): number[] {
  const found: number[] = [];
  for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + needle.length)) found.push(at);
  return found;
}

/**
 * Replaces an exact piece of text in a file. The text must appear exactly
 * once unless `multiple` is true; otherwise nothing changes and the error
 * says what to do (cat the file; or the lines where it appears).
 *
 * @example
 * await updateTextdoc.run({ path: 'src/a.ts', old_str: 'let x = 1', replacement: 'const x = 1' }, ctx)
 */
export const updateTextdoc: Tool = {
  name: NAME,
  description:
    'Change an existing file by replacing an exact piece of its text (old_str) with new text (replacement). ' +
    'old_str must match the file exactly, including indentation; read the file with cat first.',
  parameters: {
    type: 'object',
    properties: {
      path: { type: 'string', description: 'File path relative to the project root.' },
      old_str: { type: 'string', description: 'The exact text to replace, copied from the file.' },
      replacement: { type: 'string', description: 'The new text.' },
      multiple: { type: 'boolean', description: 'Replace every occurrence instead of requiring exactly one. Default false.' },
    },
    required: ['path', 'old_str', 'replacement'],
  },
  kind: 'write',
  patchLike: true,
  async run(args, ctx) {
    const path = await resolveExistingFile(NAME, ctx, requireString(NAME, args, 'path'));
    const oldStr = requireString(NAME, args, 'old_str').replace(/\r\n/g, '\n');
    const replacement = requireString(NAME, args, 'replacement').replace(/\r\n/g, '\n');
    const multiple = optionalBoolean(NAME, args, 'multiple', false);
    if (oldStr === '') throw new ToolError(NAME, 'the argument "old_str" is empty; to write a whole file use create_textdoc');
    const file = await readForEdit(NAME, ctx, path);
    const found = occurrences(file.text, oldStr);
    if (found.length === 0) {
      throw new ToolError(NAME, `old_str does not appear verbatim in "${path}"; nothing was changed. Read the file with cat and copy the exact text`);
    }
    if (found.length > 1 && !multiple) {
      const lines = found.map((at) => lineAt(file.text, at));
      throw new ToolError(
        NAME,
        `old_str appears ${found.length} times in "${path}" (lines ${lines.join(', ')}); nothing was changed. ` +
          'Include more surrounding text to make it unique, or set multiple to true to replace all of them',
      );
    }
    const after = file.text.split(oldStr).join(replacement);
    return writeTextFile(NAME, ctx, {
      path,
      before: withFileLineEnds(file, file.text),
      after: withFileLineEnds(file, after),
      expectMtime: file.mtime,
    });
  },
};
