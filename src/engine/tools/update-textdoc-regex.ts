import { optionalBoolean, requireString } from './args';
import { readForEdit, withFileLineEnds, writeTextFile } from './file-edit';
import { resolveExistingFile } from './resolve';
import { ToolError, type Tool } from './types';

const NAME = 'update_textdoc_regex';

/**
 * Replaces what a regular expression matches in a file (JavaScript syntax;
 * $1, $2 ... in the replacement are the groups). One match unless `multiple`.
 *
 * @example
 * await updateTextdocRegex.run({ path: 'a.py', pattern: 'v(\\d+)', replacement: 'version$1', multiple: true }, ctx)
 */
/**
 * Unicode mode first, where `.` and an empty match never fall between the halves of an emoji;
 * a pattern only the classic syntax accepts (models write `\-` or a lone `{`) compiles without it
 * (writeTextFile then refuses a result that splits a character).
 */
function compilePattern(pattern: string): RegExp {
  try {
    return new RegExp(pattern, 'gmu');
  } catch {
    // not valid in Unicode mode: try the classic syntax
  }
  try {
    return new RegExp(pattern, 'gm');
  } catch (error) {
    throw new ToolError(NAME, `the argument "pattern" is not a valid regular expression: ${(error as Error).message}`);
  }
}

export const updateTextdocRegex: Tool = {
  name: NAME,
  description:
    'Change an existing file by replacing what a regular expression (JavaScript syntax) matches. ' +
    'Use $1, $2 in the replacement for groups. Prefer update_textdoc for plain text changes.',
  parameters: {
    type: 'object',
    properties: {
      path: { type: 'string', description: 'File path relative to the project root.' },
      pattern: { type: 'string', description: 'Regular expression to find; "." does not match line ends unless you use [\\s\\S].' },
      replacement: { type: 'string', description: 'The new text; $1, $2 ... insert groups.' },
      multiple: { type: 'boolean', description: 'Replace every match instead of requiring exactly one. Default false.' },
    },
    required: ['path', 'pattern', 'replacement'],
  },
  kind: 'write',
  patchLike: true,
  async run(args, ctx) {
    const path = await resolveExistingFile(NAME, ctx, requireString(NAME, args, 'path'));
    const pattern = requireString(NAME, args, 'pattern');
    const replacement = requireString(NAME, args, 'replacement').replace(/\r\n/g, '\n');
    const multiple = optionalBoolean(NAME, args, 'multiple', false);
    const regex = compilePattern(pattern);
    const file = await readForEdit(NAME, ctx, path);
    const count = [...file.text.matchAll(regex)].length;
    if (count === 0) throw new ToolError(NAME, `the pattern matches nothing in "${path}"; nothing was changed. Read the file with cat first`);
    if (count > 1 && !multiple) {
      throw new ToolError(NAME, `the pattern matches ${count} times in "${path}"; nothing was changed. Make it more specific, or set multiple to true`);
    }
    const after = file.text.replace(regex, replacement);
    return writeTextFile(NAME, ctx, {
      path,
      before: withFileLineEnds(file, file.text),
      after: withFileLineEnds(file, after),
      expectMtime: file.mtime,
    });
  },
};
