import type { ThreadMessage } from '../../engine/index';
import type { ToolCall } from '../../providers/types';
import { textOf } from '../../engine/index';
import { loopStatus, messages, resultIndex, running } from '../../state/chat';

type ToolStatus = 'running' | 'done' | 'failed' | 'waiting' | 'not run';

function statusOf(call: ToolCall, result: ThreadMessage | undefined): ToolStatus {
  const status = loopStatus.value;
  if (status?.kind === 'running-tool' && status.toolCallId === call.id) return 'running';
  if (result?.role === 'tool') return result.content.tool_failed ? 'failed' : 'done';
  if (result?.role === 'diff') return 'done';
  return running.value ? 'waiting' : 'not run';
}

function prettyArguments(raw: string): string {
  try {
    return JSON.stringify(JSON.parse(raw), null, 2);
  } catch {
    return raw;
  }
}

/** One tool call: name, status, arguments and result (collapsed). */
export function ToolCard({ call }: { call: ToolCall }) {
  const at = resultIndex.value.get(call.id);
  const result = at === undefined ? undefined : messages.value[at]?.value;
  const status = statusOf(call, result);
  return (
    <details class={`tool-card ${status.replace(' ', '-')}`} data-testid="tool-card" data-status={status} data-tool={call.function.name}>
      <summary>
        🔧 <b>{call.function.name}</b> <span class="tool-status">{status}</span>
      </summary>
      <div class="tool-section">Arguments</div>
      <pre class="tool-args">{prettyArguments(call.function.arguments)}</pre>
      {result?.role === 'tool' && (
        <>
          <div class="tool-section">Result</div>
          <pre class="tool-result">{textOf(result.content.content)}</pre>
        </>
      )}
      {result?.role === 'diff' && <div class="tool-section">Changes shown below.</div>}
    </details>
  );
}
