import type { ChatChunk, ChatRequest } from '../providers/types';
import { ProviderError } from '../providers/types';
import { progressCallback } from '../worker-api/connect';
import { llmWorker } from '../worker-api/workers';

/** Where a chat request goes: the local llm worker, or a configured provider. */
export type ChatTarget =
  | { kind: 'local'; model: string; label: string }
  | { kind: 'provider'; providerId: string; model: string; label: string };

let nextRequest = 0;

/** Streams a chat from the target into `onChunk`; resolves when it ends, throws ProviderError on failure. */
export async function streamChat(
  target: ChatTarget,
  request: ChatRequest,
  signal: AbortSignal,
  onChunk: (chunk: ChatChunk) => void,
): Promise<void> {
  if (target.kind === 'local') {
    const requestId = `chat-${Date.now()}-${++nextRequest}`;
    const api = llmWorker().api;
    const onAbort = () => void api.abort(requestId);
    signal.addEventListener('abort', onAbort);
    // Chunks travel on the callback's own MessagePort, the result on the
    // worker's: the result can overtake the last chunks. Wait for the chunk
    // that carries finish_reason before calling the answer complete.
    let finished: () => void = () => {};
    const lastChunk = new Promise<void>((resolve) => (finished = resolve));
    const relay = (chunk: ChatChunk) => {
      onChunk(chunk);
      if (chunk.choices.some((c) => c.finish_reason)) finished();
    };
    try {
      await api.chat({ ...request, requestId }, progressCallback(relay));
      await Promise.race([lastChunk, new Promise((resolve) => setTimeout(resolve, 2000))]);
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
    return;
  }
  const { providerFor } = await import('./providers');
  const provider = await providerFor(target.providerId);
  if (!provider) throw new ProviderError('bad-request', `The provider "${target.providerId}" is no longer configured`);
  for await (const chunk of provider.streamChat(request, signal)) onChunk(chunk);
}
