import { useComputed } from '@preact/signals';
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

/** Only images cat made from workspace files: a data URL of a known raster type, never a remote address or SVG. */
const SAFE_IMAGE_URL = /^data:image\/(?:png|jpeg|gif|webp);base64,[A-Za-z0-9+/=]+$/;

function imagesOf(result: ThreadMessage | undefined): string[] {
  if (result?.role !== 'tool' || typeof result.content.content === 'string') return [];
  return result.content.content.flatMap((p) => (p.type === 'image_url' && SAFE_IMAGE_URL.test(p.image_url.url) ? [p.image_url.url] : []));
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
  // A computed: a card re-renders when its own result arrives, not on every message appended to the thread.
  const answer = useComputed(() => {
    const at = resultIndex.value.get(call.id);
    return at === undefined ? undefined : messages.value[at]?.value;
  });
  const result = answer.value;
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
          {imagesOf(result).map((url, i) => (
            <img key={i} class="tool-image" src={url} alt="An image the model was shown" data-testid="tool-image" />
          ))}
        </>
      )}
      {result?.role === 'diff' && <div class="tool-section">Changes shown below.</div>}
    </details>
  );
}
