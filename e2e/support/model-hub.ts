import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { expect, type BrowserContext, type FrameLocator, type Page } from '@playwright/test';
import type { NetworkLog } from './privacy';

export const HUB = 'https://huggingface.co';
/** The fixture models, published under this made-up owner on the stand-in hub. */
export const FIXTURE_OWNER = 'refact-test';
const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'models');

/**
 * The Hugging Face hub is unreachable here, so the browser's requests for
 * https://huggingface.co/refact-test/<model>/resolve/main/<file> are answered
 * from e2e/fixtures/models/<model>/<file>. The app's real download code runs
 * unchanged (default host, Cache API, progress); only the bytes come from disk.
 * `delayMs` slows each file so progress can be watched. The hub origin is
 * allowed in the privacy log: the user asked for this download.
 */
export async function serveFixtureModels(context: BrowserContext, network: NetworkLog, delayMs = 0): Promise<string[]> {
  network.allow(HUB);
  const served: string[] = [];
  await context.route(`${HUB}/**`, async (route) => {
    const url = new URL(route.request().url());
    const match = url.pathname.match(new RegExp(`^/${FIXTURE_OWNER}/([^/]+)/resolve/[^/]+/(.+)$`));
    const file = match ? join(FIXTURES, match[1]!, decodeURIComponent(match[2]!)) : null;
    if (!file || !existsSync(file)) {
      await route.fulfill({ status: 404, body: 'not found', headers: { 'Access-Control-Allow-Origin': '*' } });
      return;
    }
    if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
    served.push(url.pathname);
    const body = readFileSync(file);
    await route.fulfill({
      status: 200,
      body,
      headers: {
        'Content-Type': file.endsWith('.json') ? 'application/json' : 'application/octet-stream',
        'Content-Length': String(body.length),
        'Access-Control-Allow-Origin': '*',
        'Cross-Origin-Resource-Policy': 'cross-origin',
      },
    });
  });
  return served;
}

/** The tiny fixture coder as the Models page names it once added. */
export const FIXTURE_COMPLETION_MODEL = `transformers:${FIXTURE_OWNER}/tiny-llama`;

/**
 * Through the app's Models page (the tab's page, or the app's frame in an IDE panel): adds the tiny
 * fixture coder (Qwen2.5-Coder prompt format; q8 on WASM, fp32 on WebGPU, which lacks f16 here),
 * downloads and loads it, and picks it for code completion. Needs serveFixtureModels first.
 */
export async function loadFixtureCoder(app: Page | FrameLocator, device: 'webgpu' | 'wasm'): Promise<void> {
  await app.getByRole('navigation', { name: 'Pages' }).getByRole('button', { name: 'Models', exact: true }).click();
  await app.getByText('Advanced: model source').click();
  await app.getByLabel('ONNX engine device').selectOption(device);
  await app.getByLabel('ONNX model repo id').fill(`${FIXTURE_OWNER}/tiny-llama`);
  await app.getByLabel('ONNX weights').selectOption(device === 'webgpu' ? 'fp32' : 'q8');
  await app.getByLabel('ONNX prompt format').selectOption('qwen2.5-coder');
  await app.getByRole('button', { name: 'Add model' }).click();
  const row = app.locator(`[data-model="${FIXTURE_COMPLETION_MODEL}"]`);
  await expect(row).toContainText('code completion');
  await row.getByRole('button', { name: 'Download' }).click();
  await expect(row.getByText('loaded', { exact: true })).toBeVisible({ timeout: 60_000 });
  await app.getByLabel('Code completion model').selectOption(FIXTURE_COMPLETION_MODEL);
}
