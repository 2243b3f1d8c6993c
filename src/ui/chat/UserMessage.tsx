import type { Signal } from '@preact/signals';
import { useSignal } from '@preact/signals';
import type { ThreadMessage } from '../../engine/index';
import { textOf } from '../../engine/index';
import { editAndResend, running } from '../../state/chat';
import { selectedTarget } from '../../state/chat-picker';
import { workspace } from '../../state/workspace';
import { openReset } from './ResetDialog';

const COMPRESSION_HINT = {
  weak: 'The context was compressed a little to fit the model',
  strong: 'The context was compressed a lot to fit the model',
} as const;

/** The user's message: edit and resend, the compression hint, and the reset button when the agent changed files. */
export function UserMessage({ message, index }: { message: Signal<ThreadMessage>; index: number }) {
  const m = message.value;
  const editing = useSignal<string | null>(null);
  if (m.role !== 'user') return null;
  const text = textOf(m.content);
  const target = selectedTarget.value;
  const checkpoint = m.checkpoints?.[0];
  const strength = m.compression_strength;
  if (editing.value !== null) {
    const resend = () => {
      if (!target || !editing.value?.trim()) return;
      void editAndResend(index, editing.value, target);
      editing.value = null;
    };
    return (
      <div class="msg user editing" data-testid="msg-user-editing">
        <textarea
          aria-label="Edit message"
          value={editing.value}
          onInput={(e) => (editing.value = e.currentTarget.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
              e.preventDefault();
              resend();
            } else if (e.key === 'Escape') editing.value = null;
          }}
        />
        <div class="row">
          <button type="button" class="primary" disabled={!target} onClick={resend}>
            Resend
          </button>
          <button type="button" class="secondary" onClick={() => (editing.value = null)}>
            Cancel
          </button>
        </div>
      </div>
    );
  }
  return (
    <div class="msg-user-row">
      <div class="msg user" data-testid="msg-user">
        {text}
      </div>
      <div class="msg-actions">
        {strength && strength !== 'absent' && (
          <span class="compressed" title={COMPRESSION_HINT[strength]} aria-label={COMPRESSION_HINT[strength]}>
            🗜
          </span>
        )}
        <button type="button" class="icon" title="Edit and resend" aria-label="Edit and resend" disabled={running.value} onClick={() => (editing.value = text)}>
          ✎
        </button>
        {checkpoint && workspace.value && (
          <button
            type="button"
            class="icon"
            title="Reset the files to before this message"
            aria-label="Reset files"
            disabled={running.value}
            onClick={() => void openReset(index, checkpoint)}
          >
            ↺
          </button>
        )}
      </div>
    </div>
  );
}
