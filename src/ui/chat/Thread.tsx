import { signal, type Signal } from '@preact/signals';
import { Component } from 'preact';
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
        <MessageSlot key={i} message={m} index={i} />
      ))}
      {chatError.value && last?.role !== 'assistant' && (
        <div class="msg assistant" data-testid="msg-assistant">
          <ChatErrorAlert />
        </div>
      )}
    </div>
  );
}

interface SlotProps {
  message: Signal<ThreadMessage>;
  index: number;
}

interface FrameView {
  source: Signal<ThreadMessage>;
  view: Signal<ThreadMessage>;
  dispose: () => void;
}

/**
 * A copy of an answer's signal that follows it at most once per animation
 * frame while it streams (providers send tokens faster than frames; each
 * render in between would be thrown away), and at once when it ends, so the
 * last token is never held back.
 */
function frameView(source: Signal<ThreadMessage>): FrameView {
  const view = signal(source.peek());
  let frame: number | null = null;
  const flush = () => {
    frame = null;
    view.value = source.peek();
  };
  const unsubscribe = source.subscribe((next) => {
    if (next === view.peek()) return;
    if (next.role === 'assistant' && !next.finish_reason) {
      frame ??= requestAnimationFrame(flush);
      return;
    }
    if (frame !== null) cancelAnimationFrame(frame);
    flush();
  });
  return {
    source,
    view,
    dispose: () => {
      unsubscribe();
      if (frame !== null) cancelAnimationFrame(frame);
    },
  };
}

/**
 * One message, re-rendered only when its signal or place changes: appending
 * to a long thread renders the new message, not all of them (a message's own
 * updates reach it through its signal, per frame for a streamed answer).
 * Off-screen messages skip layout and paint (content-visibility), so a
 * streamed token costs the same in a thread of 5 or 500 messages.
 */
class MessageSlot extends Component<SlotProps> {
  private framed: FrameView | null = null;

  override shouldComponentUpdate(next: SlotProps): boolean {
    return next.message !== this.props.message || next.index !== this.props.index;
  }

  override componentWillUnmount(): void {
    this.framed?.dispose();
    this.framed = null;
  }

  private viewOf(message: Signal<ThreadMessage>): Signal<ThreadMessage> {
    if (message.peek().role !== 'assistant') return message;
    if (this.framed?.source !== message) {
      this.framed?.dispose();
      this.framed = frameView(message);
    }
    return this.framed.view;
  }

  override render({ message, index }: SlotProps) {
    const role = message.peek().role;
    if (role === 'tool' || role === 'system') return null;
    return (
      <div class="msg-slot" style="content-visibility:auto;contain-intrinsic-size:auto 120px">
        <MessageView message={this.viewOf(message)} index={index} />
      </div>
    );
  }
}

function MessageView({ message, index }: SlotProps) {
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
