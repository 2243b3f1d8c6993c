import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MemoryFileHandle } from '../workspace/memory-handle';
import { freshCheckpointDb, memoryFolder, dumpFolder, text } from './test-support';
import {
  CheckpointStorageFullError,
  WriteRefusedError,
  checkpointBeforeWrite,
  checkpointUsage,
  collectGarbage,
  createCheckpoint,
  previewCheckpoints,
  restoreCheckpoints,
  stopChangeJournal,
  type RestoreProgress,
} from './index';
import { GITDIR, forgetShadowRepo, shadowRepo } from './shadow-repo';

beforeEach(() => freshCheckpointDb());
afterEach(() => vi.restoreAllMocks());



describe('createCheckpoint', () => {
  it('saves the folder (ignore rules applied) and re-hashes only files whose size or mtime changed', async () => {
    const realNow = Date.now;
    let clock = realNow();
    vi.spyOn(Date, 'now').mockImplementation(() => clock);
    const { ws, root, id } = await memoryFolder({
      '.gitignore': 'build/\n',
      'a.txt': 'alpha\n',
      'src/b.ts': 'export const b = 1;\r\n',
      'bin/blob.bin': new Uint8Array([0, 1, 2, 255]),
      'build/out.js': 'ignored',
    });
    const first = await createCheckpoint(ws, 'chat-1');
    expect(first.checkpoint).toEqual({ workspace_folder: id, commit_hash: expect.stringMatching(/^[0-9a-f]{40}$/) });
    expect(first).toMatchObject({ files: 4, hashed: 4, unchanged: false, skipped: [], ref: 'refs/heads/chats/chat-1' });
    const files = await shadowRepo(id).flattenTree(first.tree);
    expect([...files.keys()].sort()).toEqual(['.gitignore', 'a.txt', 'bin/blob.bin', 'src/b.ts']);

    // Nothing changed: same commit. The files were written right before the first scan, so a
    // same-size edit could have kept their mtime ("racy git"): this scan re-hashes them once...
    clock += 60_000;
    const again = await createCheckpoint(ws, 'chat-1');
    expect(again).toMatchObject({ hashed: 4, unchanged: true, newObjects: 0 });
    expect(again.checkpoint).toEqual(first.checkpoint);
    // ...and the next one reads nothing.
    expect(await createCheckpoint(ws, 'chat-1')).toMatchObject({ hashed: 0, unchanged: true, newObjects: 0 });

    await root.put('a.txt', 'alpha, edited\n');
    const third = await createCheckpoint(ws, 'chat-1');
    expect(third.hashed).toBe(1);
    expect(third.unchanged).toBe(false);
    expect(third.newObjects).toBe(3); // one blob, the root tree, the commit
  });

  it('keeps the index across reloads (a new repository object reads it back)', async () => {
    const { ws, id } = await memoryFolder({ 'a.txt': 'a', 'b/c.txt': 'c' });
    const realNow = Date.now;
    await createCheckpoint(ws, 'c');
    // Pretend the files were written long before the scan: entries are not racy any more.
    vi.spyOn(Date, 'now').mockImplementation(() => realNow() + 60_000);
    await createCheckpoint(ws, 'c');
    forgetShadowRepo(id);
    const afterReload = await createCheckpoint(ws, 'c');
    expect(afterReload.hashed).toBe(0);
  });

  it('skips files over the size cap with a note, and a restore leaves them alone', async () => {
    const { ws, root } = await memoryFolder({ 'small.txt': 'small', 'huge.bin': new Uint8Array(2000) });
    const snap = await createCheckpoint(ws, 'c', { maxFileBytes: 1000 });
    expect(snap.skipped).toEqual([expect.objectContaining({ path: 'huge.bin', kind: 'file', size: 2000 })]);
    expect(snap.notes[0]).toMatch(/1 file over 1000 B was not saved in the checkpoint and will not be restored: huge.bin/);
    await root.put('huge.bin', new Uint8Array(3000).fill(7));
    await root.put('small.txt', 'changed');
    const report = await restoreCheckpoints(ws, [snap.checkpoint], undefined, { maxFileBytes: 1000 });
    expect(report.restored).toEqual([{ path: 'small.txt', action: 'modified' }]);
    expect((await dumpFolder(root)).get('huge.bin')?.length).toBe(3000);
    expect(report.untouched.map((u) => u.path)).toContain('huge.bin');
  });

  it('fails with a clear error when storage is full, and checkpointBeforeWrite then refuses the write', async () => {
    const { ws } = await memoryFolder({ 'a.txt': 'a' });
    // Only the shadow repository's store is full (its object store is named "files").
    const put = IDBObjectStore.prototype.put;
    vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(function (this: IDBObjectStore, ...args) {
      if (this.name === 'files') throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      return put.apply(this, args);
    });
    await expect(createCheckpoint(ws, 'c')).rejects.toBeInstanceOf(CheckpointStorageFullError);
    const write = vi.fn(async () => 'written');
    const refused = await checkpointBeforeWrite(ws, 'c', write).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(WriteRefusedError);
    expect((refused as Error).message).toMatch(/was not made: a checkpoint to undo it could not be saved first. Browser storage is full/);
    expect(write).not.toHaveBeenCalled();

    // Storage back: the failed snapshot left no half-written objects behind.
    vi.restoreAllMocks();
    const ok = await checkpointBeforeWrite(ws, 'c', write);
    expect(ok.result).toBe('written');
    expect(ok.snapshot.hashed).toBe(1);
    const restored = await restoreCheckpoints(ws, [ok.snapshot.checkpoint]);
    expect(restored.complete && restored.verified).toBe(true);
  });
});

describe('preview and restore', () => {
  async function edited() {
    const folder = await memoryFolder({
      'keep.txt': 'same\n',
      'mod.txt': 'one\ntwo\nthree\n',
      'gone.txt': 'I will be deleted\n',
      'img.png': new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 1, 2]),
      'dir/nested/deep.md': '# deep\n',
    });
    const snap = await createCheckpoint(folder.ws, 'chat');
    await folder.root.put('mod.txt', 'one\nTWO\nthree\n');
    await folder.root.put('new/added.txt', 'new file\n');
    await folder.root.put('img.png', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 9, 9]));
    await folder.ws.remove('gone.txt');
    await folder.ws.remove('dir', { recursive: true });
    return { ...folder, snap };
  }

  it('previews what a restore would do, with unified diffs for text files', async () => {
    const { ws, snap, id } = await edited();
    const preview = await previewCheckpoints(ws, [snap.checkpoint]);
    const changes = preview.reverted_changes[0]!;
    expect(changes.workspace_folder).toBe(id);
    expect(changes.files_changed.map((f) => [f.relative_path, f.action, f.status])).toEqual([
      ['dir/nested/deep.md', 'added', 'ADDED'],
      ['gone.txt', 'added', 'ADDED'],
      ['img.png', 'modified', 'MODIFIED'],
      ['mod.txt', 'modified', 'MODIFIED'],
      ['new/added.txt', 'deleted', 'DELETED'],
    ]);
    const byPath = new Map(changes.files_changed.map((f) => [f.relative_path, f]));
    expect(byPath.get('mod.txt')!.diff).toBe('--- a/mod.txt\n+++ b/mod.txt\n@@ -1,3 +1,3 @@\n one\n-TWO\n+two\n three\n');
    expect(byPath.get('new/added.txt')!.diff).toBe('--- a/new/added.txt\n+++ /dev/null\n@@ -1 +0,0 @@\n-new file\n');
    expect(byPath.get('img.png')).toMatchObject({ binary: true, diff: null, note: expect.stringMatching(/binary/) });
    expect(preview.reverted_to).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(preview.checkpoints_for_undo).toEqual([]);
  });

  it('restores byte for byte, reports progress, and the undo checkpoint undoes the restore', async () => {
    const { ws, root, snap } = await edited();
    const before = await dumpFolder(root);
    const progress: RestoreProgress[] = [];
    const report = await restoreCheckpoints(ws, [snap.checkpoint], (p) => progress.push(p));
    expect(report).toMatchObject({ complete: true, verified: true, failed: [], not_restored: [] });
    expect(report.restored).toHaveLength(5);
    const after = await dumpFolder(root);
    expect([...after.keys()].sort()).toEqual(['dir/nested/deep.md', 'gone.txt', 'img.png', 'keep.txt', 'mod.txt']);
    expect(text(after.get('mod.txt'))).toBe('one\ntwo\nthree\n');
    expect([...after.get('img.png')!]).toEqual([0x89, 0x50, 0x4e, 0x47, 0, 1, 2]);
    expect(progress[0]?.phase).toBe('saving-undo');
    expect(progress.at(-1)).toMatchObject({ phase: 'done', done: 5, total: 5 });

    const undo = await restoreCheckpoints(ws, report.checkpoints_for_undo);
    expect(undo.complete && undo.verified).toBe(true);
    const undone = await dumpFolder(root);
    expect([...undone.keys()].sort()).toEqual([...before.keys()].sort());
    for (const [path, bytes] of before) expect([...undone.get(path)!], path).toEqual([...bytes]);
    // The folder emptied by the restore's deletion is gone again too.
    expect(await ws.exists('dir')).toBe(false);
  });

  it('swaps a file and a folder of the same name', async () => {
    const { ws, root } = await memoryFolder({ 'x': 'x is a file\n' });
    const snap = await createCheckpoint(ws, 'c');
    await ws.remove('x');
    await root.put('x/inside.txt', 'now x is a folder\n');
    const report = await restoreCheckpoints(ws, [snap.checkpoint]);
    expect(report).toMatchObject({ complete: true, verified: true });
    expect(text((await dumpFolder(root)).get('x'))).toBe('x is a file\n');
    const back = await restoreCheckpoints(ws, report.checkpoints_for_undo);
    expect(back.verified).toBe(true);
    expect(text((await dumpFolder(root)).get('x/inside.txt'))).toBe('now x is a folder\n');
  });

  it('replaces an empty folder standing where the checkpoint has a file (git does not track empty folders)', async () => {
    const { ws, root } = await memoryFolder({ 'y': 'y is a file\n', 'z.txt': 'z' });
    const snap = await createCheckpoint(ws, 'c');
    await ws.remove('y');
    await root.getDirectoryHandle('y', { create: true });
    const report = await restoreCheckpoints(ws, [snap.checkpoint]);
    expect(report).toMatchObject({ complete: true, verified: true, restored: [{ path: 'y', action: 'added' }] });
    expect(text((await dumpFolder(root)).get('y'))).toBe('y is a file\n');
  });

  it('stops when the permission is revoked mid-restore, reports what was done, and the undo still works', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 10; i++) files[`f${i}.txt`] = `version 1 of ${i}\n`;
    const { ws, root } = await memoryFolder(files);
    const snap = await createCheckpoint(ws, 'c');
    for (let i = 0; i < 10; i++) await root.put(`f${i}.txt`, `version 2 of ${i}\n`);
    const edited = await dumpFolder(root);

    // The browser throws NotAllowedError once a permission is revoked; let 4 writes through first.
    let writes = 0;
    const real = MemoryFileHandle.prototype.createWritable;
    vi.spyOn(MemoryFileHandle.prototype, 'createWritable').mockImplementation(function (this: MemoryFileHandle, options) {
      if (++writes > 4) return Promise.reject(new DOMException('permission revoked', 'NotAllowedError'));
      return real.call(this, options);
    });
    const report = await restoreCheckpoints(ws, [snap.checkpoint]);
    expect(report.complete).toBe(false);
    // Writes run 8 at a time: the 4 allowed ones succeed, those already started fail, the rest never start.
    expect(report.restored).toHaveLength(4);
    expect(report.failed.length).toBeGreaterThanOrEqual(1);
    for (const f of report.failed) expect(f.reason).toMatch(/Access to the folder was revoked/);
    expect(report.restored.length + report.failed.length + report.not_restored.length).toBe(10);
    expect(report.not_restored.length).toBeGreaterThanOrEqual(1);
    expect(report.error_log.at(-1)).toMatch(/4 of 10 changes were made and 6 were not/);
    const partial = await dumpFolder(root);
    for (const f of report.restored) expect(text(partial.get(f.path))).toMatch(/^version 1/);
    for (const f of [...report.failed, ...report.not_restored]) expect(text(partial.get(f.path))).toMatch(/^version 2/);

    vi.restoreAllMocks(); // permission granted again
    const undo = await restoreCheckpoints(ws, report.checkpoints_for_undo);
    expect(undo.complete && undo.verified).toBe(true);
    const undone = await dumpFolder(root);
    for (const [path, bytes] of edited) expect(text(undone.get(path)), path).toBe(text(bytes));
  });

  it('refuses to snapshot a folder it cannot read at all (and so refuses the write)', async () => {
    const { ws, root } = await memoryFolder({ 'a.txt': 'a' });
    vi.spyOn(root, 'entries').mockImplementation(() => {
      throw new DOMException('permission revoked', 'NotAllowedError');
    });
    const write = vi.fn(async () => undefined);
    const error = await checkpointBeforeWrite(ws, 'c', write).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WriteRefusedError);
    expect((error as Error).message).toMatch(/Could not read the folder "proj": Access to the folder was revoked/);
    expect(write).not.toHaveBeenCalled();
  });

  it('refuses checkpoints of other folders and unknown commits', async () => {
    const { ws } = await memoryFolder({ 'a': 'a' });
    await expect(previewCheckpoints(ws, [{ workspace_folder: 'elsewhere', commit_hash: 'a'.repeat(40) }])).rejects.toThrow(
      /None of the checkpoints belongs to the open folder "proj"/,
    );
    await expect(restoreCheckpoints(ws, [{ workspace_folder: ws.id, commit_hash: 'a'.repeat(40) }])).rejects.toThrow(
      /is no longer stored/,
    );
  });
});

describe('garbage collection', () => {
  it('reports usage and deletes old chats, then the oldest until the size budget holds', async () => {
    const { ws, root, id } = await memoryFolder({ 'a.txt': 'a' });
    const realNow = Date.now;
    let clock = realNow();
    vi.spyOn(Date, 'now').mockImplementation(() => clock);
    await createCheckpoint(ws, 'old-chat');
    clock += 10 * 24 * 3600_000;
    await root.put('b.bin', new Uint8Array(50_000).fill(1));
    await createCheckpoint(ws, 'middle-chat');
    clock += 10 * 24 * 3600_000;
    await root.put('c.bin', new Uint8Array(50_000).fill(2));
    const newest = await createCheckpoint(ws, 'new-chat');

    const usage = await checkpointUsage(id);
    expect(usage.repos[0]!.chats.map((c) => [c.chatId, c.checkpoints]).sort()).toEqual([
      ['middle-chat', 1],
      ['new-chat', 1],
      ['old-chat', 1],
    ]);
    expect(usage.objects).toBeGreaterThanOrEqual(7);
    expect(usage.bytes).toBeGreaterThan(100_000);

    const byAge = await collectGarbage({ maxAgeMs: 15 * 24 * 3600_000, workspaceIds: [id] });
    expect(byAge.deletedBranches).toEqual([{ workspaceId: id, chatId: 'old-chat', reason: 'age' }]);
    expect(byAge.deletedObjects).toBe(2); // its commit and its root tree; its blob a.txt is shared

    const bySize = await collectGarbage({ maxBytes: 70_000, workspaceIds: [id], keepChatIds: ['new-chat'] });
    expect(bySize.deletedBranches).toEqual([{ workspaceId: id, chatId: 'middle-chat', reason: 'size' }]);
    expect(bySize.usage.repos[0]!.chats.map((c) => c.chatId)).toEqual(['new-chat']);

    // What is left restores fine.
    await root.put('c.bin', new Uint8Array(3));
    const report = await restoreCheckpoints(ws, [newest.checkpoint]);
    expect(report.verified).toBe(true);
    // The index only names blobs that still exist: a snapshot now stores what GC removed.
    const snap = await createCheckpoint(ws, 'new-chat');
    expect(snap.unchanged).toBe(true);
  });

  it('reports no usage for a workspace without checkpoints, without creating a repository', async () => {
    expect(await checkpointUsage('never-snapshotted')).toEqual({ bytes: 0, objects: 0, commits: 0, repos: [] });
    expect((await indexedDB.databases()).map((d) => d.name)).not.toContain('refact-checkpoints:never-snapshotted');
  });

  it('deletes a repository left without branches', async () => {
    const { ws, id } = await memoryFolder({ 'a.txt': 'a' });
    await createCheckpoint(ws, 'c');
    const report = await collectGarbage({ maxAgeMs: -1, workspaceIds: [id] });
    expect(report.deletedRepos).toEqual([id]);
    const names = (await indexedDB.databases()).map((d) => d.name);
    expect(names).not.toContain(`refact-checkpoints:${id}`);
    // And the workspace can start over.
    const fresh = await createCheckpoint(ws, 'c');
    expect(fresh.hashed).toBe(1);
  });
});

describe('compatibility with git', () => {
  const gitVersion = spawnSync('git', ['--version']).status === 0;
  it.skipIf(!gitVersion)('the shadow repository passes `git fsck` and lists the same blobs as git itself', async () => {
    const { ws, id } = await memoryFolder({
      'README.md': '# hi\n',
      'src/a.ts': 'export const a = 1;\r\n',
      'src/ünï 名前.txt': 'x',
      'big.bin': new Uint8Array(150_000).map((_, i) => (i * 7) & 0xff),
      'a-b': '1',
      'a.c': '2',
      'a/z': '3',
    });
    const snap = await createCheckpoint(ws, 'chat');
    // Copy the gitdir out of lightning-fs onto disk.
    const repo = shadowRepo(id);
    const dir = mkdtempSync(join(tmpdir(), 'shadow-'));
    const copy = async (from: string, to: string): Promise<void> => {
      for (const name of await repo.fs.promises.readdir(from)) {
        const stat = await repo.fs.promises.stat(`${from}/${name}`);
        if (stat.isDirectory()) {
          mkdirSync(join(to, name), { recursive: true });
          await copy(`${from}/${name}`, join(to, name));
        } else {
          writeFileSync(join(to, name), await repo.fs.promises.readFile(`${from}/${name}`));
        }
      }
    };
    try {
      await copy(GITDIR, dir);
      const fsck = spawnSync('git', ['--git-dir', dir, 'fsck', '--full', '--strict', snap.checkpoint.commit_hash], { encoding: 'utf8' });
      expect(fsck.status, fsck.stderr).toBe(0);
      const listed = spawnSync('git', ['--git-dir', dir, 'ls-tree', '-r', snap.checkpoint.commit_hash], { encoding: 'utf8' });
      // git's own ids for the same contents:
      const expected = new Map<string, string>();
      for (const [path, content] of Object.entries({ 'README.md': '# hi\n', 'a-b': '1', 'a.c': '2', 'a/z': '3' })) {
        expected.set(path, spawnSync('git', ['hash-object', '--stdin'], { input: content, encoding: 'utf8' }).stdout.trim());
      }
      for (const line of listed.stdout.trim().split('\n')) {
        const [, , oid, path] = /^(\d+) (\w+) ([0-9a-f]+)\t(.*)$/.exec(line)!;
        if (expected.has(path!)) expect(oid, path).toBe(expected.get(path!));
      }
      expect(listed.stdout.split('\n').filter(Boolean)).toHaveLength(7);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});



describe('change journal (FileSystemObserver stand-in)', () => {
  /** Node has no FileSystemObserver; this one delivers whatever records the test hands it. */
  class FakeObserver {
    static all: FakeObserver[] = [];
    constructor(readonly callback: (records: FileSystemChangeRecord[]) => void) {
      FakeObserver.all.push(this);
    }
    async observe(): Promise<void> {}
    disconnect(): void {}
    static emit(type: FileSystemChangeType, path: string): void {
      const record = { type, relativePathComponents: path.split('/'), relativePathMovedFrom: null } as unknown as FileSystemChangeRecord;
      for (const o of FakeObserver.all) o.callback([record]);
    }
  }

  beforeEach(() => {
    FakeObserver.all = [];
    vi.stubGlobal('FileSystemObserver', FakeObserver);
  });
  afterEach(() => vi.unstubAllGlobals());

  it('re-checks only reported paths, yet records the same state as a full walk', async () => {
    const { ws, root, id } = await memoryFolder({ 'a.txt': 'a', 'dir/b.txt': 'b', 'dir/sub/c.txt': 'c', 'keep.txt': 'k' });
    const profile = (p: Record<string, number> = {}) => p;
    const p1 = profile();
    const first = await createCheckpoint(ws, 'c', { profile: p1 });
    expect(p1.journal).toBe(0); // the first one walks everything

    // Through the workspace (the agent's writes): reported synchronously by its watch().
    await ws.writeText('a.txt', 'a2');
    await ws.remove('dir/sub', { recursive: true });
    await ws.writeText('new/n.txt', 'n');
    // Outside the app: reported by the observer.
    await root.put('keep.txt', 'k2');
    FakeObserver.emit('modified', 'keep.txt');
    const p2 = profile();
    const second = await createCheckpoint(ws, 'c', { profile: p2 });
    expect(p2.journal).toBe(1);
    expect(second.hashed).toBe(3);
    const full = await createCheckpoint(ws, 'other-chat', { scan: 'full' });
    expect(second.tree).toBe(full.tree);
    const files = await shadowRepo(id).flattenTree(second.tree);
    expect([...files.keys()].sort()).toEqual(['a.txt', 'dir/b.txt', 'keep.txt', 'new/n.txt']);

    // An outside edit nobody reported is missed by the journal (the documented residual risk)...
    await root.put('dir/b.txt', 'b, edited behind our back');
    const p3 = profile();
    const missed = await createCheckpoint(ws, 'c', { profile: p3 });
    expect(p3.journal).toBe(1);
    expect(missed.unchanged).toBe(true);
    // ...but not by a full walk, nor by a restore, which always walks everything.
    expect((await createCheckpoint(ws, 'c', { scan: 'full' })).unchanged).toBe(false);
    const report = await restoreCheckpoints(ws, [first.checkpoint]);
    expect(report).toMatchObject({ complete: true, verified: true });
    expect(text((await dumpFolder(root)).get('dir/sub/c.txt'))).toBe('c');
    await stopChangeJournal(ws);
  });

  it('walks everything again after dropped events, a .gitignore change or a garbage collection', async () => {
    const { ws, id } = await memoryFolder({ 'a.txt': 'a', 'b.log': 'b' });
    await createCheckpoint(ws, 'c');
    const journalUsed = async () => {
      const p: Record<string, number> = {};
      await createCheckpoint(ws, 'c', { profile: p });
      return p.journal;
    };
    expect(await journalUsed()).toBe(1);
    FakeObserver.emit('unknown', '');
    expect(await journalUsed()).toBe(0);
    expect(await journalUsed()).toBe(1);
    await ws.writeText('.gitignore', '*.log\n');
    expect(await journalUsed()).toBe(0);
    await collectGarbage({ maxAgeMs: 1e12, workspaceIds: [id] }); // deletes nothing: no marker change
    expect(await journalUsed()).toBe(1);
    await createCheckpoint(ws, 'doomed');
    await ws.writeText('a.txt', 'only in doomed? no, in c too after the next snapshot');
    await createCheckpoint(ws, 'doomed');
    await collectGarbage({ maxAgeMs: 1e12, maxBytes: 0, workspaceIds: [id], keepChatIds: ['c'] });
    expect(await journalUsed()).toBe(0);
    const files = await shadowRepo(id).flattenTree((await createCheckpoint(ws, 'c')).tree);
    expect([...files.keys()].sort()).toEqual(['.gitignore', 'a.txt']);
    await stopChangeJournal(ws);
  });
});
