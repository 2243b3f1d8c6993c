/**
 * The production build loads and is healthy. (The app does not register its
 * service worker yet; add an SW check here once it does.)
 */
import { test, expect, formatOffenders } from './support/privacy';

test('app loads at / with its title and no errors', async ({ page, network }) => {
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console.error: ${msg.text()}`);
  });

  const response = await page.goto('/');
  expect(response?.status()).toBe(200);
  await expect(page).toHaveTitle('Refact in a tab');
  await expect(page.locator('#app')).not.toBeEmpty();
  await page.waitForLoadState('networkidle');

  // vite preview sends COOP/COEP (vite.config.ts), needed for SharedArrayBuffer
  // and multi-threaded WASM.
  expect(await page.evaluate(() => self.crossOriginIsolated), 'crossOriginIsolated').toBe(true);

  expect(problems).toEqual([]);
  expect(network.urls()).toContain(new URL('/', network.origin).href);
});

test.describe('privacy guard (self-test)', () => {
  // This test deliberately goes off-origin; check the log here instead of
  // letting the after-test assertion fail it.
  test.use({ privacyEnforce: false });

  test('blocks and reports requests that leave the origin, from the page and a worker', async ({ page, network }) => {
    await page.goto('/');
    const results = await page.evaluate(async () => {
      const tryFetch = (url: string) => fetch(url, { mode: 'no-cors' }).then(() => 'ok', () => 'failed');
      const page = await tryFetch('http://outside.invalid/page-fetch');
      const src = `onmessage = async (e) => postMessage(await fetch(e.data, { mode: 'no-cors' }).then(() => 'ok', () => 'failed'));`;
      const worker = new Worker(URL.createObjectURL(new Blob([src], { type: 'text/javascript' })));
      const fromWorker = await new Promise<string>((resolve) => {
        worker.onmessage = (e) => resolve(e.data as string);
        worker.postMessage('http://outside.invalid/worker-fetch');
      });
      worker.terminate();
      const ws = await new Promise<string>((resolve) => {
        const s = new WebSocket('ws://outside.invalid/socket');
        s.onopen = () => resolve('open');
        s.onclose = () => resolve('closed');
      });
      return { page, fromWorker, ws };
    });
    expect(results).toEqual({ page: 'failed', fromWorker: 'failed', ws: 'closed' });

    const offenders = network.offenders().map((r) => r.url);
    expect(offenders, formatOffenders(network.offenders())).toEqual([
      'http://outside.invalid/page-fetch',
      'http://outside.invalid/worker-fetch',
      'ws://outside.invalid/socket',
    ]);
    expect(network.blocked).toEqual(offenders);
    // Same-origin traffic is recorded but is no offender.
    expect(network.urls()).toContain(new URL('/', network.origin).href);
  });
});
