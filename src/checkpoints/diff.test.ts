import { describe, expect, it } from 'vitest';
import { diffLines, splitLines, unifiedDiff } from './diff';

const labels = { oldLabel: 'a/f.txt', newLabel: 'b/f.txt' };

/** Applies a unified diff made by unifiedDiff to `old` (a strict mini-patch, enough to check ours). */
function applyPatch(old: string, patch: string): string {
  if (patch === '') return old;
  const a = splitLines(old);
  const lines = patch.split('\n');
  lines.pop(); // trailing ''
  const out: string[] = [];
  let noEol = false;
  let at = 0; // next old line to copy
  for (let i = 2; i < lines.length; i++) {
    const line = lines[i]!;
    const hunk = /^@@ -(\d+)(?:,(\d+))? \+\d+(?:,\d+)? @@$/.exec(line);
    if (hunk) {
      const count = hunk[2] === undefined ? 1 : Number(hunk[2]);
      const start = count === 0 ? Number(hunk[1]) : Number(hunk[1]) - 1;
      while (at < start) out.push(a.text[at++]!);
      continue;
    }
    if (line === '\\ No newline at end of file') {
      if (lines[i - 1]!.startsWith('+') || lines[i - 1]!.startsWith(' ')) noEol = true;
      continue;
    }
    const body = line.slice(1);
    if (line[0] === ' ') {
      if (a.text[at] !== body) throw new Error(`context mismatch at old line ${at + 1}`);
      out.push(body);
      at++;
    } else if (line[0] === '-') {
      if (a.text[at] !== body) throw new Error(`delete mismatch at old line ${at + 1}`);
      at++;
    } else if (line[0] === '+') {
      out.push(body);
    } else throw new Error(`bad patch line ${JSON.stringify(line)}`);
  }
  const copiedTail = at < a.text.length;
  while (at < a.text.length) out.push(a.text[at++]!);
  if (copiedTail) noEol = a.noEol;
  if (out.length === 0) return '';
  return out.join('\n') + (noEol ? '' : '\n');
}

describe('unifiedDiff', () => {
  it('prints hunks with three lines of context, like diff -u', () => {
    const old = 'a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n';
    const now = 'a\nb\nc\nd\nE\nf\ng\nh\ni\nj\nk\n';
    expect(unifiedDiff(old, now, labels)).toBe(
      ['--- a/f.txt', '+++ b/f.txt', '@@ -2,9 +2,10 @@', ' b', ' c', ' d', '-e', '+E', ' f', ' g', ' h', ' i', ' j', '+k', ''].join('\n'),
    );
  });

  it('handles empty sides, a missing final newline and CRLF', () => {
    expect(unifiedDiff('', 'x\ny\n', { oldLabel: '/dev/null', newLabel: 'b/n' })).toBe('--- /dev/null\n+++ b/n\n@@ -0,0 +1,2 @@\n+x\n+y\n');
    expect(unifiedDiff('x\n', '', labels)).toBe('--- a/f.txt\n+++ b/f.txt\n@@ -1 +0,0 @@\n-x\n');
    expect(unifiedDiff('x\n', 'x', labels)).toBe('--- a/f.txt\n+++ b/f.txt\n@@ -1 +1 @@\n-x\n+x\n\\ No newline at end of file\n');
    expect(unifiedDiff('one\r\ntwo\r\n', 'one\r\nTWO\r\n', labels)).toBe('--- a/f.txt\n+++ b/f.txt\n@@ -1,2 +1,2 @@\n one\r\n-two\r\n+TWO\r\n');
    expect(unifiedDiff('same\n', 'same\n', labels)).toBe('');
  });

  it('finds a shortest edit script', () => {
    const edits = diffLines('abcabba'.split(''), 'cbabac'.split(''));
    expect(edits.filter((e) => e.kind !== 'equal')).toHaveLength(5); // Myers' paper: D = 5
  });

  it('round-trips random edits through a patch applier (200 cases)', () => {
    let seed = 42;
    const rand = (n: number) => (seed = (seed * 1103515245 + 12345) >>> 0) % n;
    const pick = () => ['alpha', 'beta', 'gamma', '', '  x', 'delta\r'][rand(6)]!;
    for (let c = 0; c < 200; c++) {
      const old = Array.from({ length: rand(30) }, pick);
      const now = [...old];
      for (let k = rand(8); k > 0; k--) {
        const op = rand(3);
        const at = rand(now.length + 1);
        if (op === 0) now.splice(at, 0, pick());
        else if (op === 1 && now.length) now.splice(at % now.length, 1);
        else if (now.length) now[at % now.length] = pick();
      }
      const oldText = old.join('\n') + (old.length && rand(2) ? '\n' : '');
      const newText = now.join('\n') + (now.length && rand(2) ? '\n' : '');
      expect(applyPatch(oldText, unifiedDiff(oldText, newText, labels)), `case ${c}`).toBe(newText);
    }
  });

  it('stays correct (if not minimal) past the edit limit', () => {
    const old = Array.from({ length: 3000 }, (_, i) => `line ${i}`).join('\n') + '\n';
    const now = Array.from({ length: 3000 }, (_, i) => `line ${i % 7 === 0 ? 'changed ' : ''}${i}`).join('\n') + '\n';
    const limited = unifiedDiff(old, now, { ...labels, maxEdits: 50 });
    expect(applyPatch(old, limited)).toBe(now);
    expect(applyPatch(old, unifiedDiff(old, now, labels))).toBe(now);
  });
});
