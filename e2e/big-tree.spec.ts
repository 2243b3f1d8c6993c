import { expect, test } from './support/privacy';
import { seedOpfsProject, stubFolderPicker } from './support/opfs-project';

const DIR = 'big-tree-project';
const COUNT = 3000;

test('a directory of thousands of files renders only what is in view and scrolls to the end', async ({ page }) => {
  await stubFolderPicker(page, DIR);
  await page.goto('/');
  const files: Record<string, string> = {};
  for (let i = 1; i <= COUNT; i++) files[`many/file-${i}.txt`] = `this is file ${i}\n`;
  await seedOpfsProject(page, DIR, files);
  await page.getByRole('button', { name: 'Open folder' }).click();

  const started = Date.now();
  await page.locator('[data-path="many"]').click();
  await expect(page.locator('[data-path="many/file-1.txt"]')).toBeVisible();
  test.info().annotations.push({ type: 'expand-ms', description: String(Date.now() - started) });

  // Virtualized: a few dozen rows in the DOM, not thousands.
  expect(await page.locator('[role=treeitem]').count()).toBeLessThan(120);

  // Numeric order (file-2 before file-10), and the last one is reachable by keyboard.
  await expect(page.locator('[role=treeitem]').nth(2)).toHaveAttribute('data-path', 'many/file-2.txt');
  await page.getByRole('tree').press('End');
  await page.getByRole('tree').press('Enter');
  await expect(page.locator('.viewer-path')).toHaveText(`many/file-${COUNT}.txt`);
  await expect(page.getByTestId('code-editor')).toContainText(`this is file ${COUNT}`);
});
