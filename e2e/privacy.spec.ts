/**
 * A whole session with no provider configured: open a folder, browse and view
 * files, let the workers start, reload. Every request the page, its workers
 * and the service worker made is recorded (support/privacy.ts); none may
 * leave the app's own origin.
 */
import { expect, test } from './support/privacy';
import { SAMPLE_PROJECT, expandAll, seedOpfsProject, stubFolderPicker } from './support/opfs-project';

test('a full session stays on the app origin, workers and service worker included', async ({ page, network }) => {
  await stubFolderPicker(page, 'privacy-project');
  await page.goto('/');
  await seedOpfsProject(page, 'privacy-project', SAMPLE_PROJECT);
  await page.getByRole('button', { name: 'Open folder' }).click();
  await expandAll(page);
  for (const path of ['src/main.ts', 'src/util/deep/helper.py', 'crlf.txt', 'image.png']) {
    await page.locator(`[data-path="${path}"]`).click();
    await expect(page.locator('.viewer-path')).toHaveText(path);
  }
  await expect(page.getByTestId('webgpu-status')).toBeVisible(); // the llm worker answered
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.reload();
  await expect(page.getByTestId('workspace-name')).toHaveText('privacy-project');

  const urls = network.urls();
  // The log really covers workers, lazily loaded chunks and the service worker...
  expect(urls.some((u) => /llm\.worker-[\w-]+\.js$/.test(u))).toBe(true);
  expect(urls.some((u) => /\/assets\/python-[\w-]+\.js$/.test(u))).toBe(true);
  expect(urls.some((u) => u.endsWith('/sw.js'))).toBe(true);
  // ...and every one of them stayed home (the fixture also asserts this after the test).
  expect(network.offenders()).toEqual([]);
  test.info().annotations.push({ type: 'requests', description: String(urls.length) });
});
