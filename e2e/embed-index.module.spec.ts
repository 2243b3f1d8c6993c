/**
 * The semantic index in Chromium: an OPFS project chunked at AST boundaries
 * (the real AST index, tree-sitter in its worker pool), embedded with the tiny
 * fixture model in the real embed worker (transformers.js, on WASM and on
 * WebGPU, which is SwiftShader here), searched by vector and BM25 and fused;
 * an edit re-embeds only its changed chunk; after a page reload the index
 * (files, chunks, vectors) comes back from IndexedDB and only the file edited
 * meanwhile is read, chunked and embedded again.
 *
 * The model is downloaded through the real loading code from the stand-in hub
 * (e2e/support/model-hub.ts); the privacy guard fails the test if anything
 * else left the origin.
 */
import type { Page } from '@playwright/test';
import { serveFixtureModels } from './support/model-hub';
import { seedOpfsProject } from './support/opfs-project';
import { expect, test } from './support/privacy';

const DIR = 'embed-index-project';
const WORKSPACE_ID = 'embed-e2e';
const VEC_DB = `refact-vecdb-${WORKSPACE_ID}`;
const AST_DB = 'embed-index-ast-e2e';

const PROJECT = {
  '.gitignore': 'build/\n',
  'shop/tax.py': ['TAX_RATE = 0.2', '', '', 'def compute_tax(amount):', '    """Sales tax on an amount."""', '    return amount * TAX_RATE', ''].join('\n'),
  'shop/cart.py': [
    'from shop.tax import compute_tax',
    '',
    '',
    'class ShoppingCart:',
    '    def total(self):',
    '        return sum(self.items)',
    '',
    '',
    'def checkout(cart):',
    '    return cart.total() + compute_tax(cart.total())',
    '',
  ].join('\n'),
  'web/store.ts': ['export class OrderStore {', '  load(id: string) {', '    return fetchOrder(id);', '  }', '}', ''].join('\n'),
  'README.md': '# Shop\n\nA tiny shop.\n\n## Taxes\n\nSee compute_tax.\n',
  'build/out.py': 'def built():\n    pass\n',
};

type SemanticModule = typeof import('../src/vecdb/index');
type CodeIndexModule = { createCodeIndex: import('../src/code-index/types').CreateCodeIndex; indexedLanguageForPath(p: string): string | null };
type HandleWorkspaceModule = typeof import('../src/workspace/handle-workspace');
type WorkersModule = typeof import('../src/worker-api/workers');

declare global {
  interface Window {
    semantic?: import('../src/vecdb/index').SemanticIndex;
    semanticWorkspace?: import('../src/workspace/handle-workspace').HandleWorkspace;
    embedApi?: import('../src/worker-api/connect').RemoteApi<import('../src/worker-api/embed').EmbedWorkerApi>;
  }
}

/** Opens the project, its AST index and its semantic index (real embed worker), and waits for both. */
async function openIndex(page: Page, device: 'wasm' | 'webgpu') {
  return page.evaluate(
    async ({ dir, id, astDb, device }) => {
      const { createSemanticIndex, tinyEmbedFixture } = (await import('/src/vecdb/index.ts' as string)) as SemanticModule;
      const { createCodeIndex, indexedLanguageForPath } = (await import('/src/code-index/index.ts' as string)) as CodeIndexModule;
      const { HandleWorkspace } = (await import('/src/workspace/handle-workspace.ts' as string)) as HandleWorkspaceModule;
      const { embedWorker } = (await import('/src/worker-api/workers.ts' as string)) as WorkersModule;
      const root = await (await navigator.storage.getDirectory()).getDirectoryHandle(dir);
      const workspace = new HandleWorkspace({ id, source: 'opfs', root });
      const codeIndex = createCodeIndex(workspace, { dbName: astDb, maxFiles: 1000 });
      const embed = embedWorker().api;
      // fp32 on WebGPU, q8 on WASM: the dtype each device runs by default (fixture README).
      const model = tinyEmbedFixture({ device, dtype: device === 'webgpu' ? 'fp32' : 'q8' });
      const phases: string[] = [];
      const modes: string[] = [];
      let downloaded = 0;
      const semantic = createSemanticIndex(workspace, {
        embed,
        model,
        symbolsOf: async (p) => {
          await codeIndex.whenIdle();
          return indexedLanguageForPath(p) ? codeIndex.fileSymbols(p) : null;
        },
        onStatus: (s) => {
          if (phases.at(-1) !== s.state) phases.push(s.state);
          if (modes.at(-1) !== s.searchMode) modes.push(s.searchMode);
          if (s.download) downloaded = Math.max(downloaded, s.download.loadedBytes);
        },
      });
      window.semantic = semantic;
      window.semanticWorkspace = workspace;
      window.embedApi = embed;
      const status = await semantic.whenIdle();
      return { status, phases, modes, downloaded, worker: await embed.status() };
    },
    { dir: DIR, id: WORKSPACE_ID, astDb: AST_DB, device },
  );
}

// Starting two kinds of workers (tree-sitter, onnxruntime-web) and compiling
// WebGPU shaders on SwiftShader is many seconds of CPU on this shared 2-core machine.
test.setTimeout(180_000);

test.beforeEach(async ({ page, context, network }) => {
  await serveFixtureModels(context, network);
  await page.goto('/e2e/harness/index.html');
  await page.evaluate(async (dbs) => {
    for (const db of dbs) {
      await new Promise((resolve) => {
        const request = indexedDB.deleteDatabase(db);
        request.onsuccess = request.onerror = request.onblocked = () => resolve(null);
      });
    }
  }, [VEC_DB, AST_DB]);
  await seedOpfsProject(page, DIR, PROJECT);
});

test('on WASM: indexes the project, finds chunks by identifier and by meaning, re-embeds only an edited chunk, and after a reload restores the index, reading only the file edited meanwhile', async ({ page }) => {
  const first = await openIndex(page, 'wasm');
  expect(first.status).toMatchObject({ state: 'ready', total: 5, done: 5, error: null, reused: 0, restored: 0, filesRead: 5, filesChunked: 5, searchMode: 'hybrid' });
  expect(first.phases).toEqual(expect.arrayContaining(['loading-model', 'indexing', 'ready']));
  // The download was reported with its bytes (the q8 weights alone are 143 KB).
  expect(first.downloaded).toBeGreaterThan(100_000);
  // tax.py 2, cart.py 3, store.ts 1, README 2, .gitignore 1; build/ is ignored.
  expect(first.status.chunks).toBe(9);
  expect(first.status.embedded).toBe(9);
  expect(first.worker).toMatchObject({ ready: true, device: 'wasm', model: 'refact-test/tiny-embed@q8', workspace: WORKSPACE_ID, chunks: 9 });

  const answers = await page.evaluate(async () => {
    const s = window.semantic!;
    return {
      byIdentifier: await s.search('compute_tax', 3, new AbortController().signal),
      camel: (await s.hits('order store', 3))[0],
      fused: await s.hits('ShoppingCart total', 9),
    };
  });
  expect(answers.byIdentifier[0]).toEqual({
    file_name: 'shop/tax.py',
    line1: 4,
    line2: 6,
    symbol: 'shop::tax::compute_tax',
    text: 'def compute_tax(amount):\n    """Sales tax on an amount."""\n    return amount * TAX_RATE',
  });
  // BM25 over split identifiers: "order store" finds OrderStore.
  expect(answers.camel).toMatchObject({ path: 'web/store.ts', symbol: 'web::store::OrderStore', sources: ['vector', 'bm25'] });
  // Fused: the top hit was found by both rankings; chunks without the words still come from the vector side.
  expect(answers.fused[0]).toMatchObject({ path: 'shop/cart.py', symbol: 'shop::cart::ShoppingCart', sources: ['vector', 'bm25'] });
  expect(answers.fused.some((h) => h.sources.join() === 'vector')).toBe(true);
  expect(answers.fused.every((h) => !h.path.startsWith('build/'))).toBe(true);

  // An edit through the workspace (as the agent writes): its watch feeds both indexes.
  const afterEdit = await page.evaluate(async (cart) => {
    const s = window.semantic!;
    const before = s.status().embedded;
    await window.semanticWorkspace!.writeText('shop/cart.py', cart.replace('return sum(self.items)', 'return sum(item.price for item in self.items)'));
    // The watcher reports the write a moment later; wait for the pass it starts.
    for (let i = 0; i < 100 && s.status().embedded === before; i++) await new Promise((r) => setTimeout(r, 100));
    const status = await s.whenIdle();
    return { newlyEmbedded: status.embedded - before, chunks: status.chunks, price: (await s.hits('price', 1))[0] };
  }, PROJECT['shop/cart.py']);
  expect(afterEdit.newlyEmbedded).toBe(1);
  expect(afterEdit.chunks).toBe(9);
  expect(afterEdit.price).toMatchObject({ path: 'shop/cart.py', symbol: 'shop::cart::ShoppingCart' });

  // A reload: new page, new embed worker, same IndexedDB; while the app was closed, web/store.ts was edited.
  await page.reload();
  await page.evaluate(async (dir) => {
    const root = await (await navigator.storage.getDirectory()).getDirectoryHandle(dir);
    const handle = await (await root.getDirectoryHandle('web')).getFileHandle('store.ts');
    const writable = await handle.createWritable();
    await writable.write('export class OrderStore {\n  load(id: string) {\n    return fetchOrder(id, { cached: true });\n  }\n}\n');
    await writable.close();
  }, DIR);
  const again = await openIndex(page, 'wasm');
  // The four unchanged files came back from IndexedDB without being read, chunked or embedded; only store.ts was.
  expect(again.status).toMatchObject({ state: 'ready', error: null, total: 5, done: 5, restored: 5, filesRead: 1, filesChunked: 1, embedded: 1, reused: 0, chunks: 9 });
  expect(again.modes.at(-1)).toBe('hybrid');
  expect(again.worker.embedded).toBe(1); // the new worker ran one chunk through the model
  expect((await page.evaluate(() => window.semantic!.hits('cached', 1)))[0]).toMatchObject({ path: 'web/store.ts', symbol: 'web::store::OrderStore' });
  const stored = await page.evaluate(async (db) => (await indexedDB.databases()).some((d) => d.name === db), VEC_DB);
  expect(stored).toBe(true);
  expect((await page.evaluate(() => window.semantic!.hits('compute_tax', 1)))[0]).toMatchObject({ path: 'shop/tax.py' });
});

test('on WebGPU: the same index and search, with the model on the GPU device', async ({ page }) => {
  const webgpu = await page.evaluate(async () => !!(await (navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu?.requestAdapter()));
  expect(webgpu, 'Chromium runs with --enable-unsafe-webgpu: a (SwiftShader) adapter must exist').toBe(true);
  const { status, worker } = await openIndex(page, 'webgpu');
  expect(status).toMatchObject({ state: 'ready', total: 5, chunks: 9, embedded: 9, error: null });
  expect(worker).toMatchObject({ device: 'webgpu', model: 'refact-test/tiny-embed@fp32' });
  const hits = await page.evaluate(() => window.semantic!.hits('compute_tax', 3));
  expect(hits[0]).toMatchObject({ path: 'shop/tax.py', symbol: 'shop::tax::compute_tax', sources: ['vector', 'bm25'] });
});
