import type { DiffChunk, DiffMessage as Diff } from '../../engine/index';
import { chatId } from '../../state/chat';
import { openDiffInEditor } from '../../state/files';
import { workspace } from '../../state/workspace';

const ACTION: Record<DiffChunk['file_action'], string> = { A: 'added', M: 'modified', D: 'deleted' };

/** A write tool's result: one block per file, its hunks as a unified diff, added and removed lines coloured. */
export function DiffMessage({ message }: { message: Diff }) {
  const files = new Map<string, DiffChunk[]>();
  for (const chunk of message.content) files.set(chunk.file_name, [...(files.get(chunk.file_name) ?? []), chunk]);
  return (
    <div class="msg diff" data-testid="msg-diff">
      {[...files].map(([name, chunks]) => (
        <div class="diff-file" key={name}>
          <div class="diff-file-name">
            {name}
            {chunks[0]?.file_name_rename && ` → ${chunks[0].file_name_rename}`}{' '}
            <span class="badge">{ACTION[chunks[0]?.file_action ?? 'M']}</span>
            {workspace.value && chunks[0]?.file_action === 'M' && !chunks[0].file_name_rename && (
              <button type="button" class="link open-in-editor" onClick={() => openDiffInEditor(name, chunks, chatId.value)}>
                Open in editor
              </button>
            )}
          </div>
          <pre class="diff-body">
            {chunks.flatMap((c) => c.chunks.split('\n')).map((line, i) => (
              <div key={i} class={lineClass(line)}>
                {line || ' '}
              </div>
            ))}
          </pre>
        </div>
      ))}
    </div>
  );
}

function lineClass(line: string): string {
  if (line.startsWith('@@')) return 'diff-hunk';
  if (line.startsWith('+')) return 'diff-add';
  if (line.startsWith('-')) return 'diff-del';
  return 'diff-ctx';
}
