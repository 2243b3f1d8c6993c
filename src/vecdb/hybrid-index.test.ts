import { describe, expect, it } from 'vitest';
import type { EmbedChunk } from '../worker-api/embed';
import { HybridIndex } from './hybrid-index';

function chunk(path: string, line1: number, text: string, symbol?: string): EmbedChunk {
  return { path, line1, line2: line1 + text.split('\n').length - 1, text, hash: `${path}:${line1}`, ...(symbol ? { symbol } : {}) };
}

/** Made-up 3-d "embeddings": one axis per topic. */
const TAX = [1, 0, 0];
const CART = [0, 1, 0];
const MAIL = [0, 0, 1];

describe('HybridIndex', () => {
  const build = () => {
    const index = new HybridIndex(3);
    index.setFile('shop/tax.py', [chunk('shop/tax.py', 1, 'def compute_tax(amount): ...', 'compute_tax')], [TAX]);
    index.setFile('shop/cart.py', [chunk('shop/cart.py', 1, 'class Cart: ...', 'Cart'), chunk('shop/cart.py', 5, 'def checkout(): ...')], [CART, [0.1, 0.9, 0]]);
    index.setFile('shop/mail/send.py', [chunk('shop/mail/send.py', 1, 'def send(): ...')], [MAIL]);
    return index;
  };

  it('fuses the vector and keyword rankings and says which found each hit', () => {
    const hits = build().search([0, 1, 0], 'checkout', 4);
    // checkout: 2nd by vector, 1st by keyword -> first overall; Cart: 1st by vector only.
    expect(hits.map((h) => `${h.path}:${h.line1} ${h.sources.join('+')}`)).toEqual([
      'shop/cart.py:5 vector+bm25',
      'shop/cart.py:1 vector',
      // Both orthogonal to the query: a tie, kept in the order they were added.
      'shop/tax.py:1 vector',
      'shop/mail/send.py:1 vector',
    ]);
    expect(hits[1]).toMatchObject({ symbol: 'Cart', text: 'class Cart: ...' });
  });

  it('answers from keywords alone when there is no query vector (model not loaded)', () => {
    expect(build().search(null, 'compute tax', 3).map((h) => h.path)).toEqual(['shop/tax.py']);
  });

  it('replaces a file, removes a folder with everything below it, and refuses mismatched vectors', () => {
    const index = build();
    index.setFile('shop/cart.py', [chunk('shop/cart.py', 1, 'class Basket: ...')], [CART]);
    expect(index.size).toBe(3);
    expect(index.search(null, 'checkout', 3)).toEqual([]);
    expect(index.removePaths(['shop/mail'])).toBe(1);
    expect(index.paths.sort()).toEqual(['shop/cart.py', 'shop/tax.py']);
    expect(() => index.setFile('x.py', [chunk('x.py', 1, 'x')], [])).toThrow(/1 chunks but 0 vectors/);
    index.clear();
    expect(index.search(TAX, 'compute', 3)).toEqual([]);
  });
});
