import { describe, expect, it } from 'vitest';
import { DEFAULT_EMBED_MODEL, EMBED_MODELS, isEmbedModelSpec, tinyEmbedFixture } from './embed-models';

describe('isEmbedModelSpec', () => {
  it('accepts the catalog and the test fixture', () => {
    for (const spec of [...EMBED_MODELS, tinyEmbedFixture()]) expect(isEmbedModelSpec(spec)).toBe(true);
  });

  it('rejects dims and maxTokens that are not positive integers (the vector store needs a whole vector length)', () => {
    for (const dims of [384.5, 0, -384, Number.NaN, Number.POSITIVE_INFINITY, '384']) {
      expect(isEmbedModelSpec({ ...DEFAULT_EMBED_MODEL, dims })).toBe(false);
    }
    for (const maxTokens of [256.5, 0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(isEmbedModelSpec({ ...DEFAULT_EMBED_MODEL, maxTokens })).toBe(false);
    }
    expect(isEmbedModelSpec(null)).toBe(false);
    expect(isEmbedModelSpec({ id: 'x' })).toBe(false);
  });
});
