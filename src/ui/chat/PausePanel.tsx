import { decide, pause } from '../../state/chat';

/** The loop waits for the user: which calls, why, and Allow once / Allow for this chat / Stop. */
export function PausePanel() {
  const request = pause.value;
  if (!request) return null;
  return (
    <div class="card pause-panel" role="dialog" aria-label="Confirm tool calls" data-testid="pause-panel">
      <b>The model wants to run:</b>
      <ul>
        {request.pause_reasons.map((r) => {
          const call = request.tool_calls.find((c) => c.id === r.tool_call_id);
          return (
            <li key={r.tool_call_id} class="pause-reason">
              <code>{r.command}</code> {r.type === 'denial' ? 'is denied' : 'needs your confirmation'} (rule <code>{r.rule}</code>)
              {call && <pre class="tool-args">{call.function.arguments}</pre>}
            </li>
          );
        })}
      </ul>
      <div class="row">
        <button type="button" class="primary" onClick={() => decide('allow-once')}>
          Allow once
        </button>
        <button type="button" class="secondary" onClick={() => decide('allow-chat')}>
          Allow for this chat
        </button>
        <button type="button" class="secondary" onClick={() => decide('stop')}>
          Stop
        </button>
      </div>
    </div>
  );
}
