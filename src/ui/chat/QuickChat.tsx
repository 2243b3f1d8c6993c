import type { Signal } from '@preact/signals';
import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { chatTargets, selectedTarget, selectTarget } from '../../state/chat-picker';
import { inferenceNotice, initModels } from '../../state/models';
import {
  clearQuickChat,
  restoreQuickChat,
  retryQuickChat,
  sending,
  sendQuickChat,
  stopQuickChat,
  thread,
  type QuickMessage,
} from '../../state/quick-chat';
import { initProviders } from '../../state/providers';
import { go } from '../../state/route';

/** A minimal chat with the selected model; the agent chat (tools, files) builds on it later. */
export function QuickChat() {
  const draft = useSignal('');
  useEffect(() => {
    void initModels();
    void initProviders();
    void restoreQuickChat();
  }, []);
  const target = selectedTarget.value;
  const send = () => {
    if (!target || !draft.value.trim()) return;
    void sendQuickChat(draft.value, target);
    draft.value = '';
  };
  return (
    <div class="page quick-chat">
      <div class="row">
        <label class="field">
          Model
          <select
            data-testid="model-picker"
            value={target?.id ?? ''}
            onChange={(e) => selectTarget(e.currentTarget.value)}
          >
            {chatTargets.value.length === 0 && <option value="">No model ready</option>}
            {chatTargets.value.map((t) => (
              <option key={t.id} value={t.id}>
                {t.label}
              </option>
            ))}
          </select>
        </label>
        <span class="spacer" />
        <button type="button" class="secondary" disabled={sending.value || thread.value.length === 0} onClick={() => void clearQuickChat()}>
          New chat
        </button>
      </div>
      {chatTargets.value.length === 0 && (
        <p class="card hint">
          No model is ready. Load a local model or add a provider on the{' '}
          <button type="button" class="link" onClick={() => go('models')}>
            Models
          </button>{' '}
          page.
        </p>
      )}
      {inferenceNotice.value && (
        <p class="card warn" role="status">
          {inferenceNotice.value}
        </p>
      )}
      <div class="messages" aria-live="polite">
        {thread.value.map((m, i) => (
          <Message key={i} message={m} />
        ))}
      </div>
      <div class="composer">
        <textarea
          aria-label="Message"
          placeholder="Ask anything. Enter sends, Shift+Enter for a new line."
          value={draft.value}
          onInput={(e) => (draft.value = e.currentTarget.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
              e.preventDefault();
              send();
            } else if (e.key === 'Escape' && sending.value) stopQuickChat();
          }}
        />
        {sending.value ? (
          <button type="button" class="secondary" onClick={stopQuickChat}>
            Stop
          </button>
        ) : (
          <button type="button" class="primary" disabled={!target || !draft.value.trim()} onClick={send}>
            Send
          </button>
        )}
      </div>
    </div>
  );
}

/** One message; reading `message.value` here means a token re-renders only this message. */
function Message({ message }: { message: Signal<QuickMessage> }) {
  const m = message.value;
  const target = selectedTarget.value;
  return (
    <div class={`msg ${m.role}`} data-testid={`msg-${m.role}`} data-streaming={m.streaming ? 'true' : undefined}>
      {m.reasoning && (
        <details>
          <summary>Reasoning</summary>
          {m.reasoning}
        </details>
      )}
      <span class="msg-text">{m.content}</span>
      {m.role === 'assistant' && (
        <div class="meta">
          {m.model}
          {m.usage && ` · ${m.usage.prompt_tokens} prompt + ${m.usage.completion_tokens} completion tokens`}
          {m.streaming && ' · …'}
          {m.stopped && ' · stopped'}
          {m.interrupted && ' · interrupted by a reload; the text above is what had arrived'}
        </div>
      )}
      {m.error && (
        <div class="error" role="alert">
          {m.error.message}{' '}
          {target && (
            <button type="button" class="secondary" disabled={sending.value} onClick={() => void retryQuickChat(target)}>
              Retry
            </button>
          )}
        </div>
      )}
    </div>
  );
}
