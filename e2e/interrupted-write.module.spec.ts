/**
 * A write interrupted by the tab closing leaves the file old or new, never
 * partial: HandleWorkspace on real OPFS handles in Chromium. The page is
 * closed while a large write is in flight (the stream's close() held back, so
 * the bytes are written but not committed), then a new page looks: an
 * existing file keeps its old bytes; a new file does not exist, and nothing
 * half-written shows in the folder's listing.
 */
import type { Page } from '@playwright/test';
import { expect, test } from './support/privacy';

type HandleWorkspaceModule = typeof import('../src/workspace/handle-workspace');

const DIR = 'interrupted-write';
const OLD = 'the old text\n';
const SIZE = 8 * 1024 * 1024;

/** Starts writing SIZE bytes to `path` and resolves once they are written and the commit (close) is held back. */
async function startWriteAndHold(page: Page, path: string): Promise<void> {
  await page.evaluate(
    async ({ dir, path, size }) => {
      const proto = FileSystemWritableFileStream.prototype;
      let held!: () => void;
      const holding = new Promise<void>((resolve) => (held = resolve));
      // The moment between the last byte and the commit: the tab goes away here.
      proto.close = function () {
        held();
        return new Promise<void>(() => undefined);
      };
      const { HandleWorkspace } = (await import('/src/workspace/handle-workspace.ts' as string)) as HandleWorkspaceModule;
      const root = await (await navigator.storage.getDirectory()).getDirectoryHandle(dir, { create: true });
      const ws = new HandleWorkspace({ id: 'iw', source: 'opfs', root });
      void ws.writeBytes(path, new Uint8Array(size).fill(0x6e));
      await holding;
    },
    { dir: DIR, path, size: SIZE },
  );
}

async function look(page: Page, path: string) {
  return page.evaluate(
    async ({ dir, path }) => {
      const { HandleWorkspace } = (await import('/src/workspace/handle-workspace.ts' as string)) as HandleWorkspaceModule;
      const root = await (await navigator.storage.getDirectory()).getDirectoryHandle(dir, { create: true });
      const ws = new HandleWorkspace({ id: 'iw', source: 'opfs', root });
      const listed = (await ws.walk()).files.map((f) => f.path).sort();
      const exists = await ws.exists(path);
      const text = exists ? new TextDecoder().decode((await ws.readBytes(path)).slice(0, 64)) : null;
      const size = exists ? (await ws.stat(path)).size : null;
      return { listed, exists, text, size };
    },
    { dir: DIR, path },
  );
}

test('an interrupted write leaves an existing file old and a new file absent', async ({ page, context }) => {
  await page.goto('/e2e/harness/index.html');
  await page.evaluate(async ({ dir, old }) => {
    const opfs = await navigator.storage.getDirectory();
    await opfs.removeEntry(dir, { recursive: true }).catch(() => undefined);
    const root = await opfs.getDirectoryHandle(dir, { create: true });
    const file = await root.getFileHandle('kept.txt', { create: true });
    const w = await file.createWritable();
    await w.write(old);
    await w.close();
  }, { dir: DIR, old: OLD });

  await startWriteAndHold(page, 'kept.txt');
  await page.close();
  const second = await context.newPage();
  await second.goto('/e2e/harness/index.html');
  expect(await look(second, 'kept.txt')).toEqual({ listed: ['kept.txt'], exists: true, text: OLD, size: OLD.length });

  await startWriteAndHold(second, 'src/new.bin');
  await second.close();
  const third = await context.newPage();
  await third.goto('/e2e/harness/index.html');
  // Not an empty file, not a partial one: no file, and no leftover in the listing.
  expect(await look(third, 'src/new.bin')).toEqual({ listed: ['kept.txt'], exists: false, text: null, size: null });

  // Written whole, it appears whole.
  const whole = await third.evaluate(async ({ dir, size }) => {
    const { HandleWorkspace } = (await import('/src/workspace/handle-workspace.ts' as string)) as HandleWorkspaceModule;
    const root = await (await navigator.storage.getDirectory()).getDirectoryHandle(dir);
    const ws = new HandleWorkspace({ id: 'iw', source: 'opfs', root });
    await ws.writeBytes('src/new.bin', new Uint8Array(size).fill(0x6e));
    return { listed: (await ws.walk()).files.map((f) => f.path).sort(), size: (await ws.stat('src/new.bin')).size };
  }, { dir: DIR, size: SIZE });
  expect(whole).toEqual({ listed: ['kept.txt', 'src/new.bin'], size: SIZE });
});
