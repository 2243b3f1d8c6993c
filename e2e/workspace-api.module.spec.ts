/**
 * The Workspace interface itself, on real OPFS handles in Chromium (served by
 * the Vite dev server so the page can import /src modules directly).
 */
import { expect, test } from './support/privacy';
import { SAMPLE_PROJECT, seedOpfsProject } from './support/opfs-project';

const DIR = 'api-project';
/** The page imports the module by URL; this gives the test its types. */
type HandleWorkspaceModule = typeof import('../src/workspace/handle-workspace');

test.beforeEach(async ({ page }) => {
  await page.goto('/e2e/harness/index.html');
  await seedOpfsProject(page, DIR, SAMPLE_PROJECT);
});

test('write then re-read is byte-exact for every byte value, BOM, CRLF and non-ASCII names', async ({ page }) => {
  const result = await page.evaluate(async (dir) => {
    const { HandleWorkspace } = (await import('/src/workspace/handle-workspace.ts' as string)) as HandleWorkspaceModule;
    const root = await (await navigator.storage.getDirectory()).getDirectoryHandle(dir);
    const ws = new HandleWorkspace({ id: 'api', source: 'opfs', root });
    // 64 KiB of pseudo-random bytes covering all 256 values.
    const bytes = new Uint8Array(65536);
    let seed = 12345;
    for (let i = 0; i < bytes.length; i++) bytes[i] = i < 256 ? i : (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24;
    await ws.writeBytes('out/ünïcødé 名前/blob.bin', bytes);
    const back = await ws.readBytes('out/ünïcødé 名前/blob.bin');
    const same = back.length === bytes.length && back.every((b, i) => b === bytes[i]);

    await ws.writeBytes('bom-crlf.txt', new Uint8Array([0xef, 0xbb, 0xbf, 0x78, 0x0d, 0x0a]));
    const text = await ws.readText('bom-crlf.txt');
    await ws.writeText('bom-crlf.txt', text.kind === 'text' ? text.text + 'y\r\n' : 'not text');
    const rewritten = Array.from(await ws.readBytes('bom-crlf.txt'));
    const stat = await ws.stat('out/ünïcødé 名前/blob.bin');
    return { same, rewritten, size: stat.size, kind: text.kind, eol: text.kind === 'text' ? text.eol : null };
  }, DIR);
  expect(result.same).toBe(true);
  expect(result.size).toBe(65536);
  expect(result).toMatchObject({ kind: 'text', eol: 'crlf' });
  expect(result.rewritten).toEqual([0xef, 0xbb, 0xbf, 0x78, 0x0d, 0x0a, 0x79, 0x0d, 0x0a]);
});

test('paths that escape the root are refused with a clear error and touch nothing', async ({ page }) => {
  const outcomes = await page.evaluate(async (dir) => {
    const { HandleWorkspace } = (await import('/src/workspace/handle-workspace.ts' as string)) as HandleWorkspaceModule;
    const opfs = await navigator.storage.getDirectory();
    const ws = new HandleWorkspace({ id: 'api', source: 'opfs', root: await opfs.getDirectoryHandle(dir) });
    const attempts = ['../escaped.txt', 'src/../../escaped.txt', '/escaped.txt', 'C:\\escaped.txt', '..\\escaped.txt'];
    const out: { path: string; name: string; message: string }[] = [];
    for (const path of attempts) {
      try {
        await ws.writeText(path, 'should never be written');
        out.push({ path, name: 'none', message: 'written!' });
      } catch (err) {
        out.push({ path, name: (err as Error).name, message: (err as Error).message });
      }
    }
    const siblings: string[] = [];
    for await (const name of opfs.keys()) siblings.push(name);
    return { out, siblings };
  }, DIR);
  for (const o of outcomes.out) {
    expect(o.name, o.path).toBe('PathEscapeError');
    expect(o.message).toContain('Paths must stay inside the workspace folder');
  }
  expect(outcomes.siblings).not.toContain('escaped.txt');
});

test('create, move and delete work on real handles and every change is reported', async ({ page }) => {
  const result = await page.evaluate(async (dir) => {
    const { HandleWorkspace } = (await import('/src/workspace/handle-workspace.ts' as string)) as HandleWorkspaceModule;
    const root = await (await navigator.storage.getDirectory()).getDirectoryHandle(dir);
    const ws = new HandleWorkspace({ id: 'api', source: 'opfs', root });
    const changes: string[] = [];
    const stop = ws.watch((batch) => changes.push(...batch.map((c) => `${c.type}:${c.path}`)));
    await ws.createDirectory('pkg/sub');
    await ws.writeText('pkg/sub/a.ts', 'export const a = 1;\n');
    await ws.move('pkg/sub/a.ts', 'pkg/b.ts');
    await ws.move('pkg', 'renamed');
    const moved = await ws.readText('renamed/b.ts');
    await ws.remove('renamed', { recursive: true });
    const gone = !(await ws.exists('renamed'));
    stop();
    return { moved: moved.kind === 'text' ? moved.text : moved.kind, gone, changes };
  }, DIR);
  expect(result.moved).toBe('export const a = 1;\n');
  expect(result.gone).toBe(true);
  expect(result.changes).toEqual(
    expect.arrayContaining(['created:pkg/sub/a.ts', 'created:pkg/b.ts', 'created:renamed/b.ts', 'deleted:renamed/b.ts']),
  );
});
