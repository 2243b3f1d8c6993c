import { describe, expect, it } from 'vitest';
import { toolContext } from '../test-support/workspace';
import { searchPattern } from './search-pattern';
import { disposeSearchTextCache, searchTextCache, searchTextCacheStats } from './search-text-cache';

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

describe('search text cache lifetime', () => {
  /** Counts a workspace's reads and its watch subscriptions still open. */
  function instrument(workspace: Awaited<ReturnType<typeof toolContext>>['workspace']) {
    const counts = { reads: 0, watching: 0 };
    const readText = workspace.readText.bind(workspace);
    workspace.readText = (path, options) => {
      counts.reads++;
      return readText(path, options);
    };
    const watch = workspace.watch.bind(workspace);
    workspace.watch = (listener) => {
      counts.watching++;
      const unwatch = watch(listener);
      return () => {
        counts.watching--;
        unwatch();
      };
    };
    return counts;
  }

  it('keeps only the current workspace: asking for another one unsubscribes and drops the old texts', async () => {
    const a = await toolContext({ 'a.py': 'alpha = 1\n' });
    const b = await toolContext({ 'b.py': 'beta = 2\n' });
    const countsA = instrument(a.workspace);
    const countsB = instrument(b.workspace);

    expect(await search(a.ctx, 'alpha')).toContain('a.py:1: alpha = 1');
    expect(countsA.watching).toBe(1);
    expect(searchTextCacheStats()).toMatchObject({ workspace: a.workspace, entries: 1 });

    expect(await search(b.ctx, 'beta')).toContain('b.py:1: beta = 2');
    expect(countsA.watching).toBe(0);
    expect(countsB.watching).toBe(1);
    expect(searchTextCacheStats()).toMatchObject({ workspace: b.workspace, entries: 1 });

    // Back to A: a fresh cache, reading from disk again.
    const readsBefore = countsA.reads;
    expect(await search(a.ctx, 'alpha')).toContain('a.py:1: alpha = 1');
    expect(countsA.reads).toBe(readsBefore + 1);
    expect(countsA.watching).toBe(1);
    expect(countsB.watching).toBe(0);

    // Disposing another workspace's cache leaves the current one; disposing it (or all) drops it.
    disposeSearchTextCache(b.workspace);
    expect(countsA.watching).toBe(1);
    disposeSearchTextCache(a.workspace);
    expect(countsA.watching).toBe(0);
    expect(searchTextCacheStats()).toEqual({ workspace: null, entries: 0, chars: 0 });
    await search(b.ctx, 'beta');
    disposeSearchTextCache();
    expect(countsB.watching).toBe(0);
  });

  it('a disposed cache still reads, but keeps nothing', async () => {
    const { workspace } = await toolContext({ 'a.txt': 'one' });
    const counts = instrument(workspace);
    const cache = searchTextCache(workspace);
    disposeSearchTextCache();
    await cache.read('a.txt');
    await cache.read('a.txt');
    expect(counts.reads).toBe(2);
    expect(counts.watching).toBe(0);
  });

  it('reads ignored files fresh every time (their outside edits are never reported)', async () => {
    const { ctx, root, workspace } = await toolContext({ '.gitignore': 'secret.txt\n', 'secret.txt': 'token = old\n', 'a.py': 'x = 1\n' });
    const counts = instrument(workspace);
    expect(await workspace.isIgnored('secret.txt', 'file')).toBe(true);
    const searchIn = async (pattern: string) => (await searchPattern.run({ pattern, scope: 'secret.txt' }, ctx)).content as string;

    expect(await searchIn('token')).toContain('secret.txt:1: token = old');
    await root.put('secret.txt', 'token = new\n');
    await workspace.refresh();
    expect(await searchIn('token')).toContain('secret.txt:1: token = new');
    expect(counts.reads).toBe(2);
    expect(searchTextCacheStats().entries).toBe(0);

    // Visible files are still kept.
    await search(ctx, 'x');
    await search(ctx, 'x');
    expect(searchTextCacheStats().entries).toBeGreaterThan(0);
  });

  it('drops every text when a .gitignore changes (a kept file may have become ignored)', async () => {
    const { ctx, workspace } = await toolContext({ 'a.py': 'alpha = 1\n', 'pkg/b.py': 'alpha_b = 2\n' });
    await search(ctx, 'alpha');
    expect(searchTextCacheStats().entries).toBe(2);
    await workspace.writeText('pkg/.gitignore', 'b.py\n');
    expect(searchTextCacheStats().entries).toBe(0);
  });
});

describe('search_pattern cancellation', () => {
  it('stops between files once the signal is aborted', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 40; i++) files[`f${String(i).padStart(2, '0')}.txt`] = `line ${i}\n`;
    const controller = new AbortController();
    const { ctx, workspace } = await toolContext(files, { signal: controller.signal });
    disposeSearchTextCache();
    let reads = 0;
    const readText = workspace.readText.bind(workspace);
    workspace.readText = (path, options) => {
      if (++reads === 3) controller.abort();
      return readText(path, options);
    };
    await expect(searchPattern.run({ pattern: 'line' }, ctx)).rejects.toThrow();
    // The workers in flight finish their read; no new file is started.
    expect(reads).toBeLessThanOrEqual(3 + 8);
    expect(reads).toBeLessThan(40);
  });
});
