/**
 * Refact's rules for when and how to complete (refact-lsp and
 * refact-vscode): multiline when the cursor line's left part is whitespace,
 * nothing when the right part is more than closing punctuation, nothing in
 * very large documents.
 */

/** Documents larger than this get no completion (refact-lsp's limit is ~180 KB). */
export const MAX_COMPLETION_DOCUMENT_CHARS = 180_000;

/** What may stand right of the cursor for a completion to make sense (refact-vscode). */
const COMPLETABLE_RIGHT = /^[:\s\t\n\r(){},."'\];]*$/;

/** Completion is offered only when the rest of the line is closing punctuation or blank. */
export function rightOfCursorAllows(restOfLine: string): boolean {
  return COMPLETABLE_RIGHT.test(restOfLine);
}

/** A block is asked for on a blank (or indentation-only) left side; otherwise the rest of the line. */
export function isMultilineAt(leftOfCursor: string): boolean {
  return /^\s*$/.test(leftOfCursor);
}

export function documentTooLarge(text: string): boolean {
  return text.length > MAX_COMPLETION_DOCUMENT_CHARS;
}

/** The cursor's line split at the cursor (the line ending excluded). */
export function cursorLineParts(text: string, line: number, character: number): { left: string; right: string } {
  let start = 0;
  for (let i = 0; i < line; i++) {
    const next = text.indexOf('\n', start);
    if (next < 0) return { left: '', right: '' };
    start = next + 1;
  }
  let end = text.indexOf('\n', start);
  if (end < 0) end = text.length;
  const lineText = text.slice(start, end).replace(/\r$/, '');
  return { left: lineText.slice(0, character), right: lineText.slice(character) };
}

/** Offset of (line, character) in text. */
export function offsetAt(text: string, line: number, character: number): number {
  let start = 0;
  for (let i = 0; i < line; i++) {
    const next = text.indexOf('\n', start);
    if (next < 0) return text.length;
    start = next + 1;
  }
  return start + character;
}
