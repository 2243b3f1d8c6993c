import { describe, expect, it, vi } from 'vitest';

// Counts how often the rank tables are turned into a tokenizer (the slow part).
const built = vi.hoisted(() => ({ count: 0 }));
vi.mock('js-tiktoken/lite', async (importOriginal) => {
  const real = await importOriginal<typeof import('js-tiktoken/lite')>();
  class CountedTiktoken extends real.Tiktoken {
    constructor(...args: ConstructorParameters<typeof real.Tiktoken>) {
      super(...args);
      built.count++;
    }
  }
  return { ...real, Tiktoken: CountedTiktoken };
});

const { preloadTokenCounter, tokenCounterForModel } = await import('./token-counter');

describe('preloadTokenCounter', () => {
  // Building a tokenizer from its rank tables takes seconds on a busy machine.
  it('loads the tokenizer a later send uses, once', { timeout: 30_000 }, async () => {
    await preloadTokenCounter('gpt-4.1-mini');
    expect(built.count).toBe(1);
    const counter = await tokenCounterForModel('gpt-4.1-mini');
    expect(await counter.count('hello world')).toBe(2);
    expect(built.count).toBe(1);
  });
});
