import 'fake-indexeddb/auto';
import path from 'node:path';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEmbedService } from '../../workers/embed.service';
import { createAstService } from '../../workers/ast.service';
import { createCodeIndex, createAstPool, indexedLanguageForPath, type AstPool, type CodeIndex } from '../code-index';
import { nodeGrammarLocator } from '../code-index/test-support';
import { inProcess } from '../worker-api/connect';
import { HandleWorkspace } from '../workspace/handle-workspace';
import { MemoryDirectoryHandle } from '../workspace/memory-handle';
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

function semantic(embed = inProcess(createEmbedService({ nodeCpu: true }), 'embed').api, model = MODEL): SemanticIndex {
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

describe('createSemanticIndex', () => {
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

  it('after a reload (new worker, new index) reuses every stored vector', async () => {
    await semantic().whenIdle();
    const reloaded = semantic();
    const status = await reloaded.whenIdle();
    expect(status).toMatchObject({ state: 'ready', embedded: 0, reused: 8, chunks: 8 });
  });

  it('reports a model that cannot load, and search says why it cannot answer', async () => {
    const index = semantic(undefined, { ...MODEL, id: 'broken', repo: 'no-such-model' });
    const status = await index.whenIdle();
    expect(status.state).toBe('error');
    expect(status.error).toMatch(/no-such-model/);
    await expect(index.search('cart', 3)).rejects.toThrow(/semantic index is not available: .*no-such-model/);
  });
});
