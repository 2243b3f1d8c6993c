import { describe, expect, it } from 'vitest';
import { highlightLines, languageNameFor, splitHighlightedLines } from './highlight';

describe('splitHighlightedLines', () => {
  it('closes and reopens spans that cross line ends', () => {
    const html = 'a<span class="hljs-comment">/* one\ntwo */</span>b\nc';
    expect(splitHighlightedLines(html)).toEqual([
      'a<span class="hljs-comment">/* one</span>',
      '<span class="hljs-comment">two */</span>b',
      'c',
    ]);
  });
});

describe('highlightLines', () => {
  it('highlights a Python file into one HTML string per source line, CRLF or not', async () => {
    const lines = await highlightLines('pkg/mod.py', 'def f(x):\r\n    """doc\r\n    more"""\r\n    return x\r\n');
    expect(lines).toHaveLength(5);
    expect(lines![0]).toContain('<span class="hljs-keyword">def</span>');
    expect(lines![2]).toMatch(/^<span class="hljs-string">/);
    expect(lines!.join('')).not.toContain('\r');
  });

  it('leaves unknown kinds of file plain and maps extensions to languages', async () => {
    expect(await highlightLines('notes.unknownext', 'x')).toBeNull();
    expect(languageNameFor('a/b.tsx')).toBe('typescript');
    expect(languageNameFor('Dockerfile')).toBe('dockerfile');
  });
});
