/**
 * Code completion from a model running in the tab, through the UI: the tiny
 * fixture model is added on the Models page with Qwen2.5-Coder's prompt
 * format, downloaded from the stand-in hub and loaded on the CPU engine
 * (WASM) or WebGPU (SwiftShader here), picked as the completion model, and
 * typing in a file shows its ghost text; Tab inserts it.
 *
 * The fixture is not trained for fill-in-the-middle: its text is gibberish,
 * and a completion that starts with a line break is cut to nothing, so the
 * test types on until a suggestion shows. What is under test is the path:
 * prompt, worker, engine, post-processing, ghost text.
 */
import type { Page } from '@playwright/test';
import { expect, test } from './support/privacy';
import { loadFixtureCoder, serveFixtureModels } from './support/model-hub';
import { caretAtEndOf, editor, ghost, openInEditor, openProject } from './support/editor-ui';


/** Types a character at a time until the model's answer shows as ghost text (gibberish can be cut to nothing). */
async function typeUntilSuggested(page: Page, keys: string, timeout: number): Promise<void> {
  const pane = page.locator('.editor-pane');
  for (const key of keys) {
    const answered = Number(await pane.getAttribute('data-completion-answered'));
    await page.keyboard.type(key);
    // Wait for this keystroke's request to be answered, with a suggestion or with nothing.
    await expect.poll(async () => Number(await pane.getAttribute('data-completion-answered')), { timeout }).toBeGreaterThan(answered);
    if (await ghost(page).count()) return;
  }
  throw new Error(`no suggestion after typing "${keys}"`);
}

/** A line's text without the ghost text shown in it. */
function typedText(page: Page, line: number): Promise<string> {
  return editor(page)
    .locator('.cm-line')
    .nth(line - 1)
    .evaluate((el) => {
      const copy = el.cloneNode(true) as HTMLElement;
      copy.querySelectorAll('.cm-ghost-text').forEach((g) => g.remove());
      return copy.textContent ?? '';
    });
}

for (const device of ['wasm', 'webgpu'] as const) {
  test(`${device === 'wasm' ? 'the CPU engine' : 'WebGPU'}: the local model's completion shows as ghost text and Tab inserts it`, async ({ page, context, network }) => {
    test.setTimeout(180_000);
    await serveFixtureModels(context, network);
    await openProject(page, 'local-completion', { 'calc.py': 'def add(a, b):\n    return a + b\n\n\nresult = \n' });
    await loadFixtureCoder(page, device);
    await openInEditor(page, 'calc.py');
    await caretAtEndOf(page, 5);
    await typeUntilSuggested(page, 'add(1, 2) + x', device === 'wasm' ? 20_000 : 90_000);

    const status = page.getByTestId('completion-status');
    await expect(status).toContainText('tiny-llama');
    await expect(status).toContainText(/\d+ ms/);
    const suggestion = (await ghost(page).textContent()) ?? '';
    expect(suggestion.length).toBeGreaterThan(0);
    expect(suggestion).not.toContain('\n'); // single-line mode: the rest of the line only
    const before = await typedText(page, 5);
    expect(before).toMatch(/^result = a/);
    await page.keyboard.press('Tab');
    await expect(ghost(page)).toHaveCount(0);
    await expect(editor(page).locator('.cm-line').nth(4)).toHaveText(before + suggestion);
  });
}
