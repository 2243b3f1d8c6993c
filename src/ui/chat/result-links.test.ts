import { describe, expect, it } from 'vitest';
import { resultParts } from './result-links';

const joined = (text: string) => resultParts(text).map((p) => p.text).join('');

describe('resultParts', () => {
  it("makes search_pattern's hit lines links to the file at the line, the rest plain text", () => {
    const text = 'Found 2 matches in 2 files:\nsrc/calc.py:5:     return a + b\nlib/util/io.ts:12: export function read() {\n';
    expect(resultParts(text)).toEqual([
      { text: 'Found 2 matches in 2 files:\n' },
      { path: 'src/calc.py', line: 5, text: 'src/calc.py:5' },
      { text: ':     return a + b\n' },
      { path: 'lib/util/io.ts', line: 12, text: 'lib/util/io.ts:12' },
      { text: ': export function read() {\n' },
    ]);
    expect(joined(text)).toBe(text);
  });

  it('leaves text that only looks like a hit alone: absolute paths, parent folders, line 0, URLs, times', () => {
    for (const text of ['/etc/passwd:1: root', '../secret.txt:3: x', 'a.py:0: x', 'http://host:8080: down', 'at 12:30: lunch', 'no hits\n']) {
      expect(resultParts(text)).toEqual([{ text }]);
    }
  });
});
