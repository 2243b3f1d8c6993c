import { describe, expect, it } from 'vitest';
import { Bm25Index } from './bm25';
import { identifierTokens } from './identifier-tokens';
import { reciprocalRankFusion } from './rrf';

describe('identifierTokens', () => {
  it('splits camelCase, snake_case, acronyms and digits, lowercases, and keeps the whole identifier', () => {
    expect(identifierTokens('parseHTTPResponse2')).toEqual(['parse', 'http', 'response', '2', 'parsehttpresponse2']);
    expect(identifierTokens('MAX_RETRY_COUNT = 3')).toEqual(['max', 'retry', 'count', 'max_retry_count', '3']);
    expect(identifierTokens('src/net/retry-policy.ts')).toEqual(['src', 'net', 'retry', 'policy', 'ts']);
    expect(identifierTokens('x1y __init__')).toEqual(['x', '1', 'y', 'x1y', 'init']);
  });
});

describe('Bm25Index', () => {
  const docs = [
    'def compute_tax(amount):\n    return amount * TAX_RATE',
    'class ShoppingCart:\n    def total(self): return sum(self.items)',
    'def send_email(to, body): smtp.send(to, body)',
    'def computeShipping(cart): return 5 if cart.total() < 50 else 0',
  ];
  const index = new Bm25Index();
  docs.forEach((d, i) => index.add(i, d));

  it('ranks the document naming an identifier first, and finds its camelCase parts', () => {
    expect(index.search('compute_tax', 4)[0]!.id).toBe(0);
    expect(index.search('ShoppingCart', 4)[0]!.id).toBe(1);
    expect(index.search('shipping cost', 4).map((h) => h.id)).toEqual([3]);
    // "compute" is in two documents; the one also matching "tax" wins.
    expect(index.search('compute tax', 4).map((h) => h.id)).toEqual([0, 3]);
  });

  it('rare terms weigh more than common ones, and unknown words find nothing', () => {
    const a = index.search('total email', 4);
    expect(a[0]!.id).toBe(2); // "email" is in one document; "total" in two
    expect(index.search('kubernetes', 4)).toEqual([]);
  });

  it('forgets removed and replaced documents', () => {
    const own = new Bm25Index();
    own.add(1, 'alpha beta');
    own.add(2, 'beta gamma');
    own.remove(1);
    expect(own.search('alpha', 5)).toEqual([]);
    own.add(2, 'delta');
    expect(own.search('beta', 5)).toEqual([]);
    expect(own.search('delta', 5).map((h) => h.id)).toEqual([2]);
    expect(own.size).toBe(1);
  });
});

describe('reciprocalRankFusion', () => {
  it('sums 1/(60 + rank) over rankings and records where each item came from', () => {
    const fused = reciprocalRankFusion([
      { source: 'vector', ids: [10, 20, 30] },
      { source: 'bm25', ids: [30, 40] },
    ]);
    expect(fused.map((f) => f.id)).toEqual([30, 10, 20, 40]);
    expect(fused[0]).toEqual({ id: 30, score: 1 / 63 + 1 / 61, sources: ['vector', 'bm25'] });
    expect(fused[1]).toEqual({ id: 10, score: 1 / 61, sources: ['vector'] });
    // 20 (rank 2 of vector) and 40 (rank 2 of bm25) tie; the lower id comes first.
    expect(fused[2]!.score).toBe(fused[3]!.score);
  });

  it('an item found by both rankings beats one ranked first by only one', () => {
    const fused = reciprocalRankFusion([
      { source: 'vector', ids: [1, 2, 3, 4, 5] },
      { source: 'bm25', ids: [6, 7, 8, 9, 5] },
    ]);
    expect(fused[0]!.id).toBe(5);
  });
});
