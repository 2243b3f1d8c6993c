import type { Page } from '@playwright/test';

/** A file to seed: text, raw bytes, or `size` bytes of one repeated character. */
export type SeedFile = string | { bytes: number[] } | { fill: string; size: number };

/** The project every workspace spec opens: each entry exercises one rule of the walk. */
export const SAMPLE_PROJECT: Record<string, SeedFile> = {
  '.gitignore': 'ignored-dir/\n*.log\n',
  'src/main.ts': 'export const answer: number = 42;\n',
  'src/util/deep/helper.py': 'def helper(x):\n    """Doubles x."""\n    return x * 2\n',
  'src/util/.gitignore': 'generated.py\n',
  'src/util/generated.py': '# generated\n',
  'ignored-dir/secret.txt': 'hidden by .gitignore\n',
  'debug.log': 'hidden by *.log\n',
  'node_modules/pkg/index.js': 'module.exports = 1;\n',
  '.git/HEAD': 'ref: refs/heads/main\n',
  'image.png': { bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52] },
  'big.txt': { fill: 'a', size: 2 * 1024 * 1024 },
  'crlf.txt': 'first line\r\nsecond line\r\n',
  'données/café ☕.md': '# Café\n\nNon-ASCII names work.\n',
  '日本語.txt': 'こんにちは\n',
};

/** What the tree must show for SAMPLE_PROJECT with every directory expanded, in order. */
export const SAMPLE_TREE = [
  'données',
  'données/café ☕.md',
  'src',
  'src/util',
  'src/util/deep',
  'src/util/deep/helper.py',
  'src/util/.gitignore',
  'src/main.ts',
  '.gitignore',
  'big.txt',
  'crlf.txt',
  'image.png',
  '日本語.txt',
];

/** Writes files into OPFS under `dir` (replacing what was there), from inside the page. */
export async function seedOpfsProject(page: Page, dir: string, files: Record<string, SeedFile>): Promise<void> {
  await page.evaluate(
    async ({ dir, files }) => {
      const opfs = await navigator.storage.getDirectory();
      await opfs.removeEntry(dir, { recursive: true }).catch(() => undefined);
      const root = await opfs.getDirectoryHandle(dir, { create: true });
      for (const [path, spec] of Object.entries(files)) {
        const parts = path.split('/');
        let d = root;
        for (const p of parts.slice(0, -1)) d = await d.getDirectoryHandle(p, { create: true });
        const handle = await d.getFileHandle(parts.at(-1)!, { create: true });
        const w = await handle.createWritable();
        if (typeof spec === 'string') await w.write(spec);
        else if ('bytes' in spec) await w.write(new Uint8Array(spec.bytes));
        else await w.write(spec.fill.repeat(spec.size));
        await w.close();
      }
    },
    { dir, files },
  );
}

/**
 * Playwright cannot drive the browser's native folder picker, so this stands in
 * for the user's choice: showDirectoryPicker resolves to an OPFS directory,
 * whose handle has the same interface a picked folder has. Everything after
 * the dialog (permission checks, IndexedDB persistence, reads, writes) is real.
 */
export async function stubFolderPicker(page: Page, dir: string): Promise<void> {
  await page.addInitScript((dir) => {
    window.showDirectoryPicker = async () => (await navigator.storage.getDirectory()).getDirectoryHandle(dir, { create: true });
  }, dir);
}

/**
 * OPFS handles are always granted, but a real picked folder asks again after a
 * reload. This makes the permission API answer as Chromium does for a picked
 * folder: 'prompt' until requestPermission (which needs a click) grants it.
 */
export async function requirePermissionPrompt(page: Page): Promise<void> {
  await page.addInitScript(() => {
    let granted = false;
    FileSystemHandle.prototype.queryPermission = async () => (granted ? 'granted' : 'prompt');
    FileSystemHandle.prototype.requestPermission = async () => {
      if (!navigator.userActivation.isActive) throw new DOMException('User activation is required', 'SecurityError');
      granted = true;
      return 'granted';
    };
  });
}

/** Expands every directory row until none is left collapsed. */
export async function expandAll(page: Page): Promise<void> {
  // The root listing first: before it arrives there is nothing collapsed either.
  await page.locator('[role=treeitem]').first().waitFor();
  for (;;) {
    await page.waitForFunction(() => !document.querySelector('.tree-loading'));
    const collapsed = page.locator('[role=treeitem][aria-expanded=false]');
    if ((await collapsed.count()) === 0) return;
    const path = await collapsed.first().getAttribute('data-path');
    await page.locator(`[data-path="${path}"]`).click();
    await page.locator(`[data-path="${path}"][aria-expanded=true]`).waitFor();
  }
}

export async function treePaths(page: Page): Promise<string[]> {
  return page.locator('[role=treeitem]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-path') ?? ''));
}
