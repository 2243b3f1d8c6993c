/**
 * The caret blinks from a timer instead of CodeMirror's CSS animation. A
 * running CSS animation keeps Chromium producing frames on every vsync, so
 * each keystroke's frame (and a completion's ghost text) waited for the next
 * one: ~8 ms more per key in the bench (BENCHMARKS.md, 2026-12-07). A class
 * toggled twice a second costs two idle frames a second instead.
 */
import { type Extension } from '@codemirror/state';
import { drawSelection, EditorView, ViewPlugin, type ViewUpdate } from '@codemirror/view';

const BLINK_MS = 600;

const blinker = ViewPlugin.fromClass(
  class {
    private timer: ReturnType<typeof setInterval> | null = null;

    constructor(readonly view: EditorView) {
      this.restart();
    }

    update(update: ViewUpdate): void {
      // Typing or moving shows the caret at once, as native carets do.
      if (update.docChanged || update.selectionSet || update.focusChanged) this.restart();
    }

    restart(): void {
      if (this.timer) clearInterval(this.timer);
      this.timer = null;
      this.view.dom.classList.remove('cm-caret-off');
      if (!this.view.hasFocus) return;
      this.timer = setInterval(() => this.view.dom.classList.toggle('cm-caret-off'), BLINK_MS);
    }

    destroy(): void {
      if (this.timer) clearInterval(this.timer);
    }
  },
);

export function timerBlinkingCaret(): Extension {
  return [
    drawSelection({ cursorBlinkRate: 0 }),
    blinker,
    EditorView.baseTheme({ '&.cm-caret-off .cm-cursorLayer': { visibility: 'hidden' } }),
  ];
}
