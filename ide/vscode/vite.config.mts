import { defineConfig } from 'vite';

/**
 * The extension bundled for VS Code's extension hosts (`npm run ext:build`).
 *
 * The web worker extension host (vscode.dev, code-server, desktop's web worker
 * host) fetches the `browser` entry and runs it with
 * `new Function('module', 'exports', 'require', source)`: it must be one
 * CommonJS file, ESM is refused there, and `require` knows only 'vscode'.
 * So: a library build, format 'cjs', everything bundled except `vscode`.
 */
export default defineConfig({
  root: import.meta.dirname,
  publicDir: false,
  logLevel: 'warn',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    // Readable in a stack trace and small anyway (~20 KB).
    minify: false,
    lib: {
      entry: 'src/extension.ts',
      formats: ['cjs'],
      fileName: () => 'extension.js',
    },
    rolldownOptions: {
      external: ['vscode'],
    },
  },
});
