/**
 * Line diffs for the diff messages of write tools: the edit script comes from
 * the shared Myers core in checkpoints/diff (a common prefix and suffix are
 * cut first, so a small edit in a big file costs little), then unified-diff
 * hunks with context.
 * Line ends are compared as '\n' so a CRLF file does not show every line
 * changed; a last line without a newline is marked as git marks it.
 */
import { diffLines as editScript } from '../checkpoints/diff';
import type { DiffChunk } from './messages';

export type LineEdit =
  | { op: 'equal'; oldLine: number; newLine: number; text: string }
  | { op: 'delete'; oldLine: number; text: string }
  | { op: 'insert'; newLine: number; text: string };

export interface Hunk {
  /** 1-based; when a side is empty it is the line before the hunk (0 at the top), as in `diff -u`. */
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
  /** ' ', '-', '+' prefixed lines, each ending in '\n'. */
  lines: string[];
}

/** Beyond this many differing lines Myers' trace gets big; the middle is then shown as replaced wholesale. */
const MAX_EDIT_DISTANCE = 1000;

/** Follows a hunk line that has no newline at the end of the file. */
const NO_NEWLINE_MARK = '\n\\ No newline at end of file\n';

/** Lines with their '\n' kept (CRLF read as LF); the last one may lack it. */
export function splitLines(text: string): string[] {
  const normalized = text.replace(/\r\n/g, '\n');
  if (normalized === '') return [];
  const lines = normalized.split('\n').map((line) => `${line}\n`);
  const last = lines.pop()!;
  if (last !== '\n') lines.push(last.slice(0, -1)); // no newline at the end of the file
  return lines;
}

/** The edit script turning `a` into `b`; line numbers are 1-based. */
export function diffLines(a: readonly string[], b: readonly string[]): LineEdit[] {
  return editScript(a, b, MAX_EDIT_DISTANCE).map((e): LineEdit => {
    if (e.kind === 'equal') return { op: 'equal', oldLine: e.oldIndex + 1, newLine: e.newIndex + 1, text: a[e.oldIndex]! };
    if (e.kind === 'delete') return { op: 'delete', oldLine: e.oldIndex + 1, text: a[e.oldIndex]! };
    return { op: 'insert', newLine: e.newIndex + 1, text: b[e.newIndex]! };
  });
}

function hunkLine(prefix: string, text: string): string {
  return text.endsWith('\n') ? `${prefix}${text}` : `${prefix}${text}${NO_NEWLINE_MARK}`;
}

/** Groups an edit script into unified-diff hunks with `context` unchanged lines around each change. */
export function toHunks(edits: readonly LineEdit[], context = 3): Hunk[] {
  const hunks: Hunk[] = [];
  const changed = edits.map((e, i) => (e.op === 'equal' ? -1 : i)).filter((i) => i >= 0);
  if (changed.length === 0) return hunks;
  // Ranges of edit indexes, merged when their context would touch.
  const ranges: [number, number][] = [];
  for (const i of changed) {
    const from = Math.max(0, i - context);
    const to = Math.min(edits.length - 1, i + context);
    const last = ranges.at(-1);
    if (last && from <= last[1] + 1) last[1] = Math.max(last[1], to);
    else ranges.push([from, to]);
  }
  for (const [from, to] of ranges) {
    const slice = edits.slice(from, to + 1);
    let oldLines = 0;
    let newLines = 0;
    let oldStart = 0;
    let newStart = 0;
    const lines: string[] = [];
    for (const e of slice) {
      if (e.op !== 'insert') {
        if (oldLines === 0) oldStart = e.oldLine;
        oldLines++;
      }
      if (e.op !== 'delete') {
        if (newLines === 0) newStart = e.newLine;
        newLines++;
      }
      lines.push(hunkLine(e.op === 'equal' ? ' ' : e.op === 'delete' ? '-' : '+', e.text));
    }
    if (oldLines === 0) oldStart = linesBefore(edits, from, 'old');
    if (newLines === 0) newStart = linesBefore(edits, from, 'new');
    hunks.push({ oldStart, oldLines, newStart, newLines, lines });
  }
  return hunks;
}

/** How many lines of one side come before edit `index` (the `diff -u` start of an empty side). */
function linesBefore(edits: readonly LineEdit[], index: number, side: 'old' | 'new'): number {
  let count = 0;
  for (let i = 0; i < index; i++) {
    const e = edits[i]!;
    if (side === 'old' ? e.op !== 'insert' : e.op !== 'delete') count++;
  }
  return count;
}

export function hunkHeader(h: Hunk): string {
  const side = (start: number, count: number) => (count === 1 ? `${start}` : `${start},${count}`);
  return `@@ -${side(h.oldStart, h.oldLines)} +${side(h.newStart, h.newLines)} @@\n`;
}

/**
 * The DiffChunks of one file's change: `before` null means the file was
 * created ('A'), `after` null that it was deleted ('D'). One chunk per hunk;
 * line1/line2 span the hunk in the new file (the old one for 'D').
 */
export function diffChunks(fileName: string, before: string | null, after: string | null, context = 3): DiffChunk[] {
  const action: DiffChunk['file_action'] = before === null ? 'A' : after === null ? 'D' : 'M';
  const hunks = toHunks(diffLines(splitLines(before ?? ''), splitLines(after ?? '')), context);
  return hunks.map((h) => {
    const [start, count] = action === 'D' ? [h.oldStart, h.oldLines] : [h.newStart, h.newLines];
    const line1 = Math.max(1, start);
    return {
      file_name: fileName,
      file_action: action,
      line1,
      line2: Math.max(line1, start + count - 1),
      chunks: hunkHeader(h) + h.lines.join(''),
    };
  });
}

/** Applies hunks to `before`; tests use it to check that a diff reproduces `after`. */
export function applyHunks(before: string, hunks: readonly Hunk[]): string {
  const lines = splitLines(before);
  const out: string[] = [];
  let at = 0;
  for (const h of hunks) {
    const start = h.oldLines === 0 ? h.oldStart : h.oldStart - 1;
    while (at < start) out.push(lines[at++]!);
    for (const raw of h.lines) {
      const marker = raw[0];
      let text = raw.slice(1);
      if (text.endsWith(NO_NEWLINE_MARK)) text = text.slice(0, -NO_NEWLINE_MARK.length);
      if (marker === ' ' || marker === '-') at++;
      if (marker === ' ' || marker === '+') out.push(text);
    }
  }
  while (at < lines.length) out.push(lines[at++]!);
  return out.join('');
}
