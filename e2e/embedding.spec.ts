/**
 * The app inside an IDE webview: a cross-origin iframe. Cross-origin isolation
 * (threads for WASM) only holds when the embedder is isolated too and grants
 * `allow="cross-origin-isolated"`; otherwise the app runs, single-threaded.
 * The host pages come from a second local server, standing in for the IDE.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test } from './support/privacy';

let host: Server;
let hostOrigin = '';

test.beforeAll(async ({ baseURL }) => {
  host = createServer((req, res) => {
    const isolated = req.url === '/isolated';
    const headers: Record<string, string> = { 'Content-Type': 'text/html' };
    if (isolated) {
      headers['Cross-Origin-Opener-Policy'] = 'same-origin';
      headers['Cross-Origin-Embedder-Policy'] = 'require-corp';
    }
    res.writeHead(200, headers);
    res.end(
      `<!doctype html><title>IDE webview</title>` +
        `<iframe id="app" src="${baseURL}/" allow="cross-origin-isolated" style="width:900px;height:600px"></iframe>`,
    );
  });
  await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
  hostOrigin = `http://127.0.0.1:${(host.address() as AddressInfo).port}`;
});

test.afterAll(() => new Promise<void>((resolve) => host.close(() => resolve())));

for (const mode of ['plain', 'isolated'] as const) {
  test(`runs inside a ${mode} embedder`, async ({ page, network }) => {
    network.allow(hostOrigin);
    await page.goto(`${hostOrigin}/${mode === 'isolated' ? 'isolated' : ''}`);
    const app = page.frameLocator('#app');
    await expect(app.getByRole('heading', { name: 'Refact in a tab' })).toBeVisible();
    const status = app.getByTestId('statusbar');
    await expect(status).toContainText(mode === 'isolated' ? 'threads:' : 'single-threaded WASM');
    await expect(status.getByTestId('webgpu-status')).toContainText('WebGPU');
  });
}
