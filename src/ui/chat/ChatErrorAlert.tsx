import { chatError, retryChat, running } from '../../state/chat';
import { selectedTarget } from '../../state/chat-picker';

/** Why the last run failed, with Retry when trying again can help. */
export function ChatErrorAlert() {
  const error = chatError.value;
  const target = selectedTarget.value;
  if (!error) return null;
  return (
    <div class="error" role="alert">
      {error.message}{' '}
      {target && error.retryable && (
        <button type="button" class="secondary" disabled={running.value} onClick={() => void retryChat(target)}>
          Retry
        </button>
      )}
    </div>
  );
}
