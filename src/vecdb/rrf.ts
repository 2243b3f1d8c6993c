/**
 * Reciprocal rank fusion (Cormack et al., 2009): each ranking gives a
 * document 1 / (k + rank), summed over rankings. It needs no score
 * calibration between cosine similarity and BM25, which live on different
 * scales, and k = 60 is the paper's value, damping the weight of the very top.
 */

export const RRF_K = 60;

export interface FusedItem<Source extends string> {
  id: number;
  score: number;
  /** The rankings the item appeared in, in the order they were given. */
  sources: Source[];
}

/** Fuses rankings (best first, ids unique within each); returns every item, best first, ties by id. */
export function reciprocalRankFusion<Source extends string>(
  rankings: readonly { source: Source; ids: readonly number[] }[],
  k = RRF_K,
): FusedItem<Source>[] {
  const fused = new Map<number, FusedItem<Source>>();
  for (const { source, ids } of rankings) {
    ids.forEach((id, index) => {
      let item = fused.get(id);
      if (!item) {
        item = { id, score: 0, sources: [] };
        fused.set(id, item);
      }
      item.score += 1 / (k + index + 1);
      if (!item.sources.includes(source)) item.sources.push(source);
    });
  }
  return [...fused.values()].sort((a, b) => b.score - a.score || a.id - b.id);
}
