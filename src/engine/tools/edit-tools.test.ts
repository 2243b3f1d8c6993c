import { describe, expect, it } from 'vitest';
import { readText, toolContext } from '../test-support/workspace';
import { createTextdoc } from './create-textdoc';
import { mv } from './mv';
import { rm } from './rm';
import { parseLineRanges, updateTextdocByLines } from './update-textdoc-by-lines';
import { updateTextdocRegex } from './update-textdoc-regex';
import { updateTextdoc } from './update-textdoc';

describe('create_textdoc', () => {
  it('creates a file with its folders and reports an added file', async () => {
    const { ctx, checkpoints } = await toolContext({});
    const out = await createTextdoc.run({ path: 'src/new/util.ts', content: 'export const x = 1;\n' }, ctx);
    expect(await readText(ctx, 'src/new/util.ts')).toBe('export const x = 1;\n');
    expect(out.diff).toEqual([{ file_name: 'src/new/util.ts', file_action: 'A', line1: 1, line2: 1, chunks: '@@ -0,0 +1 @@\n+export const x = 1;\n' }]);
    expect(checkpoints.calls[0]?.paths).toEqual(['src/new/util.ts']);
  });

  it('replaces an existing file keeping its CRLF line ends', async () => {
    const { ctx } = await toolContext({ 'a.txt': 'one\r\ntwo\r\n' });
    const out = await createTextdoc.run({ path: 'a.txt', content: 'one\nthree\n' }, ctx);
    expect(await readText(ctx, 'a.txt')).toBe('one\r\nthree\r\n');
    expect(out.diff?.[0]?.file_action).toBe('M');
  });
});

describe('update_textdoc_by_lines', () => {
  it('parses refact-lsp ranges', () => {
    expect(parseLineRanges(':3, 40:50, 100:, 7', 120)).toEqual([
      { start: 1, end: 3 },
      { start: 40, end: 50 },
      { start: 100, end: 120 },
      { start: 7, end: 7 },
    ]);
    expect(() => parseLineRanges('3:5,4:6', 10)).toThrow('overlap');
    expect(() => parseLineRanges('abc', 10)).toThrow('the argument "ranges" has "abc"');
  });

  it('replaces and deletes line ranges', async () => {
    const { ctx } = await toolContext({ 'a.txt': '1\n2\n3\n4\n5\n' });
    await updateTextdocByLines.run({ path: 'a.txt', ranges: '2:3,5', content: 'two\nthree!\n---RANGE_SEPARATOR---' }, ctx);
    expect(await readText(ctx, 'a.txt')).toBe('1\ntwo\nthree!\n4\n');
  });

  it('says when the contents do not match the ranges', async () => {
    const { ctx } = await toolContext({ 'a.txt': '1\n2\n' });
    await expect(updateTextdocByLines.run({ path: 'a.txt', ranges: '1,2', content: 'x' }, ctx)).rejects.toThrow('"ranges" has 2 ranges but "content" has 1 parts');
  });
});

describe('update_textdoc_regex', () => {
  it('replaces one match with groups, or all with multiple', async () => {
    const { ctx } = await toolContext({ 'v.txt': 'v1 v2\n' });
    await expect(updateTextdocRegex.run({ path: 'v.txt', pattern: 'v(\\d)', replacement: 'version$1' }, ctx)).rejects.toThrow('matches 2 times');
    await updateTextdocRegex.run({ path: 'v.txt', pattern: 'v(\\d)', replacement: 'version$1', multiple: true }, ctx);
    expect(await readText(ctx, 'v.txt')).toBe('version1 version2\n');
    await expect(updateTextdocRegex.run({ path: 'v.txt', pattern: '(', replacement: '' }, ctx)).rejects.toThrow('"pattern" is not a valid regular expression');
  });
});

describe('characters outside the BMP (found by edit-tools.fuzz.test.ts)', () => {
  it('a regex with empty matches steps over an emoji whole instead of writing into it', async () => {
    const { ctx } = await toolContext({ 'e.txt': 'x🙂y\n' });
    await updateTextdocRegex.run({ path: 'e.txt', pattern: 'z*', replacement: '|', multiple: true }, ctx);
    expect(await readText(ctx, 'e.txt')).toBe('|x|🙂|y|\n|');
  });

  it('an edit that would leave half an emoji is refused and the file is untouched', async () => {
    const { ctx } = await toolContext({ 'e.txt': 'a🙂b\n' });
    await expect(updateTextdoc.run({ path: 'e.txt', old_str: '\ud83d', replacement: '' }, ctx)).rejects.toThrow('half of a character');
    expect(await readText(ctx, 'e.txt')).toBe('a🙂b\n');
  });
});

describe('rm', () => {
  it('deletes a file after a checkpoint, with a deletion diff', async () => {
    const { ctx, checkpoints } = await toolContext({ 'a.txt': 'x\n', 'b.txt': 'y\n' });
    const out = await rm.run({ path: 'a.txt' }, ctx);
    expect(await ctx.workspace.exists('a.txt')).toBe(false);
    expect(checkpoints.calls[0]?.paths).toEqual(['a.txt']);
    expect(out.diff).toEqual([{ file_name: 'a.txt', file_action: 'D', line1: 1, line2: 1, chunks: '@@ -1 +0,0 @@\n-x\n' }]);
    expect(out.content).toBe('Deleted a.txt');
  });

  it('needs recursive for a folder, and then removes all of it', async () => {
    const { ctx, checkpoints } = await toolContext({ 'd/a.txt': 'x\n', 'd/e/b.bin': new Uint8Array([0, 1]) });
    await expect(rm.run({ path: 'd' }, ctx)).rejects.toThrow('"d" is a folder with 2 files; set recursive to true');
    const out = await rm.run({ path: 'd', recursive: true }, ctx);
    expect(await ctx.workspace.exists('d')).toBe(false);
    expect(checkpoints.calls[0]?.paths).toEqual(['d/a.txt', 'd/e/b.bin']);
    expect(out.diff?.map((c) => c.chunks)).toEqual(['@@ -1 +0,0 @@\n-x\n', 'Binary file d/e/b.bin deleted\n']);
    await expect(rm.run({ path: '' }, ctx)).rejects.toThrow('refusing to delete the project root');
  });
});

describe('mv', () => {
  it('renames a file and moves into an existing folder', async () => {
    const { ctx, checkpoints } = await toolContext({ 'a.txt': 'x\n', 'lib/keep.txt': '' });
    const out = await mv.run({ source: 'a.txt', destination: 'b.txt' }, ctx);
    expect(await readText(ctx, 'b.txt')).toBe('x\n');
    expect(out.diff).toEqual([{ file_name: 'a.txt', file_name_rename: 'b.txt', file_action: 'M', line1: 1, line2: 1, chunks: 'rename from a.txt\nrename to b.txt\n' }]);
    expect(checkpoints.calls[0]?.paths).toEqual(['a.txt', 'b.txt']);
    await mv.run({ source: 'b.txt', destination: 'lib' }, ctx);
    expect(await ctx.workspace.exists('lib/b.txt')).toBe(true);
  });

  it('refuses to overwrite', async () => {
    const { ctx } = await toolContext({ 'a.txt': 'x', 'b.txt': 'y' });
    await expect(mv.run({ source: 'a.txt', destination: 'b.txt' }, ctx)).rejects.toThrow('mv: "b.txt" already exists');
  });
});
