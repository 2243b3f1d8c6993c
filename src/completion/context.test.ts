import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCodeIndex } from '../code-index/code-index';
import { nodeGrammarLocator } from '../code-index/test-support';
import type { CodeIndex } from '../code-index/types';
import { createAstPool, type AstPool } from '../code-index/worker-pool';
import { inProcess } from '../worker-api/connect';
import { HandleWorkspace } from '../workspace/handle-workspace';
import { MemoryDirectoryHandle } from '../workspace/memory-handle';
import { createAstService } from '../../workers/ast.service';
import type { CompletionBackend, FimInput } from './backend';
import { CompletionCache } from './cache';
import { codeCompletion, type CompletionEnv } from './code-completion';
import { gatherContext, namesNearCursor, type ContextIndex } from './context';

/*
 * Context gathering over a real tree-sitter index: the AST service runs
 * in-process in Node over an in-memory workspace (as code-index.test.ts does).
 */

const CART = [
  'from shop.tax import rate',
  'from shop.discount import Discount',
  '',
  '',
  'def subtotal(items):',
  '    return sum(items)',
  '',
  '',
  'def total(items, region):',
  '    discount = Discount(10)',
  '    amount = discount.apply(subtotal(items))',
  '    return amount * (1 + rate(region))', // line 11: the cursor's
  '',
].join('\n');
const CURSOR_LINE = 11;

const FILES: Record<string, string> = {
  'shop/tax.py': 'def rate(region):\n    return 0.2 if region == "eu" else 0.1\n',
  'shop/discount.py': [
    'class Discount:',
    '    def __init__(self, percent):',
    '        self.percent = percent',
    '',
    '    def apply(self, amount):',
    '        return amount * (1 - self.percent / 100)',
    '',
  ].join('\n'),
  'shop/cart.py': CART,
};

const TAX = { path: 'shop/tax.py', text: 'def rate(region)', symbol: 'shop::tax::rate' };
const DISCOUNT = {
  path: 'shop/discount.py',
  text: 'class Discount\n    def __init__(self, percent)\n    def apply(self, amount)',
  symbol: 'shop::discount::Discount',
};

let pool: AstPool;
let index: CodeIndex;

beforeAll(async () => {
  const root = new MemoryDirectoryHandle('shop');
  for (const [path, text] of Object.entries(FILES)) await root.put(path, text);
  const workspace = new HandleWorkspace({ id: 'ws-context', source: 'opfs', root: root.asHandle(), pollIntervalMs: 3_600_000 });
  pool = createAstPool({ size: 1, spawn: () => inProcess(createAstService({ locate: nodeGrammarLocator() })) });
  index = createCodeIndex(workspace, { pool, maxFiles: 100, persist: false, watch: false });
  expect(await index.whenIdle()).toMatchObject({ state: 'ready', files: 3 });
});

afterAll(() => {
  index.dispose();
  pool.dispose();
});

const at = (line: number, budgetChars = 2000) => ({ path: 'shop/cart.py', text: CART, line, budgetChars });

describe('namesNearCursor', () => {
  it('takes identifiers from the cursor line first, then alternately above and below, without keywords', () => {
    const names = namesNearCursor(CART, CURSOR_LINE);
    expect(names.slice(0, 7)).toEqual(['amount', 'rate', 'region', 'discount', 'apply', 'subtotal', 'items']);
    for (const keyword of ['return', 'def', 'from', 'import']) expect(names).not.toContain(keyword);
  });
});

describe('gatherContext', () => {
  it("gives other files' definitions, nearest use first: a signature, and a class as its skeleton", async () => {
    // The method used (apply) brings its class's skeleton, in the method's nearer place; it is not listed twice.
    expect(await gatherContext(index, at(CURSOR_LINE))).toEqual([TAX, DISCOUNT]);
  });

  it('leaves out same-file definitions near the cursor (the prompt shows them)', async () => {
    const snippets = await gatherContext(index, at(CURSOR_LINE));
    expect(snippets.map((s) => s.path)).not.toContain('shop/cart.py');
    expect(JSON.stringify(snippets)).not.toContain('subtotal');
  });

  it('keeps within the budget, dropping what does not fit', async () => {
    expect(await gatherContext(index, at(CURSOR_LINE, TAX.text.length + DISCOUNT.text.length))).toEqual([TAX, DISCOUNT]);
    expect(await gatherContext(index, at(CURSOR_LINE, TAX.text.length))).toEqual([TAX]);
    expect(await gatherContext(index, at(CURSOR_LINE, 10))).toEqual([]);
  });

  it('a method alone when its class does not fit', async () => {
    const snippets = await gatherContext(index, at(CURSOR_LINE, TAX.text.length + 'def apply(self, amount)'.length + 5));
    expect(snippets).toEqual([TAX, { path: 'shop/discount.py', text: 'def apply(self, amount)', symbol: 'shop::discount::Discount::apply' }]);
  });

  it('never looks up keywords', async () => {
    const asked: string[] = [];
    const spy: ContextIndex = {
      definitions: (query, options) => (asked.push(query), index.definitions(query, options)),
      fileSymbols: (path) => index.fileSymbols(path),
    };
    await gatherContext(spy, at(CURSOR_LINE));
    expect(asked).toContain('rate');
    for (const keyword of ['return', 'def', 'from', 'import', 'self']) expect(asked).not.toContain(keyword);
  });
});

describe('codeCompletion with the index', () => {
  function envWith(contextIndex: ContextIndex | null): { env: CompletionEnv; inputs: FimInput[] } {
    const inputs: FimInput[] = [];
    // A real model cannot run in Node: the backend records its input and answers a fixed text.
    const backend: CompletionBackend = { label: 'scripted', complete: async (input) => (inputs.push(input), { text: 'x', finish_reason: 'stop' }) };
    const env: CompletionEnv = { route: async () => ({ model: 'm', backend, nCtx: 4096 }), index: () => contextIndex, repoName: () => 'shop', cache: new CompletionCache() };
    return { env, inputs };
  }
  const request = { inputs: { sources: { 'shop/cart.py': `${CART}    ` }, cursor: { file: 'shop/cart.py', line: 12, character: 4 }, multiline: true } };

  it('passes the context to the backend and lists it in the response', async () => {
    const { env, inputs } = envWith(index);
    const response = await codeCompletion(request, new AbortController().signal, env);
    expect(inputs[0]!.context).toEqual([TAX, DISCOUNT]);
    expect(response.context).toEqual([
      { file_name: 'shop/tax.py', symbol: 'shop::tax::rate' },
      { file_name: 'shop/discount.py', symbol: 'shop::discount::Discount' },
    ]);
  });

  it('works without context when there is no index, or use_ast is off', async () => {
    for (const [contextIndex, extra] of [
      [null, {}],
      [index, { use_ast: false }],
    ] as const) {
      const { env, inputs } = envWith(contextIndex);
      const response = await codeCompletion({ ...request, ...extra }, new AbortController().signal, env);
      expect(response.choices[0]!.code_completion).toBe('x');
      expect(inputs[0]!.context).toEqual([]);
    }
  });

  it('works without context when the index cannot answer', async () => {
    const broken: ContextIndex = { definitions: () => Promise.reject(new Error('the index was disposed')), fileSymbols: () => Promise.resolve([]) };
    const { env, inputs } = envWith(broken);
    expect((await codeCompletion(request, new AbortController().signal, env)).choices[0]!.code_completion).toBe('x');
    expect(inputs[0]!.context).toEqual([]);
  });
});
