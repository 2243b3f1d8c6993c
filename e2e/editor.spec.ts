/**
 * The editor through the UI, on a project in OPFS: saving writes the bytes
 * back as they were (BOM, CRLF, mixed line endings); a file changed on disk
 * reloads a clean tab and asks in a dirty one (keep mine, take theirs,
 * compare); the agent's writes show in an open file and never overwrite
 * unsaved edits; a diff in the chat opens as a merge view whose Revert writes
 * the old text back; the active file and the selection reach the chat.
 */
import type { Page } from '@playwright/test';
import { expect, test, textStream, toolCallStream, type OpenAiTestServer } from './support/openai-server';
import { openAgentChat, readOpfs, sentRequest, COMPLETIONS } from './support/agent-project';
import { send } from './support/chat-ui';
import { caretAtEndOf, editor, openInEditor, openProject, readOpfsBytes, writeOpfsOutside } from './support/editor-ui';

const DIR = 'editor-project';
const BOM = [0xef, 0xbb, 0xbf];
const bytes = (text: string) => [...new TextEncoder().encode(text)];

test('Ctrl+S writes the bytes back as read: BOM and CRLF kept, mixed line endings untouched; tabs mark unsaved edits', async ({ page }) => {
  await openProject(page, DIR, {
    'win.txt': { bytes: [...BOM, ...bytes('one\r\ntwo\r\n')] },
    'mixed.txt': 'a\r\nb\nc',
  });
  await openInEditor(page, 'win.txt');
  await expect(page.locator('.viewer-details')).toContainText('UTF-8 with BOM');
  await expect(page.locator('.viewer-details')).toContainText('CRLF');
  await caretAtEndOf(page, 1);
  await page.keyboard.type(' more');
  await page.keyboard.press('Enter');
  await page.keyboard.type('inserted');
  await expect(page.locator('[data-tab-path="win.txt"]').getByTestId('dirty-mark')).toBeVisible();
  await page.keyboard.press('Control+s');
  await expect(page.locator('[data-tab-path="win.txt"]').getByTestId('dirty-mark')).toHaveCount(0);
  const saved = await readOpfsBytes(page, DIR, 'win.txt');
  expect(JSON.stringify(new TextDecoder('utf-8', { ignoreBOM: true }).decode(new Uint8Array(saved)))).toBe(JSON.stringify('\ufeffone more\r\ninserted\r\ntwo\r\n'));
  expect(saved).toEqual([...BOM, ...bytes('one more\r\ninserted\r\ntwo\r\n')]);

  await openInEditor(page, 'mixed.txt');
  await caretAtEndOf(page, 3);
  await page.keyboard.type('!');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect.poll(() => readOpfs(page, DIR, 'mixed.txt')).toBe('a\r\nb\nc!');
  // Both tabs stay open; undo still works after a save.
  await expect(page.getByRole('tab')).toHaveCount(2);
  await page.keyboard.press('Control+z');
  await expect(editor(page).locator('.cm-line').nth(2)).toHaveText('c');
});

test('a change on disk reloads a clean tab; with unsaved edits it asks, and nothing is lost either way', async ({ page }) => {
  await openProject(page, DIR, { 'notes.md': '# Notes\n\nfirst\n' });
  await openInEditor(page, 'notes.md');
  await writeOpfsOutside(page, DIR, 'notes.md', '# Notes\n\nfirst\nsecond from outside\n');
  await expect(editor(page)).toContainText('second from outside');
  await expect(page.locator('[data-tab-path="notes.md"]').getByTestId('dirty-mark')).toHaveCount(0);

  // Dirty, then changed outside: the banner asks. Take theirs: their text, mine one undo away.
  await caretAtEndOf(page, 3);
  await page.keyboard.type(' (mine)');
  await writeOpfsOutside(page, DIR, 'notes.md', '# Notes\n\ntheirs\n');
  const banner = page.getByTestId('disk-conflict');
  await expect(banner).toBeVisible();
  await expect(editor(page)).toContainText('first (mine)'); // nothing replaced before the user says so
  await banner.getByRole('button', { name: 'Take theirs' }).click();
  await expect(editor(page)).toContainText('theirs');
  await expect(editor(page)).not.toContainText('(mine)');

  // Keep mine: the next save overwrites theirs.
  await caretAtEndOf(page, 3);
  await page.keyboard.type(' + mine');
  await writeOpfsOutside(page, DIR, 'notes.md', '# Notes\n\ntheirs again\n');
  await expect(banner).toBeVisible();
  await banner.getByRole('button', { name: 'Keep mine' }).click();
  await page.keyboard.press('Control+s');
  await expect.poll(() => readOpfs(page, DIR, 'notes.md')).toBe('# Notes\n\ntheirs + mine\n');

  // Compare: their lines show as a change to take or leave, hunk by hunk.
  await caretAtEndOf(page, 1);
  await page.keyboard.type('!');
  await writeOpfsOutside(page, DIR, 'notes.md', '# Notes\n\ntheirs + mine\nadded outside\n');
  await banner.getByRole('button', { name: 'Compare' }).click();
  await expect(page.getByTestId('merge-banner')).toBeVisible();
  const takeTheirs = editor(page).getByTestId('merge-reject');
  await expect(takeTheirs.first()).toHaveText('Take theirs');
  await takeTheirs.first().click();
  await page.keyboard.press('Control+s');
  await expect.poll(() => readOpfs(page, DIR, 'notes.md')).toMatch(/added outside/);
});

/** The agent's turn: update_textdoc on src/app.py, allowed, then a short answer. */
function scriptAgentEdit(openai: OpenAiTestServer, oldStr: string, replacement: string): void {
  openai.reply(
    COMPLETIONS,
    { stream: toolCallStream([{ id: 'call_edit', name: 'update_textdoc', arguments: JSON.stringify({ path: 'src/app.py', old_str: oldStr, replacement }) }]) },
    { stream: textStream('Done.') },
  );
}

async function allowAndFinish(page: Page): Promise<void> {
  const pause = page.getByTestId('pause-panel');
  await pause.getByRole('button', { name: 'Allow once' }).click();
  await expect(page.getByTestId('msg-assistant').last().locator('.msg-text')).toHaveText('Done.');
}

test('the agent writing an open file: a clean tab shows its change; unsaved edits make it refuse, and they are kept', async ({ page, openai }) => {
  const APP = 'def main():\n    print("hi")\n';
  await openAgentChat(page, openai, DIR, { 'src/app.py': APP });
  await openInEditor(page, 'src/app.py');

  await page.getByRole('button', { name: 'Chat', exact: true }).click();
  scriptAgentEdit(openai, '"hi"', '"hello"');
  await send(page, 'Say hello');
  await allowAndFinish(page);
  await page.getByRole('button', { name: 'Files', exact: true }).click();
  await expect(editor(page)).toContainText('print("hello")');

  // Unsaved edits in the editor: the agent's write is refused with a tool error; disk and editor keep theirs.
  await caretAtEndOf(page, 2);
  await page.keyboard.type('  # mine');
  await page.getByRole('button', { name: 'Chat', exact: true }).click();
  scriptAgentEdit(openai, '"hello"', '"bye"');
  await send(page, 'Say bye');
  await allowAndFinish(page);
  await expect(page.locator('[data-tool="update_textdoc"]').last()).toHaveAttribute('data-status', 'failed');
  const toolResult = sentRequest(openai, 3).messages.find((m) => m.role === 'tool' && m.tool_call_id === 'call_edit' && String(m.content).includes('unsaved'));
  expect(String(toolResult?.content)).toContain('has unsaved edits in the editor');
  expect(await readOpfs(page, DIR, 'src/app.py')).toBe('def main():\n    print("hello")\n');
  await page.getByRole('button', { name: 'Files', exact: true }).click();
  await expect(page.getByTestId('agent-refused')).toBeVisible();
  await expect(editor(page)).toContainText('print("hello")  # mine');
});

test('"Open in editor" on a diff shows the change hunk by hunk; Revert writes the old text back', async ({ page, openai }) => {
  const APP = 'def main():\n    print("hi")\n\n\ndef other():\n    return 1\n';
  await openAgentChat(page, openai, DIR, { 'src/app.py': APP });
  scriptAgentEdit(openai, '"hi"', '"hello"');
  await send(page, 'Say hello');
  await allowAndFinish(page);
  expect(await readOpfs(page, DIR, 'src/app.py')).toContain('"hello"');

  await page.getByTestId('msg-diff').getByRole('button', { name: 'Open in editor' }).click();
  await expect(page.locator('.viewer-path')).toHaveText('src/app.py');
  await expect(page.getByTestId('merge-banner')).toContainText("The agent's changes");
  await expect(editor(page).locator('.cm-deletedChunk')).toContainText('print("hi")');
  await editor(page).getByTestId('merge-reject').first().click();
  await expect.poll(() => readOpfs(page, DIR, 'src/app.py')).toBe(APP);
  await expect(editor(page).locator('.cm-deletedChunk')).toHaveCount(0);
  await expect(page.locator('[data-tab-path="src/app.py"]').getByTestId('dirty-mark')).toHaveCount(0);
});

test('the selection reaches the chat: Alt+C attaches it, the model gets it with the question', async ({ page, openai }) => {
  await openAgentChat(page, openai, DIR, { 'src/app.py': 'def main():\n    print("hi")\n    return 0\n' }, 'NO_TOOLS');
  await openInEditor(page, 'src/app.py');
  // Select lines 2-3.
  await editor(page).locator('.cm-line').nth(1).click();
  await page.keyboard.press('Home');
  await page.keyboard.press('Shift+ArrowDown');
  await page.keyboard.press('Shift+End');
  await page.keyboard.press('Alt+c');
  await expect(page.getByTestId('active-file').getByRole('button')).toHaveText('Attached: selection src/app.py:2-3');
  await expect(page.getByLabel('Message')).toBeFocused();
  openai.reply(COMPLETIONS, { stream: textStream('It prints hi.') });
  await page.keyboard.type('What does this do?');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('msg-assistant').last().locator('.msg-text')).toHaveText('It prints hi.');
  const sent = JSON.stringify(sentRequest(openai, 0).messages);
  expect(sent).toContain('print(\\"hi\\")\\n    return 0');
  expect(sent).toContain('src/app.py');
  // Attached once: the next message goes without it unless asked again.
  await expect(page.getByTestId('active-file').getByRole('button')).toHaveText('Attach selection src/app.py:2-3');
});
