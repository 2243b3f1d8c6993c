/**
 * Inline completion for CodeMirror 6: grey "ghost" text after the cursor.
 * Written here rather than taken from a package: the maintained ones
 * (codemirror-copilot, @valtown/codemirror-codeium) bind a vendor's service
 * and lack typing along a suggestion without a new request, word-wise
 * accept, cancellation of superseded requests and a manual trigger; this is
 * one state field, one widget, one plugin and a keymap.
 *
 * - A keystroke after a pause asks the source for a suggestion at once; in a
 *   burst, once typing pauses for about its rhythm (an adaptive debounce); a
 *   newer keystroke aborts the request in flight.
 * - Typing the suggestion's next characters keeps it (shortened) without asking again.
 * - Tab accepts it, Ctrl+Right accepts one word, Esc dismisses, Alt+Space asks now
 *   (the source bypasses its cache).
 */
import { EditorSelection, Prec, StateEffect, StateField, type EditorState, type Extension, type Transaction } from '@codemirror/state';
import { Decoration, EditorView, keymap, ViewPlugin, WidgetType, type DecorationSet, type ViewUpdate } from '@codemirror/view';

/** A suggestion: accepting replaces [from, to] with `insert`; `display` is what shows at `to`. */
export interface Suggestion {
  from: number;
  to: number;
  insert: string;
  display: string;
}

/** Where suggestions come from; resolves null for nothing to show, rejects with AbortError when aborted. */
export type SuggestionSource = (state: EditorState, pos: number, manual: boolean, signal: AbortSignal) => Promise<Suggestion | null>;

export interface GhostTextConfig {
  source: SuggestionSource;
  /** Told when a suggestion is shown, accepted in part or whole, or dismissed (tests and the bench watch it). */
  onEvent?: (event: GhostEvent) => void;
}

export type GhostEvent =
  | { type: 'request'; manual: boolean }
  | { type: 'answered'; empty: boolean }
  | { type: 'shown'; suggestion: Suggestion; fromTyping: boolean }
  | { type: 'accepted'; text: string; whole: boolean }
  | { type: 'dismissed' };

const setGhost = StateEffect.define<Suggestion | null>();

/** The suggestion on screen, kept in step with the document. */
export const ghostField = StateField.define<Suggestion | null>({
  create: () => null,
  update(ghost, tr) {
    for (const effect of tr.effects) if (effect.is(setGhost)) return effect.value;
    if (!ghost) return null;
    if (tr.docChanged) return typedAlong(ghost, tr);
    if (tr.selection && !tr.selection.main.empty) return null;
    if (tr.selection && tr.selection.main.head !== ghost.to) return null;
    return ghost;
  },
  provide: (field) =>
    EditorView.decorations.from(field, (ghost): DecorationSet =>
      ghost && ghost.display !== ''
        ? Decoration.set([Decoration.widget({ widget: new GhostWidget(ghost.display), side: 1 }).range(ghost.to)])
        : Decoration.none,
    ),
});

/** The user typed the suggestion's next characters at its end: keep the rest; anything else drops it. */
function typedAlong(ghost: Suggestion, tr: Transaction): Suggestion | null {
  if (ghost.from !== ghost.to) return null;
  let typed: string | null = null;
  let ok = true;
  tr.changes.iterChanges((fromA, toA, _fromB, _toB, inserted) => {
    if (!ok || typed !== null || fromA !== ghost.to || toA !== fromA) ok = false;
    else typed = inserted.toString();
  });
  if (!ok || typed === null || typed === '' || !ghost.display.startsWith(typed)) return null;
  const rest = ghost.display.slice((typed as string).length);
  if (rest === '') return null;
  const at = ghost.to + (typed as string).length;
  return { from: at, to: at, insert: rest, display: rest };
}

class GhostWidget extends WidgetType {
  constructor(readonly text: string) {
    super();
  }
  override eq(other: GhostWidget): boolean {
    return other.text === this.text;
  }
  toDOM(): HTMLElement {
    const span = document.createElement('span');
    span.className = 'cm-ghost-text';
    span.setAttribute('aria-hidden', 'true');
    span.setAttribute('data-testid', 'ghost-text');
    span.textContent = this.text;
    return span;
  }
  override ignoreEvent(): boolean {
    return false;
  }
}

/** Accepts the whole suggestion, or its first word (with the spaces before it). */
function accept(view: EditorView, whole: boolean, onEvent?: GhostTextConfig['onEvent']): boolean {
  const ghost = view.state.field(ghostField, false);
  if (!ghost) return false;
  const part = whole || ghost.from !== ghost.to ? ghost.insert : firstWord(ghost.insert);
  const end = ghost.from + part.length;
  view.dispatch({
    changes: { from: ghost.from, to: ghost.to, insert: part },
    selection: EditorSelection.cursor(end),
    effects: setGhost.of(part === ghost.insert ? null : { from: end, to: end, insert: ghost.insert.slice(part.length), display: ghost.insert.slice(part.length) }),
    userEvent: 'input.complete',
    scrollIntoView: true,
  });
  onEvent?.({ type: 'accepted', text: part, whole: part === ghost.insert });
  return true;
}

export function firstWord(text: string): string {
  return /^(\r?\n[ \t]*|[ \t]*[\w$]+|[ \t]*[^\w\s$]+|[ \t]+)/.exec(text)?.[0] ?? text;
}

/**
 * How long to wait after a keystroke: nothing after a pause (0: ask at once),
 * about the typing rhythm in a burst (a request per key would mostly be
 * aborted by the next key).
 */
export class AdaptiveDebounce {
  private last = -Infinity;
  private interval = 0;
  constructor(
    private readonly min = 0,
    private readonly max = 150,
    /** A burst's keys come at most this far apart. */
    private readonly burstGapMs = 600,
  ) {}

  keystroke(now = performance.now()): number {
    const gap = now - this.last;
    this.last = now;
    if (gap > this.burstGapMs) {
      this.interval = 0;
      return this.min;
    }
    this.interval = this.interval === 0 ? gap : this.interval * 0.7 + gap * 0.3;
    return Math.max(this.min, Math.min(this.max, this.interval * 1.2));
  }
}

/** Asks for suggestions on pauses in typing and on Alt+Space; one request at a time. */
function requester(config: GhostTextConfig) {
  return ViewPlugin.fromClass(
    class {
      private timer: ReturnType<typeof setTimeout> | null = null;
      /** Bumped by every schedule and cancel: a queued ask that is no longer the newest does nothing. */
      private scheduled = 0;
      private waiting = false;
      private inFlight: AbortController | null = null;
      private readonly debounce = new AdaptiveDebounce();

      constructor(readonly view: EditorView) {}

      update(update: ViewUpdate): void {
        const ghost = update.state.field(ghostField, false);
        const typed = update.transactions.some((tr) => tr.isUserEvent('input') || tr.isUserEvent('delete'));
        if (update.docChanged && ghost && update.startState.field(ghostField, false) !== ghost) {
          this.cancel(); // typed along: the shortened suggestion stays, nothing to ask
          config.onEvent?.({ type: 'shown', suggestion: ghost, fromTyping: true });
          return;
        }
        if (typed && !update.transactions.some((tr) => tr.isUserEvent('input.complete'))) this.schedule(false, this.debounce.keystroke());
        else if (update.docChanged || (update.selectionSet && !ghost)) this.cancel();
        if (!update.view.hasFocus && ghost) queueMicrotask(() => this.dismiss());
      }

      schedule(manual: boolean, delay: number): void {
        this.cancel();
        const ticket = ++this.scheduled;
        const go = () => {
          if (ticket === this.scheduled) void this.ask(manual);
        };
        // After a pause, ask in a microtask: a timer queued during input runs only after the input's frame.
        if (delay <= 0) queueMicrotask(go);
        else this.timer = setTimeout(go, delay);
        this.waiting = true;
      }

      cancel(): void {
        this.scheduled++;
        this.waiting = false;
        if (this.timer) clearTimeout(this.timer);
        this.timer = null;
        this.inFlight?.abort();
        this.inFlight = null;
      }

      dismiss(): boolean {
        const had = this.waiting || this.inFlight !== null || this.view.state.field(ghostField, false) !== null;
        this.cancel();
        if (this.view.state.field(ghostField, false)) {
          this.view.dispatch({ effects: setGhost.of(null) });
          config.onEvent?.({ type: 'dismissed' });
        }
        return had;
      }

      async ask(manual: boolean): Promise<void> {
        this.timer = null;
        this.waiting = false;
        const { state } = this.view;
        const range = state.selection.main;
        if (!range.empty) return;
        const controller = new AbortController();
        this.inFlight = controller;
        config.onEvent?.({ type: 'request', manual });
        let suggestion: Suggestion | null = null;
        try {
          suggestion = await config.source(state, range.head, manual, controller.signal);
        } catch (error) {
          if ((error as Error).name !== 'AbortError') console.warn('Code completion failed', error);
        }
        if (this.inFlight === controller) this.inFlight = null;
        if (!controller.signal.aborted) config.onEvent?.({ type: 'answered', empty: !suggestion || suggestion.insert === '' });
        // A newer keystroke or caret move made this answer stale (other updates, a syntax mode loading, do not).
        const now = this.view.state;
        const stale = now.doc !== state.doc || !now.selection.main.empty || now.selection.main.head !== range.head;
        if (controller.signal.aborted || stale || !suggestion || suggestion.insert === '') return;
        this.view.dispatch({ effects: setGhost.of(suggestion) });
        config.onEvent?.({ type: 'shown', suggestion, fromTyping: false });
      }

      destroy(): void {
        this.cancel();
      }
    },
  );
}

export function ghostText(config: GhostTextConfig): Extension {
  const plugin = requester(config);
  return [
    ghostField,
    plugin,
    Prec.highest(
      keymap.of([
        { key: 'Tab', run: (view) => accept(view, true, config.onEvent) },
        { key: 'Ctrl-ArrowRight', mac: 'Alt-ArrowRight', run: (view) => accept(view, false, config.onEvent) },
        { key: 'Escape', run: (view) => view.plugin(plugin)?.dismiss() ?? false },
        {
          key: 'Alt-Space',
          preventDefault: true,
          run: (view) => {
            view.plugin(plugin)?.schedule(true, 0);
            return true;
          },
        },
      ]),
    ),
    EditorView.baseTheme({
      '.cm-ghost-text': { opacity: '0.5', fontStyle: 'italic', whiteSpace: 'pre', pointerEvents: 'none' },
    }),
  ];
}
