import { describe, expect, it } from 'vitest';
import { toolContext } from '../test-support/workspace';
import { searchPattern } from './search-pattern';
import { searchTextCache } from './search-text-cache';

const search = async (ctx: Parameters<typeof searchPattern.run>[1], pattern: string) => (await searchPattern.run({ pattern }, ctx)).content as string;

describe('search_pattern over cached texts', () => {
  it("sees the agent's writes, outside edits once noticed, and removed folders", async () => {
    const { ctx, root, workspace } = await toolContext({ 'a.py': 'alpha = 1\n', 'pkg/b.py': 'def alpha_b():\n    pass\n' });
    expect(await search(ctx, 'alpha')).toContain('a.py:1: alpha = 1');

    await workspace.writeText('a.py', 'beta = 2\n');
    const afterWrite = await search(ctx, 'alpha|beta');
    expect(afterWrite).toContain('a.py:1: beta = 2');
    expect(afterWrite).not.toContain('alpha = 1');

    await root.put('pkg/b.py', 'def gamma():\n    pass\n');
    await workspace.refresh();
    expect(await search(ctx, 'gamma')).toContain('pkg/b.py:1: def gamma():');

    await workspace.remove('pkg', { recursive: true });
    expect(await search(ctx, 'gamma')).toBe('No paths or lines in the project match /gamma/.');
  });

  it('reads each file once while nothing changes, and stops keeping texts at its size budget', async () => {
    const { workspace } = await toolContext({ 'a.txt': 'x'.repeat(100), 'b.txt': 'y'.repeat(100), 'c.txt': 'z'.repeat(100) });
    let reads = 0;
    const readText = workspace.readText.bind(workspace);
    workspace.readText = (path, options) => {
      reads++;
      return readText(path, options);
    };
    const cache = searchTextCache(workspace, 400);
    for (const path of ['a.txt', 'b.txt', 'a.txt', 'b.txt']) await cache.read(path);
    expect(reads).toBe(2);
    // Over 400 units (64 each for bookkeeping) with a and b: c is not kept, a and b stay.
    for (const path of ['c.txt', 'c.txt', 'a.txt', 'b.txt']) await cache.read(path);
    expect(reads).toBe(4);
    const c = await cache.read('c.txt');
    expect(c?.kind === 'text' && c.text).toBe('z'.repeat(100));
    // A change frees room.
    await workspace.writeText('a.txt', 'w');
    await cache.read('c.txt');
    await cache.read('c.txt');
    expect(reads).toBe(6);
  });
});
