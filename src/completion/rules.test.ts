import { describe, expect, it } from 'vitest';
import { cursorLineParts, documentTooLarge, isMultilineAt, MAX_COMPLETION_DOCUMENT_CHARS, offsetAt, rightOfCursorAllows } from './rules';

describe('rightOfCursorAllows (refact-vscode: ^[:\\s\\t\\n\\r(){},."\'\\];]*$)', () => {
  it('allows an empty rest of line, closing punctuation and blanks', () => {
    for (const rest of ['', '   ', '\t', ')', ');', '"]);', "')", '):', '{}', ', ', '.']) expect(rightOfCursorAllows(rest), JSON.stringify(rest)).toBe(true);
  });

  it('refuses code right of the cursor', () => {
    for (const rest of ['checkpoint(x, y)', 'x)', ' + 1', '= 2', '>', 'rue.', '/* c */']) expect(rightOfCursorAllows(rest), JSON.stringify(rest)).toBe(false);
  });
});

describe('isMultilineAt', () => {
  it('is multiline when the left of the cursor is blank or indentation only', () => {
    expect(isMultilineAt('')).toBe(true);
    expect(isMultilineAt('    ')).toBe(true);
    expect(isMultilineAt('\t\t')).toBe(true);
    expect(isMultilineAt('    x')).toBe(false);
    expect(isMultilineAt('def ')).toBe(false);
  });
});

describe('documentTooLarge', () => {
  it('draws the line at ~180 KB', () => {
    expect(documentTooLarge('x'.repeat(MAX_COMPLETION_DOCUMENT_CHARS))).toBe(false);
    expect(documentTooLarge('x'.repeat(MAX_COMPLETION_DOCUMENT_CHARS + 1))).toBe(true);
  });
});

describe('cursorLineParts / offsetAt', () => {
  it('splits the cursor line at the character, without the line ending', () => {
    expect(cursorLineParts('a = 1\r\nprint()\r\n', 1, 6)).toEqual({ left: 'print(', right: ')' });
    expect(cursorLineParts('one\ntwo', 1, 0)).toEqual({ left: '', right: 'two' });
    expect(offsetAt('one\ntwo', 1, 2)).toBe(6);
  });
});
