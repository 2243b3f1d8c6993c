/**
 * Code completion in the editor from each remote FIM format, through the UI:
 * add the provider and a completion model on the Models page, pick it, type
 * in a file, and the scripted server's answer shows as ghost text; Tab
 * inserts it, typing along keeps it without a new request, Esc dismisses,
 * and a keystroke that supersedes a request in flight cancels it (the server
 * sees the connection close). Real HTTP to a scripted server on 127.0.0.1.
 */
import type { Page } from '@playwright/test';
import { expect, test, type OpenAiTestServer, type Reply } from './support/openai-server';
import { caretAtEndOf, completionRequests, editor, ghost, openInEditor, openProject } from './support/editor-ui';

const DIR = 'completion-project';
const PROJECT = {
  'shop/tax.py': 'def rate(country):\n    return 0.2\n',
  'shop/cart.py': 'from shop.tax import rate\n\n\ndef total(items):\n    subtotal = sum(items)\n    return subtotal * \n',
};
const LINE = 6; // "    return subtotal * "

interface Format {
  preset: string;
  name: string;
  base: (server: OpenAiTestServer) => string;
  /** Added by hand on the provider's card; a Refact server lists its own. */
  model: string;
  addModel: boolean;
  route: string;
  answer: (text: string) => Reply;
  /** What the request must carry: the code before and after the caret, in this format's fields. */
  check: (body: Record<string, unknown>) => void;
}

const FORMATS: Format[] = [
  {
    preset: 'vllm',
    name: 'vLLM',
    base: (s) => s.baseUrl,
    model: 'Qwen2.5-Coder-1.5B',
    addModel: true,
    route: 'POST /v1/completions',
    answer: (text) => ({ json: { choices: [{ index: 0, text, finish_reason: 'stop' }] } }),
    check: (body) => {
      expect(body.model).toBe('Qwen2.5-Coder-1.5B');
      expect(body.prompt).toMatch(/^<\|repo_name\|>completion-project\n[\s\S]*<\|file_sep\|>shop\/cart\.py\n<\|fim_prefix\|>/);
      expect(body.prompt).toContain('    return subtotal * r<|fim_suffix|>');
      expect(body.prompt).toMatch(/<\|fim_middle\|>$/);
    },
  },
  {
    preset: 'ollama',
    name: 'Ollama',
    base: (s) => s.baseUrl,
    model: 'qwen2.5-coder:1.5b',
    addModel: true,
    route: 'POST /api/generate',
    answer: (text) => ({ json: { model: 'qwen2.5-coder:1.5b', response: text, done: true, done_reason: 'stop' } }),
    check: (body) => {
      expect(body.model).toBe('qwen2.5-coder:1.5b');
      expect(String(body.prompt)).toMatch(/    return subtotal \* r$/);
      expect(typeof body.suffix).toBe('string');
      expect(body.stream).toBe(false);
    },
  },
  {
    preset: 'llamacpp',
    name: 'llama.cpp server',
    base: (s) => s.baseUrl,
    model: 'qwen2.5-coder-1.5b-q8_0.gguf',
    addModel: true,
    route: 'POST /infill',
    answer: (text) => ({ json: { content: text, stop_type: 'eos', stopped_eos: true } }),
    check: (body) => {
      expect(String(body.input_prefix)).toMatch(/    return subtotal \* r$/);
      expect(typeof body.input_suffix).toBe('string');
      expect(Array.isArray(body.input_extra)).toBe(true);
    },
  },
  {
    preset: 'refact',
    name: 'Refact server',
    base: (s) => s.origin,
    model: 'qwen2.5/coder/1.5b/base',
    addModel: false,
    route: 'POST /v1/code-completion',
    answer: (text) => ({ json: { choices: [{ index: 0, code_completion: text, finish_reason: 'stop' }], model: 'qwen2.5/coder/1.5b/base' } }),
    check: (body) => {
      const inputs = body.inputs as { cursor: { file: string; line: number; character: number }; multiline: boolean; sources: Record<string, string> };
      expect(inputs.cursor).toEqual({ file: 'shop/cart.py', line: LINE - 1, character: '    return subtotal * r'.length });
      expect(inputs.multiline).toBe(false);
      expect(inputs.sources['shop/cart.py']).toContain('    return subtotal * r\n');
    },
  },
];

async function addCompletionProvider(page: Page, server: OpenAiTestServer, format: Format): Promise<void> {
  await page.getByRole('button', { name: 'Models', exact: true }).click();
  await page.getByLabel('Provider kind').selectOption(format.preset);
  await page.getByLabel('Provider name').fill(format.name);
  await page.getByLabel('Provider address').fill(format.base(server));
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  if (format.addModel) {
    await page.getByLabel(`Add a completion model to ${format.name}`).fill(format.model);
    await page.getByRole('button', { name: 'Add completion model' }).click();
  }
  await page.getByLabel('Code completion model').selectOption({ label: `${format.model} (${format.name})` });
}

for (const format of FORMATS) {
  test(`${format.name}: ghost text from ${format.route}; Tab inserts it; typing along asks nothing; Esc dismisses`, async ({ page, openai }) => {
    await openProject(page, DIR, PROJECT);
    await addCompletionProvider(page, openai, format);
    openai.reply(format.route, format.answer("ate('de')"), format.answer(' + 1'));
    await openInEditor(page, 'shop/cart.py');
    await caretAtEndOf(page, LINE);
    await page.keyboard.type('r');

    await expect(ghost(page)).toHaveText("ate('de')");
    format.check(openai.calls(format.route)[0]!.body as Record<string, unknown>);
    await expect(page.getByTestId('completion-status')).toContainText(`Completion: ${format.model}`);
    await expect(page.getByTestId('completion-status')).toHaveAttribute('data-state', 'ready');

    // Typing the suggestion's next characters keeps the rest, with no new request.
    const asked = await completionRequests(page);
    await page.keyboard.type('at');
    await expect(ghost(page)).toHaveText("e('de')");
    await page.keyboard.press('Tab');
    await expect(ghost(page)).toHaveCount(0);
    await expect(editor(page).locator('.cm-line').nth(LINE - 1)).toHaveText("    return subtotal * rate('de')");
    expect(await completionRequests(page)).toBe(asked);
    expect(openai.calls(format.route)).toHaveLength(1);

    // A new suggestion: Ctrl+Right takes one word of it, Esc dismisses the rest.
    await page.keyboard.type(' ');
    await expect(ghost(page)).toHaveText('+ 1');
    await page.keyboard.press('Control+ArrowRight');
    await expect(ghost(page)).toHaveText(' 1');
    await page.keyboard.press('Escape');
    await expect(ghost(page)).toHaveCount(0);
    await expect(editor(page).locator('.cm-line').nth(LINE - 1)).toHaveText("    return subtotal * rate('de') +");

    // The status bar's switch pauses completion: typing asks nothing.
    const requests = openai.calls(format.route).length;
    await page.getByRole('switch', { name: 'Code completion' }).uncheck();
    await expect(page.getByTestId('completion-status')).toHaveAttribute('data-state', 'off');
    await editor(page).locator('.cm-line').nth(LINE - 1).click();
    await page.keyboard.press('End');
    await page.keyboard.type(' 2');
    await page.waitForTimeout(300);
    expect(openai.calls(format.route)).toHaveLength(requests);
    await expect(ghost(page)).toHaveCount(0);
    await page.getByRole('switch', { name: 'Code completion' }).check();
  });
}

test('a keystroke cancels the request in flight; Alt+Space asks again past the cache, with the AST context', async ({ page, openai }) => {
  const format = FORMATS[0]!;
  await openProject(page, DIR, PROJECT);
  await addCompletionProvider(page, openai, format);
  openai.reply(
    format.route,
    { headers: { 'Content-Type': 'application/json' }, stream: [{ hold: 'slow' }, { raw: JSON.stringify({ choices: [{ index: 0, text: 'never shown', finish_reason: 'stop' }] }) }] },
    format.answer("te('fr')"),
    { headers: { 'Content-Type': 'application/json' }, stream: [{ hold: 'slow2' }, { raw: JSON.stringify({ choices: [{ index: 0, text: 'late', finish_reason: 'stop' }] }) }] },
    format.answer("ate('it')"),
  );
  await openInEditor(page, 'shop/cart.py');
  await caretAtEndOf(page, LINE);
  await page.keyboard.type('r');
  await expect.poll(() => openai.calls(format.route).length).toBe(1); // held by the server
  await page.keyboard.type('a'); // supersedes it
  await expect(ghost(page)).toHaveText("te('fr')");
  await expect.poll(() => openai.calls(format.route)[0]!.clientClosed).toBe(true);
  openai.release('slow');
  await expect(ghost(page)).toHaveText("te('fr')"); // the late answer never shows
  await page.keyboard.press('Escape');
  await expect(ghost(page)).toHaveCount(0);

  // Esc also cancels a request still in flight ("x": not along the last suggestion, which the cache would answer).
  await page.keyboard.type('x');
  await expect.poll(() => openai.calls(format.route).length).toBe(3);
  await page.keyboard.press('Escape');
  await expect.poll(() => openai.calls(format.route)[2]!.clientClosed).toBe(true);
  openai.release('slow2');

  // The code index has found tax.py's rate by now: a manual request bypasses the cache and sends it.
  await expect(page.getByTestId('index-status')).toContainText('2 files');
  await page.keyboard.press('Alt+Space');
  await expect(ghost(page)).toHaveText("ate('it')");
  expect(openai.calls(format.route)).toHaveLength(4);
  const prompt = String((openai.calls(format.route)[3]!.body as { prompt: string }).prompt);
  expect(prompt).toContain('<|file_sep|>shop/tax.py\ndef rate(country)');
  expect((openai.calls(format.route)[3]!.body as { temperature: number }).temperature).toBeGreaterThanOrEqual(0.5);
});
