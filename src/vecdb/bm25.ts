import { identifierTokens } from './identifier-tokens';

/**
 * Okapi BM25 over identifier tokens (identifier-tokens.ts), with documents
 * added and removed one at a time as files change. Postings are kept per term
 * as doc -> term frequency, so a query touches only the documents that contain
 * one of its terms.
 */

/** The usual defaults: k1 saturates repeated terms, b normalizes by length. */
const K1 = 1.2;
const B = 0.75;

export interface ScoredDoc {
  id: number;
  score: number;
}

export class Bm25Index {
  private readonly postings = new Map<string, Map<number, number>>();
  private readonly docTerms = new Map<number, { terms: string[]; length: number }>();
  private totalLength = 0;

  get size(): number {
    return this.docTerms.size;
  }

  /** Adds (or replaces) a document; `text` is everything searchable in it (path, symbol, code). */
  add(id: number, text: string): void {
    this.remove(id);
    const tokens = identifierTokens(text);
    const counts = new Map<string, number>();
    for (const t of tokens) counts.set(t, (counts.get(t) ?? 0) + 1);
    for (const [term, tf] of counts) {
      let list = this.postings.get(term);
      if (!list) {
        list = new Map();
        this.postings.set(term, list);
      }
      list.set(id, tf);
    }
    this.docTerms.set(id, { terms: [...counts.keys()], length: tokens.length });
    this.totalLength += tokens.length;
  }

  remove(id: number): boolean {
    const doc = this.docTerms.get(id);
    if (!doc) return false;
    for (const term of doc.terms) {
      const list = this.postings.get(term);
      list?.delete(id);
      if (list?.size === 0) this.postings.delete(term);
    }
    this.docTerms.delete(id);
    this.totalLength -= doc.length;
    return true;
  }

  /** The best `k` documents for the query, highest score first; documents sharing no term are left out. */
  search(query: string, k: number): ScoredDoc[] {
    const n = this.docTerms.size;
    if (n === 0 || k <= 0) return [];
    const avgLength = this.totalLength / n || 1;
    const scores = new Map<number, number>();
    for (const term of new Set(identifierTokens(query))) {
      const list = this.postings.get(term);
      if (!list) continue;
      // The "plus one" form of IDF: never negative, so a very common term still counts a little.
      const idf = Math.log(1 + (n - list.size + 0.5) / (list.size + 0.5));
      for (const [id, tf] of list) {
        const length = this.docTerms.get(id)?.length ?? avgLength;
        const score = (idf * tf * (K1 + 1)) / (tf + K1 * (1 - B + (B * length) / avgLength));
        scores.set(id, (scores.get(id) ?? 0) + score);
      }
    }
    return [...scores]
      .map(([id, score]) => ({ id, score }))
      .sort((a, b) => b.score - a.score || a.id - b.id)
      .slice(0, k);
  }
}
