import { fakeDirectoryHandle, freshIndexedDb } from './test-support';
import { beforeEach, describe, expect, it } from 'vitest';
import { forgetFolder, recentFolders, rememberFolder, touchFolder } from './handles';
import type { FolderKind } from './schema';

// Node has no FileSystemDirectoryHandle: fakeDirectoryHandle() is a plain object cast to it.
function remember(id: string, lastOpened: number, kind: FolderKind = 'picked') {
  return rememberFolder({ id, name: `project-${id}`, kind, handle: fakeDirectoryHandle(id), lastOpened });
}

const ids = async (limit?: number) => (await recentFolders(limit)).map((f) => f.id);

beforeEach(() => freshIndexedDb());

describe('recent folders', () => {
  it('lists newest first and keeps the record intact', async () => {
    await remember('a', 100);
    await remember('b', 300, 'opfs');
    await remember('c', 200, 'host');
    expect(await ids()).toEqual(['b', 'c', 'a']);
    const [newest] = await recentFolders(1);
    expect(newest).toEqual({
      id: 'b',
      name: 'project-b',
      kind: 'opfs',
      handle: { kind: 'directory', name: 'b' },
      lastOpened: 300,
    });
  });

  it('honours the limit (default 10)', async () => {
    for (let i = 0; i < 12; i++) await remember(`f${i}`, i);
    expect(await ids()).toHaveLength(10);
    expect(await ids(3)).toEqual(['f11', 'f10', 'f9']);
    expect(await ids(0)).toEqual([]);
  });

  it('remembering the same id again replaces it; lastOpened defaults to now', async () => {
    await remember('a', 100);
    await remember('b', 200);
    const before = Date.now();
    await rememberFolder({ id: 'a', name: 'renamed', kind: 'picked', handle: fakeDirectoryHandle('a') });
    const folders = await recentFolders();
    expect(folders.map((f) => f.id)).toEqual(['a', 'b']);
    expect(folders[0]?.name).toBe('renamed');
    expect(folders[0]?.lastOpened).toBeGreaterThanOrEqual(before);
  });

  it('touchFolder moves a folder to the front; unknown ids report false', async () => {
    await remember('a', 100);
    await remember('b', 200);
    expect(await touchFolder('a', 500)).toBe(true);
    expect(await ids()).toEqual(['a', 'b']);
    expect(await touchFolder('missing', 600)).toBe(false);
    expect(await ids()).toEqual(['a', 'b']);
  });

  it('forgetFolder removes only that folder', async () => {
    await remember('a', 100);
    await remember('b', 200);
    await forgetFolder('b');
    await forgetFolder('never-there');
    expect(await ids()).toEqual(['a']);
  });
});
