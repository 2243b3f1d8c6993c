import { requireString } from './args';
import { readForEdit, withFileLineEnds, writeTextFile } from './file-edit';
import { resolveExistingFile } from './resolve';
import { ToolError, type Tool } from './types';

const NAME = 'update_textdoc_by_lines';
export const RANGE_SEPARATOR = '---RANGE_SEPARATOR---';

export interface LineRange {
  /** 1-based, inclusive. */
  start: number;
  end: number;
}

/** refact-lsp's range syntax: ":3" (1-3), "40:50", "100:" (to the end), "5"; also "40-50". Comma-separated. */
export function parseLineRanges(text: string, lineCount: number): LineRange[] {
  const ranges = text.split(',').map((part) => {
    const raw = part.trim();
    const match = /^(\d*)\s*[:-]\s*(\d*)$/.exec(raw) ?? (/^\d+$/.test(raw) ? [raw, raw, raw] : null);
    if (!match) throw new ToolError(NAME, `the argument "ranges" has "${raw}", expected N, N:M, :M or N: (1-based lines)`);
    const start = match[1] === '' ? 1 : Number(match[1]);
    const end = match[2] === '' ? lineCount : Number(match[2]);
    if (start < 1 || end < start) throw new ToolError(NAME, `the range "${raw}" must have 1 <= start <= end`);
    if (start > lineCount) throw new ToolError(NAME, `the range "${raw}" starts past the end of the file (${lineCount} lines)`);
    return { start, end: Math.min(end, lineCount) };
  });
  const sorted = [...ranges].sort((a, b) => a.start - b.start);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]!.start <= sorted[i - 1]!.end) throw new ToolError(NAME, 'the line ranges in "ranges" overlap');
  }
  return ranges;
}

/**
 * Replaces whole lines (1-based, inclusive) with new content; several ranges
 * take several contents separated by ---RANGE_SEPARATOR---.
 *
 * @example
 * await updateTextdocByLines.run({ path: 'a.py', ranges: '3:4', content: 'x = 1\ny = 2' }, ctx)
 */
export const updateTextdocByLines: Tool = {
  name: NAME,
  description:
    'Replace line ranges of an existing file with new content. Lines are 1-based and inclusive. ' +
    `For several ranges, separate their contents with ${RANGE_SEPARATOR}.`,
  parameters: {
    type: 'object',
    properties: {
      path: { type: 'string', description: 'File path relative to the project root.' },
      ranges: { type: 'string', description: 'Lines to replace: "40:50", ":3" (1-3), "100:" (100 to the end), "5"; several joined by commas.' },
      content: { type: 'string', description: 'The new lines (an empty string deletes the range).' },
    },
    required: ['path', 'ranges', 'content'],
  },
  kind: 'write',
  patchLike: true,
  async run(args, ctx) {
    const path = await resolveExistingFile(NAME, ctx, requireString(NAME, args, 'path'));
    const rangesText = requireString(NAME, args, 'ranges');
    const content = requireString(NAME, args, 'content').replace(/\r\n/g, '\n');
    const file = await readForEdit(NAME, ctx, path);
    const endsWithNewline = file.text.endsWith('\n');
    const lines = file.text === '' ? [] : (endsWithNewline ? file.text.slice(0, -1) : file.text).split('\n');
    if (lines.length === 0) throw new ToolError(NAME, `"${path}" is empty; use create_textdoc to write it`);
    const ranges = parseLineRanges(rangesText, lines.length);
    const contents = content.split(RANGE_SEPARATOR);
    if (contents.length !== ranges.length) {
      throw new ToolError(NAME, `"ranges" has ${ranges.length} ranges but "content" has ${contents.length} parts separated by ${RANGE_SEPARATOR}`);
    }
    // Bottom-up, so earlier line numbers stay valid.
    const order = ranges.map((range, i) => ({ range, text: contents[i]! })).sort((a, b) => b.range.start - a.range.start);
    for (const { range, text } of order) {
      // A trailing newline ends the last new line; it does not add an empty one.
      const body = text.endsWith('\n') ? text.slice(0, -1) : text;
      lines.splice(range.start - 1, range.end - range.start + 1, ...(text === '' ? [] : body.split('\n')));
    }
    const after = lines.join('\n') + (endsWithNewline && lines.length > 0 ? '\n' : '');
    return writeTextFile(NAME, ctx, {
      path,
      before: withFileLineEnds(file, file.text),
      after: withFileLineEnds(file, after),
      expectMtime: file.mtime,
    });
  },
};
