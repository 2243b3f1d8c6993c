import { describe, expect, it } from 'vitest';
import { cacheKey, CompletionCache, type CachedCompletion } from './cache';

const BEFORE = 'def total(items):\n    return ';
const done = (completion: string, finish_reason: CachedCompletion['finish_reason'] = 'stop'): CachedCompletion => ({ completion, finish_reason, model: 'm' });

describe('cacheKey', () => {
  it('ignores \\r and separates single-line from multiline', () => {
    expect(cacheKey('a\r\nb', true)).toBe(cacheKey('a\nb', true));
    expect(cacheKey('a\nb', true)).not.toBe(cacheKey('a\nb', false));
  });

  it('is the last 5,000 characters before the cursor, counted after removing \\r', () => {
    const tail = 'x'.repeat(5000);
    expect(cacheKey(`A${tail}`, false)).toBe(cacheKey(`B${tail}`, false));
    // 4,999 characters once the \r are gone: the first character is still in the key.
    const crlf = 'a\r\n'.repeat(2499);
    expect(cacheKey(`A${crlf}`, false)).not.toBe(cacheKey(`B${crlf}`, false));
  });
});

describe('CompletionCache', () => {
  it('after a stop, answers every prefix typed along the suggestion with the rest of it', () => {
    const cache = new CompletionCache();
    cache.fill(BEFORE, false, done('sum(items)'));
    expect(cache.get(BEFORE, false)).toEqual(done('sum(items)'));
    expect(cache.get(`${BEFORE}s`, false)?.completion).toBe('um(items)');
    expect(cache.get(`${BEFORE}sum(`, false)?.completion).toBe('items)');
    expect(cache.get(`${BEFORE}sum(items)`, false)?.completion).toBe('');
    expect(cache.get(`${BEFORE}sux`, false)).toBeUndefined(); // typed something else
    expect(cache.get(`${BEFORE}s`, true)).toBeUndefined(); // other mode
  });

  it('after a stop on length, does not trust the last 10 characters', () => {
    const cache = new CompletionCache();
    cache.fill(BEFORE, true, done('abcdefghijklmnop', 'length')); // 16 characters: prefixes up to 6 are entered
    expect(cache.get(`${BEFORE}abcdef`, true)).toEqual(done('ghijklmnop', 'length'));
    expect(cache.get(`${BEFORE}abcdefg`, true)).toBeUndefined();
  });

  it('keeps 500 entries, the oldest out first', () => {
    const cache = new CompletionCache();
    for (let i = 0; i <= 500; i++) cache.fill(`line ${i}\n`, false, done('')); // '' enters one key each
    expect(cache.size).toBe(500);
    expect(cache.get('line 0\n', false)).toBeUndefined();
    expect(cache.get('line 1\n', false)).toBeDefined();
    expect(cache.get('line 500\n', false)).toBeDefined();
  });

  it('never splits a surrogate pair', () => {
    const cache = new CompletionCache();
    cache.fill('# ', false, done('a😩b'));
    expect(cache.get('# a', false)?.completion).toBe('😩b');
    expect(cache.get('# a\uD83D', false)).toBeUndefined(); // half an emoji typed: no entry
    expect(cache.get('# a😩', false)?.completion).toBe('b');
    expect(cache.size).toBe(4); // '', 'a', 'a😩', 'a😩b'
  });

  it('clear() forgets everything', () => {
    const cache = new CompletionCache();
    cache.fill(BEFORE, false, done('x'));
    cache.clear();
    expect(cache.size).toBe(0);
  });
});
