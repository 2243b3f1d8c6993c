import type { ContextFileMessage as ContextFiles } from '../../engine/index';
import { showFileAt } from '../../state/files';
import { workspace } from '../../state/workspace';

/** Files put into the context (by @file or a tool): collapsed, name and lines; the name opens the file there (in an IDE, in its editor). */
export function ContextFileMessage({ message }: { message: ContextFiles }) {
  return (
    <div class="msg context-file" data-testid="msg-context_file">
      {message.content.map((f, i) => (
        <details key={i}>
          <summary>
            <span class="file-ref">
              {f.file_name}:{f.line1}-{f.line2}
            </span>
            {workspace.value && (
              <button
                type="button"
                class="link open-file"
                title={`Open ${f.file_name} at line ${f.line1}`}
                onClick={(e) => {
                  e.preventDefault();
                  showFileAt(f.file_name, f.line1);
                }}
              >
                Open
              </button>
            )}
          </summary>
          <pre>{f.file_content}</pre>
        </details>
      ))}
    </div>
  );
}
