import { describe, expect, it } from 'vitest';
import { cutAroundCursor } from './prompt-cut';

// Line 3 is the cursor's, "cur|sor"; every other line costs 3 characters with its newline.
const SEVEN = ['L0', 'L1', 'L2', 'cursor', 'L4', 'L5', 'L6'].join('\n');
const cut = (budget: number) => cutAroundCursor(SEVEN, 3, 3, budget);

describe('cutAroundCursor', () => {
  it('takes lines one above, one below, … nearest first, while the budget lasts', () => {
    expect(cut(6)).toEqual({ prefix: 'cur', suffix: 'sor' });
    expect(cut(9)).toEqual({ prefix: 'L2\ncur', suffix: 'sor' });
    expect(cut(12)).toEqual({ prefix: 'L2\ncur', suffix: 'sor\nL4' });
    expect(cut(15)).toEqual({ prefix: 'L1\nL2\ncur', suffix: 'sor\nL4' });
    expect(cut(1000)).toEqual({ prefix: 'L0\nL1\nL2\ncur', suffix: 'sor\nL4\nL5\nL6' });
  });

  it('goes on below when the next line above does not fit', () => {
    const text = ['x'.repeat(50), 'above', 'cursor', 'b1', 'b2'].join('\n');
    expect(cutAroundCursor(text, 2, 0, 6 + 6 + 3 + 3)).toEqual({ prefix: 'above\n', suffix: 'cursor\nb1\nb2' });
  });

  it('cuts a giant single line around the cursor, a little more before it', () => {
    const line = `${'a'.repeat(1000)}${'b'.repeat(1000)}`;
    expect(cutAroundCursor(line, 0, 1000, 100)).toEqual({ prefix: 'a'.repeat(60), suffix: 'b'.repeat(40) });
    // Near the start of the line, what is missing before goes after.
    expect(cutAroundCursor(line, 0, 10, 100)).toEqual({ prefix: 'a'.repeat(10), suffix: `${'a'.repeat(90)}` });
  });

  it('keeps CRLF line endings as they are', () => {
    expect(cutAroundCursor('a = 1\r\nb = 2\r\nc = 3\r\n', 1, 3, 1000)).toEqual({ prefix: 'a = 1\r\nb =', suffix: ' 2\r\nc = 3\r\n' });
  });
});
