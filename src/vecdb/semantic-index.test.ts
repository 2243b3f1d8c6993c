import 'fake-indexeddb/auto';
import path from 'node:path';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEmbedService } from '../../workers/embed.service';
import { createAstService } from '../../workers/ast.service';
import { createCodeIndex, createAstPool, indexedLanguageForPath, type AstPool, type CodeIndex } from '../code-index';
import { nodeGrammarLocator } from '../code-index/test-support';
import { inProcess, type RemoteApi } from '../worker-api/connect';
import type { EmbedWorkerApi } from '../worker-api/embed';
import { HandleWorkspace } from '../workspace/handle-workspace';
import { MemoryDirectoryHandle } from '../workspace/memory-handle';
import { chunkFile } from './chunker';
import { tinyEmbedFixture } from './embed-models';
import { createSemanticIndex, type SemanticIndex } from './semantic-index';

/*
 * The semantic index in Node, wired as the app wires it: a HandleWorkspace
 * over in-memory handles, the AST code index (in-process tree-sitter) giving
 * the symbols, and the embed service in-process on the tiny fixture model,
 * with fake-indexeddb. e2e/embed-index.module.spec.ts does the same on OPFS,
 * real workers and real IndexedDB in Chromium.
 */

const FIXTURES = path.resolve(import.meta.dirname, '../../e2e/fixtures/models');
const MODEL = tinyEmbedFixture({ dtype: 'q8', localModelPath: FIXTURES });

const FILES: Record<string, string> = {
  '.gitignore': 'generated/\n',
  'shop/tax.py': 'TAX_RATE = 0.2\n\n\ndef compute_tax(amount):\n    """Sales tax on an amount."""\n    return amount * TAX_RATE\n',
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
  'README.md': '# Shop\n\nA tiny shop.\n\n## Taxes\n\nSee compute_tax.\n',
  'generated/skip.py': 'def generated_thing():\n    pass\n',
  'logo.png': '\u0089PNG\u0000\u0000',
  'blob.dat': 'data\u0000\u0001\u0002',
};

let root: MemoryDirectoryHandle;
let workspace: HandleWorkspace;
let pool: AstPool;
let codeIndex: CodeIndex;
const open: SemanticIndex[] = [];

/** A new embed service, as a new worker after a page reload. */
function worker(): RemoteApi<EmbedWorkerApi> {
  return inProcess(createEmbedService({ nodeCpu: true }), 'embed').api;
}

/** The worker's API with `load` replaced (the remote API is a proxy: spreading it copies nothing). */
function withLoad(api: RemoteApi<EmbedWorkerApi>, load: RemoteApi<EmbedWorkerApi>['load']): RemoteApi<EmbedWorkerApi> {
  return new Proxy(api, { get: (target, key) => (key === 'load' ? load : Reflect.get(target, key)) });
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 600 && !check(); i++) await new Promise((r) => setTimeout(r, 25));
  if (!check()) throw new Error(`timed out waiting for ${what}`);
}

function semantic(embed = worker(), model = MODEL): SemanticIndex {
  const index = createSemanticIndex(workspace, {
    embed,
    model,
    // What the app passes: the AST index's definitions once it has caught up, null for files it does not parse.
    symbolsOf: async (p) => {
      await codeIndex.whenIdle();
      return indexedLanguageForPath(p) ? codeIndex.fileSymbols(p) : null;
    },
  });
  open.push(index);
  return index;
}

beforeEach(async () => {
  globalThis.indexedDB = new IDBFactory();
  root = new MemoryDirectoryHandle('shop');
  for (const [p, text] of Object.entries(FILES)) await root.put(p, text);
  workspace = new HandleWorkspace({ id: 'ws-sem', source: 'opfs', root: root.asHandle(), pollIntervalMs: 3_600_000 });
  pool = createAstPool({ size: 1, spawn: () => inProcess(createAstService({ locate: nodeGrammarLocator() })) });
  codeIndex = createCodeIndex(workspace, { pool, persist: false });
});

afterEach(() => {
  for (const i of open.splice(0)) i.dispose();
  codeIndex.dispose();
  pool.dispose();
});

// Several model loads per test, on a shared, loaded machine.
describe('createSemanticIndex', { timeout: 60_000 }, () => {
  it('indexes the text files in AST chunks and answers in the agent CodeLocation shape', async () => {
    const index = semantic();
    const status = await index.whenIdle();
    expect(status).toMatchObject({ state: 'ready', total: 5, done: 5, model: 'refact-test/tiny-embed@q8', error: null, reused: 0 });
    // tax.py: the constant + the function; cart.py: the import, the class, the function; README: two sections; .gitignore: one.
    expect(status.chunks).toBe(8);
    expect(status.embedded).toBe(8);
    // logo.png is left out by its extension, unread; blob.dat is read and found binary.
    expect(status.skipped.map((s) => s.path)).toEqual(['blob.dat']);

    const found = await index.search('compute_tax', 3, new AbortController().signal);
    expect(found[0]).toEqual({
      file_name: 'shop/tax.py',
      line1: 4,
      line2: 6,
      symbol: 'shop::tax::compute_tax',
      text: 'def compute_tax(amount):\n    """Sales tax on an amount."""\n    return amount * TAX_RATE',
    });
    const hits = await index.hits('ShoppingCart total', 8);
    expect(hits[0]).toMatchObject({ path: 'shop/cart.py', symbol: 'shop::cart::ShoppingCart', sources: ['vector', 'bm25'] });
    expect(hits.some((h) => h.sources.length === 1 && h.sources[0] === 'vector')).toBe(true);
    expect(hits.every((h) => !h.path.startsWith('generated/'))).toBe(true);

    const aborted = new AbortController();
    aborted.abort();
    await expect(index.search('cart', 3, aborted.signal)).rejects.toThrow();
  });

  it('re-embeds only the changed chunk of an edited file, and forgets a deleted one', async () => {
    const index = semantic();
    await index.whenIdle();
    const before = index.status().embedded;
    const cart = FILES['shop/cart.py']!;
    await workspace.writeText('shop/cart.py', cart.replace('return sum(self.items)', 'return sum(item.price for item in self.items)'));
    let status = await index.whenIdle();
    expect(status.embedded - before).toBe(1);
    expect((await index.hits('price', 1))[0]).toMatchObject({ path: 'shop/cart.py', symbol: 'shop::cart::ShoppingCart' });

    await workspace.remove('shop/tax.py');
    status = await index.whenIdle();
    expect(status.chunks).toBe(6);
    expect((await index.hits('compute_tax', 10)).map((h) => h.path)).not.toContain('shop/tax.py');
  });

  it('after a reload restores the index from storage: reads and chunks only files changed meanwhile, and drops deleted ones', async () => {
    const first = semantic();
    const initial = await first.whenIdle();
    expect(initial).toMatchObject({ restored: 0, filesRead: 5, filesChunked: 4, searchMode: 'hybrid' });
    first.dispose();

    // A reload with nothing changed: no file is read, chunked or embedded; search answers from the restored index.
    const reloaded = semantic();
    const status = await reloaded.whenIdle();
    // blob.dat is binary: never stored, so it is read again (the only one).
    expect(status).toMatchObject({ state: 'ready', total: 5, done: 5, embedded: 0, reused: 0, chunks: 8, restored: 4, filesRead: 1, filesChunked: 0, searchMode: 'hybrid' });
    expect((await reloaded.search('compute_tax', 1))[0]).toMatchObject({ file_name: 'shop/tax.py', line1: 4, symbol: 'shop::tax::compute_tax' });
    reloaded.dispose();

    // Edits while the app was closed: one file changed, one rewritten with the same text (new mtime), one deleted.
    await root.put('shop/tax.py', FILES['shop/tax.py']!.replace('amount * TAX_RATE', 'round(amount * TAX_RATE, 2)'));
    await root.put('README.md', FILES['README.md']!);
    await (await root.getDirectoryHandle('shop')).removeEntry('cart.py');
    const third = semantic();
    const after = await third.whenIdle();
    expect(after).toMatchObject({ state: 'ready', total: 4, restored: 4, filesRead: 3, filesChunked: 1, embedded: 1, reused: 1, chunks: 5 });
    expect((await third.hits('round', 1))[0]).toMatchObject({ path: 'shop/tax.py', line1: 4 });
    expect((await third.hits('ShoppingCart', 10)).map((h) => h.path)).not.toContain('shop/cart.py');
    third.dispose();

    // The touched README's new mtime was stored: the next reload reads only blob.dat again.
    expect(await semantic().whenIdle()).toMatchObject({ restored: 3, filesRead: 1, filesChunked: 0, embedded: 0, chunks: 5 });
  });

  it('answers keyword-only searches from the restored index while the model is still loading', async () => {
    await semantic().whenIdle();
    // A new worker whose model load is held back, as a slow download after a reload.
    const real = worker();
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const slow = withLoad(real, async (...args) => (await held, real.load(...args)));
    const index = semantic(slow);
    await until(() => index.status().searchMode === 'keyword only', 'the restored index');
    expect(index.status()).toMatchObject({ state: 'loading-model', chunks: 8, restored: 4 });
    const early = await index.hits('compute_tax', 3);
    expect(early[0]).toMatchObject({ path: 'shop/tax.py', symbol: 'shop::tax::compute_tax', sources: ['bm25'] });
    expect(early.every((h) => h.sources.join() === 'bm25')).toBe(true);

    release();
    const status = await index.whenIdle();
    expect(status).toMatchObject({ state: 'ready', searchMode: 'hybrid', embedded: 0, filesChunked: 0 });
    expect((await index.hits('compute_tax', 1))[0]!.sources).toEqual(['vector', 'bm25']);
  });

  it('retry() loads the model again after a failed load, then indexes', async () => {
    const real = worker();
    let attempts = 0;
    const flaky = withLoad(real, async (...args) => {
      if (attempts++ === 0) throw new Error('Loading the embedding model Tiny embed failed: fetch failed. https://huggingface.co/ could not be reached');
      return real.load(...args);
    });
    const index = semantic(flaky);
    const failed = await index.whenIdle();
    expect(failed).toMatchObject({ state: 'error', chunks: 0, searchMode: 'none' });
    expect(failed.error).toMatch(/could not be reached/);
    await expect(index.search('cart', 3)).rejects.toThrow(/not available: .*could not be reached/);

    const status = await index.retry();
    expect(attempts).toBe(2);
    expect(status).toMatchObject({ state: 'ready', error: null, chunks: 8, embedded: 8, searchMode: 'hybrid' });
    expect((await index.search('compute_tax', 1))[0]).toMatchObject({ file_name: 'shop/tax.py' });
  });

  it('forget() deletes its own folder\'s stored vectors only, even after the shared worker opened another folder', async () => {
    const embed = worker();
    const index = semantic(embed);
    expect((await index.whenIdle()).chunks).toBe(8);
    // The shared worker moves on to another folder with stored vectors of its own.
    await embed.open('ws-other');
    const text = 'def other_thing():\n    return 42\n';
    await embed.upsertFiles([{ path: 'other.py', chunks: chunkFile('other.py', text, null, { maxTokens: 256 }), version: { path: 'other.py', hash: 'h', size: 1, mtime: 1 } }]);

    await index.forget();
    expect(index.status().state).toBe('disposed');
    expect(await embed.status()).toMatchObject({ workspace: 'ws-other', chunks: 1 });
    // After a reload: this folder is indexed from scratch, the other one restores.
    const reloaded = semantic();
    expect(await reloaded.whenIdle()).toMatchObject({ restored: 0, embedded: 8, chunks: 8 });
    const other = worker();
    await other.open('ws-other', { model: MODEL });
    expect(await other.restore()).toMatchObject({ restored: 1, chunks: 1 });
  });

  it('forget() waits for the upsert in flight, so nothing it stores outlives the forgetting', async () => {
    const real = worker();
    let started = false;
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const upserts: Promise<unknown>[] = [];
    const slow = new Proxy(real, {
      get: (target, key) =>
        key === 'upsertFiles'
          ? (...args: Parameters<typeof real.upsertFiles>) => {
              started = true;
              const upsert = held.then(() => real.upsertFiles(...args));
              upserts.push(upsert.catch(() => undefined));
              return upsert;
            }
          : Reflect.get(target, key),
    });
    const index = semantic(slow);
    await until(() => started, 'the first upsert');
    const forgetting = index.forget();
    await new Promise((r) => setTimeout(r, 50));
    release();
    await forgetting;
    await Promise.all(upserts);
    expect(upserts.length).toBeGreaterThan(0);
    const reloaded = semantic();
    expect(await reloaded.whenIdle()).toMatchObject({ restored: 0, embedded: 8, chunks: 8 });
  });

  it('reports a model that cannot load, and search says why it cannot answer', async () => {
    const index = semantic(undefined, { ...MODEL, id: 'broken', repo: 'no-such-model' });
    const status = await index.whenIdle();
    expect(status.state).toBe('error');
    expect(status.error).toMatch(/no-such-model/);
    await expect(index.search('cart', 3)).rejects.toThrow(/semantic index is not available: .*no-such-model/);
  });
});
