/**
 * The search box over the code index, on a project in OPFS opened through the
 * (stubbed) folder picker: definitions and references through the UI, a hit
 * opening the file at its line, an edit on disk showing up in the results,
 * and a reload re-parsing only the file that changed. Real tree-sitter
 * workers, real grammars from our origin, real IndexedDB.
 */
import type { Page } from '@playwright/test';
import { expect, test } from './support/privacy';
import { seedOpfsProject, stubFolderPicker } from './support/opfs-project';

const DIR = 'code-search-project';

const FILES = {
  'shop/cart.py': ['from shop.tax import rate', '', 'class Cart:', '    def total(self):', '        return self.subtotal() * rate()', '', '    def subtotal(self):', '        return 1', ''].join('\n'),
  'shop/tax.py': ['def rate():', '    return 2', ''].join('\n'),
  'web/app.ts': ['export function checkout(total: number): number {', '  return total + fee();', '}', '', 'function fee(): number {', '  return 1;', '}', ''].join('\n'),
  'README.md': '# shop\n',
  'node_modules/dep/index.js': 'function dependency() {}\n',
};

/** Rewrites a file straight in OPFS, as another program would on disk. */
function writeOpfs(page: Page, path: string, text: string): Promise<void> {
  return page.evaluate(
    async ({ dir, path, text }) => {
      let d = await (await navigator.storage.getDirectory()).getDirectoryHandle(dir);
      const parts = path.split('/');
      for (const p of parts.slice(0, -1)) d = await d.getDirectoryHandle(p);
      const w = await (await d.getFileHandle(parts.at(-1)!, { create: true })).createWritable();
      await w.write(text);
      await w.close();
    },
    { dir: DIR, path, text },
  );
}

async function search(page: Page, kind: 'Definitions' | 'References', query: string): Promise<void> {
  await page.getByRole('radio', { name: kind }).click();
  await page.getByRole('searchbox', { name: 'Search query' }).fill(query);
}

test.beforeEach(async ({ page }) => {
  await stubFolderPicker(page, DIR);
  await page.goto('/');
  await seedOpfsProject(page, DIR, FILES);
  await page.getByRole('button', { name: 'Open folder' }).click();
  await expect(page.getByTestId('workspace-name')).toHaveText(DIR);
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await expect(page.getByTestId('index-summary')).toContainText('3 files indexed', { timeout: 60_000 });
});

test('definitions and references through the search box; a hit opens the file at its line', async ({ page }) => {
  await search(page, 'Definitions', 'Cart.total');
  const hits = page.getByTestId('search-hit');
  await expect(hits).toHaveCount(1);
  await expect(hits.first()).toContainText('shop::cart::Cart::total');
  await expect(hits.first()).toContainText('shop/cart.py:4-5');

  // Part of a name finds it too.
  await search(page, 'Definitions', 'checko');
  await expect(hits.first()).toContainText('web::app::checkout');
  await expect(page.getByTestId('search-count')).toContainText('similar names');

  await search(page, 'References', 'rate');
  await expect(page.getByTestId('search-results')).toContainText('shop/cart.py:5');
  await expect(page.getByTestId('search-results')).toContainText('return self.subtotal() * rate()');
  await expect(page.getByTestId('search-results')).not.toContainText('shop/tax.py:1'); // the definition is not a use

  await hits.filter({ hasText: 'shop/cart.py:5' }).first().click();
  await expect(page.locator('.viewer-path')).toHaveText('shop/cart.py');
  // The hit's line is the editor's current line, with the caret on it.
  const editor = page.getByTestId('code-editor');
  await expect(editor.locator('.cm-activeLine')).toContainText('return self.subtotal() * rate()');
  await expect(editor.locator('.cm-lineNumbers .cm-activeLineGutter')).toHaveText('5');
  await expect(page.locator('[data-path="shop/cart.py"]')).toBeVisible(); // revealed in the tree
});

test('an edit on disk shows in the results; a reload re-parses only the changed file', async ({ page }) => {
  await search(page, 'Definitions', 'discount');
  await expect(page.getByTestId('search-empty')).toContainText('No definition of “discount”');

  await writeOpfs(page, 'shop/tax.py', 'def rate():\n    return 2\n\n\ndef discount(total):\n    return total * 0.9\n');
  // No new search: the results follow the index.
  await expect(page.getByTestId('search-hit').first()).toContainText('shop::tax::discount', { timeout: 30_000 });
  await expect(page.getByTestId('search-hit').first()).toContainText('shop/tax.py:5-6');
  await expect(page.getByTestId('index-summary')).toContainText('last pass 1 parsed, 0 from cache');

  // Reload on the Files page (the index starts when it is needed), change one file meanwhile, then search.
  await page.getByRole('button', { name: 'Files', exact: true }).click();
  await page.reload();
  await expect(page.getByTestId('workspace-name')).toHaveText(DIR);
  await writeOpfs(page, 'web/app.ts', 'export function checkout(total: number): number {\n  return total;\n}\n');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await expect(page.getByTestId('index-summary')).toContainText('last pass 1 parsed, 2 from cache', { timeout: 60_000 });
  await search(page, 'Definitions', 'fee');
  await expect(page.getByTestId('search-empty')).toBeVisible();
  await search(page, 'Definitions', 'discount');
  await expect(page.getByTestId('search-hit').first()).toContainText('shop::tax::discount');
});

test('settings: ignored folders are indexed only when asked; the file cap is reported', async ({ page }) => {
  await search(page, 'Definitions', 'dependency');
  await expect(page.getByTestId('search-empty')).toBeVisible();

  await page.getByText('Index settings').click();
  await page.getByLabel('Also index ignored files (node_modules, .gitignore’d folders)').check();
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByTestId('index-summary')).toContainText('4 files indexed', { timeout: 60_000 });
  await expect(page.getByTestId('search-hit').first()).toContainText('node_modules/dep/index.js:1');

  await page.getByLabel('Maximum files to index').fill('2');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByTestId('index-summary')).toContainText('2 files indexed', { timeout: 60_000 });
  await expect(page.getByTestId('index-summary')).toContainText('file cap reached');
  await expect(page.getByTestId('index-summary')).toContainText('2 skipped');
});
