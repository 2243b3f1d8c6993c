/**
 * Line diffs for the diff messages of write tools: Myers' O(ND) algorithm on
 * the lines that differ (a common prefix and suffix are cut first, so a small
 * edit in a big file costs little), then unified-diff hunks with context.
 * Line ends are compared as '\n' so a CRLF file does not show every line
 * changed; a last line without a newline is marked as git marks it.
 */
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
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const edits: LineEdit[] = [];
  for (let i = 0; i < start; i++) edits.push({ op: 'equal', oldLine: i + 1, newLine: i + 1, text: a[i]! });
  const middle = myers(a.slice(start, endA), b.slice(start, endB));
  for (const e of middle) {
    if (e.op === 'equal') edits.push({ op: 'equal', oldLine: e.oldLine + start, newLine: e.newLine + start, text: e.text });
    else if (e.op === 'delete') edits.push({ op: 'delete', oldLine: e.oldLine + start, text: e.text });
    else edits.push({ op: 'insert', newLine: e.newLine + start, text: e.text });
  }
  for (let i = 0; i < a.length - endA; i++) {
    edits.push({ op: 'equal', oldLine: endA + i + 1, newLine: endB + i + 1, text: a[endA + i]! });
  }
  return edits;
}

function myers(a: readonly string[], b: readonly string[]): LineEdit[] {
  const n = a.length;
  const m = b.length;
  if (n === 0 || m === 0) return replaceAll(a, b);
  const max = n + m;
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  // trace[d] holds v[k] for k in [-d, d] as it was before step d.
  const trace: Int32Array[] = [];
  let found = -1;
  for (let d = 0; d <= Math.min(max, MAX_EDIT_DISTANCE) && found < 0; d++) {
    trace.push(v.slice(offset - d, offset + d + 1));
    for (let k = -d; k <= d; k += 2) {
      // Down (an insertion) from diagonal k+1, or right (a deletion) from k-1.
      let x = k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!) ? v[offset + k + 1]! : v[offset + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) {
        found = d;
        break;
      }
    }
  }
  if (found < 0) return replaceAll(a, b);

  const reversed: LineEdit[] = [];
  let x = n;
  let y = m;
  for (let d = found; d >= 0; d--) {
    const prev = trace[d]!;
    const at = (k: number) => (k >= -d && k <= d ? prev[k + d]! : 0);
    const k = x - y;
    const down = k === -d || (k !== d && at(k - 1) < at(k + 1));
    const prevK = down ? k + 1 : k - 1;
    const prevX = d === 0 ? 0 : at(prevK);
    const prevY = d === 0 ? 0 : prevX - prevK;
    while (x > prevX && y > prevY) {
      x--;
      y--;
      reversed.push({ op: 'equal', oldLine: x + 1, newLine: y + 1, text: a[x]! });
    }
    if (d === 0) break;
    if (down) {
      y--;
      reversed.push({ op: 'insert', newLine: y + 1, text: b[y]! });
    } else {
      x--;
      reversed.push({ op: 'delete', oldLine: x + 1, text: a[x]! });
    }
  }
  return reversed.reverse();
}

function replaceAll(a: readonly string[], b: readonly string[]): LineEdit[] {
  return [
    ...a.map((text, i): LineEdit => ({ op: 'delete', oldLine: i + 1, text })),
    ...b.map((text, i): LineEdit => ({ op: 'insert', newLine: i + 1, text })),
  ];
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
