import { describe, expect, it } from 'vitest';
import { int8ScanKernel } from './int8-dot-wasm';
import { VectorStore } from './vector-store';
import { seededRandom } from '../engine/test-support/random';

/** Gaussian-ish vectors around a few centres, like embeddings of related code (not uniform noise). */
function dataset(n: number, dims: number, seed: number): Float32Array[] {
  const rnd = seededRandom(seed).next;
  const centres = Array.from({ length: 20 }, () => Float32Array.from({ length: dims }, () => rnd() - 0.5));
  return Array.from({ length: n }, () => {
    const c = centres[Math.floor(rnd() * centres.length)]!;
    return Float32Array.from(c, (x) => x + (rnd() - 0.5) * 0.6);
  });
}

function bruteForce(vectors: Float32Array[], query: Float32Array, k: number): number[] {
  const norm = (v: Float32Array) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));
  const qn = norm(query);
  return vectors
    .map((v, i) => ({ id: i, score: v.reduce((s, x, j) => s + x * query[j]!, 0) / (norm(v) * qn) }))
    .sort((a, b) => b.score - a.score || a.id - b.id)
    .slice(0, k)
    .map((h) => h.id);
}

describe('VectorStore', () => {
  const dims = 100; // not a multiple of 16: rows are padded for the SIMD kernel
  const vectors = dataset(3000, dims, 7);
  const queries = dataset(20, dims, 99);

  it('f32: top-k equals a brute-force cosine ranking, scores included', () => {
    const store = new VectorStore(dims, 'f32');
    vectors.forEach((v, i) => store.set(i, v));
    for (const q of queries) {
      const hits = store.search(q, 10);
      expect(hits.map((h) => h.id)).toEqual(bruteForce(vectors, q, 10));
      expect(hits[0]!.score).toBeGreaterThan(hits[9]!.score);
      expect(hits[0]!.score).toBeLessThanOrEqual(1.000001);
    }
  });

  it('int8: finds at least 95% of the exact top-10, with scores within 0.02', () => {
    const store = new VectorStore(dims, 'int8');
    const exact = new VectorStore(dims, 'f32');
    vectors.forEach((v, i) => {
      store.set(i, v);
      exact.set(i, v);
    });
    let found = 0;
    for (const q of queries) {
      const truth = new Set(bruteForce(vectors, q, 10));
      const hits = store.search(q, 10);
      found += hits.filter((h) => truth.has(h.id)).length;
      const exactScores = new Map(exact.search(q, 3000).map((h) => [h.id, h.score]));
      for (const h of hits) expect(Math.abs(h.score - exactScores.get(h.id)!)).toBeLessThan(0.02);
    }
    expect(found / (queries.length * 10)).toBeGreaterThanOrEqual(0.95);
  });

  it('replaces, deletes (moving the last row into the hole) and filters', () => {
    for (const layout of ['int8', 'f32'] as const) {
      const store = new VectorStore(4, layout);
      store.set(1, [1, 0, 0, 0]);
      store.set(2, [0, 1, 0, 0]);
      store.set(3, [0, 0, 1, 0]);
      expect(store.search([0, 0, 1, 0], 1)[0]!.id).toBe(3);
      expect(store.delete(1)).toBe(true);
      expect(store.delete(1)).toBe(false);
      expect(store.size).toBe(2);
      // Row 0 now holds id 3: it must still be found under its own id.
      expect(store.search([0, 0, 1, 0], 1)[0]).toMatchObject({ id: 3 });
      store.set(3, [0, 0, 0, 5]); // replaced, and normalized
      const top = store.search([0, 0, 0, 1], 1)[0]!;
      expect(top.id).toBe(3);
      expect(top.score).toBeCloseTo(1, 2);
      expect(store.search([0, 0, 0, 1], 5, (id) => id !== 3).map((h) => h.id)).toEqual([2]);
    }
  });

  it('grows past its first allocation and keeps every row', () => {
    const store = new VectorStore(16, 'int8');
    const many = dataset(5000, 16, 3);
    many.forEach((v, i) => store.set(i, v));
    expect(store.size).toBe(5000);
    for (const i of [0, 255, 256, 4999]) expect(store.search(many[i]!, 1)[0]!.id).toBe(i);
  });

  it('refuses vectors of the wrong length or zero length, with the reason', () => {
    const store = new VectorStore(3);
    expect(() => store.set(1, [1, 2])).toThrow(/2 dims, the store 3/);
    expect(() => store.set(1, [0, 0, 0])).toThrow(/zero/);
    expect(() => store.search([1, 0], 3)).toThrow(/query has 2 dims/);
    expect(store.search([1, 0, 0], 3)).toEqual([]);
  });

  it('the WebAssembly SIMD kernel computes the same integer dot products as plain arithmetic', () => {
    const memory = new WebAssembly.Memory({ initial: 1 });
    const scan = int8ScanKernel(memory);
    expect(scan).not.toBeNull();
    const rows = 37;
    const stride = 48;
    const rnd = seededRandom(5).next;
    const m = new Int8Array(memory.buffer, 0, rows * stride);
    const q = new Int16Array(memory.buffer, rows * stride, stride);
    for (let i = 0; i < m.length; i++) m[i] = Math.floor(rnd() * 255) - 127;
    for (let i = 0; i < q.length; i++) q[i] = Math.floor(rnd() * 65535) - 32767;
    const outOffset = rows * stride + stride * 2;
    scan!(0, rows * stride, rows, stride, outOffset);
    const out = new Int32Array(memory.buffer, outOffset, rows);
    for (let r = 0; r < rows; r++) {
      let s = 0;
      for (let j = 0; j < stride; j++) s += m[r * stride + j]! * q[j]!;
      expect(out[r]).toBe(s);
    }
  });
});
