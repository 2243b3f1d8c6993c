import { describe, expect, it } from 'vitest';
import { applyHunks, diffChunks, diffLines, splitLines, toHunks } from './diff';
import { seededRandom } from './test-support/random';

describe('diffLines', () => {
  it('finds the shortest edit script', () => {
    const a = splitLines('a\nb\nc\na\nb\nb\na\n');
    const b = splitLines('c\nb\na\nb\na\nc\n');
    const edits = diffLines(a, b);
    // Myers' classic example: 5 edits.
    expect(edits.filter((e) => e.op !== 'equal')).toHaveLength(5);
  });

  it('reproduces the new text from random edits (hunks applied to the old text)', () => {
    const random = seededRandom(7);
    const words = ['alpha', 'beta', 'gamma', 'delta', '', '  indented', '}'];
    for (let round = 0; round < 300; round++) {
      const lines = Array.from({ length: random.int(0, 30) }, () => random.pick(words));
      const edited = [...lines];
      for (let e = random.int(0, 6); e > 0; e--) {
        const at = random.int(0, edited.length);
        if (random.next() < 0.5 && edited.length > 0) edited.splice(Math.min(at, edited.length - 1), 1);
        else edited.splice(at, 0, random.pick(words));
      }
      const before = lines.join('\n') + (random.next() < 0.5 ? '\n' : '');
      const after = edited.join('\n') + (random.next() < 0.5 ? '\n' : '');
      const hunks = toHunks(diffLines(splitLines(before), splitLines(after)), random.int(0, 3));
      expect(applyHunks(before, hunks)).toBe(after);
    }
  });
});

describe('large diffs', () => {
  it('fall back to replacing the differing middle when the edit distance is huge, still exact', () => {
    const random = seededRandom(3);
    const a = Array.from({ length: 3000 }, () => `a${random.int(0, 1e6)}`).join('\n') + '\n';
    const b = Array.from({ length: 3000 }, () => `b${random.int(0, 1e6)}`).join('\n') + '\n';
    const edits = diffLines(splitLines(a), splitLines(b));
    expect(edits.filter((e) => e.op === 'delete')).toHaveLength(3000);
    expect(applyHunks(a, toHunks(edits))).toBe(b);
  });
});

describe('diffChunks', () => {
  it('gives one chunk per hunk with a unified header and the new-file span', () => {
    const before = Array.from({ length: 20 }, (_, i) => `line ${i + 1}`).join('\n') + '\n';
    const after = before.replace('line 3\n', 'line three\n').replace('line 18\n', '');
    const chunks = diffChunks('src/a.txt', before, after);
    expect(chunks).toHaveLength(2);
    expect(chunks[0]).toEqual({
      file_name: 'src/a.txt',
      file_action: 'M',
      line1: 1,
      line2: 6,
      chunks: '@@ -1,6 +1,6 @@\n line 1\n line 2\n-line 3\n+line three\n line 4\n line 5\n line 6\n',
    });
    expect(chunks[1]!.chunks.startsWith('@@ -15,6 +15,5 @@\n')).toBe(true);
  });

  it('marks created and deleted files, and a missing newline at the end', () => {
    expect(diffChunks('n.txt', null, 'x\ny')).toEqual([
      { file_name: 'n.txt', file_action: 'A', line1: 1, line2: 2, chunks: '@@ -0,0 +1,2 @@\n+x\n+y\n\\ No newline at end of file\n' },
    ]);
    expect(diffChunks('d.txt', 'a\n', null)).toEqual([
      { file_name: 'd.txt', file_action: 'D', line1: 1, line2: 1, chunks: '@@ -1 +0,0 @@\n-a\n' },
    ]);
  });

  it('does not report CRLF lines as changed when one line is edited', () => {
    const chunks = diffChunks('w.txt', 'a\r\nb\r\nc\r\n', 'a\r\nB\r\nc\r\n');
    expect(chunks[0]!.chunks).toBe('@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n');
  });

  it('has no chunks for identical text', () => {
    expect(diffChunks('same.txt', 'x\n', 'x\n')).toEqual([]);
  });
});
