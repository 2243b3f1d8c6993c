import type { Signal } from '@preact/signals';
import type { ThreadMessage } from '../../engine/index';
import { chatError, messages } from '../../state/chat';
import { AssistantMessage } from './AssistantMessage';
import { ChatErrorAlert } from './ChatErrorAlert';
import { ContextFileMessage } from './ContextFileMessage';
import { DiffMessage } from './DiffMessage';
import { PlainTextMessage } from './PlainTextMessage';
import { UserMessage } from './UserMessage';

/** The thread, one component per message kind. Tool results show inside their call's card. */
export function Thread() {
  const list = messages.value;
  const last = list.at(-1)?.peek();
  return (
    <div class="messages" aria-live="polite">
      {list.map((m, i) => (
        <MessageView key={i} message={m} index={i} />
      ))}
      {chatError.value && last?.role !== 'assistant' && (
        <div class="msg assistant" data-testid="msg-assistant">
          <ChatErrorAlert />
        </div>
      )}
    </div>
  );
}

function MessageView({ message, index }: { message: Signal<ThreadMessage>; index: number }) {
  // The role never changes after append; peeking keeps a streamed token from re-rendering this switch.
  const role = message.peek().role;
  switch (role) {
    case 'user':
      return <UserMessage message={message} index={index} />;
    case 'assistant':
      return <AssistantMessage message={message} index={index} />;
    case 'diff':
      return <DiffView message={message} />;
    case 'context_file':
      return <ContextView message={message} />;
    case 'plain_text':
      return <PlainView message={message} />;
    case 'tool':
    case 'system':
      return null;
  }
}

function DiffView({ message }: { message: Signal<ThreadMessage> }) {
  const m = message.value;
  return m.role === 'diff' ? <DiffMessage message={m} /> : null;
}

function ContextView({ message }: { message: Signal<ThreadMessage> }) {
  const m = message.value;
  return m.role === 'context_file' ? <ContextFileMessage message={m} /> : null;
}

function PlainView({ message }: { message: Signal<ThreadMessage> }) {
  const m = message.value;
  return m.role === 'plain_text' ? <PlainTextMessage message={m} /> : null;
}
