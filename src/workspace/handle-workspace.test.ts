import { describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError } from './errors';
import { HandleWorkspace } from './handle-workspace';
import { MemoryDirectoryHandle } from './memory-handle';
import { PathEscapeError } from './paths';
import type { WorkspaceChange } from './types';

// Node has no File System Access API; MemoryDirectoryHandle stands in for the
// browser's handles here. The same behaviours run on real OPFS handles in e2e.
async function project() {
  const root = new MemoryDirectoryHandle('proj');
  await root.put('.gitignore', 'logs/\n*.tmp\n!keep.tmp\n');
  await root.put('README.md', '# hi\n');
  await root.put('src/app.ts', 'export {}\n');
  await root.put('src/.gitignore', 'generated/\n');
  await root.put('src/generated/out.ts', 'x');
  await root.put('src/deep/nested/file.py', 'print(1)\n');
  await root.put('src/scratch.tmp', 'tmp');
  await root.put('src/keep.tmp', 'kept');
  await root.put('logs/today.log', 'log');
  await root.put('node_modules/pkg/index.js', '');
  await root.put('.git/HEAD', 'ref');
  await root.put('dist/bundle.js', '');
  await root.put('lib/.gitignore', '*\n!*.rs\n');
  await root.put('lib/a.rs', '');
  await root.put('lib/b.txt', '');
  return { root, ws: new HandleWorkspace({ id: 't', source: 'opfs', root: root.asHandle() }) };
}

describe('HandleWorkspace', () => {
  it('walks honouring nested .gitignore files and the default excludes', async () => {
    const { ws } = await project();
    const { files, errors, truncated } = await ws.walk();
    expect(files.map((f) => f.path).sort()).toEqual([
      '.gitignore',
      'README.md',
      'lib/a.rs', // lib/.gitignore's own "*" hides the file itself, as in git
      'src/.gitignore',
      'src/app.ts',
      'src/deep/nested/file.py',
      'src/keep.tmp',
    ]);
    expect(errors).toEqual([]);
    expect(truncated).toBe(false);
  });

  it('walks everything when asked to include ignored entries, and truncates at maxFiles', async () => {
    const { ws } = await project();
    const all = await ws.walk({ includeIgnored: true });
    expect(all.files.map((f) => f.path)).toContain('node_modules/pkg/index.js');
    const few = await ws.walk({ maxFiles: 2 });
    expect(few.files).toHaveLength(2);
    expect(few.truncated).toBe(true);
  });

  it('lists one directory lazily with the same rules, directories first', async () => {
    const { ws } = await project();
    expect((await ws.listDir('')).map((e) => `${e.kind[0]}:${e.name}`)).toEqual(['d:lib', 'd:src', 'f:.gitignore', 'f:README.md']);
    expect((await ws.listDir('src')).map((e) => e.name)).toEqual(['deep', '.gitignore', 'app.ts', 'keep.tmp']);
    expect(await ws.isIgnored('src/generated/out.ts', 'file')).toBe(true);
    expect(await ws.isIgnored('src/app.ts', 'file')).toBe(false);
  });

  it('writes atomically and reads back byte-exact, keeping BOM and CRLF', async () => {
    const { ws } = await project();
    const bytes = new Uint8Array(256).map((_, i) => i);
    await ws.writeBytes('bin/all-bytes.bin', bytes);
    expect(await ws.readBytes('bin/all-bytes.bin')).toEqual(bytes);
    expect(await ws.readText('bin/all-bytes.bin')).toMatchObject({ kind: 'binary' });

    await ws.writeBytes('win.txt', new Uint8Array([0xef, 0xbb, 0xbf, 0x61, 0x0d, 0x0a]));
    const read = await ws.readText('win.txt');
    expect(read).toMatchObject({ kind: 'text', text: 'a\r\n', bom: true, eol: 'crlf' });
    await ws.writeText('win.txt', 'b\r\n');
    expect(await ws.readBytes('win.txt')).toEqual(new Uint8Array([0xef, 0xbb, 0xbf, 0x62, 0x0d, 0x0a]));
  });

  it('reports files over the text limit with the reason', async () => {
    const { ws } = await project();
    await ws.writeBytes('big.txt', new Uint8Array(2 * 1024 * 1024).fill(0x61));
    const r = await ws.readText('big.txt');
    expect(r).toMatchObject({ kind: 'too-large', size: 2 * 1024 * 1024 });
    if (r.kind !== 'too-large') throw new Error('expected too-large');
    expect(r.reason).toBe('file is 2.0 MB, over the 1.0 MB limit for text');
  });

  it('refuses paths that escape the root and names missing files', async () => {
    const { ws } = await project();
    await expect(ws.readText('../secret')).rejects.toBeInstanceOf(PathEscapeError);
    await expect(ws.writeText('/etc/passwd', 'x')).rejects.toBeInstanceOf(PathEscapeError);
    await expect(ws.readText('nope.txt')).rejects.toBeInstanceOf(NotFoundError);
    await expect(ws.readText('nope.txt')).rejects.toThrow('"nope.txt" does not exist in the workspace');
  });

  it('refuses a write when the file changed since it was read', async () => {
    const { ws } = await project();
    const before = await ws.stat('README.md');
    await ws.writeText('README.md', 'changed elsewhere\n');
    await expect(ws.writeText('README.md', 'mine\n', { expectMtime: before.mtime })).rejects.toBeInstanceOf(ConflictError);
    expect((await ws.readText('README.md')).kind === 'text' && (await ws.readText('README.md'))).toMatchObject({
      text: 'changed elsewhere\n',
    });
  });

  it('moves files and directories, deletes, and reports every change', async () => {
    const { ws } = await project();
    const seen: WorkspaceChange[] = [];
    const stop = ws.watch((c) => seen.push(...c));
    await ws.move('src/deep', 'moved');
    expect(await ws.readText('moved/nested/file.py')).toMatchObject({ text: 'print(1)\n' });
    expect(await ws.exists('src/deep')).toBe(false);
    await expect(ws.move('src', 'src/inside')).rejects.toThrow(/into itself/);
    await ws.remove('moved', { recursive: true });
    expect(await ws.exists('moved')).toBe(false);
    await expect(ws.remove('')).rejects.toThrow(/root/);
    stop();
    expect(seen).toEqual(
      expect.arrayContaining([
        { type: 'deleted', path: 'src/deep/nested/file.py' },
        { type: 'created', path: 'moved/nested/file.py' },
        { type: 'deleted', path: 'moved/nested/file.py' },
      ]),
    );
  });

  it('notices edits made behind its back when it polls', async () => {
    const { root, ws } = await project();
    const seen: WorkspaceChange[] = [];
    const stop = ws.watch((c) => seen.push(...c));
    await ws.refresh(); // first snapshot
    await root.put('src/added-outside.ts', 'x');
    await root.put('README.md', 'edited outside\n');
    await ws.refresh();
    stop();
    expect(seen).toEqual(
      expect.arrayContaining([
        { type: 'created', path: 'src/added-outside.ts' },
        { type: 'modified', path: 'README.md' },
      ]),
    );
  });
});

describe('HandleWorkspace directory cache', () => {
  it('recovers when a cached directory is replaced behind its back', async () => {
    const root = new MemoryDirectoryHandle('proj');
    await root.put('pkg/mod/a.ts', 'old\n');
    const ws = new HandleWorkspace({ id: 't', source: 'opfs', root: root.asHandle() });
    expect(await ws.readText('pkg/mod/a.ts')).toMatchObject({ text: 'old\n' }); // caches pkg and pkg/mod
    await root.removeEntry('pkg', { recursive: true }); // another program replaces the folder
    await root.put('pkg/mod/a.ts', 'new\n');
    expect(await ws.readText('pkg/mod/a.ts')).toMatchObject({ text: 'new\n' });
    await ws.writeText('pkg/mod/b.ts', 'written\n');
    expect(await ws.readText('pkg/mod/b.ts')).toMatchObject({ text: 'written\n' });
    await expect(ws.readText('pkg/mod/missing.ts')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('reads through the handles a walk met, and still sees files replaced or deleted behind its back', async () => {
    const root = new MemoryDirectoryHandle('proj');
    await root.put('pkg/a.py', 'old\n');
    await root.put('pkg/b.py', 'b\n');
    const ws = new HandleWorkspace({ id: 't', source: 'opfs', root: root.asHandle() });
    await ws.walk();
    expect(await ws.readText('pkg/a.py')).toMatchObject({ text: 'old\n' });
    const pkg = await root.getDirectoryHandle('pkg');
    await pkg.removeEntry('a.py'); // another program deletes and rewrites it
    await root.put('pkg/a.py', 'new\n');
    expect(await ws.readText('pkg/a.py')).toMatchObject({ text: 'new\n' });
    await pkg.removeEntry('b.py');
    await expect(ws.readText('pkg/b.py')).rejects.toBeInstanceOf(NotFoundError);
    // Through the workspace: a moved file is read at its new path, not through the old handle.
    await ws.walk();
    await ws.move('pkg/a.py', 'pkg/c.py');
    await ws.writeText('pkg/a.py', 'fresh\n');
    expect(await ws.readText('pkg/a.py')).toMatchObject({ text: 'fresh\n' });
    expect(await ws.readText('pkg/c.py')).toMatchObject({ text: 'new\n' });
  });
});
