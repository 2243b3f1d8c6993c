import { expect, test } from './support/privacy';
import { requirePermissionPrompt, seedOpfsProject, stubFolderPicker } from './support/opfs-project';
import { keywordColour } from './support/editor-ui';

const DIR = 'offline-project';

test('once installed, the app opens with no network and reconnects its folder', async ({ page, context }) => {
  await stubFolderPicker(page, DIR);
  await requirePermissionPrompt(page);
  await page.goto('/');
  await seedOpfsProject(page, DIR, {
    'app.py': 'import os\n\nprint(os.getcwd())\n',
    'lib/util.ts': 'export function twice(n: number) {\n  return n * 2;\n}\n',
  });
  await page.getByRole('button', { name: 'Open folder' }).click();
  await expect(page.getByTestId('workspace-name')).toHaveText(DIR);

  // The service worker precaches the shell (and every lazily loaded chunk) on install.
  // ~60 MB to precache (onnxruntime, grammars, engines): give a busy 2-core machine time.
  test.setTimeout(180_000);
  await expect(page.getByRole('status').filter({ hasText: 'Ready to work offline' })).toBeVisible({ timeout: 120_000 });
  await page.evaluate(() => navigator.serviceWorker.ready);

  await context.setOffline(true);
  await page.reload();
  expect(await page.evaluate(() => navigator.onLine)).toBe(false);
  await expect(page).toHaveTitle('Refact in a tab');
  const reconnect = page.getByRole('button', { name: `Reconnect ${DIR}` });
  await expect(reconnect).toBeVisible();
  await reconnect.click();
  await expect(page.getByTestId('workspace-name')).toHaveText(DIR);

  await page.locator('[data-path="lib"]').click();
  await page.locator('[data-path="lib/util.ts"]').click();
  // The editor and the TypeScript mode are separate chunks: they too must come from the cache.
  const editor = page.getByTestId('code-editor');
  await expect(editor.locator('.cm-line').first()).toHaveText('export function twice(n: number) {');
  await expect(editor.locator('.cm-line').first().locator('span', { hasText: /^export$/ })).toHaveCSS('color', await keywordColour(page));
  expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
});
