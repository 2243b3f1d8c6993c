import { useComputed } from '@preact/signals';
import type { ThreadMessage } from '../../engine/index';
import type { ToolCall } from '../../providers/types';
import { textOf } from '../../engine/index';
import { loopStatus, messages, resultIndex, running } from '../../state/chat';
import { showFileAt } from '../../state/files';
import { workspace } from '../../state/workspace';
import { resultParts, TOOLS_WITH_HIT_LINES } from './result-links';

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

/** A result as text; search hits (`path:line: ...`) are links to the file at the line while a folder is open. */
function ResultText({ tool, text }: { tool: string; text: string }) {
  if (!TOOLS_WITH_HIT_LINES.has(tool) || !workspace.value) return <pre class="tool-result">{text}</pre>;
  return (
    <pre class="tool-result">
      {resultParts(text).map((part, i) =>
        'path' in part ? (
          <button key={i} type="button" class="link hit-link" title={`Open ${part.path} at line ${part.line}`} onClick={() => showFileAt(part.path, part.line)}>
            {part.text}
          </button>
        ) : (
          part.text
        ),
      )}
    </pre>
  );
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
          <ResultText tool={call.function.name} text={textOf(result.content.content)} />
          {imagesOf(result).map((url, i) => (
            <img key={i} class="tool-image" src={url} alt="An image the model was shown" data-testid="tool-image" />
          ))}
        </>
      )}
      {result?.role === 'diff' && <div class="tool-section">Changes shown below.</div>}
    </details>
  );
}
