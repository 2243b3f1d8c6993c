import { defineConfig } from '@playwright/test';

/**
 * The IDE benchmark's run (bench/suites/ide.mjs starts it): one test, one
 * worker, no retries, against the app on the bench's Vite dev server
 * (BENCH_APP_ORIGIN), with the e2e's VS Code fixtures (which launch their own
 * persistent Chromium, e2e/support/vscode-workbench.ts).
 */
export default defineConfig({
  testDir: '.',
  testMatch: 'ide.bench.ts',
  outputDir: '../../test-results/bench-ide',
  workers: 1,
  retries: 0,
  timeout: 900_000,
  expect: { timeout: 30_000 },
  reporter: [['list']],
  use: { baseURL: process.env.BENCH_APP_ORIGIN, trace: 'off', screenshot: 'only-on-failure', actionTimeout: 30_000 },
});
