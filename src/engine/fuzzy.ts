/**
 * Fuzzy path matching for @file completion and "did you mean" suggestions.
 * Tiers, best first: the exact path, the exact file name, the name without
 * its extension, a path suffix at a
 * folder boundary, a file name prefix, a substring of the name, a substring
 * of the path, then any in-order subsequence (ranked by runs and word
 * starts). Within a tier shorter paths win.
 */

export interface FuzzyMatch {
  path: string;
  score: number;
}

const BOUNDARY = new Set(['/', '_', '-', '.', ' ']);

export function fuzzyScore(query: string, path: string): number | null {
  const q = query.trim().toLowerCase();
  if (q === '') return 1;
  const p = path.toLowerCase();
  const name = p.slice(p.lastIndexOf('/') + 1);
  const shortness = 1 - Math.min(p.length, 999) / 1000; // < 1: never crosses a tier
  if (p === q) return 1000 + shortness;
  if (name === q) return 900 + shortness;
  if (name.includes('.') && name.slice(0, name.lastIndexOf('.')) === q) return 850 + shortness; // "app" for app.ts
  if (p.endsWith(`/${q}`)) return 800 + shortness;
  if (name.startsWith(q)) return 700 + shortness;
  if (name.includes(q)) return 600 + shortness;
  if (p.includes(q)) return 500 + shortness;
  const sub = subsequenceScore(q, p);
  return sub === null ? null : Math.min(sub, 399) + shortness;
}

/** Characters of `q` in order in `p`; runs and matches at word starts score higher. */
function subsequenceScore(q: string, p: string): number | null {
  let score = 0;
  let at = 0;
  let previous = -2;
  for (const ch of q) {
    const found = p.indexOf(ch, at);
    if (found < 0) return null;
    if (found === previous + 1) score += 5;
    if (found === 0 || BOUNDARY.has(p[found - 1]!)) score += 3;
    score += 1;
    previous = found;
    at = found + 1;
  }
  // Matches that end in the file name are what people usually mean.
  if (previous > p.lastIndexOf('/')) score += 10;
  return 100 + score;
}

export function fuzzyFindPaths(query: string, paths: readonly string[], topN: number): FuzzyMatch[] {
  const matches: FuzzyMatch[] = [];
  for (const path of paths) {
    const score = fuzzyScore(query, path);
    if (score !== null) matches.push({ path, score });
  }
  matches.sort((a, b) => b.score - a.score || a.path.localeCompare(b.path));
  return matches.slice(0, topN);
}

function bigrams(text: string): Map<string, number> {
  const grams = new Map<string, number>();
  for (let i = 0; i < text.length - 1; i++) {
    const gram = text.slice(i, i + 2);
    grams.set(gram, (grams.get(gram) ?? 0) + 1);
  }
  return grams;
}

/** Dice similarity of character pairs, 0..1: tolerant of typos, unlike subsequence matching. */
export function similarity(a: string, b: string): number {
  if (a === b) return 1;
  if (a.length < 2 || b.length < 2) return 0;
  const ga = bigrams(a);
  const gb = bigrams(b);
  let shared = 0;
  for (const [gram, n] of ga) shared += Math.min(n, gb.get(gram) ?? 0);
  return (2 * shared) / (a.length - 1 + (b.length - 1));
}

/** Paths that look like a misspelling of `wanted` (by file name, then by whole path), best first. */
export function similarPaths(wanted: string, paths: readonly string[], topN: number, threshold = 0.5): string[] {
  const name = wanted.slice(wanted.lastIndexOf('/') + 1).toLowerCase();
  const scored: FuzzyMatch[] = [];
  for (const path of paths) {
    const lower = path.toLowerCase();
    const score = Math.max(similarity(name, lower.slice(lower.lastIndexOf('/') + 1)), 0.9 * similarity(wanted.toLowerCase(), lower));
    if (score >= threshold) scored.push({ path, score });
  }
  scored.sort((a, b) => b.score - a.score || a.path.length - b.path.length);
  return scored.slice(0, topN).map((m) => m.path);
}
