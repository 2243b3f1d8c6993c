/**
 * Inline completion in VS Code's own editor, answered by the tiny fixture
 * model running in the Refact panel (WASM): the model is added and loaded
 * through the app's Models page inside the webview, typing in a memfs file
 * shows its answer as ghost text, Tab inserts it; Alt+Space asks past the
 * cache; the status bar shows the model; pausing completion stops requests.
 *
 * The fixture is not trained for fill-in-the-middle: its text is gibberish,
 * and an answer that is empty after Refact's cuts shows nothing, so the test
 * types on until a suggestion shows (as completion-local.spec.ts does).
 */
import type { Frame, Locator, Page } from '@playwright/test';
import { loadFixtureCoder, serveFixtureModels } from './support/model-hub';
import { appAnswers, hostRequests, installAppProbe, recordAppAnswers } from './support/vscode-app-frame';
import { allowThisIde, editorTab, expect, openFromExplorer, test } from './support/vscode-app-ui';
import type { Workbench } from './support/vscode-workbench';

// A VS Code profile of its own: no other spec's editors, views or app state (support/vscode-workbench.ts).
test.use({ vscodeProfile: 'vscode-completion' });

const CALC = 'def add(a, b):\n    return a + b\n\n\nresult = \n';

function ghost(page: Page): Locator {
  return page.locator('.part.editor .monaco-editor .ghost-text-decoration');
}

function refactStatus(page: Page): Locator {
  return page.locator('.part.statusbar .statusbar-item').filter({ has: page.locator('[aria-label^="Refact: completion"]') });
}

/** Types a key at a time; after each, waits for the app's answer to VS Code's request, until one shows as ghost text. */
async function typeUntilSuggested(page: Page, workbench: Workbench, keys: string): Promise<void> {
  const relay = workbench.relayFrame();
  await recordAppAnswers(relay);
  for (const key of keys) {
    const answered = (await appAnswers(relay)).length;
    await page.keyboard.type(key);
    // VS Code asks on each change; the app answers (maybe with nothing) before the next key.
    await expect.poll(async () => (await appAnswers(relay)).length, { timeout: 20_000 }).toBeGreaterThan(answered);
    try {
      await expect(ghost(page).first()).toBeVisible({ timeout: 1_000 });
      return;
    } catch {
      // an empty answer: type on
    }
  }
  throw new Error(`no suggestion after typing "${keys}"`);
}

test('an inline completion in VS Code from the tiny model in the panel; Tab inserts it', async ({ workbench, page, context, network }, testInfo) => {
  test.setTimeout(120_000);
  const started = Date.now();
  const marks: Record<string, number> = {};
  const mark = (name: string) => (marks[name] = Date.now() - started);
  await serveFixtureModels(context, network);
  await installAppProbe(page, workbench.appOrigin);
  let probe!: Frame;

  await test.step('the tiny coder loaded on WASM in the panel, picked for completion', async () => {
    // The suggest widget would cover the ghost text; quick suggestions off keeps the editor to inline completions.
    await workbench.open({ 'calc.py': CALC }, { 'editor.quickSuggestions': { other: 'off', comments: 'off', strings: 'off' }, 'editor.suggestOnTriggerCharacters': false });
    probe = await workbench.openRefactPanel();
    const app = await allowThisIde(workbench);
    await loadFixtureCoder(app, 'wasm');
    mark('modelReady');
  });

  await test.step('typing in a VS Code editor shows the suggestion as ghost text', async () => {
    await openFromExplorer(page, 'calc.py');
    await page.locator('.part.editor .monaco-editor .view-lines').click();
    await page.keyboard.press('Control+End');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('End');
    await typeUntilSuggested(page, workbench, 'add(1, 2) + x');
    mark('suggested');
    const [request] = (await hostRequests(probe, 'completion/request')).slice(-1);
    // Refact's request shape: the whole file, the cursor on line 5 (0-based 4), single line after code, max tokens from the settings.
    expect(request).toMatchObject({
      inputs: { sources: { 'calc.py': expect.stringMatching(/^def add\(a, b\):\n {4}return a \+ b\n\n\nresult = a/) }, cursor: { file: 'calc.py', line: 4 }, multiline: false },
      parameters: { max_new_tokens: 50 },
    });
    await expect(refactStatus(page)).toContainText('tiny-llama');
  });

  await test.step('Tab inserts it; the saved file has it', async () => {
    // Spaces render as U+00A0, which \s matches.
    const line = page.locator('.part.editor .monaco-editor .view-line').filter({ hasText: /^result\s=\s/ });
    // What the line shows: the typed text with the suggestion after it (VS Code may split the ghost text into parts).
    const shown = ((await line.textContent()) ?? '').replace(/\u00a0/g, ' ');
    const typed = await line.evaluate((el) => {
      const copy = el.cloneNode(true) as HTMLElement;
      copy.querySelectorAll('[class*="ghost-text"]').forEach((g) => g.remove());
      return (copy.textContent ?? '').replace(/\u00a0/g, ' ');
    });
    expect(typed).toMatch(/^result = a/);
    expect(shown.length).toBeGreaterThan(typed.length);
    await page.keyboard.press('Tab');
    await expect(ghost(page)).toHaveCount(0);
    await page.keyboard.press('Control+S');
    const saved = (await workbench.readWorkspaceFile('calc.py'))!.split('\n')[4]!;
    // Exactly what was shown: the typed text and the whole suggestion after it.
    expect(saved).toBe(shown);
  });

  await test.step('Alt+Space asks past the cache; pausing completion stops the requests', async () => {
    await page.locator('.part.editor .monaco-editor .view-lines').click();
    await page.keyboard.press('Control+End');
    const before = (await hostRequests(probe, 'completion/request')).length;
    await page.keyboard.press('Alt+Space');
    await expect.poll(async () => (await hostRequests(probe, 'completion/request')).slice(before).some((r) => r.no_cache === true)).toBe(true);

    await workbench.runCommand('Refact: Pause or resume code completion');
    await expect(refactStatus(page)).toContainText('Refact');
    await expect(refactStatus(page)).not.toContainText('tiny-llama');
    await editorTab(page, 'calc.py').click();
    await page.locator('.part.editor .monaco-editor .view-lines').click();
    const paused = (await hostRequests(probe, 'completion/request')).length;
    await page.keyboard.type('x = 1');
    await page.waitForTimeout(1_000);
    expect((await hostRequests(probe, 'completion/request')).length).toBe(paused);
    await workbench.runCommand('Refact: Pause or resume code completion');
    await expect(refactStatus(page)).toContainText('tiny-llama');
  });

  const timings = { ...workbench.timings, ...marks, specMs: Date.now() - started };
  testInfo.annotations.push({ type: 'timings', description: JSON.stringify(timings) });
  console.log(`vscode-completion timings: ${JSON.stringify(timings)}`);
});
