/**
 * The app's side of the IDE host protocol, against a stand-in IDE page on its
 * own origin (e2e/support/fake-host.ts): an unknown IDE must be allowed once;
 * then the IDE's workspace replaces "Open folder", its theme is followed,
 * file opens go to the IDE, the agent's edits wait for the IDE's accept or
 * reject, the IDE's selection reaches the chat, and the IDE can ask for
 * completions. (Foreign and malformed messages: src/host/*.test.ts.)
 */
import type { FrameLocator, Page } from '@playwright/test';
import { expect, test, textStream, toolCallStream } from './support/openai-server';
import { COMPLETIONS, sentRequest } from './support/agent-project';
import { addTestProviderAndPickModel, send } from './support/chat-ui';
import { startFakeHost, type FakeHost } from './support/fake-host';

const FILES = {
  'src/app.py': 'def main():\n    print("hi")\n',
  'src/util.py': 'def helper():\n    return 1\n',
  'README.md': '# Hosted\n',
  'node_modules/x/index.js': 'ignored\n',
};

let host: FakeHost;

test.beforeAll(async ({ baseURL }) => {
  host = await startFakeHost(`${baseURL}/`);
});
test.afterAll(() => host.close());

async function openInFakeIde(page: Page, options: Parameters<FakeHost['url']>[1] = {}): Promise<FrameLocator> {
  await page.goto(host.url(FILES, options));
  const app = page.frameLocator('#app');
  const ask = app.getByTestId('untrusted-host');
  await expect(ask).toContainText(host.origin);
  await ask.getByRole('button', { name: 'Allow this IDE' }).click();
  await expect(app.getByTestId('workspace-name')).toHaveText('hosted');
  return app;
}

test("an unknown IDE must be allowed; then its workspace, theme and file opens are the app's", async ({ page, network }) => {
  network.allow(host.origin);
  const app = await openInFakeIde(page, { theme: 'dark' });
  // No folder to pick: the tree is the IDE's workspace, ignore rules applied.
  await expect(app.getByRole('button', { name: 'Open folder' })).toHaveCount(0);
  await app.getByRole('button', { name: 'Files', exact: true }).click();
  await expect(app.locator('[data-path="src"]')).toBeVisible();
  await expect(app.locator('[data-path="README.md"]')).toBeVisible();
  await expect(app.locator('[data-path="node_modules"]')).toHaveCount(0);
  // The IDE's theme, live.
  await expect(app.locator('html')).toHaveAttribute('data-theme', 'dark');
  await page.evaluate(() => (window as unknown as { setTheme(t: string): void }).setTheme('light'));
  await expect(app.locator('html')).toHaveAttribute('data-theme', 'light');
  // Opening a file asks the IDE to show it.
  await app.locator('[data-path="README.md"]').click();
  await expect
    .poll(() => page.evaluate(() => (window as unknown as { hostLog: { type?: string; payload?: unknown }[] }).hostLog.filter((m) => m.type === 'ide/openFile').map((m) => m.payload)))
    .toEqual([{ file_path: 'README.md' }]);
});

test("the agent's edit waits for the IDE: accepted, the IDE's file changes; rejected, nothing changes and the chat says so", async ({ page, network, openai }) => {
  network.allow(host.origin);
  const app = await openInFakeIde(page);
  await app.getByRole('navigation', { name: 'Pages' }).getByRole('button', { name: 'Models' }).click();
  await addTestProviderAndPickModel(app as unknown as Page, openai);
  await app.getByTestId('mode-picker').selectOption('AGENT');
  await app.getByRole('checkbox', { name: 'Automatic patch' }).check();
  const edit = (from: string, to: string) =>
    toolCallStream([{ id: `call_${to}`, name: 'update_textdoc', arguments: JSON.stringify({ path: 'src/app.py', old_str: `print("${from}")`, replacement: `print("${to}")` }) }]);
  openai.reply(COMPLETIONS, { stream: edit('hi', 'hello') }, { stream: textStream('Done.') }, { stream: edit('hello', 'bye') }, { stream: textStream('Understood.') });

  await send(app as unknown as Page, 'Say hello');
  await expect.poll(() => page.evaluate(() => Boolean((window as unknown as { pendingEdit: unknown }).pendingEdit))).toBe(true);
  const proposed = await page.evaluate(() => (window as unknown as { pendingEdit: { payload: { path: string; edit: { file_after: string } } } }).pendingEdit.payload);
  expect(proposed.path).toBe('src/app.py');
  expect(proposed.edit.file_after).toBe('def main():\n    print("hello")\n');
  expect(await page.evaluate(() => (window as unknown as { hostFile(p: string): string }).hostFile('src/app.py'))).toContain('"hi"'); // nothing written yet
  await page.evaluate(() => (window as unknown as { answerEdit(a: boolean): void }).answerEdit(true));
  await expect(app.getByTestId('msg-assistant').last().locator('.msg-text')).toHaveText('Done.');
  expect(await page.evaluate(() => (window as unknown as { hostFile(p: string): string }).hostFile('src/app.py'))).toContain('"hello"');

  await send(app as unknown as Page, 'Now say bye');
  await expect.poll(() => page.evaluate(() => Boolean((window as unknown as { pendingEdit: unknown }).pendingEdit))).toBe(true);
  await page.evaluate(() => (window as unknown as { answerEdit(a: boolean): void }).answerEdit(false));
  await expect(app.getByTestId('msg-assistant').last().locator('.msg-text')).toHaveText('Understood.');
  expect(await page.evaluate(() => (window as unknown as { hostFile(p: string): string }).hostFile('src/app.py'))).toContain('"hello"');
  const toolResult = sentRequest(openai, 3).messages.find((m) => m.role === 'tool' && m.tool_call_id === 'call_bye');
  expect(String(toolResult?.content)).toContain('the user rejected the change to "src/app.py" in the IDE');
});

test("the IDE's selection reaches the chat, and the IDE gets completions from the app", async ({ page, network, openai }) => {
  network.allow(host.origin);
  const app = await openInFakeIde(page);
  await page.evaluate(() => (window as unknown as { setActive(p: string, a: number, b: number, c: string): void }).setActive('src/util.py', 1, 2, 'def helper():\n    return 1'));
  await app.getByRole('navigation', { name: 'Pages' }).getByRole('button', { name: 'Models' }).click();
  await addTestProviderAndPickModel(app as unknown as Page, openai);
  await app.getByTestId('mode-picker').selectOption('NO_TOOLS');
  const chip = app.getByTestId('active-file').getByRole('button');
  await expect(chip).toHaveText('Attach selection src/util.py:1-2');
  await chip.click();
  openai.reply(COMPLETIONS, { stream: textStream('It returns 1.') });
  await send(app as unknown as Page, 'What does it return?');
  await expect(app.getByTestId('msg-assistant').last().locator('.msg-text')).toHaveText('It returns 1.');
  expect(JSON.stringify(sentRequest(openai, 0).messages)).toContain('def helper():\\n    return 1');

  // The IDE asks the app for an inline completion (no completion model here: an empty answer, said why).
  const answer = await page.evaluate(() =>
    (window as unknown as { askCompletion(r: unknown): Promise<{ ok: boolean; payload: { choices: { code_completion: string }[]; skipped?: string } }> }).askCompletion({
      inputs: { sources: { 'src/util.py': 'def helper():\n    return \n' }, cursor: { file: 'src/util.py', line: 1, character: 11 }, multiline: false },
    }),
  );
  expect(answer.ok).toBe(true);
  expect(answer.payload.choices[0]!.code_completion).toBe('');
  expect(answer.payload.skipped).toBe('no-model');
});
