/**
 * A local model, end to end through the UI: add the tiny fixture model on the
 * Models page, download it with a visible progress bar, load it on WebGPU
 * (SwiftShader here) or the CPU engine, and chat with it.
 */
import type { Page } from '@playwright/test';
import { expect, test } from './support/privacy';
import { FIXTURE_OWNER, serveFixtureModels } from './support/model-hub';

const MODEL_ID = `transformers:${FIXTURE_OWNER}/tiny-llama`;

async function loadTinyModel(page: Page, device: 'webgpu' | 'wasm'): Promise<void> {
  await page.goto('/#/models');
  await page.getByText('Advanced: model source').click();
  await page.getByLabel('ONNX engine device').selectOption(device);
  await page.getByLabel('ONNX model repo id').fill(`${FIXTURE_OWNER}/tiny-llama`);
  // No f16 shaders on SwiftShader: fp32 on WebGPU, q8 on the CPU engine.
  await page.getByLabel('ONNX weights').selectOption(device === 'webgpu' ? 'fp32' : 'q8');
  await page.getByRole('button', { name: 'Add model' }).click();
  const row = page.locator(`[data-model="${MODEL_ID}"]`);
  await row.getByRole('button', { name: 'Download' }).click();
  // Files arrive slowly (see serveFixtureModels), so the progress is there to see.
  await expect(page.getByTestId('download-status')).toContainText(/of .*\(\d+%\)/);
  await expect(row.getByText('loaded', { exact: true })).toBeVisible({ timeout: 60_000 });
  await expect(row).toContainText('downloaded');
}

async function ask(page: Page, text: string): Promise<void> {
  await page.getByRole('button', { name: 'Chat', exact: true }).click();
  await expect(page.getByTestId('model-picker')).toContainText('tiny-llama');
  await page.getByLabel('Message').fill(text);
  await page.getByLabel('Message').press('Enter');
}

test('the CPU engine downloads the model with progress and streams a whole answer', async ({ page, context, network }) => {
  await serveFixtureModels(context, network, 150);
  await loadTinyModel(page, 'wasm');
  await ask(page, 'Hello! What is the capital of France?');
  const answer = page.getByTestId('msg-assistant').last();
  await expect(answer).toHaveAttribute('data-streaming', 'true');
  await expect(answer).not.toHaveAttribute('data-streaming', { timeout: 60_000 });
  await expect(answer.locator('.meta')).toContainText(/\d+ prompt \+ \d+ completion tokens/);
  expect((await answer.locator('.msg-text').textContent())!.trim().length).toBeGreaterThan(20);
});

test('on WebGPU tokens stream in; Stop keeps the partial answer; a reload keeps what was shown', async ({ page, context, network }) => {
  test.setTimeout(180_000);
  await serveFixtureModels(context, network);
  await loadTinyModel(page, 'webgpu');
  await ask(page, 'Tell me a long story.');
  const answer = page.getByTestId('msg-assistant').last();
  const text = answer.locator('.msg-text');
  // Several chunks arrive one after another: the text grows while streaming.
  await expect(text).not.toBeEmpty({ timeout: 60_000 });
  const early = (await text.textContent())!.length;
  await expect.poll(async () => (await text.textContent())!.length, { timeout: 30_000 }).toBeGreaterThan(early + 5);
  await page.getByRole('button', { name: 'Stop' }).click();
  await expect(answer.locator('.meta')).toContainText('stopped');
  const kept = (await text.textContent())!;
  expect(kept.length).toBeGreaterThan(early);

  // Again, then reload while it streams: what was on screen survives.
  await page.getByLabel('Message').fill('And another one.');
  await page.getByLabel('Message').press('Enter');
  const second = page.getByTestId('msg-assistant').nth(1);
  await expect(second.locator('.msg-text')).not.toBeEmpty({ timeout: 60_000 });
  const shown = (await second.locator('.msg-text').textContent())!;
  await page.reload();
  const restored = page.getByTestId('msg-assistant').nth(1);
  await expect(restored.locator('.meta')).toContainText('interrupted by a reload');
  // Compare the text without Markdown syntax and spacing: the fixture writes random punctuation,
  // and a later "*" can turn earlier text into emphasis when the Markdown is rendered again.
  const bare = (text: string) => text.replace(/[\s*_`~#>|\\[\]()!.-]/g, '');
  expect(bare((await restored.locator('.msg-text').textContent())!).startsWith(bare(shown))).toBe(true);
  await expect(page.getByTestId('msg-assistant').first().locator('.msg-text')).toHaveText(kept);
});
