import { useSignal } from '@preact/signals';
import { useEffect, useRef } from 'preact/hooks';
import { fuzzyFindPaths, type FuzzyMatch } from '../../engine/fuzzy';
import { fileListOf } from '../../state/file-list';
import { openFile, quickOpenVisible, revealInTree } from '../../state/files';
import { workspace } from '../../state/workspace';

const SHOWN = 50;

/** Ctrl+P: type part of a path, arrows to pick, Enter opens it, Esc closes. */
export function QuickOpen() {
  const query = useSignal('');
  const paths = useSignal<readonly string[] | null>(null);
  const error = useSignal<string | null>(null);
  const selected = useSignal(0);
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => {
    input.current?.focus();
    const ws = workspace.value;
    if (!ws) return;
    fileListOf(ws)
      .paths()
      .then(
        (list) => (paths.value = list),
        (err: unknown) => (error.value = err instanceof Error ? err.message : String(err)),
      );
  }, []);

  const matches: FuzzyMatch[] = paths.value ? fuzzyFindPaths(query.value, paths.value, SHOWN) : [];
  const close = () => (quickOpenVisible.value = false);
  const open = (path: string) => {
    close();
    revealInTree(path);
    void openFile(path);
  };
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Escape') close();
    else if (e.key === 'ArrowDown') selected.value = Math.min(matches.length - 1, selected.value + 1);
    else if (e.key === 'ArrowUp') selected.value = Math.max(0, selected.value - 1);
    else if (e.key === 'Enter' && matches[selected.value]) open(matches[selected.value]!.path);
    else return;
    e.preventDefault();
  };

  return (
    <div class="quick-open-backdrop" onPointerDown={(e) => e.target === e.currentTarget && close()}>
      <div class="quick-open" role="dialog" aria-label="Open a file">
        <input
          ref={input}
          aria-label="File name"
          placeholder="Type part of a file name or path"
          value={query.value}
          onInput={(e) => {
            query.value = e.currentTarget.value;
            selected.value = 0;
          }}
          onKeyDown={onKeyDown}
        />
        {error.value && <p class="error">{error.value}</p>}
        {!paths.value && !error.value && <p class="hint">Listing files…</p>}
        <ul role="listbox" aria-label="Matching files">
          {matches.map((m, i) => (
            <li
              key={m.path}
              role="option"
              aria-selected={i === selected.value}
              class={i === selected.value ? 'selected' : undefined}
              onPointerDown={(e) => {
                e.preventDefault();
                open(m.path);
              }}
            >
              <span class="qo-name">{m.path.slice(m.path.lastIndexOf('/') + 1)}</span> <span class="qo-dir">{m.path}</span>
            </li>
          ))}
          {paths.value && matches.length === 0 && <li class="hint">No file matches "{query.value}"</li>}
        </ul>
      </div>
    </div>
  );
}
