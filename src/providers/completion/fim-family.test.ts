import { describe, expect, it } from 'vitest';
import { guessFimFamily, isFimFamily } from './fim-family';

describe('guessFimFamily', () => {
  it.each([
    ['qwen2.5-coder:1.5b', 'qwen2.5-coder'],
    ['Qwen/Qwen2.5-Coder-7B-Instruct', 'qwen2.5-coder'],
    ['qwen2.5/coder/1.5b/base', 'qwen2.5-coder'],
    ['qwen-coder-turbo', 'qwen2.5-coder'],
    ['qwen3-coder:30b', 'qwen2.5-coder'],
    ['Qwen/Qwen3-Coder-30B-A3B-Instruct', 'qwen2.5-coder'],
    ['bigcode/starcoder2-3b', 'starcoder'],
    ['starcoder2:7b', 'starcoder'],
    ['deepseek-coder:6.7b-base', 'deepseek-coder'],
    ['deepseek-ai/DeepSeek-Coder-V2-Lite-Base', 'deepseek-coder'],
    ['codellama:7b-code', 'codellama'],
    ['meta-llama/CodeLlama-7b-hf', 'codellama'],
  ])('%s -> %s', (name, family) => {
    expect(guessFimFamily(name)).toBe(family);
  });

  it.each(['gpt-4o-mini', 'qwen2.5:7b', 'llama3.2', 'deepseek-r1', 'codestral-latest', ''])('%s -> none', (name) => {
    expect(guessFimFamily(name)).toBeUndefined();
  });
});

describe('isFimFamily', () => {
  it('accepts the four families only', () => {
    expect(isFimFamily('starcoder')).toBe(true);
    expect(isFimFamily('qwen2.5')).toBe(false);
    expect(isFimFamily('toString')).toBe(false);
    expect(isFimFamily(3)).toBe(false);
  });
});
