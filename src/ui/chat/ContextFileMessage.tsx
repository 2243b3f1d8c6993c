import type { ContextFileMessage as ContextFiles } from '../../engine/index';

/** Files put into the context (by @file or a tool): collapsed, name and lines. */
export function ContextFileMessage({ message }: { message: ContextFiles }) {
  return (
    <div class="msg context-file" data-testid="msg-context_file">
      {message.content.map((f, i) => (
        <details key={i}>
          <summary>
            📎 {f.file_name}:{f.line1}-{f.line2}
          </summary>
          <pre>{f.file_content}</pre>
        </details>
      ))}
    </div>
  );
}
