import type { ChatChunk, ToolCall, ToolCallDelta } from '../providers/types';
import type { AssistantMessage, ThinkingBlock } from './messages';

/** The assistant message a stream builds up, chunk by chunk. */
export type AssistantDraft = AssistantMessage;

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

/**
 * Thinking blocks (Anthropic-style reasoning with a signature) stream as
 * fragments; as in Refact's GUI they all fold into the first block.
 */
export function mergeThinkingBlocks(blocks: readonly ThinkingBlock[], deltas: readonly unknown[]): ThinkingBlock[] {
  let first: ThinkingBlock = blocks[0] ? { ...blocks[0] } : { thinking: '' };
  for (const delta of deltas) {
    if (typeof delta !== 'object' || delta === null) continue;
    const { thinking, signature } = delta as { thinking?: unknown; signature?: unknown };
    if (typeof thinking === 'string') first = { ...first, thinking: first.thinking + thinking };
    if (typeof signature === 'string') first = { ...first, signature: (first.signature ?? '') + signature };
  }
  return [first, ...blocks.slice(1)];
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
    if (delta.thinking_blocks?.length) next.thinking_blocks = mergeThinkingBlocks(next.thinking_blocks ?? [], delta.thinking_blocks);
    if (choice.finish_reason) next.finish_reason = choice.finish_reason;
  }
  // Later chunks carry the final counts.
  if (chunk.usage) next = { ...next, usage: chunk.usage };
  return next;
}

/**
 * After the stream ends (seeds: postProcessMessagesAfterStreaming): drops
 * calls that never got a name or arguments and repeated ids, and calls that
 * the provider already ran itself (`srvtoolu_` ids) so the loop never runs
 * them. A call with arguments but no name stays: the loop answers it with an
 * error the model can correct.
 */
export function finalizeDraft(draft: AssistantDraft): AssistantDraft {
  if (!draft.tool_calls) return draft;
  const seen = new Set<string>();
  const calls = draft.tool_calls.filter((c) => {
    if (c.function.name === '' && c.function.arguments.trim() === '') return false;
    if (c.id.startsWith('srvtoolu_') || seen.has(c.id)) return false;
    seen.add(c.id);
    return true;
  });
  const next: AssistantDraft = { ...draft };
  if (calls.length > 0) next.tool_calls = calls;
  else delete next.tool_calls;
  return next;
}

/** A server-executed tool call (seeds: Server-Executed Tools): shown, never run here. */
export function isServerExecutedTool(toolCallId: string | undefined): boolean {
  return toolCallId?.startsWith('srvtoolu_') ?? false;
}
