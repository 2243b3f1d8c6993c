/**
 * Token counts for the context budget. OpenAI-family models get their real
 * tokenizer (js-tiktoken: o200k_base for gpt-4o / 4.1 / 5 / o-series,
 * cl100k_base for gpt-4 and 3.5); its rank tables are megabytes, so they load
 * only when first needed. Local models pass their own counter (the model's
 * tokenizer in the llm worker); other providers' models are counted with
 * cl100k_base, a close enough estimate for a budget.
 */

import type { Tiktoken } from 'js-tiktoken/lite';

export interface TokenCounter {
  count(text: string): number | Promise<number>;
}

export type TiktokenEncodingName = 'o200k_base' | 'cl100k_base';

/** The tiktoken encoding of an OpenAI model name ("gpt-4o-mini", "openai/o3"), or null for other families. */
export function encodingForModel(model: string): TiktokenEncodingName | null {
  const name = model.slice(model.lastIndexOf('/') + 1).toLowerCase();
  if (/^(gpt-4o|chatgpt-4o|gpt-4\.1|gpt-4\.5|gpt-5|gpt-oss|o1|o3|o4)/.test(name)) return 'o200k_base';
  if (/^(gpt-4|gpt-3\.5|text-embedding-3|text-embedding-ada)/.test(name)) return 'cl100k_base';
  return null;
}

const loaded = new Map<TiktokenEncodingName, Promise<TokenCounter>>();

export function tiktokenCounter(encoding: TiktokenEncodingName): Promise<TokenCounter> {
  let counter = loaded.get(encoding);
  if (!counter) {
    counter = (async () => {
      const { Tiktoken } = await import('js-tiktoken/lite');
      const ranks =
        encoding === 'o200k_base'
          ? (await import('js-tiktoken/ranks/o200k_base')).default
          : (await import('js-tiktoken/ranks/cl100k_base')).default;
      return pieceMemoCounter(new Tiktoken(ranks), ranks.pat_str);
    })();
    counter.catch(() => loaded.delete(encoding));
    loaded.set(encoding, counter);
  }
  return counter;
}

/** Distinct pieces remembered before the memo starts over (a few MB). */
const MAX_PIECES = 100_000;

/**
 * Counts as `tokenizer.encode(text).length` does, faster: tiktoken cuts text
 * into pieces with its pattern and encodes each piece on its own, and the
 * pieces of code and prose repeat (identifiers, keywords, indentation), so
 * each distinct piece is encoded once and its count remembered. A new 30 KB
 * file then costs a few milliseconds instead of tens on the send path.
 */
export function pieceMemoCounter(tokenizer: Tiktoken, pattern: string): TokenCounter {
  const pieces = new Map<string, number>();
  const split = new RegExp(pattern, 'ug');
  return {
    count(text) {
      let n = 0;
      for (const match of text.matchAll(split)) {
        const piece = match[0];
        let tokens = pieces.get(piece);
        if (tokens === undefined) {
          // Special-token text inside a file is ordinary text here, never a reason to throw.
          tokens = tokenizer.encode(piece, [], []).length;
          if (pieces.size >= MAX_PIECES) pieces.clear();
          pieces.set(piece, tokens);
        }
        n += tokens;
      }
      return n;
    },
  };
}

/** About four characters a token: for when nothing better has loaded yet. */
export const approximateCounter: TokenCounter = {
  count: (text) => Math.ceil(text.length / 4),
};

/** The counter for a model: the local one when given, else tiktoken (the model's own for OpenAI, cl100k as an estimate for the rest). */
export function tokenCounterForModel(model: string, local?: TokenCounter): Promise<TokenCounter> {
  if (local) return Promise.resolve(local);
  return tiktokenCounter(encodingForModel(model) ?? 'cl100k_base');
}

/**
 * Starts loading a provider model's tokenizer now (when it is picked), so the
 * first send does not wait for megabytes of rank tables: the send's
 * tokenCounterForModel gets the same promise. A failure is dropped here; the
 * send tries again and reports it.
 */
export function preloadTokenCounter(model: string): Promise<void> {
  return tokenCounterForModel(model).then(
    () => undefined,
    () => undefined,
  );
}
