/**
 * Refact's completion cache (refact-lsp completion_cache.rs): the key is the
 * last 5,000 characters before the cursor (\r removed) and the multiline
 * flag; after a completion, every prefix of it is entered too, so typing
 * along a suggestion is answered from here without asking the model. When
 * the model stopped on length, the last 10 characters are not trusted.
 * 500 entries, oldest out first.
 */
import type { FinishReason } from '../providers/types';

const KEY_CHARS = 5000;
const ENTRIES = 500;
const UNTRUSTED_TAIL = 10;

export interface CachedCompletion {
  completion: string;
  finish_reason: FinishReason;
  model: string;
}

export function cacheKey(textBeforeCursor: string, multiline: boolean): string {
  const tail = textBeforeCursor.length > KEY_CHARS * 2 ? textBeforeCursor.slice(-KEY_CHARS * 2) : textBeforeCursor;
  return `${multiline ? 'm' : 's'}${tail.replace(/\r/g, '').slice(-KEY_CHARS)}`;
}

export class CompletionCache {
  private readonly entries = new Map<string, CachedCompletion>();

  constructor(private readonly capacity = ENTRIES) {}

  get size(): number {
    return this.entries.size;
  }

  get(textBeforeCursor: string, multiline: boolean): CachedCompletion | undefined {
    return this.entries.get(cacheKey(textBeforeCursor, multiline));
  }

  /** Enters a completion and every prefix of it (see above). */
  fill(textBeforeCursor: string, multiline: boolean, value: CachedCompletion): void {
    const { completion } = value;
    const last = value.finish_reason === 'length' ? Math.max(0, completion.length - UNTRUSTED_TAIL) : completion.length;
    for (let k = 0; k <= last; k++) {
      // Never split a surrogate pair: the rest would start with half a character.
      if (k > 0 && k < completion.length && isLowSurrogate(completion.charCodeAt(k))) continue;
      this.set(cacheKey(textBeforeCursor + completion.slice(0, k), multiline), { ...value, completion: completion.slice(k) });
    }
  }

  clear(): void {
    this.entries.clear();
  }

  private set(key: string, value: CachedCompletion): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    while (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}
