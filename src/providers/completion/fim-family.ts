import { FIM_TOKENS, type FimFamily } from '../../inference/fim';

/**
 * Which fill-in-the-middle format a provider's completion model speaks: the
 * one stored on its config, else a guess from its name. Servers that take a
 * raw prompt (OpenAI-compatible /completions) need it; Ollama and llama.cpp
 * apply the model's own FIM tokens.
 *
 *   guessFimFamily('Qwen/Qwen2.5-Coder-1.5B')   // 'qwen2.5-coder'
 *   guessFimFamily('gpt-4o-mini')               // undefined: the user picks one
 */

/** What the Models page shows for each family. */
export const FIM_FAMILY_LABELS: Readonly<Record<FimFamily, string>> = {
  'qwen2.5-coder': 'Qwen2.5-Coder',
  starcoder: 'StarCoder',
  'deepseek-coder': 'DeepSeek-Coder',
  codellama: 'Code Llama',
};

export const FIM_FAMILIES = Object.keys(FIM_TOKENS) as FimFamily[];

export function isFimFamily(value: unknown): value is FimFamily {
  return typeof value === 'string' && Object.hasOwn(FIM_TOKENS, value);
}

// Names as hubs and servers spell them: "Qwen/Qwen2.5-Coder-7B", "qwen2.5-coder:1.5b",
// Refact's "qwen2.5/coder/1.5b/base", "qwen3-coder-30b-a3b"; Qwen3-Coder keeps Qwen2.5-Coder's tokens.
const GUESSES: readonly [RegExp, FimFamily][] = [
  [/qwen[\d.]*[-_/ ]?coder/, 'qwen2.5-coder'],
  [/starcoder/, 'starcoder'],
  [/deepseek[-_/ ]?coder/, 'deepseek-coder'],
  [/code[-_ ]?llama/, 'codellama'],
];

/** The family a model's name suggests, or undefined when it suggests none. */
export function guessFimFamily(model: string): FimFamily | undefined {
  const name = model.toLowerCase();
  return GUESSES.find(([pattern]) => pattern.test(name))?.[1];
}
