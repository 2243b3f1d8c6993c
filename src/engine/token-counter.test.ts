import { describe, expect, it } from 'vitest';
import { encodingForModel, tokenCounterForModel } from './token-counter';

describe('token counters', () => {
  it('pick the OpenAI encoding by model name', () => {
    expect(encodingForModel('gpt-4o-mini')).toBe('o200k_base');
    expect(encodingForModel('openai/gpt-4.1')).toBe('o200k_base');
    expect(encodingForModel('o3-mini')).toBe('o200k_base');
    expect(encodingForModel('gpt-4-turbo')).toBe('cl100k_base');
    expect(encodingForModel('gpt-3.5-turbo')).toBe('cl100k_base');
    expect(encodingForModel('qwen2.5-coder-1.5b')).toBeNull();
  });

  it('count with tiktoken, treating special-token text as text', async () => {
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
});
