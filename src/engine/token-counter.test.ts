import { readFileSync } from 'node:fs';
import { Tiktoken } from 'js-tiktoken/lite';
import o200k from 'js-tiktoken/ranks/o200k_base';
import { describe, expect, it } from 'vitest';
import { encodingForModel, pieceMemoCounter, tokenCounterForModel } from './token-counter';

// Building a tokenizer from its rank tables takes seconds on a busy machine.
const TIKTOKEN_TIMEOUT = 30_000;

describe('token counters', () => {
  it('pick the OpenAI encoding by model name', () => {
    expect(encodingForModel('gpt-4o-mini')).toBe('o200k_base');
    expect(encodingForModel('openai/gpt-4.1')).toBe('o200k_base');
    expect(encodingForModel('o3-mini')).toBe('o200k_base');
    expect(encodingForModel('gpt-4-turbo')).toBe('cl100k_base');
    expect(encodingForModel('gpt-3.5-turbo')).toBe('cl100k_base');
    expect(encodingForModel('qwen2.5-coder-1.5b')).toBeNull();
  });

  it('count with tiktoken, treating special-token text as text', { timeout: TIKTOKEN_TIMEOUT }, async () => {
    const o200k = await tokenCounterForModel('gpt-4o');
    expect(await o200k.count('hello world')).toBe(2);
    expect(await o200k.count('<|endoftext|>')).toBeGreaterThan(1);
    const cl100k = await tokenCounterForModel('claude-sonnet');
    expect(await cl100k.count('hello world')).toBe(2);
  });

  it('use the local counter when given', async () => {
    const local = { count: () => 42 };
    expect(await tokenCounterForModel('gpt-4o', local)).toBe(local);
  });

  it('count exactly what tiktoken encodes, piece by piece, however the text is spaced', { timeout: TIKTOKEN_TIMEOUT }, () => {
    const tokenizer = new Tiktoken(o200k);
    const counter = pieceMemoCounter(tokenizer, o200k.pat_str);
    const texts = [
      readFileSync(new URL('./budget.ts', import.meta.url), 'utf8'),
      readFileSync(new URL('./loop.ts', import.meta.url), 'utf8'),
      'def f(x):\n    \n\t\treturn  x  +  1   \n\n\n   ',
      "He's here; they'll go. CamelCaseWord HTTPServer 12345678 ½ 日本語のテキスト émigré 🙂🙂 <|endoftext|>",
      '   leading and trailing   ',
      '',
    ];
    for (const text of texts) expect(counter.count(text), text.slice(0, 40)).toBe(tokenizer.encode(text, [], []).length);
  });
});
