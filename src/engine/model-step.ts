/**
 * One model call of the loop: the request goes out, chunks merge into an
 * assistant message that joins the thread with its first chunk (a failed
 * request leaves no empty message) and updates with every chunk after. Stop
 * or a provider error keeps what arrived, marked 'abort' or 'error'.
 */
import type { ChatChunk, ChatRequest } from '../providers/types';
import { ProviderError } from '../providers/types';
import type { AssistantMessage } from './messages';
import { emptyDraft, finalizeDraft, mergeChunk } from './stream-merge';
import type { ThreadWriter } from './thread-writer';
import { isAbortError } from './tool-step';

/** Streams one completion: `streamChat` of src/state/chat-targets.ts bound to a target fits. */
export type StreamFn = (request: ChatRequest, signal: AbortSignal, onChunk: (chunk: ChatChunk) => void) => Promise<void>;

export type ModelStepResult =
  | { ended: null; answer: AssistantMessage }
  | { ended: 'aborted' }
  | { ended: 'error'; error: ProviderError };

export async function streamAnswer(request: ChatRequest, stream: StreamFn, writer: ThreadWriter, signal: AbortSignal): Promise<ModelStepResult> {
  let draft: AssistantMessage = { ...emptyDraft(), model: request.model };
  let index = -1;
  writer.status({ kind: 'waiting' });
  const onChunk = (chunk: ChatChunk) => {
    if (signal.aborted) return;
    draft = mergeChunk(draft, chunk);
    if (index >= 0) return writer.replace(index, draft);
    writer.status({ kind: 'streaming' });
    index = writer.append(draft);
  };
  const cutOff = (finish_reason: 'abort' | 'error') => {
    if (index >= 0) writer.replace(index, { ...draft, finish_reason });
  };
  try {
    await stream(request, signal, onChunk);
  } catch (error) {
    const aborted = isAbortError(error, signal) || (error instanceof ProviderError && error.kind === 'aborted');
    cutOff(aborted ? 'abort' : 'error');
    if (aborted) return { ended: 'aborted' };
    return { ended: 'error', error: error instanceof ProviderError ? error : new ProviderError('protocol', error instanceof Error ? error.message : String(error)) };
  }
  // Some sources end quietly on abort instead of throwing.
  if (signal.aborted) {
    cutOff('abort');
    return { ended: 'aborted' };
  }
  draft = finalizeDraft(draft);
  if (index < 0) writer.append(draft);
  else writer.replace(index, draft);
  return { ended: null, answer: draft };
}
