import type { ChatChunk, FinishReason, ToolCall, ToolCallDelta, Usage } from '../providers/types';

/** The assistant message a stream builds up, chunk by chunk. */
export interface AssistantDraft {
  role: 'assistant';
  content: string;
  reasoning_content?: string;
  tool_calls?: ToolCall[];
  finish_reason?: FinishReason | null;
  usage?: Usage;
}

export function emptyDraft(): AssistantDraft {
  return { role: 'assistant', content: '' };
}

let counter = 0;
function generatedId(): string {
  counter += 1;
  return `call_${Date.now().toString(36)}${counter.toString(36)}`;
}

/**
 * Tool call fragments belong together by index. Some servers (Qwen3 on
 * sglang, per Refact's GUI) restart every call at index 0: a fragment that
 * brings a new id and a name under an index already taken starts a new call.
 */
export function mergeToolCalls(calls: readonly ToolCall[], deltas: readonly ToolCallDelta[]): ToolCall[] {
  const out = calls.map((c) => ({ ...c, function: { ...c.function } }));
  const slotOf = new Map<number, number>(out.map((_, i) => [i, i]));
  for (const delta of deltas) {
    const slot = slotOf.get(delta.index);
    const existing = slot === undefined ? undefined : out[slot];
    const startsNew =
      !existing || (delta.id !== undefined && delta.id !== existing.id && delta.function?.name !== undefined);
    if (startsNew) {
      out.push({
        id: delta.id ?? generatedId(),
        type: 'function',
        function: { name: delta.function?.name ?? '', arguments: delta.function?.arguments ?? '' },
      });
      slotOf.set(delta.index, out.length - 1);
      continue;
    }
    if (delta.function?.name && !existing.function.name) existing.function.name = delta.function.name;
    existing.function.arguments += delta.function?.arguments ?? '';
  }
  return out;
}

/** Folds one SSE chunk into the draft; returns a new draft (the old one is untouched). */
export function mergeChunk(draft: AssistantDraft, chunk: ChatChunk): AssistantDraft {
  let next: AssistantDraft = draft;
  for (const choice of chunk.choices) {
    if (choice.index !== 0) continue; // we ask for one choice
    const { delta } = choice;
    next = { ...next };
    if (delta.content) next.content += delta.content;
    if (delta.reasoning_content) next.reasoning_content = (next.reasoning_content ?? '') + delta.reasoning_content;
    if (delta.tool_calls?.length) next.tool_calls = mergeToolCalls(next.tool_calls ?? [], delta.tool_calls);
    if (choice.finish_reason) next.finish_reason = choice.finish_reason;
  }
  // Later chunks carry the final counts.
  if (chunk.usage) next = { ...next, usage: chunk.usage };
  return next;
}
