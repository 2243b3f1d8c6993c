import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { currentView } from '../../editor/tabs';

/**
 * Right-click on a selection in the editor: Ask about selection, Copy, Cut.
 * Without a selection (or with Shift held) the browser's own menu shows.
 */
export function EditorContextMenu({ onAsk }: { onAsk: () => void }) {
  const at = useSignal<{ x: number; y: number } | null>(null);
  useEffect(() => {
    const onMenu = (event: MouseEvent) => {
      const view = currentView();
      if (!view || event.shiftKey || !view.dom.contains(event.target as Node) || view.state.selection.main.empty) return;
      event.preventDefault();
      at.value = { x: event.clientX, y: event.clientY };
    };
    const close = () => (at.value = null);
    document.addEventListener('contextmenu', onMenu);
    document.addEventListener('pointerdown', close);
    document.addEventListener('keydown', close);
    return () => {
      document.removeEventListener('contextmenu', onMenu);
      document.removeEventListener('pointerdown', close);
      document.removeEventListener('keydown', close);
    };
  }, []);
  if (!at.value) return null;
  const selected = () => {
    const view = currentView();
    const range = view?.state.selection.main;
    return view && range ? view.state.sliceDoc(range.from, range.to) : '';
  };
  const run = (action: () => void) => (event: PointerEvent) => {
    event.stopPropagation();
    event.preventDefault();
    at.value = null;
    action();
  };
  return (
    <ul class="context-menu" role="menu" style={{ left: `${at.value.x}px`, top: `${at.value.y}px` }}>
      <li role="menuitem" onPointerDown={run(onAsk)}>
        Ask about selection <kbd>Alt+C</kbd>
      </li>
      <li role="menuitem" onPointerDown={run(() => void navigator.clipboard?.writeText(selected()))}>
        Copy
      </li>
      <li
        role="menuitem"
        onPointerDown={run(() => {
          const view = currentView();
          if (!view || view.state.readOnly) return;
          void navigator.clipboard?.writeText(selected());
          view.dispatch(view.state.replaceSelection(''), { userEvent: 'delete.cut' });
        })}
      >
        Cut
      </li>
    </ul>
  );
}
