import { useEffect, useRef } from 'preact/hooks';
import { EditorSelection } from '@codemirror/state';
import { EditorView } from '@codemirror/view';
import { workspace } from '../../state/workspace';
import { afterTransactions } from '../../editor/session';
import { activePath, attachView, bufferOf, recordTransactions, reveal, tabs } from '../../editor/tabs';

/**
 * The one CodeMirror view: it shows the active tab's state and hands every
 * transaction back to the tab (dirty flag, what the chat sees, autosave).
 * Switching tabs swaps states, so each keeps its undo history and scroll.
 */
export function EditorHost({ visible }: { visible: boolean }) {
  const parent = useRef<HTMLDivElement>(null);
  const viewRef = useRef<EditorView | null>(null);
  const scroll = useRef(new Map<string, number>());
  const path = activePath.value;

  useEffect(() => {
    const view = new EditorView({
      parent: parent.current!,
      dispatchTransactions(transactions, v) {
        v.update(transactions);
        const shown = activePath.peek();
        const ws = workspace.peek();
        if (!shown || bufferOf(shown)?.state === undefined) return;
        recordTransactions(shown, v.state, transactions);
        if (ws) afterTransactions(ws, shown, transactions);
      },
    });
    viewRef.current = view;
    attachView(view);
    return () => {
      attachView(null);
      view.destroy();
    };
  }, []);

  // Show the active tab (its state may have been replaced while hidden: a reload, a language).
  useEffect(() => {
    const view = viewRef.current;
    const buffer = path ? bufferOf(path) : undefined;
    if (!view || !path || !buffer) return;
    if (view.state !== buffer.state) {
      view.setState(buffer.state);
      view.scrollDOM.scrollTop = scroll.current.get(path) ?? 0;
    }
    const line = buffer.mark;
    buffer.mark = null;
    if (line !== null && line >= 1 && line <= view.state.doc.lines) {
      const at = view.state.doc.line(line).from;
      view.dispatch({ selection: EditorSelection.cursor(at), effects: EditorView.scrollIntoView(at, { y: 'center' }) });
      view.focus();
    }
  }, [path, reveal.value, tabs.value]);

  useEffect(() => {
    const view = viewRef.current!;
    const onScroll = () => {
      const shown = activePath.peek();
      if (shown) scroll.current.set(shown, view.scrollDOM.scrollTop);
    };
    view.scrollDOM.addEventListener('scroll', onScroll, { passive: true });
    return () => view.scrollDOM.removeEventListener('scroll', onScroll);
  }, []);

  return <div ref={parent} class="cm-host" hidden={!visible} data-testid="code-editor" aria-label={path ? `Editor: ${path}` : 'Editor'} />;
}
