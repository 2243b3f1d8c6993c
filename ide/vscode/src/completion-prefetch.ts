/**
 * Asks the app for a completion as soon as the user types, instead of when
 * VS Code asks us. VS Code waits a fixed 50 ms after each change before it
 * calls an inline completion provider (extensions can shorten that only
 * through proposed API), so the answer for the new cursor is already on its
 * way, or there, when VS Code's call comes: a suggestion shows up to 50 ms
 * sooner.
 *
 * One request in flight at a time: the next change cancels the previous one
 * (the app drops its engine work for it), as VS Code would cancel its own
 * call. A request is used only by a call for the very same document version
 * and cursor; anything else asks afresh.
 *
 * No runtime import of 'vscode': unit-tested as plain data.
 */

/** Where a completion is asked for: the document's identity and version, and the cursor. */
export interface PrefetchKey {
  uri: string;
  version: number;
  line: number;
  character: number;
}

export interface Asked<T> {
  answer: Promise<T>;
  cancel(): void;
}

/** The cursor after a single change that replaced `rangeStart`..end by `text` (VS Code's contentChanges entry). */
export function cursorAfterChange(rangeStart: { line: number; character: number }, text: string): { line: number; character: number } {
  const lastBreak = text.lastIndexOf('\n');
  if (lastBreak === -1) return { line: rangeStart.line, character: rangeStart.character + text.length };
  let breaks = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) breaks++;
  return { line: rangeStart.line + breaks, character: text.length - lastBreak - 1 };
}

const same = (a: PrefetchKey, b: PrefetchKey) => a.uri === b.uri && a.version === b.version && a.line === b.line && a.character === b.character;

export class CompletionPrefetch<T> {
  private current: { key: PrefetchKey; asked: Asked<T> } | null = null;

  /** Starts asking for `key` (cancelling the request before it); `ask` makes the request. */
  start(key: PrefetchKey, ask: () => Asked<T>): void {
    this.cancel();
    const asked = ask();
    // Its failure (cancelled, not connected) belongs to whoever takes it; none may.
    asked.answer.catch(() => undefined);
    this.current = { key, asked };
  }

  /** The answer already asked for `key`, or null. */
  take(key: PrefetchKey): Promise<T> | null {
    return this.current && same(this.current.key, key) ? this.current.asked.answer : null;
  }

  /** Drops the request in flight (the user left the editor, or completion was paused). */
  cancel(): void {
    this.current?.asked.cancel();
    this.current = null;
  }
}
