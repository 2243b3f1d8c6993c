import { useComputed, type Signal } from '@preact/signals';
import type { ThreadMessage } from '../../engine/index';
import { interruptedAt, messages, running } from '../../state/chat';
import { ChatErrorAlert } from './ChatErrorAlert';
import { Markdown } from './Markdown';
import { ToolCard } from './ToolCard';

/** The model's answer: reasoning (collapsible), markdown, its tool calls, and a meta line. */
export function AssistantMessage({ message, index }: { message: Signal<ThreadMessage>; index: number }) {
  // Through a computed, so appending a message re-renders only the answers whose "last" changed, not all of them.
  const last = useComputed(() => index === messages.value.length - 1);
  const m = message.value;
  if (m.role !== 'assistant') return null;
  const isLast = last.value;
  const streaming = isLast && running.value && !m.finish_reason;
  const reasoning = m.reasoning_content || m.thinking_blocks?.map((b) => b.thinking).join('\n\n');
  return (
    <div class="msg assistant" data-testid="msg-assistant" data-streaming={streaming ? 'true' : undefined}>
      {reasoning && (
        <details class="reasoning">
          <summary>Reasoning</summary>
          <div class="reasoning-text">{reasoning}</div>
        </details>
      )}
      <Markdown text={m.content} settled={!streaming} />
      {m.tool_calls?.map((call) => <ToolCard key={call.id} call={call} />)}
      <div class="meta">
        {m.model}
        {m.usage && ` · ${m.usage.prompt_tokens} prompt + ${m.usage.completion_tokens} completion tokens`}
        {streaming && ' · …'}
        {m.finish_reason === 'abort' && interruptedAt.value !== index && ' · stopped'}
        {m.finish_reason === 'length' && ' · cut at the token limit'}
        {interruptedAt.value === index && ' · interrupted by a reload; the text above is what had arrived'}
      </div>
      {isLast && <ChatErrorAlert />}
    </div>
  );
}
