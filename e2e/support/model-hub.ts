import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext } from '@playwright/test';
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
