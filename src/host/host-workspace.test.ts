import { afterEach, describe, expect, it } from 'vitest';
import { memoryWorkspace } from '../engine/test-support/workspace';
import { ConflictError, NotFoundError } from '../workspace/errors';
import type { Workspace, WorkspaceChange } from '../workspace/types';
import { HostWorkspace } from './host-workspace';
import type { HostEntry } from './protocol';
import { MemoryHost, connectedChannel, hostFiles, settle } from './test-support';

/*
 * The same expectations run on HandleWorkspace (over in-memory directory
 * handles) and on HostWorkspace (over a real HostChannel talking to an
 * in-memory IDE host through structured clone): every tool must see the same
 * workspace whichever of the two it is given.
 */

const PROJECT: Record<string, string | Uint8Array> = {
  '.gitignore': 'logs/\n*.tmp\n!keep.tmp\n',
  'README.md': '# shop\n',
  'b10.md': '',
  'b2.md': '',
  'src/app.py': 'print(1)\n',
  'src/.gitignore': 'generated/\n',
  'src/generated/out.py': 'x = 1\n',
  'src/scratch.tmp': 'tmp',
  'src/keep.tmp': 'kept',
  'src/deep/nested/f.py': 'def f():\n    pass\n',
  'logs/today.log': 'log',
  'node_modules/pkg/index.js': '',
  '.git/HEAD': 'ref: refs/heads/main\n',
  'dist/bundle.js': '',
};

interface Subject {
  ws: Workspace;
  /** An edit made outside the app (another editor, git). */
  editOutside(path: string, content: string | Uint8Array): Promise<void>;
}

const subjects: [string, (files: Record<string, string | Uint8Array>) => Promise<Subject>][] = [
  [
    'HandleWorkspace',
    async (files) => {
      const { root, workspace } = await memoryWorkspace(files);
      return { ws: workspace, editOutside: (path, content) => root.put(path, content) };
    },
  ],
  [
    'HostWorkspace',
    async (files) => {
      const host = new MemoryHost(files);
      const { channel } = await connectedChannel({ host });
      return { ws: new HostWorkspace('host:proj', 'proj', hostFiles(channel)), editOutside: async (path, content) => host.put(path, content) };
    },
  ],
];

const bytes = (...values: number[]) => new Uint8Array(values);
const stops: (() => void)[] = [];
afterEach(() => stops.splice(0).forEach((stop) => stop()));

function record(ws: Workspace): WorkspaceChange[] {
  const seen: WorkspaceChange[] = [];
  stops.push(ws.watch((changes) => seen.push(...changes)));
  return seen;
}

describe.each(subjects)('%s', (_, open) => {
  it('lists a folder directories first, in natural order, with the ignore rules of every level', async () => {
    const { ws } = await open(PROJECT);
    const names = async (path: string, includeIgnored = false) => (await ws.listDir(path, { includeIgnored })).map((e) => `${e.kind[0]}:${e.name}`);
    expect(await names('')).toEqual(['d:src', 'f:.gitignore', 'f:b2.md', 'f:b10.md', 'f:README.md']);
    expect(await names('src')).toEqual(['d:deep', 'f:.gitignore', 'f:app.py', 'f:keep.tmp']);
    expect(await names('', true)).toEqual(['d:.git', 'd:dist', 'd:logs', 'd:node_modules', 'd:src', 'f:.gitignore', 'f:b2.md', 'f:b10.md', 'f:README.md']);
    expect((await ws.listDir('src/deep'))[0]).toEqual({ name: 'nested', path: 'src/deep/nested', kind: 'directory' });
  });

  it('walks the visible files, under a folder, with sizes and mtimes, and stops at maxFiles', async () => {
    const { ws } = await open(PROJECT);
    const paths = async (options: Parameters<Workspace['walk']>[0]) => (await ws.walk(options)).files.map((f) => f.path).sort();
    expect(await paths({})).toEqual(['.gitignore', 'README.md', 'b10.md', 'b2.md', 'src/.gitignore', 'src/app.py', 'src/deep/nested/f.py', 'src/keep.tmp']);
    expect(await paths({ under: 'src/deep' })).toEqual(['src/deep/nested/f.py']);
    expect(await paths({ includeIgnored: true })).toContain('node_modules/pkg/index.js');

    const withStats = await ws.walk({ stat: true, under: 'src' });
    const app = withStats.files.find((f) => f.path === 'src/app.py');
    expect(app).toEqual({ path: 'src/app.py', size: 9, mtime: (await ws.stat('src/app.py')).mtime });

    const few = await ws.walk({ maxFiles: 3 });
    expect([few.files.length, few.truncated]).toEqual([3, true]);
    await expect(ws.walk({ under: 'nope' })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('reads text in UTF-8 (BOM or not) and UTF-16, keeps CRLF, and says why it will not', async () => {
    const { ws } = await open({
      'bom.txt': bytes(0xef, 0xbb, 0xbf, 0x68, 0x69),
      'le.txt': bytes(0xff, 0xfe, 0x68, 0, 0x69, 0),
      'be.txt': bytes(0xfe, 0xff, 0, 0x68, 0, 0x69),
      'win.txt': 'a\r\nb\r\n',
      'nul.bin': bytes(1, 0, 2),
      'latin1.txt': bytes(0x63, 0x61, 0x66, 0xe9),
      'big.txt': 'x'.repeat(3000),
      'dir/a.txt': 'a',
    });
    expect(await ws.readText('bom.txt')).toMatchObject({ kind: 'text', text: 'hi', encoding: 'utf-8', bom: true });
    expect(await ws.readText('le.txt')).toMatchObject({ kind: 'text', text: 'hi', encoding: 'utf-16le', bom: true });
    expect(await ws.readText('be.txt')).toMatchObject({ kind: 'text', text: 'hi', encoding: 'utf-16be', bom: true });
    expect(await ws.readText('win.txt')).toMatchObject({ kind: 'text', text: 'a\r\nb\r\n', eol: 'crlf', size: 6 });
    expect(await ws.readText('nul.bin')).toMatchObject({ kind: 'binary', reason: 'binary file (contains NUL bytes)' });
    expect(await ws.readText('latin1.txt')).toMatchObject({ kind: 'binary', reason: 'binary file (not valid UTF-8 text)' });
    expect(await ws.readText('big.txt', { limitBytes: 1024 })).toMatchObject({
      kind: 'too-large',
      size: 3000,
      limit: 1024,
      reason: 'file is 2.9 KB, over the 1.0 KB limit for text',
    });
    await expect(ws.readText('dir')).rejects.toThrow('"dir" is a folder where a file was expected');
  });

  it('says a missing file does not exist', async () => {
    const { ws } = await open({ 'a.txt': 'a' });
    await expect(ws.stat('b.txt')).rejects.toBeInstanceOf(NotFoundError);
    await expect(ws.readText('src/b.txt')).rejects.toThrow('"src/b.txt" does not exist in the workspace');
    await expect(ws.readBytes('b.txt')).rejects.toBeInstanceOf(NotFoundError);
    expect([await ws.exists('a.txt'), await ws.exists('b.txt'), await ws.exists('')]).toEqual([true, false, true]);
  });

  it('writes text back in the file encoding and BOM, and new files as plain UTF-8', async () => {
    const { ws } = await open({ 'bom.txt': bytes(0xef, 0xbb, 0xbf, 0x61), 'le.txt': bytes(0xff, 0xfe, 0x61, 0) });
    await ws.writeText('bom.txt', 'b\r\n');
    expect(await ws.readBytes('bom.txt')).toEqual(bytes(0xef, 0xbb, 0xbf, 0x62, 0x0d, 0x0a));
    await ws.writeText('le.txt', 'bc');
    expect(await ws.readBytes('le.txt')).toEqual(bytes(0xff, 0xfe, 0x62, 0, 0x63, 0));
    const stat = await ws.writeText('new/dir/c.txt', 'é');
    expect(await ws.readBytes('new/dir/c.txt')).toEqual(bytes(0xc3, 0xa9));
    expect(stat).toMatchObject({ path: 'new/dir/c.txt', kind: 'file', size: 2 });
  });

  it('refuses a write when the file changed since it was read, leaving it as it is', async () => {
    const { ws, editOutside } = await open({ 'a.py': 'old\n' });
    const read = await ws.readText('a.py');
    await editOutside('a.py', 'theirs\n');
    await expect(ws.writeText('a.py', 'mine\n', { expectMtime: read.mtime })).rejects.toBeInstanceOf(ConflictError);
    expect(await ws.readText('a.py')).toMatchObject({ text: 'theirs\n' });
    const fresh = await ws.stat('a.py');
    await ws.writeText('a.py', 'mine\n', { expectMtime: fresh.mtime });
    expect(await ws.readText('a.py')).toMatchObject({ text: 'mine\n' });
  });

  it('tells watchers about its own writes, removals and moves, file by file', async () => {
    const { ws } = await open({ 'a.py': '', 'pkg/x.py': '', 'pkg/sub/y.py': '' });
    const seen = record(ws);
    await ws.writeText('a.py', 'x');
    await ws.writeText('b.py', 'y');
    await ws.move('pkg', 'lib');
    await ws.remove('lib/sub', { recursive: true });
    await ws.remove('b.py');
    const sorted = (type: string) => seen.filter((c) => c.type === type).map((c) => c.path).sort();
    expect(sorted('modified')).toEqual(['a.py']);
    expect(sorted('created')).toEqual(['b.py', 'lib/sub/y.py', 'lib/x.py']);
    expect(sorted('deleted')).toEqual(['b.py', 'lib/sub/y.py', 'pkg/sub/y.py', 'pkg/x.py']);
    expect((await ws.walk()).files.map((f) => f.path).sort()).toEqual(['a.py', 'lib/x.py']);
  });

  it('refuses to delete or move the root, to move onto an existing file, or to escape the workspace', async () => {
    const { ws } = await open({ 'a.py': 'a', 'b.py': 'b' });
    await expect(ws.remove('', { recursive: true })).rejects.toThrow('Refusing to delete the workspace root');
    await expect(ws.remove('.')).rejects.toThrow('Refusing to delete the workspace root');
    await expect(ws.move('a.py', 'b.py')).rejects.toThrow('"b.py" already exists');
    await expect(ws.readText('../secret.txt')).rejects.toThrow(/climbs out/);
    await expect(ws.writeText('/etc/passwd', 'x')).rejects.toThrow(/absolute/);
    expect(await ws.readText('b.py')).toMatchObject({ text: 'b' });
  });

  it('answers isIgnored with the same rules as the listing', async () => {
    const { ws } = await open(PROJECT);
    expect(await ws.isIgnored('src/generated/out.py', 'file')).toBe(true);
    expect(await ws.isIgnored('node_modules/pkg/index.js', 'file')).toBe(true);
    expect(await ws.isIgnored('src/scratch.tmp', 'file')).toBe(true);
    expect(await ws.isIgnored('src/keep.tmp', 'file')).toBe(false);
    expect(await ws.isIgnored('src/app.py', 'file')).toBe(false);
    expect(await ws.isIgnored('logs', 'directory')).toBe(true);
  });
});

describe('HostWorkspace with the IDE', () => {
  async function connected(files: Record<string, string> = {}) {
    const host = new MemoryHost(files);
    const { pair, channel } = await connectedChannel({ host });
    return { host, pair, channel, ws: new HostWorkspace('host:proj', 'proj', hostFiles(channel)) };
  }

  it('passes on the changes the IDE reports, with clean paths, leaving out ignored and outside ones', async () => {
    const { pair, ws } = await connected({ '.gitignore': 'out/\n' });
    const seen = record(ws);
    pair.event('fs/changed', [
      { type: 'modified', path: './src//a.py' },
      { type: 'created', path: '../x' },
      { type: 'created', path: '/etc/passwd' },
      { type: 'modified', path: 'node_modules/pkg/index.js' },
      { type: 'modified', path: '.git/index' },
      { type: 'created', path: 'out/bundle.js' },
      { type: 'deleted', path: 'README.md' },
    ]);
    pair.event('fs/changed', [{ type: 'created', path: 'src/b.py' }]);
    await settle();
    expect(seen).toEqual([
      { type: 'modified', path: 'src/a.py' },
      { type: 'deleted', path: 'README.md' },
      { type: 'created', path: 'src/b.py' },
    ]);
  });

  it('applies a .gitignore the IDE changed from the moment it says so', async () => {
    const { host, pair, ws } = await connected({ '.gitignore': '', 'a.log': '', 'a.py': '' });
    expect((await ws.listDir('')).map((e) => e.name)).toEqual(['.gitignore', 'a.log', 'a.py']);
    const seen = record(ws);
    host.put('.gitignore', '*.log\n');
    pair.event('fs/changed', [{ type: 'modified', path: '.gitignore' }]);
    await settle();
    expect(seen).toEqual([{ type: 'modified', path: '.gitignore' }]);
    expect((await ws.listDir('')).map((e) => e.name)).toEqual(['.gitignore', 'a.py']);
  });

  it('sends the IDE only clean workspace paths', async () => {
    const { host, ws } = await connected({ 'src/a.py': 'a' });
    await ws.readText('./src//a.py');
    await ws.writeText('src/./b.py', 'b');
    expect(host.log.filter((line) => line.includes('.py'))).toEqual([
      'fs/stat src/a.py',
      'fs/readFile src/a.py',
      'fs/readFile src/b.py', // keeping its encoding, were it there
      'fs/stat src/b.py',
      'fs/writeFile src/b.py',
    ]);
  });

  it('does not follow names a host should never list (".", "..", "a/b")', async () => {
    const host = new MemoryHost({ 'a.py': '' });
    const direct = host.direct();
    const odd: HostEntry[] = [
      { name: '.', kind: 'directory' },
      { name: '..', kind: 'directory' },
      { name: 'x/../../etc', kind: 'directory' },
      { name: '', kind: 'file' },
    ];
    const ws = new HostWorkspace('host:proj', 'proj', {
      ...direct,
      request: async (type, params) => {
        const answer = await direct.request(type, params);
        return (type === 'fs/listDir' ? [...(answer as HostEntry[]), ...odd] : answer) as never;
      },
    });
    expect(await ws.walk()).toEqual({ files: [{ path: 'a.py' }], errors: [], truncated: false });
  });

  it('turns host failures into the workspace errors the app handles', async () => {
    const { ws } = await connected({ 'a.py': 'a' });
    await expect(ws.remove('nope.py')).rejects.toBeInstanceOf(NotFoundError);
    await expect(ws.remove('a.py/b')).rejects.toThrow('"a.py/b" does not exist in the workspace');
  });
});
