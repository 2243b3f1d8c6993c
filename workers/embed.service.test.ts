import 'fake-indexeddb/auto';
import path from 'node:path';
import { IDBFactory } from 'fake-indexeddb';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { chunkFile, chunkFileCounted, type ChunkSymbol } from '../src/vecdb/chunker';
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

// Counts the ONNX sessions built: transformers.js's pipeline(), passed through to the real one.
const pipelines = vi.hoisted(() => ({ built: 0 }));
vi.mock('@huggingface/transformers', async (importOriginal) => {
  const lib = await importOriginal<typeof import('@huggingface/transformers')>();
  const pipeline = ((...args: Parameters<typeof lib.pipeline>) => {
    pipelines.built++;
    return lib.pipeline(...args);
  }) as typeof lib.pipeline;
  return { ...lib, pipeline };
});

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

describe('embed service (tiny fixture, Node CPU)', { timeout: 60_000 }, () => {
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
    await reloaded.clear('ws-2');
    expect(await reloaded.upsertFiles([{ path: 'shop/cart.py', chunks: chunks('shop/cart.py', edited) }])).toMatchObject({ embedded: 2, reused: 0 });
  });

  it('stores upserted files and restores the index in a new worker without the model: keyword search first, hybrid once loaded', async () => {
    const first = service();
    await first.load(MODEL);
    await first.open('ws-3');
    const v = (p: string, hash: string) => ({ path: p, hash, size: 100, mtime: 1_700_000_000_000 });
    await first.upsertFiles([
      { path: 'shop/tax.py', chunks: chunks('shop/tax.py', TAX), version: v('shop/tax.py', 'h-tax') },
      { path: 'shop/cart.py', chunks: chunks('shop/cart.py', CART), version: v('shop/cart.py', 'h-cart') },
      { path: 'mail/welcome.py', chunks: chunks('mail/welcome.py', MAIL), version: v('mail/welcome.py', 'h-mail') },
    ]);
    await first.removePaths(['mail']);
    await first.touchFiles([{ ...v('shop/tax.py', 'h-tax'), mtime: 1_800_000_000_000 }]);

    // A reload: the index opens for the model before it is loaded, and comes back from IndexedDB.
    const reloaded = service();
    await reloaded.open('ws-3', { model: MODEL });
    const restored = await reloaded.restore();
    expect(restored).toMatchObject({ restored: 2, stale: 0, chunks: 3 });
    expect(restored.files.sort((a, b) => a.path.localeCompare(b.path))).toEqual([
      v('shop/cart.py', 'h-cart'),
      { ...v('shop/tax.py', 'h-tax'), mtime: 1_800_000_000_000 },
    ]);
    expect(await reloaded.status()).toMatchObject({ ready: false, chunks: 3, embedded: 0 });
    const keyword = await reloaded.search('compute_tax', 3);
    expect(keyword[0]).toMatchObject({ path: 'shop/tax.py', line1: 1, line2: 3, sources: ['bm25'] });
    await expect(reloaded.upsertFiles([])).rejects.toThrow(/no embedding model is loaded/);

    // Loading the index's model keeps the restored index, and search becomes hybrid.
    await reloaded.load(MODEL);
    expect((await reloaded.status()).chunks).toBe(3);
    expect((await reloaded.search('compute_tax', 1))[0]!.sources).toEqual(['vector', 'bm25']);
    expect((await reloaded.status()).embedded).toBe(0);
    // A second restore (a new page-side index on the same worker) answers with the same files, adding none.
    expect(await reloaded.restore()).toMatchObject({ restored: 0, chunks: 3 });
    expect((await reloaded.restore()).files.length).toBe(2);
  });

  it('counts tokens with the model tokenizer, and the counted chunker keeps every chunk within maxTokens', async () => {
    const api = service();
    await api.load(MODEL);
    const [one, text] = await api.countTokens(['x', 'def compute_tax(amount):\n  return amount']);
    expect(one).toBe(3); // [CLS] x [SEP]
    expect(text).toBeGreaterThan(10);

    // A long function of dense code (about one token per two characters): the 3-chars-per-token estimate lets chunks overflow.
    const body = Array.from({ length: 150 }, (_, i) => `    t[${i}]=(a[${i}]*b[${i}]+c[${i}])%m;`);
    const source = ['def dense(a, b, c, m):', '    t = {}', ...body, '    return t', ''].join('\n');
    const symbols: ChunkSymbol[] = [{ name: 'dense', path: 'calc::dense', kind: 'function', line1: 1, line2: body.length + 3 }];
    const maxTokens = MODEL.maxTokens;
    const estimated = chunkFile('calc.py', source, symbols, { maxTokens });
    const estimatedCounts = await api.countTokens(estimated.map((c) => c.text));
    expect(Math.max(...estimatedCounts)).toBeGreaterThan(maxTokens);

    let calls = 0;
    let texts = 0;
    const counted = await chunkFileCounted('calc.py', source, symbols, {
      maxTokens,
      countTokens: (batch) => {
        calls++;
        texts += batch.length;
        return api.countTokens(batch);
      },
    });
    expect(counted.length).toBeGreaterThan(estimated.length);
    const counts = await api.countTokens(counted.map((c) => c.text));
    expect(Math.max(...counts)).toBeLessThanOrEqual(maxTokens);
    // Consecutive lines, none lost, each chunk named by its function.
    expect(counted[0]!.line1).toBe(1);
    expect(counted.at(-1)!.line2).toBe(body.length + 3);
    for (let i = 1; i < counted.length; i++) expect(counted[i]!.line1).toBe(counted[i - 1]!.line2 + 1);
    expect(counted.every((c) => c.symbol === 'calc::dense')).toBe(true);
    // Counted per candidate chunk, in a few batches, not per line.
    expect(calls).toBeLessThanOrEqual(5);
    expect(texts).toBeLessThan(body.length / 4);

    // One minified line far over the limit: its start is kept, within the limit.
    const minified = `var a=[${Array.from({ length: 400 }, (_, i) => i).join(',')}];`;
    const [cut] = await chunkFileCounted('app.min.js', minified, null, { maxTokens, countTokens: (batch) => api.countTokens(batch) });
    expect(minified.startsWith(cut!.text)).toBe(true);
    const [cutCount] = await api.countTokens([cut!.text]);
    expect(cutCount).toBeLessThanOrEqual(maxTokens);
    expect(cutCount).toBeGreaterThan(maxTokens * 0.5);
  });

  it('loads a model once when it is asked for again while still loading, and each caller hears its progress', async () => {
    const api = service();
    const before = pipelines.built;
    const first: EmbedLoadProgress[] = [];
    const second: EmbedLoadProgress[] = [];
    // Disable/enable or a folder switch during the download: the same model asked for twice.
    const [a, b] = await Promise.all([
      api.load(MODEL, progressCallback((p: EmbedLoadProgress) => first.push(p))),
      api.load({ ...MODEL }, progressCallback((p: EmbedLoadProgress) => second.push(p))),
    ]);
    expect(pipelines.built - before).toBe(1);
    expect(a).toMatchObject({ ready: true, model: MODEL.id });
    expect(b).toMatchObject({ ready: true, model: MODEL.id });
    expect(first.at(-1)?.phase).toBe('ready');
    expect(second.at(-1)?.phase).toBe('ready');
    // Loaded: asking again builds nothing either.
    await api.load(MODEL);
    expect(pipelines.built - before).toBe(1);
  });

  it('clear(workspaceId) deletes only that workspace\'s stored vectors, also while another is open, and an upsert in flight does not store them again', async () => {
    const api = service();
    await api.load(MODEL);
    await api.open('ws-a');
    await api.upsertFiles([{ path: 'shop/tax.py', chunks: chunks('shop/tax.py', TAX), version: { path: 'shop/tax.py', hash: 'h', size: 1, mtime: 1 } }]);
    await api.open('ws-b');
    await api.upsertFiles([{ path: 'shop/cart.py', chunks: chunks('shop/cart.py', CART), version: { path: 'shop/cart.py', hash: 'h', size: 1, mtime: 1 } }]);

    // ws-b is open; forgetting ws-a leaves ws-b (in memory and stored) alone.
    await api.clear('ws-a');
    expect(await api.status()).toMatchObject({ workspace: 'ws-b', chunks: 2 });
    expect(await api.upsertFiles([{ path: 'shop/cart.py', chunks: chunks('shop/cart.py', CART), version: { path: 'shop/cart.py', hash: 'h', size: 1, mtime: 1 } }])).toMatchObject({ embedded: 0, reused: 2 });
    await api.open('ws-a', { model: MODEL });
    expect(await api.restore()).toMatchObject({ restored: 0, chunks: 0 });
    expect(await api.upsertFiles([{ path: 'shop/tax.py', chunks: chunks('shop/tax.py', TAX) }])).toMatchObject({ embedded: 1, reused: 0 });

    // ws-b again, closed now: its store is still there.
    await api.open('ws-b');
    expect(await api.restore()).toMatchObject({ restored: 1, chunks: 2 });

    // Clearing the open workspace empties it; an upsert that was embedding meanwhile stores nothing.
    const inFlight = api.upsertFiles([{ path: 'mail/welcome.py', chunks: chunks('mail/welcome.py', MAIL), version: { path: 'mail/welcome.py', hash: 'h', size: 1, mtime: 1 } }]);
    const late = inFlight.then(
      () => null,
      (e: unknown) => (e as Error).message,
    );
    await api.clear('ws-b');
    expect(await late).toMatch(/cleared/);
    expect(await api.status()).toMatchObject({ workspace: 'ws-b', chunks: 0 });
    const reloaded = service();
    await reloaded.open('ws-b', { model: MODEL });
    expect(await reloaded.restore()).toMatchObject({ restored: 0, chunks: 0 });
  });

  it('says which URL failed when the Hub (or the mirror) cannot be reached, and where a mirror is set', async () => {
    const api = service();
    // Nothing listens on port 9 (discard): the connection is refused at once.
    const offline = { ...tinyEmbedFixture({ dtype: 'q8' }), id: 'offline@q8', modelHost: 'http://127.0.0.1:9/' };
    const error = await api.load(offline).then(
      () => null,
      (e: unknown) => (e as Error).message,
    );
    expect(error).toMatch(/Loading the embedding model .*refact-test\/tiny-embed.* failed/);
    expect(error).toContain('http://127.0.0.1:9/refact-test/tiny-embed/resolve/main/');
    expect(error).toMatch(/could not be reached.*model mirror on the Models page/);
    expect(await api.status()).toMatchObject({ ready: false });
  });

  it('says which model failed to load and why', async () => {
    const api = service();
    await expect(api.load({ ...MODEL, id: 'missing', repo: 'no-such-model' })).rejects.toThrow(/Loading the embedding model .*no-such-model.* failed/);
    await expect(api.load({ id: 'x' } as never)).rejects.toThrow(/not an embedding model spec/);
    expect(await api.status()).toMatchObject({ ready: false, model: null });
  });
});
