import { defineConfig } from 'vitest/config';

/**
 * The extension's unit tests: the parts written without a runtime import of
 * 'vscode' (the request layer, the completion request, the shell runner),
 * tested against plain data and small fakes. `npx vitest run --config ide/vscode/vitest.config.mts`.
 */
export default defineConfig({
  root: import.meta.dirname,
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
  },
});
