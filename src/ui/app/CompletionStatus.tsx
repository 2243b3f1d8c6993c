import { completionEnabled, completionStatus, setCompletionEnabled } from '../../state/completion-status';
import { go } from '../../state/route';

const STATE_TEXT = { idle: 'starts with the editor', off: 'paused', 'no-model': 'no model', loading: 'loading', ready: 'ready', busy: 'waiting for the chat', error: 'error' } as const;

/** Code completion in the status bar: the model, its state, the last latency, and the on/off switch. */
export function CompletionStatus() {
  const status = completionStatus.value;
  const on = completionEnabled.value;
  const latency = status.lastMs === null ? null : status.lastCached ? 'cached' : `${Math.round(status.lastMs)} ms`;
  return (
    <span class={`completion-status${status.state === 'error' ? ' warn' : ''}`} data-testid="completion-status" data-state={status.state} title={status.detail ?? undefined}>
      <button type="button" class="link" onClick={() => go('models')} title="Choose the completion model on the Models page">
        Completion: {status.label ?? 'none'}
      </button>{' '}
      · {STATE_TEXT[status.state]}
      {status.state === 'ready' && latency && ` · ${latency}`}
      {(status.state === 'error' || status.state === 'loading') && status.detail && ` · ${status.detail}`}{' '}
      <label class="switch">
        <input type="checkbox" role="switch" aria-label="Code completion" checked={on} onChange={(e) => void setCompletionEnabled(e.currentTarget.checked)} />
        {on ? 'on' : 'off'}
      </label>
    </span>
  );
}
