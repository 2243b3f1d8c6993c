/**
 * Thread -> the ChatMessage[] a provider gets, folded as refact-lsp does
 * (convert_messages_to_openai_format): diff -> a tool result, context_file ->
 * one user message per file ("path:line1-line2" and a fenced block),
 * plain_text -> user, images in a tool result -> text in the tool message and
 * the images in a user message after the run of tool results.
 *
 * OpenAI-style APIs insist that an assistant message with tool_calls is
 * followed by one tool message per call before anything else, so messages of
 * other kinds that sit inside such a run are held back until it ends, and a
 * call that never got a result (the chat was stopped, the tab reloaded) gets
 * a stand-in result instead of a rejected request.
 */
import type { ChatMessage, ContentPart, ImagePart } from '../providers/types';
import type { ChatContextFile, DiffChunk, ThreadMessage } from './messages';
import { textOf } from './messages';

export const NOT_RUN_RESULT = 'Not run: the chat was stopped before this tool call ran.';

export interface ProviderMessageOptions {
  /** The engine's system prompt; merged with any system messages of the thread into one, first. */
  systemPrompt?: string;
}

/** How a context file reaches the model (refact-lsp's format). */
export function contextFileText(file: ChatContextFile): string {
  const body = file.file_content.endsWith('\n') || file.file_content === '' ? file.file_content : `${file.file_content}\n`;
  return `${file.file_name}:${file.line1}-${file.line2}\n\`\`\`\n${body}\`\`\``;
}

/** How a write tool's diff reaches the model: readable unified diffs, one per hunk. */
export function diffText(chunks: readonly DiffChunk[]): string {
  if (chunks.length === 0) return 'No changes: the file already had this content.';
  const lines: string[] = [];
  const deleted = new Set<string>();
  for (const c of chunks) {
    if (c.file_name_rename) lines.push(`Renamed ${c.file_name} -> ${c.file_name_rename}`);
    // The model does not need a deleted file's text back.
    else if (c.file_action === 'D') {
      if (!deleted.has(c.file_name)) lines.push(`Deleted ${c.file_name}`);
      deleted.add(c.file_name);
    } else lines.push(`${c.file_action === 'A' ? 'Created' : 'Modified'} ${c.file_name} (lines ${c.line1}-${c.line2}):\n${c.chunks.trimEnd()}`);
  }
  return lines.join('\n');
}

export function toProviderMessages(thread: readonly ThreadMessage[], options: ProviderMessageOptions = {}): ChatMessage[] {
  const out: ChatMessage[] = [];
  const systemParts = options.systemPrompt ? [options.systemPrompt] : [];
  for (const m of thread) if (m.role === 'system' && m.content.trim() !== '') systemParts.push(m.content);
  if (systemParts.length > 0) out.push({ role: 'system', content: systemParts.join('\n\n') });

  /** Calls of the last assistant message still waiting for a result, in order. */
  let pending: string[] = [];
  /** User-role messages held back until the run of tool results ends. */
  let held: ChatMessage[] = [];

  const endRun = () => {
    for (const id of pending) out.push({ role: 'tool', tool_call_id: id, content: NOT_RUN_RESULT });
    pending = [];
    out.push(...held);
    held = [];
  };
  const answer = (id: string, content: string) => {
    const at = pending.indexOf(id);
    if (at < 0) return; // a result for no open call would be rejected; nothing to attach it to
    pending.splice(at, 1);
    out.push({ role: 'tool', tool_call_id: id, content });
    if (pending.length === 0) endRun();
  };
  const userish = (message: ChatMessage) => {
    if (pending.length > 0) held.push(message);
    else out.push(message);
  };

  for (const m of thread) {
    switch (m.role) {
      case 'system':
        break;
      case 'user':
        endRun();
        out.push({ role: 'user', content: m.content });
        break;
      case 'assistant': {
        endRun();
        // Calls of an answer cut off by Stop or an error never ran, and their arguments may be half-written.
        const cutOff = m.finish_reason === 'abort' || m.finish_reason === 'error';
        const calls = cutOff ? [] : (m.tool_calls?.filter((c) => c.function.name !== '' || c.function.arguments !== '') ?? []);
        const message: ChatMessage = { role: 'assistant', content: calls.length > 0 && m.content === '' ? null : m.content };
        if (m.reasoning_content) message.reasoning_content = m.reasoning_content;
        if (calls.length > 0) {
          message.tool_calls = calls.map((c) => ({ id: c.id, type: 'function', function: { ...c.function } }));
          pending = calls.map((c) => c.id);
        }
        out.push(message);
        break;
      }
      case 'tool': {
        const { content } = m.content;
        if (typeof content === 'string') {
          answer(m.content.tool_call_id, content);
          break;
        }
        const images = content.filter((p): p is ImagePart => p.type === 'image_url');
        const text = textOf(content);
        answer(m.content.tool_call_id, text === '' ? 'attached images below' : text);
        if (images.length > 0) userish({ role: 'user', content: images as ContentPart[] });
        break;
      }
      case 'diff':
        answer(m.tool_call_id, diffText(m.content));
        break;
      case 'context_file':
        for (const file of m.content) userish({ role: 'user', content: contextFileText(file) });
        break;
      case 'plain_text':
        userish({ role: 'user', content: m.content });
        break;
    }
  }
  endRun();
  return out;
}
