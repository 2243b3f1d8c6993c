/**
 * Line diffs in unified format (what `diff -u` / `git diff` print), by Myers'
 * O(ND) algorithm ("An O(ND) Difference Algorithm and Its Variations", 1986).
 *
 * Lines are compared exactly: a CR before the LF is part of the line, and a
 * last line without a newline differs from the same text with one (shown with
 * `\ No newline at end of file`). Past `maxEdits` differences the middle part
 * is shown as removed-then-added: still a correct diff, just not the shortest.
 *
 * `myers`/`diffLines` are the one diff core of the app: engine/diff builds the
 * write tools' hunks and DiffChunks from this edit script.
 */

export type EditKind = 'equal' | 'delete' | 'insert';

export interface Edit {
  kind: EditKind;
  /** Index into the old lines (equal, delete) or the new lines (insert). */
  oldIndex: number;
  newIndex: number;
}

interface Lines {
  text: string[];
  /** The last line has no newline after it. */
  noEol: boolean;
}

export function splitLines(text: string): Lines {
  if (text === '') return { text: [], noEol: false };
  const text_ = text.split('\n');
  const noEol = text_[text_.length - 1] !== '';
  if (!noEol) text_.pop();
  return { text: text_, noEol };
}

/** Shortest edit script between two integer sequences (lines already interned). */
export function myers(a: Int32Array, b: Int32Array, maxEdits = 4000): Edit[] | null {
  const n = a.length;
  const m = b.length;
  const max = Math.min(n + m, maxEdits);
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  let found = -1;
  outer: for (let d = 0; d <= max; d++) {
    // Keep only the diagonals this step can touch: O(D^2) memory in all.
    trace.push(v.slice(offset - d - 1, offset + d + 2));
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!) ? v[offset + k + 1]! : v[offset + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) {
        found = d;
        break outer;
      }
    }
  }
  if (found < 0) return null;
  // Walk back through the saved diagonals.
  const edits: Edit[] = [];
  let x = n;
  let y = m;
  for (let d = found; d > 0; d--) {
    const saved = trace[d]!; // v before step d, diagonals -d-1 .. d+1
    const at = (k: number) => saved[k + d + 1]!;
    const k = x - y;
    const prevK = k === -d || (k !== d && at(k - 1) < at(k + 1)) ? k + 1 : k - 1;
    const prevX = at(prevK);
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      x--;
      y--;
      edits.push({ kind: 'equal', oldIndex: x, newIndex: y });
    }
    if (prevK === k + 1) {
      y--;
      edits.push({ kind: 'insert', oldIndex: x, newIndex: y });
    } else {
      x--;
      edits.push({ kind: 'delete', oldIndex: x, newIndex: y });
    }
  }
  while (x > 0 && y > 0) {
    x--;
    y--;
    edits.push({ kind: 'equal', oldIndex: x, newIndex: y });
  }
  return edits.reverse();
}

/** Line-level edit script: common prefix and suffix, Myers in between (or replace-all past maxEdits). */
export function diffLines(oldLines: readonly string[], newLines: readonly string[], maxEdits = 4000): Edit[] {
  const ids = new Map<string, number>();
  const intern = (lines: readonly string[]) => Int32Array.from(lines, (line) => {
    let id = ids.get(line);
    if (id === undefined) ids.set(line, (id = ids.size));
    return id;
  });
  const a = intern(oldLines);
  const b = intern(newLines);
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const edits: Edit[] = [];
  for (let i = 0; i < start; i++) edits.push({ kind: 'equal', oldIndex: i, newIndex: i });
  const middle = myers(a.subarray(start, endA), b.subarray(start, endB), maxEdits);
  if (middle) {
    for (const e of middle) edits.push({ kind: e.kind, oldIndex: e.oldIndex + start, newIndex: e.newIndex + start });
  } else {
    for (let i = start; i < endA; i++) edits.push({ kind: 'delete', oldIndex: i, newIndex: start });
    for (let j = start; j < endB; j++) edits.push({ kind: 'insert', oldIndex: endA, newIndex: j });
  }
  for (let i = 0; i < a.length - endA; i++) edits.push({ kind: 'equal', oldIndex: endA + i, newIndex: endB + i });
  return edits;
}

export interface UnifiedDiffOptions {
  oldLabel: string;
  newLabel: string;
  /** Lines of context around each change. Default 3. */
  context?: number;
  maxEdits?: number;
}

function range(start: number, count: number): string {
  // The start of an empty range is the line before it (so 0 for an empty file).
  const first = count === 0 ? start : start + 1;
  return count === 1 ? `${first}` : `${first},${count}`;
}

/** A unified diff of two texts; '' when they are equal. */
export function unifiedDiff(oldText: string, newText: string, options: UnifiedDiffOptions): string {
  if (oldText === newText) return '';
  const context = options.context ?? 3;
  const a = splitLines(oldText);
  const b = splitLines(newText);
  // The last line without a newline is a different line from the same text with one.
  const key = (lines: Lines) =>
    lines.noEol ? [...lines.text.slice(0, -1), lines.text[lines.text.length - 1] + '\u0000'] : lines.text;
  const edits = diffLines(key(a), key(b), options.maxEdits);
  const out = [`--- ${options.oldLabel}`, `+++ ${options.newLabel}`];
  const lineOf = (e: Edit): string => {
    if (e.kind === 'insert') {
      const noEol = b.noEol && e.newIndex === b.text.length - 1;
      return '+' + b.text[e.newIndex] + (noEol ? '\n\\ No newline at end of file' : '');
    }
    const noEol = a.noEol && e.oldIndex === a.text.length - 1;
    const marker = noEol ? '\n\\ No newline at end of file' : '';
    return (e.kind === 'delete' ? '-' : ' ') + a.text[e.oldIndex] + marker;
  };
  const changed = edits.map((e, i) => (e.kind === 'equal' ? -1 : i)).filter((i) => i >= 0);
  let h = 0;
  while (h < changed.length) {
    // Grow a hunk while the next change is within 2 * context equal lines.
    let last = h;
    while (last + 1 < changed.length && changed[last + 1]! - changed[last]! <= 2 * context + 1) last++;
    const from = Math.max(0, changed[h]! - context);
    const to = Math.min(edits.length - 1, changed[last]! + context);
    const slice = edits.slice(from, to + 1);
    const first = slice[0]!;
    const oldCount = slice.filter((e) => e.kind !== 'insert').length;
    const newCount = slice.filter((e) => e.kind !== 'delete').length;
    out.push(`@@ -${range(first.oldIndex, oldCount)} +${range(first.newIndex, newCount)} @@`);
    for (const e of slice) out.push(lineOf(e));
    h = last + 1;
  }
  return out.join('\n') + '\n';
}
