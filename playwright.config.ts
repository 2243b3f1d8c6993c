import { defineConfig, devices } from '@playwright/test';
import chromiumFlags from './e2e/support/chromium-flags.json' with { type: 'json' };

/**
 * E2E tests run against the production build (`vite build` → dist/) served by
 * `vite preview`, which sends the same COOP/COEP headers as the real app
 * (vite.config.ts `preview.headers`). `npm test` (scripts/test.sh) builds first;
 * when running `npx playwright test` by hand, run `npx vite build` before.
 * Exception: `*.module.spec.ts` run in the 'modules' project against the Vite
 * dev server (port 4174), so their pages can import /src/*.ts directly.
 *
 * Browser: the system Chromium (Debian `chromium` package), not a Playwright
 * download — `npx playwright install` cannot reach its CDN here. Override the
 * binary with CHROMIUM_PATH.
 *
 * Headless: `headless: true` makes Playwright add `--headless`; we also pass
 * `--headless=new` explicitly. Chromium takes the last value of a repeated
 * switch, and since Chrome 132 plain `--headless` already is the "new" headless
 * mode (the old one lives only in chromium-headless-shell), so both are the same
 * browser. Verified with Chromium 156 + Playwright 1.65.
 *
 * `--enable-unsafe-webgpu` gives a real WebGPU adapter even without a GPU
 * (Dawn on SwiftShader, i.e. the CPU) — see e2e/webgpu.spec.ts.
 */

export const E2E_HOST = '127.0.0.1';
export const E2E_PORT = Number(process.env.E2E_PORT || 4173);
export const E2E_ORIGIN = `http://${E2E_HOST}:${E2E_PORT}`;
/**
 * `*.module.spec.ts` specs import /src modules straight into a page (e.g.
 * e2e/harness/index.html), which needs the Vite dev server, not the build.
 */
export const E2E_DEV_PORT = Number(process.env.E2E_DEV_PORT || 4174);
export const E2E_DEV_ORIGIN = `http://${E2E_HOST}:${E2E_DEV_PORT}`;
/** The build `vite preview` serves; another folder lets several builds be tested side by side. */
const E2E_DIST = process.env.E2E_DIST || 'dist';

const chromium = {
  ...devices['Desktop Chrome'],
  headless: true,
  launchOptions: {
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: chromiumFlags.args,
  },
};

const CI = !!process.env.CI;

export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  outputDir: 'test-results/e2e-artifacts',
  fullyParallel: true,
  forbidOnly: CI,
  workers: 2, // 2 cores; WebGPU on SwiftShader is CPU-bound
  retries: CI ? 1 : 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list'], ['json', { outputFile: 'test-results/e2e.json' }]],
  use: {
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: [
    {
      // The production build (dist/) served by `vite preview`.
      name: 'chromium',
      testIgnore: '**/*.module.spec.ts',
      use: { ...chromium, baseURL: E2E_ORIGIN },
    },
    {
      // Source modules served by the Vite dev server.
      name: 'modules',
      testMatch: '**/*.module.spec.ts',
      use: { ...chromium, baseURL: E2E_DEV_ORIGIN },
    },
  ],
  webServer: [
    {
      command: `npx vite preview --host ${E2E_HOST} --port ${E2E_PORT} --strictPort --outDir ${E2E_DIST}`,
      url: `${E2E_ORIGIN}/`,
      reuseExistingServer: !CI,
      timeout: 60_000,
      stdout: 'ignore',
      stderr: 'pipe',
    },
    {
      command: `npx vite --host ${E2E_HOST} --port ${E2E_DEV_PORT} --strictPort`,
      url: `${E2E_DEV_ORIGIN}/`,
      reuseExistingServer: !CI,
      timeout: 60_000,
      stdout: 'ignore',
      stderr: 'pipe',
    },
  ],
});
