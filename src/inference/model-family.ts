/** A model's family (chat template, tool syntax, FIM tokens) from its name; small, so the Models page can use it without the engines. */

export type ModelFamily =
  | 'qwen2.5-coder'
  | 'qwen2.5'
  | 'qwen3'
  | 'llama-3.2'
  | 'phi-3.5'
  | 'smollm2'
  | 'chatml'
  | 'starcoder'
  | 'deepseek-coder'
  | 'codellama';

/** Ordered: the first pattern that matches wins (coder before plain Qwen). */
const FAMILY_PATTERNS: [RegExp, ModelFamily][] = [
  [/qwen-?2(\.5)?-?coder/, 'qwen2.5-coder'],
  [/qwen-?3/, 'qwen3'],
  [/qwen-?2/, 'qwen2.5'],
  [/llama-?3/, 'llama-3.2'],
  [/phi-?3/, 'phi-3.5'],
  [/smollm/, 'smollm2'],
  [/starcoder/, 'starcoder'],
  [/deepseek-?coder/, 'deepseek-coder'],
  [/code-?llama/, 'codellama'],
];

/**
 * The family of a model id in any of our spellings: "webllm:Qwen2.5-Coder-1.5B-Instruct-q4f16_1-MLC",
 * "onnx-community/Qwen3-0.6B-ONNX", "Llama-3.2-1B-Instruct". Unknown ids are 'chatml'
 * (the tiny test model uses ChatML; so do most small instruct models).
 */
export function familyForModelId(id: string): ModelFamily {
  const lower = id.toLowerCase().replace(/[_ ]/g, '-');
  for (const [pattern, family] of FAMILY_PATTERNS) if (pattern.test(lower)) return family;
  return 'chatml';
}
