import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { expect, test } from './support/privacy';
import {
  SAMPLE_PROJECT,
  SAMPLE_TREE,
  expandAll,
  requirePermissionPrompt,
  seedOpfsProject,
  stubFolderPicker,
  treePaths,
} from './support/opfs-project';
import { keywordColour } from './support/editor-ui';

const DIR = 'sample-project';

test.describe('open a folder', () => {
  test.beforeEach(async ({ page }) => {
    await stubFolderPicker(page, DIR);
    await page.goto('/');
    await seedOpfsProject(page, DIR, SAMPLE_PROJECT);
  });

  test('the tree shows exactly the files the ignore rules allow', async ({ page }) => {
    await page.getByRole('button', { name: 'Open folder' }).click();
    await expect(page.getByTestId('workspace-name')).toHaveText(DIR);
    await expandAll(page);
    expect(await treePaths(page)).toEqual(SAMPLE_TREE);
  });

  test('text files open in the editor with line numbers and colours; binary and big files say why not', async ({ page }) => {
    await page.getByRole('button', { name: 'Open folder' }).click();
    await expandAll(page);

    await page.locator('[data-path="src/util/deep/helper.py"]').click();
    const editor = page.getByTestId('code-editor');
    await expect(editor.locator('.cm-line')).toHaveCount(4);
    await expect(editor.locator('.cm-lineNumbers .cm-gutterElement', { hasText: /^1$/ })).toBeVisible();
    await expect(page.locator('.viewer-details')).toContainText('Python');
    // The syntax mode loads after the text shows: then `def` gets the keyword colour.
    const def = editor.locator('.cm-line').first().locator('span', { hasText: /^def$/ });
    await expect(def).toHaveCSS('color', await keywordColour(page));

    await page.locator('[data-path="crlf.txt"]').click();
    await expect(page.locator('.viewer-details')).toContainText('CRLF');
    await expect(editor.locator('.cm-line').first()).toHaveText('first line');

    await page.locator('[data-path="données/café ☕.md"]').click();
    await expect(editor).toContainText('Non-ASCII names work.');

    await page.locator('[data-path="image.png"]').click();
    await expect(page.getByTestId('not-text')).toContainText('binary file (contains NUL bytes)');
    await expect(editor).toBeHidden();

    await page.locator('[data-path="big.txt"]').click();
    await expect(page.getByTestId('not-text')).toContainText('file is 2.0 MB, over the 1.0 MB limit for text');
    await page.getByRole('button', { name: 'Open anyway' }).click();
    await expect(editor).toBeVisible();
    await expect(page.locator('.viewer-limit')).toHaveText('no syntax colours: the file is over 1.0 MB');
    await expect(page.getByRole('tab')).toHaveCount(5);
  });

  test('reload remembers the folder and reconnects with one click', async ({ page }) => {
    await requirePermissionPrompt(page);
    await page.reload();
    await page.getByRole('button', { name: 'Open folder' }).click();
    await expect(page.getByTestId('workspace-name')).toHaveText(DIR);

    await page.reload();
    const reconnect = page.getByRole('button', { name: `Reconnect ${DIR}` });
    await expect(reconnect).toBeVisible();
    await reconnect.click();
    await expect(page.getByTestId('workspace-name')).toHaveText(DIR);
    await expect(page.locator('[data-path="src"]')).toBeVisible();
  });

  test('access revoked mid-session is said plainly and one click reconnects', async ({ page }) => {
    // Playwright cannot revoke a real folder permission (the user does that in
    // the browser's site settings), so the handles are made to answer as
    // Chromium's do after revocation: NotAllowedError until permission is granted again.
    await page.addInitScript(() => {
      let revoked = false;
      (window as { revokeAccess?: () => void }).revokeAccess = () => (revoked = true);
      const getFile = FileSystemFileHandle.prototype.getFile;
      FileSystemFileHandle.prototype.getFile = function (this: FileSystemFileHandle) {
        return revoked ? Promise.reject(new DOMException('Permission revoked', 'NotAllowedError')) : getFile.call(this);
      };
      FileSystemHandle.prototype.queryPermission = async () => (revoked ? 'prompt' : 'granted');
      FileSystemHandle.prototype.requestPermission = async () => {
        revoked = false;
        return 'granted';
      };
    });
    await page.reload();
    await page.getByRole('button', { name: 'Open folder' }).click();
    await page.locator('[data-path="crlf.txt"]').click();
    await expect(page.getByTestId('code-editor')).toContainText('first line');

    await page.evaluate(() => (window as { revokeAccess?: () => void }).revokeAccess?.());
    await page.locator('[data-path="日本語.txt"]').click();
    await expect(page.getByRole('alert').filter({ hasText: 'Access to the folder was revoked' })).toBeVisible();
    const banner = page.getByRole('alert').filter({ hasText: `no longer lets this app read "${DIR}"` });
    await banner.getByRole('button', { name: `Reconnect ${DIR}` }).click();
    await expect(banner).toBeHidden();
    await page.locator('[data-path="日本語.txt"]').click();
    await expect(page.getByTestId('code-editor')).toContainText('こんにちは');
  });

  test('edits made outside the app show up in the tree and the open file', async ({ page }) => {
    await page.getByRole('button', { name: 'Open folder' }).click();
    await page.locator('[data-path="crlf.txt"]').click();
    await expect(page.getByTestId('code-editor')).toContainText('first line');
    await page.evaluate(async (dir) => {
      const root = await (await navigator.storage.getDirectory()).getDirectoryHandle(dir);
      const write = async (name: string, text: string) => {
        const w = await (await root.getFileHandle(name, { create: true })).createWritable();
        await w.write(text);
        await w.close();
      };
      await write('added-later.md', '# new\n');
      await write('crlf.txt', 'rewritten outside\r\n');
    }, DIR);
    // Tab focus is when users come back from another editor; it triggers a re-scan.
    await page.evaluate(() => window.dispatchEvent(new Event('focus')));
    await expect(page.locator('[data-path="added-later.md"]')).toBeVisible();
    await expect(page.getByTestId('code-editor')).toContainText('rewritten outside');
  });
});

test('a browser without a folder picker imports a copy and can download it as a zip', async ({ page }) => {
  // Firefox and Safari have no showDirectoryPicker: remove it to take their path.
  await page.addInitScript(() => {
    delete (window as { showDirectoryPicker?: unknown }).showDirectoryPicker;
  });
  const src = mkdtempSync(join(tmpdir(), 'refact-import-'));
  const root = join(src, 'my-app');
  mkdirSync(join(root, 'lib'), { recursive: true });
  mkdirSync(join(root, 'node_modules', 'dep'), { recursive: true });
  writeFileSync(join(root, 'README.md'), '# my app\n');
  writeFileSync(join(root, 'lib', 'index.ts'), 'export const x = 1;\r\n');
  writeFileSync(join(root, 'node_modules', 'dep', 'index.js'), 'module.exports = 0;\n');

  await page.goto('/');
  await expect(page.getByTestId('no-picker')).toContainText('edits stay there');
  await page.getByTestId('import-input').setInputFiles(root);
  await expect(page.getByTestId('workspace-name')).toHaveText('my-app');
  await expect(page.getByRole('status').filter({ hasText: 'Imported 2 files' })).toContainText(
    'Edits stay in the browser',
  );
  await expandAll(page);
  expect(await treePaths(page)).toEqual(['lib', 'lib/index.ts', 'README.md']);

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download zip' }).click(),
  ]);
  expect(download.suggestedFilename()).toBe('my-app.zip');
  rmSync(src, { recursive: true, force: true });
  const zip = unzipSync(new Uint8Array(await (await download.createReadStream()).toArray().then((c) => Buffer.concat(c))));
  expect(Object.keys(zip).sort()).toEqual(['my-app/README.md', 'my-app/lib/index.ts']);
  expect(new TextDecoder().decode(zip['my-app/lib/index.ts'])).toBe('export const x = 1;\r\n');
});
