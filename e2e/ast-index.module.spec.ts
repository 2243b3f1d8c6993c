/**
 * The AST code index in Chromium: an OPFS project indexed by the real pool of
 * module workers (web-tree-sitter with grammars served from our own origin at
 * /tree-sitter/), queried for definitions and references, updated after an
 * edit, and re-opened after a page reload from its IndexedDB cache, where
 * only the files that changed are parsed again. Served by the Vite dev server
 * so the page can import /src modules directly.
 */
import type { Page } from '@playwright/test';
import { expect, test } from './support/privacy';
import { seedOpfsProject } from './support/opfs-project';

const DIR = 'ast-index-project';
const DB = 'ast-index-e2e';

const PROJECT = {
  '.gitignore': 'build/\n',
  'shop/cart.py': [
    'from shop.tax import rate',
    '',
    'class Cart:',
    '    def total(self):',
    '        return self.subtotal() * rate()',
    '',
    '    def subtotal(self):',
    '        return 1',
    '',
  ].join('\n'),
  'shop/tax.py': 'def rate():\n    return 2\n',
  'web/app.ts': [
    'export class Store {',
    '  load(id: string): Item {',
    '    return new Item(id);',
    '  }',
    '}',
    '',
    'export class Item {',
    '  constructor(readonly id: string) {}',
    '}',
    '',
  ].join('\n'),
  'web/main.tsx': "import { Store } from './app';\n\nexport function App() {\n  return new Store().load('1');\n}\n",
  'server/main.go': 'package main\n\nfunc main() {\n\tserve()\n}\n\nfunc serve() {}\n',
  'core/lib.rs': 'pub struct Engine;\n\nimpl Engine {\n    pub fn start(&self) {}\n}\n\nfn boot() {\n    Engine.start();\n}\n',
  'build/out.py': 'def built():\n    pass\n',
  'notes.md': '# notes\n',
};

/**
 * The page imports the modules by URL; these give the test their types. (Types
 * only from code-index/types: the modules themselves use Vite's import.meta.env.)
 */
type CodeIndexModule = { createCodeIndex: import('../src/code-index/types').CreateCodeIndex };
type HandleWorkspaceModule = typeof import('../src/workspace/handle-workspace');

declare global {
  interface Window {
    astIndex?: import('../src/code-index/types').CodeIndex;
    astWorkspace?: import('../src/workspace/handle-workspace').HandleWorkspace;
  }
}

/** Opens the project and starts an index on it (default options: the real worker pool, watching). */
async function openIndex(page: Page) {
  return page.evaluate(
    async ({ dir, db }) => {
      const { createCodeIndex } = (await import('/src/code-index/index.ts' as string)) as CodeIndexModule;
      const { HandleWorkspace } = (await import('/src/workspace/handle-workspace.ts' as string)) as HandleWorkspaceModule;
      const root = await (await navigator.storage.getDirectory()).getDirectoryHandle(dir);
      const workspace = new HandleWorkspace({ id: 'ast-e2e', source: 'opfs', root });
      const index = createCodeIndex(workspace, { dbName: db, maxFiles: 1000 });
      window.astIndex = index;
      window.astWorkspace = workspace;
      return index.whenIdle();
    },
    { dir: DIR, db: DB },
  );
}

// Starting a worker and compiling four grammars (python, tsx, go, rust) is a few seconds of CPU;
// on this shared 2-core machine under others' test load it has taken up to 20 s.
test.setTimeout(120_000);

test.beforeEach(async ({ page }) => {
  await page.goto('/e2e/harness/index.html');
  await page.evaluate((db) => new Promise((resolve) => {
    const request = indexedDB.deleteDatabase(db);
    request.onsuccess = request.onerror = request.onblocked = () => resolve(null);
  }), DB);
  await seedOpfsProject(page, DIR, PROJECT);
});

test('indexes an OPFS project in the worker pool and answers definition and reference queries', async ({ page }) => {
  const grammarRequests: { url: string; status: number }[] = [];
  page.on('requestfinished', async (request) => {
    if (request.url().includes('/tree-sitter/')) grammarRequests.push({ url: request.url(), status: (await request.response())?.status() ?? 0 });
  });

  const status = await openIndex(page);
  expect(status).toMatchObject({ state: 'ready', total: 6, parsed: 6, cached: 0, files: 6, unsupported: 2, truncated: false });
  expect(status.errors).toEqual([]);
  expect(status.workers).toBeGreaterThanOrEqual(1);

  const answers = await page.evaluate(async () => {
    const index = window.astIndex!;
    const paths = async (q: string) => (await index.definitions(q)).map((m) => `${m.match} ${m.symbol.path} ${m.symbol.file}:${m.symbol.line1}`);
    const refs = async (q: string) => (await index.references(q)).map((r) => `${r.file}:${r.line} ${r.definition} ${r.confidence}`);
    return {
      cartTotal: await paths('Cart.total'),
      load: await paths('Store::load'),
      fuzzy: (await index.definitions('subtotl')).slice(0, 1).map((m) => `${m.match} ${m.symbol.path}`),
      start: await paths('Engine.start'),
      serve: await paths('serve'),
      built: await paths('built'),
      rateRefs: await refs('rate'),
      itemRefs: await refs('Item'),
      startRefs: await refs('Engine::start'),
      skeleton: await index.skeleton('shop/cart.py'),
      appSymbols: (await index.fileSymbols('web/main.tsx')).map((s) => `${s.kind} ${s.path}`),
    };
  });
  expect(answers.cartTotal).toEqual(['suffix shop::cart::Cart::total shop/cart.py:4']);
  expect(answers.load).toEqual(['suffix web::app::Store::load web/app.ts:2']);
  expect(answers.fuzzy).toEqual(['fuzzy shop::cart::Cart::subtotal']);
  expect(answers.start).toEqual(['suffix core::Engine::start core/lib.rs:4']);
  expect(answers.serve).toEqual(['exact main::serve server/main.go:7']);
  expect(answers.built.every((a) => a.startsWith('fuzzy'))).toBe(true); // build/ is .gitignore'd
  expect(answers.rateRefs).toEqual(['shop/cart.py:5 shop::tax::rate scope']); // from shop.tax import rate
  expect(answers.itemRefs).toEqual(['web/app.ts:2 web::app::Item scope', 'web/app.ts:3 web::app::Item scope']);
  expect(answers.startRefs).toEqual(['core/lib.rs:8 core::Engine::start scope']);
  expect(answers.skeleton).toBe('shop/cart.py\n  class Cart  L3-8\n    def total(self)  L4-5\n    def subtotal(self)  L7-8');
  expect(answers.appSymbols).toEqual(['function web::main::App']);

  // The runtime and grammars came from our own origin, each fetched fine.
  expect(grammarRequests.length).toBeGreaterThanOrEqual(2);
  for (const r of grammarRequests) {
    expect(new URL(r.url).origin).toBe(new URL(page.url()).origin);
    expect(r.status, r.url).toBe(200);
  }
  expect(grammarRequests.map((r) => new URL(r.url).pathname)).toEqual(
    expect.arrayContaining(['/tree-sitter/web-tree-sitter.wasm', '/tree-sitter/tree-sitter-python.wasm', '/tree-sitter/tree-sitter-tsx.wasm']),
  );
  await page.evaluate(() => window.astIndex!.dispose());
});

test('definitions come from the quick taggers in the workers before tree-sitter has parsed any file', async ({ page }) => {
  const seen = await page.evaluate(
    async ({ dir, db }) => {
      const { createCodeIndex } = (await import('/src/code-index/index.ts' as string)) as CodeIndexModule;
      const { HandleWorkspace } = (await import('/src/workspace/handle-workspace.ts' as string)) as HandleWorkspaceModule;
      const root = await (await navigator.storage.getDirectory()).getDirectoryHandle(dir);
      const index = createCodeIndex(new HandleWorkspace({ id: 'ast-e2e-quick', source: 'opfs', root }), { dbName: db, maxFiles: 1000 });
      const phases = new Set<string>();
      index.onStatus((s) => void (s.phase && phases.add(s.phase)));
      // Parse results arrive as worker messages; from the gate opening to these answers only
      // microtasks run, so what they show is the quick tags alone.
      const early = await index.whenDefinitions();
      const paths = async (q: string) => (await index.definitions(q, { fuzzy: false })).map((m) => `${m.symbol.kind} ${m.symbol.path} ${m.symbol.file}:${m.symbol.line1}-${m.symbol.line2}`);
      const quick = {
        status: { phase: early.phase, files: early.files, quick: early.quick, usages: early.usages },
        cartTotal: await paths('Cart.total'),
        load: await paths('Store::load'),
        serve: await paths('serve'),
        start: await paths('Engine.start'),
        rateRefs: (await index.references('rate')).length,
      };
      const done = await index.whenIdle();
      const result = {
        quick,
        done: { phase: done.phase, quick: done.quick, errors: done.errors },
        phases: [...phases].sort(),
        cartTotal: await paths('Cart.total'),
        rateRefs: (await index.references('rate')).length,
      };
      index.dispose();
      return result;
    },
    { dir: DIR, db: DB },
  );
  expect(seen.quick).toEqual({
    status: { phase: 'parsing', files: 6, quick: 6, usages: 0 },
    cartTotal: ['method shop::cart::Cart::total shop/cart.py:4-5'],
    load: ['method web::app::Store::load web/app.ts:2-4'],
    serve: ['function main::serve server/main.go:7-7'],
    start: ['method core::Engine::start core/lib.rs:4-4'],
    rateRefs: 0,
  });
  expect(seen.phases).toEqual(['definitions', 'parsing']);
  expect(seen.done).toEqual({ phase: null, quick: 0, errors: [] });
  expect(seen.cartTotal).toEqual(seen.quick.cartTotal); // tree-sitter agrees
  expect(seen.rateRefs).toBe(1);
});

test('an edit shows up in the index, and a reload re-parses only the changed files', async ({ page }) => {
  await openIndex(page);

  // Edit through the workspace: its change notification feeds the index.
  const afterEdit = await page.evaluate(async () => {
    const index = window.astIndex!;
    // Every finished pass: the write's own notification, and FileSystemObserver's report of the
    // same change (which finds the content hash unchanged and parses nothing).
    const passes: number[] = [];
    index.onStatus((s) => {
      if (s.state === 'ready') passes.push(s.parsed);
    });
    await window.astWorkspace!.writeText('shop/tax.py', 'def rate():\n    return 3\n\n\ndef discount(total):\n    return total - rate()\n');
    await index.whenIdle();
    return {
      parsed: passes.reduce((a, b) => a + b, 0),
      discount: (await index.definitions('discount', { fuzzy: false })).map((m) => `${m.symbol.path} L${m.symbol.line1}`),
      rateRefs: (await index.references('rate')).map((r) => `${r.file}:${r.line} ${r.confidence}`),
    };
  });
  expect(afterEdit).toEqual({
    parsed: 1,
    discount: ['shop::tax::discount L5'],
    rateRefs: ['shop/cart.py:5 scope', 'shop/tax.py:6 scope'],
  });

  // Change one file behind the app's back (as between two visits), then reload the page.
  await page.evaluate(async (dir) => {
    window.astIndex!.dispose();
    const root = await (await navigator.storage.getDirectory()).getDirectoryHandle(dir);
    const web = await root.getDirectoryHandle('web');
    const writable = await (await web.getFileHandle('main.tsx')).createWritable();
    await writable.write('export function Shell() {\n  return null;\n}\n');
    await writable.close();
    await root.removeEntry('server', { recursive: true });
  }, DIR);
  await page.reload();

  const reloaded = await openIndex(page);
  expect(reloaded).toMatchObject({ state: 'ready', parsed: 1, cached: 4, files: 5 });
  const afterReload = await page.evaluate(async () => {
    const index = window.astIndex!;
    const names = async (q: string) => (await index.definitions(q, { fuzzy: false })).map((m) => m.symbol.path);
    const result = { shell: await names('Shell'), app: await names('App'), serve: await names('serve'), discount: await names('discount') };
    index.dispose();
    return result;
  });
  expect(afterReload).toEqual({ shell: ['web::main::Shell'], app: [], serve: [], discount: ['shop::tax::discount'] });
});
