import { defineConfig } from 'vite';
import preact from '@preact/preset-vite';
import { VitePWA } from 'vite-plugin-pwa';
import { ortAssets } from './vite/ort-assets.js';
import { grammarAssets } from './vite/grammar-assets.js';

/**
 * Cross-origin isolation (COOP + COEP) gives us SharedArrayBuffer, which
 * multi-threaded WASM (onnxruntime-web threads) needs. `require-corp` also
 * stops the page from pulling in third-party subresources that did not opt in,
 * which matches our privacy rule. Inside an IDE iframe isolation only happens
 * when the embedder is isolated too; we then run single-threaded (README).
 */
export const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  // Lets an isolated IDE webview embed us as an iframe.
  'Cross-Origin-Resource-Policy': 'cross-origin',
};

export default defineConfig({
  plugins: [
    preact(),
    // onnxruntime-web's runtime at /ort/ (dev and build), precached by the PWA below.
    ortAssets(),
    grammarAssets(), // tree-sitter runtime + grammars at /tree-sitter/ (dev and build), precached below
    VitePWA({
      registerType: 'prompt',
      injectRegister: false,
      manifest: {
        name: 'Refact in a tab',
        short_name: 'Refact',
        description: 'AI coding assistant that runs entirely in your browser tab',
        theme_color: '#1f6feb',
        background_color: '#0d1117',
        display: 'standalone',
        start_url: '.',
        scope: '.',
        icons: [
          { src: 'icons/icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: 'icons/icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: 'icons/icon-512-maskable.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      workbox: {
        // The app shell plus every wasm/mjs runtime we serve ourselves: grammars,
        // onnxruntime, tree-sitter. Never a CDN.
        globPatterns: ['**/*.{js,mjs,css,html,svg,png,ico,webmanifest,wasm,json}'],
        globIgnores: ['**/models/**', '**/bench/**'],
        maximumFileSizeToCacheInBytes: 64 * 1024 * 1024,
        navigateFallback: 'index.html',
        cleanupOutdatedCaches: true,
      },
      devOptions: { enabled: false },
    }),
  ],
  worker: { format: 'es', plugins: () => [ortAssets({ transformOnly: true }), grammarAssets({ transformOnly: true })] },
  build: { target: 'es2022', sourcemap: true },
  server: { headers: isolationHeaders },
  // The dev server pre-bundles what the pages and the workers import up front: a dependency found
  // later (a worker's first import) makes it reload the page, which breaks module specs mid-test.
  optimizeDeps: { entries: ['index.html', 'e2e/harness/*.html', 'bench/*.html', 'workers/*.worker.ts'] },
  preview: { headers: isolationHeaders },
});
