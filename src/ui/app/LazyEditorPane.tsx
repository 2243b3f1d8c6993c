import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';

let loaded: Promise<ComponentType> | null = null;

/** The editor (CodeMirror and the completion code) loads with the Files page's first view, not with the shell. */
export function LazyEditorPane() {
  const [Pane, setPane] = useState<ComponentType | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    loaded ??= import('../editor/EditorPane').then((m) => m.default);
    let live = true;
    loaded.then(
      (component) => live && setPane(() => component),
      (err: unknown) => {
        loaded = null;
        if (live) setError(err instanceof Error ? err.message : String(err));
      },
    );
    return () => {
      live = false;
    };
  }, []);
  if (error) {
    return (
      <div class="viewer-notice" role="alert">
        The editor could not load: {error}. Reload the page to try again.
      </div>
    );
  }
  return Pane ? <Pane /> : <div class="viewer-empty">Loading the editor…</div>;
}
