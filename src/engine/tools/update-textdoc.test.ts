import { describe, expect, it } from 'vitest';
import { readText, toolContext } from '../test-support/workspace';
import { updateTextdoc } from './update-textdoc';

describe('update_textdoc', () => {
  it('checkpoints, replaces the one occurrence, and returns the diff', async () => {
    const { ctx, checkpoints } = await toolContext({ 'src/a.py': 'def f():\n    return 1\n' });
    const out = await updateTextdoc.run({ path: 'src/a.py', old_str: 'return 1', replacement: 'return 2' }, ctx);
    expect(await readText(ctx, 'src/a.py')).toBe('def f():\n    return 2\n');
    expect(checkpoints.calls).toEqual([{ chatId: 'chat-1', paths: ['src/a.py'] }]);
    expect(out.checkpoint).toEqual({ workspace_folder: 'proj', commit_hash: 'c1' });
    expect(out.diff).toEqual([
      { file_name: 'src/a.py', file_action: 'M', line1: 1, line2: 2, chunks: '@@ -1,2 +1,2 @@\n def f():\n-    return 1\n+    return 2\n' },
    ]);
  });

  it('tells the model to cat the file when old_str is not there, and changes nothing', async () => {
    const { ctx, checkpoints } = await toolContext({ 'a.txt': 'hello\n' });
    await expect(updateTextdoc.run({ path: 'a.txt', old_str: 'bye', replacement: 'x' }, ctx)).rejects.toThrow(
      'update_textdoc: old_str does not appear verbatim in "a.txt"; nothing was changed. Read the file with cat',
    );
    expect(checkpoints.calls).toEqual([]);
  });

  it('lists the lines of several occurrences unless multiple is set', async () => {
    const { ctx } = await toolContext({ 'a.txt': 'x = 1\ny = 2\nx = 1\n\nx = 1\n' });
    await expect(updateTextdoc.run({ path: 'a.txt', old_str: 'x = 1', replacement: 'x = 3' }, ctx)).rejects.toThrow(
      'old_str appears 3 times in "a.txt" (lines 1, 3, 5); nothing was changed',
    );
    await updateTextdoc.run({ path: 'a.txt', old_str: 'x = 1', replacement: 'x = 3', multiple: 'true' }, ctx);
    expect(await readText(ctx, 'a.txt')).toBe('x = 3\ny = 2\nx = 3\n\nx = 3\n');
  });

  it('keeps CRLF line ends and the BOM, and takes $ in the replacement literally', async () => {
    const bom = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('a\r\nb\r\nc\r\n')]);
    const { ctx } = await toolContext({ 'w.txt': bom });
    await updateTextdoc.run({ path: 'w.txt', old_str: 'a\nb', replacement: 'A $& B\nb' }, ctx);
    const bytes = await ctx.workspace.readBytes('w.txt');
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(new TextDecoder().decode(bytes.slice(3))).toBe('A $& B\r\nb\r\nc\r\n');
  });

  it('does not write when the checkpoint fails', async () => {
    const { ctx, checkpoints } = await toolContext({ 'a.txt': 'one\n' });
    checkpoints.failWith = new Error('shadow repo is busy');
    await expect(updateTextdoc.run({ path: 'a.txt', old_str: 'one', replacement: 'two' }, ctx)).rejects.toThrow(
      'could not save a checkpoint before changing "a.txt" (shadow repo is busy); nothing was changed',
    );
    expect(await readText(ctx, 'a.txt')).toBe('one\n');
  });

  it('names missing arguments and files', async () => {
    const { ctx } = await toolContext({ 'a.txt': 'one\n' });
    await expect(updateTextdoc.run({ path: 'a.txt', replacement: 'x' }, ctx)).rejects.toThrow('the argument "old_str" is required');
    await expect(updateTextdoc.run({ path: 'b.txt', old_str: 'x', replacement: 'y' }, ctx)).rejects.toThrow('"b.txt" does not exist');
    await expect(updateTextdoc.run({ path: 'a.txt', old_str: 1, replacement: 'y' }, ctx)).rejects.toThrow('"old_str" must be a string');
  });
});
