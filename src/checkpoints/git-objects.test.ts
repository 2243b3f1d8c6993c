import { beforeEach, describe, expect, it } from 'vitest';
import { freshCheckpointDb } from './test-support';
import { git, LightningFS } from './git';
import {
  FILE_MODE,
  TREE_MODE,
  chatIdOfRef,
  chatRef,
  checkpointMessage,
  parseSkipped,
  serializeTree,
  sha1Hex,
  wrapObject,
  type TreeItem,
} from './git-objects';

beforeEach(() => freshCheckpointDb());

describe('git objects', () => {
  it('hashes trees exactly like isomorphic-git, including git’s odd ordering of folders', async () => {
    const blob = (await git.hashBlob({ object: 'x' })).oid;
    const sub = (await git.hashBlob({ object: 'y' })).oid;
    // "a" as a folder sorts as "a/", i.e. after "a-b" and "a.txt" ('-' and '.' < '/'), and before "a0".
    const items: TreeItem[] = [
      { name: 'a0', mode: FILE_MODE, oid: blob },
      { name: 'a', mode: TREE_MODE, oid: sub },
      { name: 'a.txt', mode: FILE_MODE, oid: blob },
      { name: 'a-b', mode: FILE_MODE, oid: blob },
      { name: 'Zeta', mode: FILE_MODE, oid: blob },
      { name: 'ünï 名前', mode: FILE_MODE, oid: blob },
      { name: 'b', mode: FILE_MODE, oid: blob },
    ];
    const ours = await sha1Hex(wrapObject('tree', serializeTree(items)));
    const fs = new LightningFS('git-objects-test', { defer: true });
    const theirs = await git.writeTree({
      fs,
      gitdir: '/g',
      tree: items.map((i) => ({ mode: i.mode === TREE_MODE ? '040000' : '100644', path: i.name, oid: i.oid, type: i.mode === TREE_MODE ? 'tree' : 'blob' })),
    });
    expect(ours).toBe(theirs);
    expect(await sha1Hex(wrapObject('tree', serializeTree([])))).toBe('4b825dc642cb6eb9a060e54bf8d69288fbee4904');
  });

  it('turns any chat id into a valid ref name and back', () => {
    for (const id of ['3f1c2a9e-0b7d-4c55-9d2e-1a2b3c4d5e6f', 'a..b', 'x.lock', 'spaces and: colons?', 'ünïcødé/名前', '_']) {
      const ref = chatRef(id);
      expect(ref).toMatch(/^refs\/heads\/chats\/[A-Za-z0-9_-]+$/);
      expect(chatIdOfRef(ref)).toBe(id);
    }
    expect(chatRef('abc-123')).toBe('refs/heads/chats/abc-123');
    expect(chatIdOfRef('refs/heads/undo')).toBeNull();
    expect(() => chatRef('')).toThrow(/must not be empty/);
  });

  it('keeps the skipped paths in the commit message, whatever their names', () => {
    const skipped = [
      { path: 'big\tfile\n.bin', kind: 'file' as const, size: 99, reason: 'too "big"' },
      { path: 'locked', kind: 'directory' as const, size: 0, reason: 'could not be read' },
    ];
    const message = checkpointMessage('checkpoint for chat x', skipped);
    expect(message.split('\n')[0]).toBe('checkpoint for chat x');
    expect(parseSkipped(message)).toEqual(skipped);
    expect(parseSkipped(checkpointMessage('t', []))).toEqual([]);
    expect(parseSkipped('t\n\nRefact-Skipped: {broken\n')).toEqual([]);
    const sneaky = checkpointMessage('chat x\nRefact-Skipped: ["src","directory",0,"fake"]', []);
    expect(parseSkipped(sneaky)).toEqual([]);
  });
});
