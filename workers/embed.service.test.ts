import 'fake-indexeddb/auto';
import path from 'node:path';
import { IDBFactory } from 'fake-indexeddb';
import { beforeEach, describe, expect, it } from 'vitest';
import { chunkFile } from '../src/vecdb/chunker';
import { tinyEmbedFixture } from '../src/vecdb/embed-models';
import { progressCallback, inProcess } from '../src/worker-api/connect';
import type { EmbedLoadProgress } from '../src/worker-api/embed';
import { createEmbedService } from './embed.service';

/*
 * The embed service in Node, in-process, on the real tiny fixture model
 * (transformers.js on onnxruntime-node's CPU) with IndexedDB from
 * fake-indexeddb. e2e/embed-index.module.spec.ts runs it in a real worker on
 * WASM and WebGPU in Chromium.
 */

const FIXTURES = path.resolve(import.meta.dirname, '../e2e/fixtures/models');
const MODEL = tinyEmbedFixture({ dtype: 'fp32', localModelPath: FIXTURES });

const TAX = 'def compute_tax(amount):\n    """Sales tax on an amount."""\n    return amount * TAX_RATE\n';
const CART = 'class ShoppingCart:\n    def total(self):\n        return sum(self.items)\n\n\ndef checkout(cart):\n    return cart.total()\n';
const MAIL = 'def send_welcome_email(user):\n    smtp.send(user.email, "Welcome!")\n';

/** Definitions as the AST index gives them, by line: one chunk per top-level definition. */
const SYMBOLS: Record<string, { name: string; path: string; kind: string; line1: number; line2: number }[]> = {
  'shop/tax.py': [{ name: 'compute_tax', path: 'shop::tax::compute_tax', kind: 'function', line1: 1, line2: 3 }],
  'shop/cart.py': [
    { name: 'ShoppingCart', path: 'shop::cart::ShoppingCart', kind: 'class', line1: 1, line2: 3 },
    { name: 'checkout', path: 'shop::cart::checkout', kind: 'function', line1: 6, line2: 7 },
  ],
};
const chunks = (p: string, text: string) => chunkFile(p, text, SYMBOLS[p] ?? null, { maxTokens: 256 });

function service() {
  return inProcess(createEmbedService({ nodeCpu: true }), 'embed').api;
}

beforeEach(() => {
  globalThis.indexedDB = new IDBFactory();
});

describe('embed service (tiny fixture, Node CPU)', () => {
  it('loads the model with progress, embeds to normalized 64-d vectors, and refuses to work before load/open', async () => {
    const api = service();
    await expect(api.open('ws')).rejects.toThrow(/load an embedding model first/);
    await expect(api.embed(['x'])).rejects.toThrow(/no embedding model is loaded/);
    const progress: EmbedLoadProgress[] = [];
    const status = await api.load(MODEL, progressCallback((p: EmbedLoadProgress) => progress.push(p)));
    expect(status).toMatchObject({ ready: true, model: 'refact-test/tiny-embed@fp32', device: 'cpu' });
    expect(progress.at(-1)?.phase).toBe('ready');
    const [a, b, c] = await api.embed(['Hello world', 'Hello world', 'The capital of France is Paris.']);
    expect(a!.length).toBe(64);
    expect(Math.hypot(...a!)).toBeCloseTo(1, 4);
    expect([...a!]).toEqual([...b!]);
    const cos = a!.reduce((s, x, i) => s + x * c![i]!, 0);
    expect(cos).toBeCloseTo(0.5621, 3); // the fixture README's figure
    await expect(api.upsertFiles([])).rejects.toThrow(/no workspace index is open/);
  });

  it('indexes chunks, finds one by an identifier through both rankings, and drops removed files', async () => {
    const api = service();
    await api.load(MODEL);
    await api.open('ws-1');
    const result = await api.upsertFiles([
      { path: 'shop/tax.py', chunks: chunks('shop/tax.py', TAX) },
      { path: 'shop/cart.py', chunks: chunks('shop/cart.py', CART) },
      { path: 'mail/welcome.py', chunks: chunks('mail/welcome.py', MAIL) },
    ]);
    expect(result).toEqual({ embedded: 4, reused: 0, chunks: 4 });

    const hits = await api.search('compute_tax', 3);
    expect(hits[0]).toMatchObject({ path: 'shop/tax.py', line1: 1, line2: 3 });
    expect(hits[0]!.sources).toEqual(expect.arrayContaining(['bm25', 'vector']));
    expect(hits.length).toBe(3);
    // Path words count: a query naming the folder finds the file.
    expect((await api.search('mail', 1))[0]!.path).toBe('mail/welcome.py');

    await api.removePaths(['shop']);
    expect((await api.status()).chunks).toBe(1);
    expect((await api.search('compute_tax', 3)).map((h) => h.path)).toEqual(['mail/welcome.py']);
    await expect(api.search('   ', 3)).rejects.toThrow(/query is empty/);
  });

  it('embeds only chunks it has no stored vector for, also in a new worker (a reload)', async () => {
    const first = service();
    await first.load(MODEL);
    await first.open('ws-2');
    await first.upsertFiles([{ path: 'shop/cart.py', chunks: chunks('shop/cart.py', CART) }]);
    // An edit to one of the two chunks: only that one is embedded again.
    const edited = CART.replace('return cart.total()', 'return cart.total() + shipping(cart)');
    expect(await first.upsertFiles([{ path: 'shop/cart.py', chunks: chunks('shop/cart.py', edited) }])).toEqual({ embedded: 1, reused: 1, chunks: 2 });

    const reloaded = service();
    await reloaded.load(MODEL);
    await reloaded.open('ws-2');
    const before = (await reloaded.status()).embedded;
    expect(await reloaded.upsertFiles([{ path: 'shop/cart.py', chunks: chunks('shop/cart.py', edited) }])).toEqual({ embedded: 0, reused: 2, chunks: 2 });
    expect((await reloaded.status()).embedded).toBe(before);
    expect((await reloaded.search('shipping', 1))[0]).toMatchObject({ path: 'shop/cart.py', line1: 6 });

    // clear() forgets the stored vectors too.
    await reloaded.clear();
    expect(await reloaded.upsertFiles([{ path: 'shop/cart.py', chunks: chunks('shop/cart.py', edited) }])).toMatchObject({ embedded: 2, reused: 0 });
  });

  it('says which model failed to load and why', async () => {
    const api = service();
    await expect(api.load({ ...MODEL, id: 'missing', repo: 'no-such-model' })).rejects.toThrow(/Loading the embedding model .*no-such-model.* failed/);
    await expect(api.load({ id: 'x' } as never)).rejects.toThrow(/not an embedding model spec/);
    expect(await api.status()).toMatchObject({ ready: false, model: null });
  });
});
