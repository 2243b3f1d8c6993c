/**
 * Completion on a model running in the tab (the llm worker). The worker cuts
 * the prompt with the model's own tokenizer, so the whole request goes over;
 * an aborted signal tells the worker to stop generating (the GPU or CPU is
 * freed for the next keystroke's request), not just to drop the answer.
 */
import type { FimWorkerRequest, LlmWorkerApi } from '../worker-api/llm';
import type { RemoteApi } from '../worker-api/connect';
import type { CompletionBackend, FimInput, RawCompletion } from './backend';

let nextRequest = 0;

export function createLocalBackend(api: RemoteApi<LlmWorkerApi>, modelId: string, label: string): CompletionBackend {
  return {
    label,
    ownBudget: true,
    async complete(input: FimInput, signal: AbortSignal): Promise<RawCompletion> {
      signal.throwIfAborted();
      const requestId = `fim-${Date.now().toString(36)}-${++nextRequest}`;
      const request: FimWorkerRequest = {
        ...input.request,
        model: modelId,
        requestId,
        context: input.context,
        repoName: input.repoName,
        parameters: { ...input.request.parameters, max_new_tokens: input.maxTokens, temperature: input.temperature },
      };
      const onAbort = () => void api.abort(requestId).catch(() => undefined);
      signal.addEventListener('abort', onAbort, { once: true });
      try {
        const result = await api.completeFim(request);
        return {
          text: result.text,
          finish_reason: result.finish_reason,
          context: result.context,
          engineMs: result.engineMs,
          ...(result.busy ? { busy: result.busy } : {}),
        };
      } finally {
        signal.removeEventListener('abort', onAbort);
      }
    },
  };
}
