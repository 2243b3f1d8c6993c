import { useSignal } from '@preact/signals';
import { useEffect, useRef } from 'preact/hooks';
import { atCommandCompletion, atCommandPreview, type CommandCompletionResponse, type CommandPreviewResponse } from '../../engine/index';
import { atContext, draft, queued, running, sendMessage, stopChat, unqueue } from '../../state/chat';
import { selectedTarget } from '../../state/chat-picker';
import { attachActiveFile } from '../../state/editor-context';

const PREVIEW_DELAY_MS = 300;

/** The input: Enter sends (queues while a run goes), Shift+Enter new line, Esc stops; "@" completes commands. */
export function Composer() {
  const completion = useSignal<CommandCompletionResponse | null>(null);
  const selected = useSignal(0);
  const preview = useSignal<CommandPreviewResponse | null>(null);
  const area = useRef<HTMLTextAreaElement>(null);
  const seq = useRef(0);
  const completedText = useRef('');
  const target = selectedTarget.value;

  const complete = async (text: string, cursor: number) => {
    const ctx = atContext();
    const mine = ++seq.current;
    if (!ctx || !text.includes('@')) return void (completion.value = null);
    const answer = await atCommandCompletion(text, cursor, ctx).catch(() => null);
    if (mine !== seq.current) return;
    completedText.current = text;
    completion.value = answer && answer.completions.length > 0 ? answer : null;
    selected.value = 0;
  };

  // "Ask about selection" from the editor lands here with the selection attached: type the question.
  useEffect(() => {
    if (attachActiveFile.value) area.current?.focus();
  }, []);

  // What the @-commands will insert, recomputed once typing pauses.
  useEffect(() => {
    const text = draft.value;
    const ctx = atContext();
    if (!ctx || !text.includes('@')) return void (preview.value = null);
    let live = true;
    const timer = setTimeout(() => {
      void atCommandPreview(text, ctx).then(
        (p) => live && (preview.value = p.highlight.length > 0 ? p : null),
        () => live && (preview.value = null),
      );
    }, PREVIEW_DELAY_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [draft.value]);

  const accept = (choice: string) => {
    const c = completion.value;
    if (!c) return;
    const text = draft.value;
    const from = c.replace[0];
    // Typed on while the completion was computed: replace the whole word under it, not the old range.
    const to = text === completedText.current ? c.replace[1] : Math.max(c.replace[1], from + (/^\S*/.exec(text.slice(from))?.[0].length ?? 0));
    const next = text.slice(0, from) + choice + text.slice(to);
    draft.value = next;
    completion.value = null;
    const cursor = from + choice.length;
    requestAnimationFrame(() => {
      // Typed on before this frame (a busy page, a fast typist): the caret is where the typing
      // left it, and that typing asked for its own completions; moving it back would put the next
      // keys in the middle of the word.
      if (draft.value !== next) return;
      area.current?.setSelectionRange(cursor, cursor);
      void complete(next, cursor);
    });
  };

  const send = () => {
    if (!target || !draft.value.trim()) return;
    void sendMessage(draft.value, target);
    draft.value = '';
    completion.value = null;
    preview.value = null;
  };

  const onKeyDown = (e: KeyboardEvent) => {
    const c = completion.value;
    if (c) {
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        const n = c.completions.length;
        selected.value = (selected.value + (e.key === 'ArrowDown' ? 1 : n - 1)) % n;
        return;
      }
      if ((e.key === 'Enter' && !e.shiftKey) || e.key === 'Tab') {
        e.preventDefault();
        accept(c.completions[selected.value] ?? c.completions[0]!);
        return;
      }
      if (e.key === 'Escape') {
        e.preventDefault();
        completion.value = null;
        return;
      }
    }
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      send();
    } else if (e.key === 'Escape' && running.value) stopChat();
  };

  return (
    <div class="composer-wrap">
      {queued.value.length > 0 && (
        <ul class="queued" aria-label="Queued messages">
          {queued.value.map((q, i) => (
            <li key={i} data-testid="queued-message">
              <span class="badge">queued</span> {q}{' '}
              <button type="button" class="icon" aria-label="Remove from queue" onClick={() => unqueue(i)}>
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      {preview.value && <AtPreview preview={preview.value} />}
      {completion.value && (
        <ul class="at-popup" role="listbox" aria-label="@-command completions" data-testid="at-completions">
          {completion.value.completions.map((choice, i) => (
            <li
              key={choice}
              role="option"
              aria-selected={i === selected.value}
              class={i === selected.value ? 'selected' : undefined}
              onMouseDown={(e) => {
                e.preventDefault();
                accept(choice);
              }}
            >
              {choice}
            </li>
          ))}
        </ul>
      )}
      <div class="composer">
        <textarea
          ref={area}
          aria-label="Message"
          placeholder="Ask anything; @ adds files. Enter sends, Shift+Enter for a new line, Esc stops."
          value={draft.value}
          onInput={(e) => {
            const el = e.currentTarget;
            draft.value = el.value;
            void complete(el.value, el.selectionStart);
          }}
          onKeyDown={onKeyDown}
          onBlur={() => (completion.value = null)}
        />
        {running.value && (
          <button type="button" class="secondary" onClick={stopChat}>
            Stop
          </button>
        )}
        <button type="button" class="primary" disabled={!target || !draft.value.trim()} onClick={send}>
          {running.value ? 'Queue' : 'Send'}
        </button>
      </div>
    </div>
  );
}

/** What the message's @-commands will put before it. */
function AtPreview({ preview }: { preview: CommandPreviewResponse }) {
  return (
    <div class="at-preview" data-testid="at-preview">
      {preview.highlight
        .filter((h) => !h.ok)
        .map((h, i) => (
          <div key={`e${i}`} class="at-error">
            ⚠ {h.reason}
          </div>
        ))}
      {preview.messages.map((m, i) =>
        m.role === 'context_file' ? (
          m.content.map((f, j) => (
            <span key={`${i}-${j}`} class="at-file">
              📎 {f.file_name}:{f.line1}-{f.line2}
            </span>
          ))
        ) : (
          <span key={i} class="at-text" title={m.content}>
            📝 {m.content.split('\n')[0]}
          </span>
        ),
      )}
    </div>
  );
}
