/**
 * The confirmation choices, over several writes: "Allow once" asks again at
 * the next write, "Allow for this chat" stops asking in that chat only, and a
 * new chat asks again. Every write checks the file in OPFS.
 */
import type { Page } from '@playwright/test';
import { expect, test, textStream, toolCallStream, type OpenAiTestServer } from './support/openai-server';
import { send } from './support/chat-ui';
import { COMPLETIONS, openAgentChat, readOpfs } from './support/agent-project';

const DIR = 'agent-permissions-project';
const FILE = 'src/hello.py';
const greeting = (word: string) => `def greet():\n    return "${word}"\n`;

/** Scripts one turn: the model replaces the greeting `from` with `to`, then says so. */
function scriptEdit(openai: OpenAiTestServer, id: string, from: string, to: string): void {
  openai.reply(
    COMPLETIONS,
    { stream: toolCallStream([{ id, name: 'update_textdoc', arguments: JSON.stringify({ path: FILE, old_str: `"${from}"`, replacement: `"${to}"` }) }]) },
    { stream: textStream(`Now it says ${to}.`) },
  );
}

const pausePanel = (page: Page) => page.getByTestId('pause-panel');
const lastAnswerText = (page: Page) => page.getByTestId('msg-assistant').last().locator('.msg-text');

test('"Allow once" asks again next time; "Allow for this chat" does not; a new chat asks again', async ({ page, openai }) => {
  await openAgentChat(page, openai, DIR, { [FILE]: greeting('hello') });

  // 1. Allow once: the write happens.
  scriptEdit(openai, 'call_1', 'hello', 'hi');
  await send(page, 'Say hi');
  await expect(pausePanel(page)).toContainText('update_textdoc', { timeout: 20_000 });
  await pausePanel(page).getByRole('button', { name: 'Allow once' }).click();
  await expect(lastAnswerText(page)).toHaveText('Now it says hi.', { timeout: 20_000 });
  expect(await readOpfs(page, DIR, FILE)).toBe(greeting('hi'));

  // 2. The next write asks again; this time for the whole chat.
  scriptEdit(openai, 'call_2', 'hi', 'hey');
  await send(page, 'Say hey');
  await expect(pausePanel(page)).toContainText('update_textdoc', { timeout: 20_000 });
  expect(await readOpfs(page, DIR, FILE)).toBe(greeting('hi'));
  await pausePanel(page).getByRole('button', { name: 'Allow for this chat' }).click();
  await expect(lastAnswerText(page)).toHaveText('Now it says hey.', { timeout: 20_000 });
  expect(await readOpfs(page, DIR, FILE)).toBe(greeting('hey'));

  // 3. Same chat: no question. The loop cannot reach the answer while a question waits, so the answer proves none was asked.
  scriptEdit(openai, 'call_3', 'hey', 'yo');
  await send(page, 'Say yo');
  await expect(lastAnswerText(page)).toHaveText('Now it says yo.', { timeout: 20_000 });
  await expect(pausePanel(page)).toHaveCount(0);
  expect(await readOpfs(page, DIR, FILE)).toBe(greeting('yo'));
  await expect(page.getByTestId('msg-diff')).toHaveCount(3);

  // The permission belongs to the chat and survives a reload with it.
  await page.reload();
  await page.getByRole('button', { name: 'Chat', exact: true }).click();
  await expect(page.getByTestId('msg-diff')).toHaveCount(3);
  scriptEdit(openai, 'call_4', 'yo', 'howdy');
  await send(page, 'Say howdy');
  await expect(lastAnswerText(page)).toHaveText('Now it says howdy.', { timeout: 20_000 });
  expect(await readOpfs(page, DIR, FILE)).toBe(greeting('howdy'));

  // 4. A new chat asks again; declining leaves the file alone.
  await page.getByRole('button', { name: 'New chat' }).click();
  await expect(page.getByTestId('msg-user')).toHaveCount(0);
  openai.reply(COMPLETIONS, {
    stream: toolCallStream([{ id: 'call_5', name: 'update_textdoc', arguments: JSON.stringify({ path: FILE, old_str: '"howdy"', replacement: '"bye"' }) }]),
  });
  await send(page, 'Say bye');
  await expect(pausePanel(page)).toContainText('update_textdoc', { timeout: 20_000 });
  await pausePanel(page).getByRole('button', { name: 'Stop' }).click();
  await expect(page.locator('[data-tool="update_textdoc"]')).toHaveAttribute('data-status', 'failed');
  expect(await readOpfs(page, DIR, FILE)).toBe(greeting('howdy'));
  await expect(page.getByTestId('msg-diff')).toHaveCount(0);
});
