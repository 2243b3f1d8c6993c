import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setSetting } from '../storage';
import { freshIndexedDb } from '../storage/test-support';
import { inProcess } from '../worker-api/connect';
import { HandleWorkspace } from '../workspace/handle-workspace';
import { MemoryDirectoryHandle } from '../workspace/memory-handle';
import { createAstService } from '../../workers/ast.service';
import { createCodeIndex, MAX_FILES_SETTING } from './code-index';
import { createAgentIndexPort } from './agent-port';
import { IndexStore } from './index-store';
import { nodeGrammarLocator } from './test-support';
import type { CodeIndex } from './types';
import { createAstPool, type AstPool } from './worker-pool';

/*
 * The whole index in Node: a HandleWorkspace over in-memory handles, the AST
 * service in-process behind the same pool (two "workers"), and IndexedDB from
 * fake-indexeddb. e2e/ast-index.module.spec.ts runs the same flow on OPFS and
 * real workers in Chromium.
 */

const FILES: Record<string, string> = {
  '.gitignore': 'generated/\n',
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
  'shop/tax.py': ['def rate():', '    return 2', '', 'class Invoice:', '    def total(self):', '        return rate()', ''].join('\n'),
  'app/main.ts': [
    "import { Cart } from './cart';",
    '',
    'export function checkout(cart: Cart): number {',
    '  return cart.total() + fee();',
    '}',
    '',
    'function fee(): number {',
    '  return 1;',
    '}',
    '',
  ].join('\n'),
  'README.md': '# shop\n',
  'generated/skip.py': 'def generated():\n    pass\n',
  'node_modules/dep/index.js': 'function dependency() {}\n',
};

let root: MemoryDirectoryHandle;
let workspace: HandleWorkspace;
let pool: AstPool;
const open: CodeIndex[] = [];

async function project(files: Record<string, string> = FILES): Promise<void> {
  root = new MemoryDirectoryHandle('shop');
  for (const [path, text] of Object.entries(files)) await root.put(path, text);
  workspace = new HandleWorkspace({ id: 'ws-1', source: 'opfs', root: root.asHandle(), pollIntervalMs: 3_600_000 });
}

function index(options: Parameters<typeof createCodeIndex>[1] = {}): CodeIndex {
  const created = createCodeIndex(workspace, { pool, maxFiles: 1000, ...options });
  open.push(created);
  return created;
}

beforeEach(async () => {
  await freshIndexedDb();
  let parses = 0;
  pool = createAstPool({
    size: 2,
    spawn: () => {
      const service = createAstService({ locate: nodeGrammarLocator() });
      return inProcess({
        ...service,
        parseFiles: (files: Parameters<typeof service.parseFiles>[0]) => {
          parses += files.length;
          return service.parseFiles(files);
        },
      });
    },
  });
  Object.defineProperty(pool, 'parses', { get: () => parses });
  await project();
});

afterEach(() => {
  vi.restoreAllMocks();
  for (const i of open.splice(0)) i.dispose();
  pool.dispose();
});

describe('createCodeIndex', () => {
  it('indexes the supported files, honouring ignore rules, and reports what it did', async () => {
    const idx = index();
    const status = await idx.whenIdle();
    expect(status).toMatchObject({ state: 'ready', total: 3, done: 3, parsed: 3, cached: 0, files: 3, unsupported: 2, truncated: false });
    expect(status.errors).toEqual([]);
    expect(status.definitions).toBe(8);
    expect(await idx.definitions('generated', { fuzzy: false })).toEqual([]); // generated/ is .gitignore'd
    expect(await idx.definitions('dependency', { fuzzy: false })).toEqual([]); // node_modules is excluded by default
  });

  it('finds definitions exactly, by Class.method / Class::method suffix, and fuzzily', async () => {
    const idx = index();
    await idx.whenIdle();
    const total = await idx.definitions('total');
    expect(total.map((m) => [m.symbol.path, m.match])).toEqual([
      ['shop::cart::Cart::total', 'exact'],
      ['shop::tax::Invoice::total', 'exact'],
    ]);
    expect(total[0]!.symbol).toMatchObject({ file: 'shop/cart.py', language: 'python', kind: 'method', line1: 4, line2: 5 });
    for (const query of ['Cart.total', 'Cart::total', 'cart::Cart::total', 'shop::cart::Cart::total', 'shop.cart.Cart.total']) {
      expect((await idx.definitions(query)).map((m) => m.symbol.path), query).toEqual(['shop::cart::Cart::total']);
    }
    expect((await idx.definitions('Invoice.total'))[0]).toMatchObject({ match: 'suffix', score: 1 });
    const fuzzy = await idx.definitions('subtot');
    expect(fuzzy[0]).toMatchObject({ match: 'fuzzy', symbol: { path: 'shop::cart::Cart::subtotal' } });
    expect(await idx.definitions('subtot', { fuzzy: false })).toEqual([]);
    expect((await idx.definitions('chekout'))[0]?.symbol.name).toBe('checkout');
  });

  it('links usages to definitions by scope across files', async () => {
    const idx = index();
    await idx.whenIdle();
    const rate = await idx.references('rate');
    expect(rate.map((r) => `${r.file}:${r.line} ${r.definition} ${r.confidence}`)).toEqual([
      'shop/cart.py:5 shop::tax::rate scope', // `from shop.tax import rate`
      'shop/tax.py:6 shop::tax::rate scope', // same file, found by scope
    ]);
    const subtotal = await idx.references('Cart.subtotal');
    expect(subtotal).toEqual([
      expect.objectContaining({ file: 'shop/cart.py', line: 5, receiver: 'self', definition: 'shop::cart::Cart::subtotal', confidence: 'scope' }),
    ]);
    // Invoice.total is never called; cart.total() in TypeScript might be Invoice.total (a name match).
    const invoiceTotal = await idx.references('Invoice::total');
    expect(invoiceTotal.map((r) => `${r.file}:${r.line} ${r.confidence}`)).toEqual(['app/main.ts:4 name']);
    // A symbol from definitions() works as well, and unknown names give their usages unlinked.
    const [checkout] = await idx.definitions('fee');
    expect((await idx.references(checkout!.symbol)).map((r) => r.line)).toEqual([4]);
    expect(await idx.references('nowhere')).toEqual([]);
  });

  it('lists a file’s symbols and renders its skeleton for @tree --ast', async () => {
    const idx = index();
    await idx.whenIdle();
    expect((await idx.fileSymbols('shop/cart.py')).map((s) => s.path)).toEqual([
      'shop::cart::Cart',
      'shop::cart::Cart::total',
      'shop::cart::Cart::subtotal',
    ]);
    expect(await idx.skeleton('shop/cart.py')).toBe(
      ['shop/cart.py', '  class Cart  L3-8', '    def total(self)  L4-5', '    def subtotal(self)  L7-8'].join('\n'),
    );
    expect(await idx.skeleton('README.md')).toBeNull();
    expect(await idx.fileSymbols('missing.py')).toEqual([]);
  });

  it('follows edits, new files and deletions reported by the workspace', async () => {
    const idx = index();
    await idx.whenIdle();
    await workspace.writeText('shop/tax.py', 'def rate():\n    return 3\n\ndef discount():\n    return rate()\n');
    let status = await idx.whenIdle();
    expect(status.parsed).toBe(1);
    expect((await idx.definitions('discount')).map((m) => m.symbol.line1)).toEqual([4]);
    expect(await idx.definitions('Invoice', { fuzzy: false })).toEqual([]);
    await workspace.writeText('shop/new_module.py', 'def fresh():\n    return 1\n');
    await workspace.remove('app', { recursive: true });
    status = await idx.whenIdle();
    expect((await idx.definitions('fresh')).map((m) => m.symbol.file)).toEqual(['shop/new_module.py']);
    expect(await idx.definitions('checkout', { fuzzy: false })).toEqual([]);
    expect(status).toMatchObject({ files: 3, state: 'ready' });
    // Writing identical content again does not re-parse.
    await workspace.writeText('shop/new_module.py', 'def fresh():\n    return 1\n');
    expect((await idx.whenIdle()).parsed).toBe(0);
  });

  it('after a reload, re-parses only the files that changed (content hash in IndexedDB)', async () => {
    const first = index();
    await first.whenIdle();
    first.dispose();
    const parsesBefore = (pool as unknown as { parses: number }).parses;

    const unchanged = index();
    expect(await unchanged.whenIdle()).toMatchObject({ parsed: 0, cached: 3, files: 3 });
    expect((pool as unknown as { parses: number }).parses).toBe(parsesBefore);
    expect((await unchanged.definitions('Cart.total')).length).toBe(1);
    unchanged.dispose();

    // Edited while no index was running (as between two visits).
    await root.put('shop/cart.py', 'class Cart:\n    def grand_total(self):\n        return 1\n');
    // Touched but identical: mtime changes, the hash does not.
    const tax = await workspace.readText('shop/tax.py');
    await root.put('shop/tax.py', tax.kind === 'text' ? tax.text : '');
    const reloaded = index();
    const status = await reloaded.whenIdle();
    expect(status).toMatchObject({ parsed: 1, cached: 2, files: 3 });
    expect((pool as unknown as { parses: number }).parses).toBe(parsesBefore + 1);
    expect((await reloaded.definitions('Cart.grand_total')).length).toBe(1);
    expect(await reloaded.definitions('Cart.total', { fuzzy: false })).toEqual([]);
  });

  it('reports binaries and files over the size limit as skipped, and caps the file count', async () => {
    await root.put('big.py', `x = "${'a'.repeat(3000)}"\n`);
    await root.put('blob.py', new Uint8Array([0x64, 0x65, 0x66, 0, 1, 2, 0xff]));
    const idx = index({ maxFileBytes: 2000 });
    let status = await idx.whenIdle();
    expect(status.skipped).toEqual([
      { path: 'big.py', reason: expect.stringContaining('over the') },
      { path: 'blob.py', reason: expect.stringMatching(/binary|NUL/i) },
    ]);
    expect(status).toMatchObject({ files: 3, skippedCount: 2 });
    idx.dispose();

    const capped = index({ maxFiles: 2, persist: false });
    status = await capped.whenIdle();
    expect(status).toMatchObject({ files: 2, total: 2, truncated: true });
    expect(status.skipped.filter((s) => s.reason.includes('file limit')).map((s) => s.path)).toEqual(['blob.py', 'shop/cart.py', 'shop/tax.py']);
  });

  it('takes the file cap from the codeIndex.maxFiles setting', async () => {
    await setSetting(MAX_FILES_SETTING, 1);
    const idx = createCodeIndex(workspace, { pool, persist: false });
    open.push(idx);
    expect(await idx.whenIdle()).toMatchObject({ files: 1, truncated: true });
  });

  it('reports progress, and refuses calls once disposed', async () => {
    const idx = index();
    const seen: string[] = [];
    idx.onStatus((s) => seen.push(`${s.state}:${s.done}/${s.total}`));
    await idx.whenIdle();
    expect(seen.at(-1)).toBe('ready:3/3');
    expect(seen).toContain('indexing:0/3');
    idx.dispose();
    expect(idx.status().state).toBe('disposed');
    await expect(idx.definitions('x')).rejects.toThrow(/definitions\(\) failed: the code index of "shop" was disposed/);
  });

  it('keeps its IndexedDB records under its own key, and forgets deleted files there too', async () => {
    const idx = index();
    await idx.whenIdle();
    const store = new IndexStore('ws-1');
    const stored = async (pageSize: number) => {
      const paths: string[] = [];
      for await (const page of store.load(pageSize)) paths.push(...page.map(([path]) => path));
      return paths;
    };
    expect(await stored(2)).toEqual(['app/main.ts', 'shop/cart.py', 'shop/tax.py']); // read in pages of 2
    await workspace.remove('shop/tax.py');
    await idx.whenIdle();
    expect(await stored(64)).toEqual(['app/main.ts', 'shop/cart.py']);
    expect(await new IndexStore('ws-2').load().next()).toEqual({ done: true, value: undefined });
    expect(store.key).toBe('ast:ws-1');
  });

  it('answers definitions from the quick tagger before tree-sitter has parsed anything, then adds usages', async () => {
    let release = (): void => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    let parsedBatches = 0;
    const heldPool = createAstPool({
      size: 1,
      spawn: () => {
        const service = createAstService({ locate: nodeGrammarLocator() });
        return inProcess({
          ...service,
          parseFiles: async (files: Parameters<typeof service.parseFiles>[0]) => {
            await held;
            parsedBatches++;
            return service.parseFiles(files);
          },
        });
      },
    });
    try {
      const idx = index({ pool: heldPool });
      const early = await idx.whenDefinitions();
      expect(parsedBatches).toBe(0);
      expect(early).toMatchObject({ state: 'indexing', phase: 'parsing', files: 3, quick: 3, usages: 0 });
      const [total] = await idx.definitions('Cart.total');
      expect(total?.symbol).toMatchObject({ path: 'shop::cart::Cart::total', kind: 'method', line1: 4, file: 'shop/cart.py' });
      expect((await idx.definitions('checkout'))[0]?.symbol).toMatchObject({ path: 'app::main::checkout', kind: 'function', line1: 3 });
      expect(await idx.references('rate')).toEqual([]);

      release();
      const done = await idx.whenIdle();
      expect(parsedBatches).toBeGreaterThan(0);
      expect(done).toMatchObject({ state: 'ready', phase: null, quick: 0, definitions: 8 });
      expect((await idx.references('rate')).map((r) => `${r.file}:${r.line}`)).toEqual(['shop/cart.py:5', 'shop/tax.py:6']);
    } finally {
      heldPool.dispose();
    }
  });

  it('keeps a file findable by its quick-tagged definitions when its parse fails', async () => {
    const failingPool = createAstPool({
      size: 1,
      spawn: () => {
        const service = createAstService({ locate: nodeGrammarLocator() });
        return inProcess({
          ...service,
          parseFiles: async (files: Parameters<typeof service.parseFiles>[0]) =>
            (await service.parseFiles(files)).map((r) =>
              r.ok && r.file.path === 'shop/tax.py' ? { ok: false as const, path: r.file.path, reason: 'error' as const, message: 'shop/tax.py: parsing took longer than 10 s; skipped' } : r,
            ),
        });
      },
    });
    try {
      const idx = index({ pool: failingPool });
      const status = await idx.whenIdle();
      expect(status.quick).toBe(1);
      expect(status.errors).toEqual([{ path: 'shop/tax.py', reason: expect.stringMatching(/longer than 10 s.*quick tagger are kept/) }]);
      expect((await idx.definitions('Invoice.total'))[0]?.symbol).toMatchObject({ file: 'shop/tax.py', line1: 5 });
    } finally {
      failingPool.dispose();
    }
  });

  it('indexes every file of a big folder, usages included, when the reading lanes interleave', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 120; i++) files[`pkg/m${String(i).padStart(3, '0')}.py`] = `def f${i}():\n    return g${i}()\n\ndef g${i}():\n    return 1\n`;
    await project(files);
    // A clock that jumps 13 ms per reading: every lane yields to the page before every file.
    let now = 0;
    vi.spyOn(performance, 'now').mockImplementation(() => (now += 13));
    const status = await index({ persist: false }).whenIdle();
    expect(status).toMatchObject({ state: 'ready', error: null, files: 120, parsed: 120, definitions: 240, usages: 120, quick: 0 });
    expect(status.errors).toEqual([]);
  });

  it('says so when a pass stops on an unexpected error, refuses to answer the agent, and retries on the next change', async () => {
    let broken = true;
    const flaky: AstPool = {
      size: pool.size,
      parse: (files) => pool.parse(files),
      tag: (files) => {
        if (broken) throw new Error('the tagger crashed');
        return pool.tag(files);
      },
      prepare: (languages) => pool.prepare(languages),
      dispose: () => {},
    };
    const idx = index({ pool: flaky, persist: false });
    const states: string[] = [];
    idx.onStatus((s) => states.push(s.state));
    expect(await idx.whenDefinitions()).toMatchObject({ state: 'error', error: 'the tagger crashed' });
    expect(await idx.whenIdle()).toMatchObject({ state: 'error', error: 'the tagger crashed', phase: null });
    expect(states.at(-1)).toBe('error');
    const port = createAgentIndexPort(idx);
    const signal = new AbortController().signal;
    await expect(port.definitions('rate', signal)).rejects.toThrow(/definitions\(\) failed: the code index stopped before indexing every file \(the tagger crashed\)/);
    await expect(port.references('rate', signal)).rejects.toThrow(/references\(\) failed: .*the tagger crashed/);

    broken = false;
    await workspace.writeText('shop/tax.py', 'def rate():\n    return 3\n');
    const retried = await idx.whenIdle();
    expect(retried).toMatchObject({ state: 'ready', error: null, files: 3 });
    expect((await port.definitions('Cart.total', signal)).map((l) => l.symbol)).toEqual(['shop::cart::Cart::total']);
  });
});
