import { describe, expect, it } from 'vitest';
import { CompletionPrefetch, cursorAfterChange, type Asked, type PrefetchKey } from './completion-prefetch';

const key = (character: number, version = 1): PrefetchKey => ({ uri: 'memfs:/workspace/a.py', version, line: 3, character });

/** A request the test settles by hand, recording whether it was cancelled. */
function pending(): Asked<string> & { cancelled: boolean; resolve(text: string): void } {
  let resolve!: (text: string) => void;
  const answer = new Promise<string>((r) => (resolve = r));
  const asked = { answer, cancelled: false, resolve, cancel: () => (asked.cancelled = true) };
  return asked;
}

describe('cursorAfterChange', () => {
  it('after typed text on one line, after a pasted block, after a deletion', () => {
    expect(cursorAfterChange({ line: 3, character: 9 }, 'x')).toEqual({ line: 3, character: 10 });
    expect(cursorAfterChange({ line: 3, character: 9 }, 'a\n    bc')).toEqual({ line: 4, character: 6 });
    expect(cursorAfterChange({ line: 3, character: 9 }, 'a\n\n')).toEqual({ line: 5, character: 0 });
    expect(cursorAfterChange({ line: 3, character: 8 }, '')).toEqual({ line: 3, character: 8 });
  });
});

describe('CompletionPrefetch', () => {
  it("gives VS Code's call the answer asked for the same version and cursor, and nothing for another", async () => {
    const prefetch = new CompletionPrefetch<string>();
    const first = pending();
    prefetch.start(key(10), () => first);
    expect(prefetch.take(key(11))).toBeNull();
    expect(prefetch.take(key(10, 2))).toBeNull();
    const taken = prefetch.take(key(10));
    first.resolve('return a + b');
    await expect(taken).resolves.toBe('return a + b');
    // VS Code may ask again for the same place: the same answer, no second request.
    await expect(prefetch.take(key(10))).resolves.toBe('return a + b');
  });

  it('the next change cancels the request before it; leaving the editor cancels the last', () => {
    const prefetch = new CompletionPrefetch<string>();
    const first = pending();
    const second = pending();
    prefetch.start(key(10), () => first);
    prefetch.start(key(11, 2), () => second);
    expect(first.cancelled).toBe(true);
    expect(second.cancelled).toBe(false);
    expect(prefetch.take(key(10))).toBeNull();
    prefetch.cancel();
    expect(second.cancelled).toBe(true);
    expect(prefetch.take(key(11, 2))).toBeNull();
  });

  it('a failed early request is no unhandled rejection; the caller that takes it sees the error', async () => {
    const prefetch = new CompletionPrefetch<string>();
    const failing: Asked<string> = { answer: Promise.reject(Object.assign(new Error('cancelled'), { code: 'cancelled' })), cancel: () => undefined };
    prefetch.start(key(10), () => failing);
    await expect(prefetch.take(key(10))).rejects.toMatchObject({ code: 'cancelled' });
  });
});
