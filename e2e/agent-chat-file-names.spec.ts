/**
 * File names are data too: a project may hold files whose names are HTML.
 * Wherever the app shows a name (file tree, @-popup, tool card, pause panel,
 * context file, diff) it must show the literal text and never run it.
 */
import type { Page } from '@playwright/test';
import { expect, test, textStream, toolCallStream } from './support/openai-server';
import { send } from './support/chat-ui';
import { COMPLETIONS, openAgentChat, readOpfs } from './support/agent-project';

const DIR = 'agent-xss-names';
const IMG_NAME = '<img src=x onerror=window.__pwned=1>.py';
const SVG_NAME = '"><svg onload=window.__pwned=2>.md';

/** No payload ran, and no element a payload would have made is in the page. */
async function expectNothingRan(page: Page): Promise<void> {
  expect(await page.evaluate(() => (window as { __pwned?: unknown }).__pwned)).toBeUndefined();
  await expect(page.locator('img[src="x"], svg[onload], [onerror], [onload]')).toHaveCount(0);
}

test('HTML in file names shows as text in the tree, @-popup, tool card, pause panel, context file and diff, and never runs', async ({ page, openai }) => {
  let dialogs = 0;
  page.on('dialog', (d) => {
    dialogs++;
    void d.dismiss();
  });
  await openAgentChat(page, openai, DIR, { [IMG_NAME]: 'print("hi")\n', [SVG_NAME]: '# notes\n', 'ok.txt': 'fine\n' });

  // The file tree.
  await page.getByRole('button', { name: 'Files', exact: true }).click();
  const tree = page.getByRole('tree');
  await expect(tree.getByRole('treeitem').filter({ hasText: IMG_NAME })).toHaveCount(1);
  await expect(tree.getByRole('treeitem').filter({ hasText: SVG_NAME })).toHaveCount(1);
  await expect(tree.locator(`[data-path='${IMG_NAME}']`)).toHaveCount(1);
  await expectNothingRan(page);

  // The @-popup.
  await page.getByRole('button', { name: 'Chat', exact: true }).click();
  const input = page.getByLabel('Message');
  await input.fill('');
  await input.pressSequentially('@file svg');
  await expect(page.getByTestId('at-completions')).toContainText(SVG_NAME);
  await input.fill('');
  await input.pressSequentially('@file onerror');
  await expect(page.getByTestId('at-completions')).toContainText(IMG_NAME);
  await expectNothingRan(page);
  await input.fill('');

  // Tool card, context file, pause panel, diff.
  openai.reply(
    COMPLETIONS,
    { stream: toolCallStream([{ id: 'call_cat', name: 'cat', arguments: JSON.stringify({ paths: IMG_NAME }) }]) },
    { stream: toolCallStream([{ id: 'call_edit', name: 'update_textdoc', arguments: JSON.stringify({ path: IMG_NAME, old_str: 'hi', replacement: 'bye' }) }]) },
    { stream: textStream('Edited the file with the odd name.') },
  );
  await send(page, 'Change the greeting in the oddly named file');
  const pausePanel = page.getByTestId('pause-panel');
  await expect(pausePanel).toContainText(IMG_NAME, { timeout: 20_000 });
  const catCard = page.locator('[data-tool="cat"]');
  await expect(catCard).toHaveAttribute('data-status', 'done');
  await catCard.locator('summary').click();
  await expect(catCard.locator('.tool-args')).toContainText(IMG_NAME);
  await expect(catCard.locator('.tool-result')).toContainText(IMG_NAME);
  await expect(page.getByTestId('msg-context_file')).toContainText(IMG_NAME);
  await expectNothingRan(page);

  await pausePanel.getByRole('button', { name: 'Allow once' }).click();
  await expect(page.getByTestId('msg-diff').locator('.diff-file-name')).toContainText(IMG_NAME, { timeout: 20_000 });
  await expect(page.getByTestId('msg-assistant').last().locator('.msg-text')).toHaveText('Edited the file with the odd name.');
  expect(await readOpfs(page, DIR, IMG_NAME)).toBe('print("bye")\n');

  // The history list shows the chat; a reload renders everything from storage again.
  await page.reload();
  await page.getByRole('button', { name: 'Chat', exact: true }).click();
  await expect(page.getByTestId('msg-diff').locator('.diff-file-name')).toContainText(IMG_NAME);
  await expect(page.getByTestId('msg-context_file')).toContainText(IMG_NAME);
  await expectNothingRan(page);
  expect(dialogs).toBe(0);
});
