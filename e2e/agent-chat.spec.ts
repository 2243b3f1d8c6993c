/**
 * The agent chat end to end, against the scripted OpenAI-compatible server
 * and a project in OPFS opened through the (stubbed) folder picker: tools
 * read and edit real files, writes ask first, diffs show, errors in tool
 * arguments go back to the model, model output never runs as HTML, and the
 * reset button restores the file from its checkpoint.
 */
import type { Page } from '@playwright/test';
import { DONE, chunk, expect, test, textStream, toolCallStream, type OpenAiTestServer } from './support/openai-server';
import { addTestProviderAndPickModel, send } from './support/chat-ui';
import { seedOpfsProject, stubFolderPicker } from './support/opfs-project';

const DIR = 'agent-chat-project';
const COMPLETIONS = 'POST /v1/chat/completions';

async function openProject(page: Page): Promise<void> {
  await stubFolderPicker(page, DIR);
  await page.goto('/');
  await seedOpfsProject(page, DIR, { 'src/hello.py': 'def greet():\n    return "hello"\n', 'README.md': '# Demo\n' });
  await page.getByRole('button', { name: 'Open folder' }).click();
  await expect(page.getByTestId('workspace-name')).toHaveText(DIR);
}

async function addProvider(page: Page, openai: OpenAiTestServer): Promise<void> {
  await page.getByRole('button', { name: 'Models', exact: true }).click();
  await addTestProviderAndPickModel(page, openai);
}

function readOpfs(page: Page, path: string): Promise<string> {
  return page.evaluate(
    async ({ dir, path }) => {
      let d = await (await navigator.storage.getDirectory()).getDirectoryHandle(dir);
      const parts = path.split('/');
      for (const p of parts.slice(0, -1)) d = await d.getDirectoryHandle(p);
      try {
        return await (await (await d.getFileHandle(parts.at(-1)!)).getFile()).text();
      } catch (err) {
        // Read while a restore is swapping the file in: polled again.
        if ((err as DOMException).name === 'NotReadableError') return '(being written)';
        throw err;
      }
    },
    { dir: DIR, path },
  );
}

type SentMessage = { role: string; content?: unknown; tool_call_id?: string };
const sentMessages = (openai: OpenAiTestServer, n: number) => (openai.calls(COMPLETIONS)[n]!.body as { messages: SentMessage[] }).messages;

test.beforeEach(async ({ page, openai }) => {
  await openProject(page);
  await addProvider(page, openai);
  await page.getByTestId('mode-picker').selectOption('AGENT');
});

test('AGENT: cat, then update_textdoc after Allow; the file changes, the diff shows, the answer streams; reset restores', async ({ page, openai }) => {
  openai.reply(
    COMPLETIONS,
    { stream: toolCallStream([{ id: 'call_cat', name: 'cat', arguments: JSON.stringify({ paths: 'src/hello.py' }) }]) },
    {
      stream: toolCallStream([
        { id: 'call_edit', name: 'update_textdoc', arguments: JSON.stringify({ path: 'src/hello.py', old_str: '"hello"', replacement: '"hello, world"' }) },
      ]),
    },
    { stream: textStream('Done: greet() now says **hello, world**.') },
  );
  await send(page, 'Make greet say hello, world');

  const pausePanel = page.getByTestId('pause-panel');
  await expect(pausePanel).toContainText('update_textdoc');
  await expect(page.locator('[data-tool="cat"]')).toHaveAttribute('data-status', 'done');
  expect(await readOpfs(page, 'src/hello.py')).toContain('"hello"\n');
  await pausePanel.getByRole('button', { name: 'Allow once' }).click();

  const diff = page.getByTestId('msg-diff');
  await expect(diff).toContainText('src/hello.py');
  await expect(diff.locator('.diff-add')).toContainText('"hello, world"');
  await expect(diff.locator('.diff-del')).toContainText('"hello"');
  await expect(page.locator('[data-tool="update_textdoc"]')).toHaveAttribute('data-status', 'done');
  await expect(page.getByTestId('msg-assistant').last().locator('.msg-text strong')).toHaveText('hello, world');
  expect(await readOpfs(page, 'src/hello.py')).toBe('def greet():\n    return "hello, world"\n');

  // The model saw the file's text as cat's result before editing.
  const second = sentMessages(openai, 1);
  expect(JSON.stringify(second)).toContain('return \\"hello\\"');

  // Reset: the checkpoint taken before the write puts the file back.
  await page.getByRole('button', { name: 'Reset files' }).click();
  // The preview lists exactly the file the agent changed, as one to revert.
  const files = page.getByRole('list', { name: 'Files the restore changes' }).locator('.ckpt-file');
  await expect(files).toHaveCount(1);
  await expect(files.first()).toHaveAttribute('data-action', 'modified');
  await expect(files.first()).toContainText('src/hello.py');
  await page.getByRole('button', { name: /^Restore/ }).click();
  await expect.poll(() => readOpfs(page, 'src/hello.py'), { timeout: 15_000 }).toBe('def greet():\n    return "hello"\n');
  // The chat is cut back to that message, whose text returns to the input for editing.
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('msg-user')).toHaveCount(0);
  await expect(page.getByLabel('Message')).toHaveValue('Make greet say hello, world');
  // An AGENT run started the AST index (worker pool, grammars from our origin) in the background.
  await expect(page.getByTestId('index-status')).toContainText(/Code index: [1-9]\d* files, [1-9]\d* definitions/, { timeout: 30_000 });
});

test('malformed tool arguments go back to the model as an error and the loop continues', async ({ page, openai }) => {
  openai.reply(
    COMPLETIONS,
    { stream: toolCallStream([{ id: 'call_bad', name: 'cat', arguments: '{"paths": "src/hello.py"' }]) },
    { stream: textStream('Sorry, retrying is not needed.') },
  );
  await send(page, 'Read hello.py');
  await expect(page.getByTestId('msg-assistant').last().locator('.msg-text')).toHaveText('Sorry, retrying is not needed.');
  await expect(page.locator('[data-tool="cat"]')).toHaveAttribute('data-status', 'failed');
  const result = sentMessages(openai, 1).find((m) => m.role === 'tool');
  expect(result?.tool_call_id).toBe('call_bad');
  expect(String(result?.content)).not.toBe('');
});

test('HTML in model output renders inert', async ({ page, openai }) => {
  let dialogs = 0;
  page.on('dialog', (d) => {
    dialogs++;
    void d.dismiss();
  });
  openai.reply(COMPLETIONS, {
    stream: [
      { data: chunk.role() },
      { data: chunk.content('Look: <img src=x onerror="alert(1)"> and <script>alert(2)</script> ') },
      { data: chunk.content('[x](javascript:alert(3)) done') },
      { data: chunk.finish('stop') },
      DONE,
    ],
  });
  await send(page, 'Say something nasty');
  const answer = page.getByTestId('msg-assistant').last();
  await expect(answer.locator('.msg-text')).toContainText('done');
  await expect(answer.locator('.msg-text')).toContainText('<img src=x onerror="alert(1)">');
  await expect(answer.locator('img, script, a[href^="javascript"]')).toHaveCount(0);
  await page.waitForTimeout(300);
  expect(dialogs).toBe(0);
});

test('typing on straight after accepting a completion, on a busy page, keeps every key where it was typed', async ({ page }) => {
  const input = page.getByLabel('Message');
  await input.fill('');
  await input.pressSequentially('@fi');
  await expect(page.getByTestId('at-completions')).toContainText('@file');
  // A busy page: animation frames come late, the one that places the caret after an accepted
  // completion among them. Keys typed meanwhile must not be split by it.
  await page.evaluate(() => {
    const w = window as unknown as { lateFrames: number };
    w.lateFrames = 0;
    const raf = window.requestAnimationFrame.bind(window);
    window.requestAnimationFrame = (cb) => raf(() => setTimeout(() => raf((t) => (w.lateFrames++, cb(t))), 300));
  });
  await input.press('Tab');
  await input.pressSequentially('hel');
  await page.waitForFunction(() => (window as unknown as { lateFrames: number }).lateFrames > 0);
  await input.pressSequentially('lo');
  await expect(input).toHaveValue(/^@file hello/);
});

test('"@" offers commands and files; the preview shows what goes in; a message typed while streaming is queued', async ({ page, openai }) => {
  const input = page.getByLabel('Message');
  await input.fill('');
  await input.pressSequentially('@fi');
  const popup = page.getByTestId('at-completions');
  await expect(popup).toContainText('@file');
  await input.press('Tab');
  await input.pressSequentially('hello');
  await expect(popup).toContainText('src/hello.py');
  await input.press('Enter');
  await expect(input).toHaveValue('@file src/hello.py ');
  await expect(page.getByTestId('at-preview')).toContainText('src/hello.py:1-2');

  openai.reply(
    COMPLETIONS,
    { stream: [{ data: chunk.role() }, { data: chunk.content('First ') }, { hold: 'first' }, { data: chunk.content('answer') }, { data: chunk.finish('stop') }, DONE] },
    { stream: textStream('Second answer') },
  );
  await input.pressSequentially('explain');
  await input.press('Enter');
  await expect(page.getByTestId('msg-context_file')).toContainText('src/hello.py');
  await expect(page.getByTestId('msg-assistant').last()).toHaveAttribute('data-streaming', 'true');
  await send(page, 'and then?');
  await expect(page.getByTestId('queued-message')).toContainText('and then?');
  openai.release('first');
  await expect(page.getByTestId('msg-assistant').last().locator('.msg-text')).toHaveText('Second answer');
  await expect(page.getByTestId('queued-message')).toHaveCount(0);
  await expect(page.getByTestId('msg-user')).toHaveText(['@file src/hello.py explain', 'and then?']);
});
