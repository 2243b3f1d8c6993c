import type { LocalEngine } from '../src/inference/engine';
import { buildFimPrompt, fimTokensFor } from '../src/inference/fim';
import type { FimWorkerRequest, FimWorkerResult, LocalModelInfo } from '../src/worker-api/llm';

/** Completion latency grows with the prompt and nearby lines matter most: prompts stay this small. */
export const FIM_PROMPT_BUDGET = 2048;

/**
 * One fill-in-the-middle generation on a loaded model: the prompt is cut to
 * the budget with the model's own tokenizer (context snippets get at most
 * half of it), then the raw text comes back; the page's completion core
 * post-processes it like every other backend's.
 */
export async function runFim(
  slot: { engine: LocalEngine; model: LocalModelInfo },
  request: FimWorkerRequest,
  signal: AbortSignal,
): Promise<FimWorkerResult> {
  const { engine, model } = slot;
  if (!model.supportsFim || !fimTokensFor(model.family)) {
    throw new Error(`${model.label} has no fill-in-the-middle tokens; pick a coder model for completion`);
  }
  const maxTokens = request.parameters?.max_new_tokens ?? 64;
  const budget = Math.max(64, Math.min(FIM_PROMPT_BUDGET, model.contextWindow - maxTokens));
  const { prompt, stop, context } = await buildFimPrompt(request, model.family, (s) => engine.countTokens(s), budget, {
    repoName: request.repoName ?? 'workspace',
    context: request.context ?? [],
  });
  const empty = { model: model.id, context, promptTokens: 0, completionTokens: 0, engineMs: 0 };
  if (signal.aborted) return { ...empty, text: '', finish_reason: 'abort' };
  const started = performance.now();
  const { text, finish_reason, usage } = await engine.complete(
    prompt,
    { maxTokens, temperature: request.parameters?.temperature ?? 0.2, stop },
    signal,
  );
  return {
    ...empty,
    text,
    finish_reason,
    promptTokens: usage?.prompt_tokens ?? 0,
    completionTokens: usage?.completion_tokens ?? 0,
    engineMs: performance.now() - started,
  };
}
