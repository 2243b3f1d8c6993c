import type { EmbedChunk, EmbedHit, HitSource } from '../worker-api/embed';
import { Bm25Index } from './bm25';
import { reciprocalRankFusion } from './rrf';
import { VectorStore, type Quantization } from './vector-store';

/**
 * The chunks of one workspace with their vectors and keywords, searched both
 * ways and fused (RRF). Lives in the embed worker; holds no model and does no
 * I/O, so it is tested directly with made-up vectors.
 */

/** How many candidates each ranking contributes before fusion, per result wanted. */
const CANDIDATES_PER_RESULT = 4;
const MIN_CANDIDATES = 50;

interface Entry {
  chunk: EmbedChunk;
}

export class HybridIndex {
  private readonly vectors: VectorStore;
  private readonly keywords = new Bm25Index();
  private readonly entries = new Map<number, Entry>();
  private readonly idsByPath = new Map<string, number[]>();
  private nextId = 1;

  constructor(
    readonly dims: number,
    quantization: Quantization = 'int8',
  ) {
    this.vectors = new VectorStore(dims, quantization);
  }

  get size(): number {
    return this.entries.size;
  }

  get paths(): string[] {
    return [...this.idsByPath.keys()];
  }

  has(path: string): boolean {
    return this.idsByPath.has(path);
  }

  /** Replaces every chunk of `path`; `vectors[i]` belongs to `chunks[i]`. */
  setFile(path: string, chunks: readonly EmbedChunk[], vectors: readonly ArrayLike<number>[]): void {
    if (chunks.length !== vectors.length) throw new Error(`setFile(${path}): ${chunks.length} chunks but ${vectors.length} vectors`);
    this.removeFile(path);
    if (chunks.length === 0) return;
    const ids: number[] = [];
    chunks.forEach((chunk, i) => {
      const id = this.nextId++;
      this.vectors.set(id, vectors[i]!);
      // The path and the symbol name count as words of the chunk: a query naming the file finds it.
      this.keywords.add(id, `${chunk.path}\n${chunk.symbol ?? ''}\n${chunk.text}`);
      this.entries.set(id, { chunk });
      ids.push(id);
    });
    this.idsByPath.set(path, ids);
  }

  removeFile(path: string): boolean {
    const ids = this.idsByPath.get(path);
    if (!ids) return false;
    for (const id of ids) {
      this.vectors.delete(id);
      this.keywords.remove(id);
      this.entries.delete(id);
    }
    this.idsByPath.delete(path);
    return true;
  }

  /** Removes files at these paths and below them (a deleted folder). */
  removePaths(paths: readonly string[]): number {
    let removed = 0;
    for (const p of paths) {
      const under = `${p.replace(/\/$/, '')}/`;
      for (const path of [...this.idsByPath.keys()]) if ((path === p || path.startsWith(under)) && this.removeFile(path)) removed++;
    }
    return removed;
  }

  clear(): void {
    this.vectors.clear();
    for (const id of this.entries.keys()) this.keywords.remove(id);
    this.entries.clear();
    this.idsByPath.clear();
  }

  /** The best `topK` chunks for a query, by its vector and its words, fused. */
  search(queryVector: ArrayLike<number> | null, queryText: string, topK: number): EmbedHit[] {
    if (topK <= 0 || this.entries.size === 0) return [];
    const candidates = Math.max(MIN_CANDIDATES, topK * CANDIDATES_PER_RESULT);
    const rankings: { source: HitSource; ids: number[] }[] = [];
    if (queryVector) rankings.push({ source: 'vector', ids: this.vectors.search(queryVector, candidates).map((h) => h.id) });
    rankings.push({ source: 'bm25', ids: this.keywords.search(queryText, candidates).map((h) => h.id) });
    const hits: EmbedHit[] = [];
    for (const item of reciprocalRankFusion(rankings)) {
      const entry = this.entries.get(item.id);
      if (!entry) continue;
      const { path, line1, line2, symbol, text } = entry.chunk;
      hits.push({ path, line1, line2, ...(symbol !== undefined ? { symbol } : {}), score: item.score, sources: item.sources, text });
      if (hits.length === topK) break;
    }
    return hits;
  }
}
