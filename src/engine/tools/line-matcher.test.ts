import { describe, expect, it } from 'vitest';
import { createLineMatcher, type MatchedLine } from './line-matcher';

/** The reference: split into lines and test each one. */
function byLine(text: string, regex: RegExp, limit = Infinity): MatchedLine[] {
  const out: MatchedLine[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (out.length < limit && regex.test(line)) out.push({ line: i + 1, text: line });
  });
  return out;
}

const texts = [
  'def foo():\n    return bar(1)\n\nclass Foo(Base):\n    pass\n',
  'a\r\nfoo\r\n\r\nx foo y\rfoo\nlast foo',
  '\n\nfoo\n',
  'foo',
  '',
  'x\n',
  'aab\nab\nb\n\nba\n',
  'é foo ÉFOO\nimport { x } from "y";\n  // TODO: later\n',
];
const patterns: [string, string][] = [
  ['foo', ''],
  ['FOO', 'i'],
  ['^foo$', ''],
  ['^\\s*$', ''],
  ['\\bfoo\\b', 'i'],
  ['(bar|Base)', ''],
  ['a*', ''],
  ['$', ''],
  ['\\s+foo', ''],
  ['[^x]*y', ''],
  ['a[\\s\\S]*b', ''],
  ['b\\n?$', ''],
  ['x(?![^a])', ''],
  ['(?<=\\s)foo', ''],
  ['TODO:?', ''],
  ['.', ''],
  ['\\r', ''],
];

describe('createLineMatcher', () => {
  it('finds exactly the lines a line-by-line test finds, for every pattern and text', () => {
    for (const text of texts) {
      for (const [source, flags] of patterns) {
        const regex = new RegExp(source, flags);
        expect(createLineMatcher(regex).matches(text, Infinity), `/${source}/${flags} in ${JSON.stringify(text)}`).toEqual(byLine(text, regex));
      }
    }
  });

  it('stops at the limit', () => {
    const text = 'hit\n'.repeat(50);
    const found = createLineMatcher(/hit/).matches(text, 5);
    expect(found.map((m) => m.line)).toEqual([1, 2, 3, 4, 5]);
  });

  it('agrees with line-by-line testing on random texts and patterns', () => {
    let seed = 7;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const alphabet = ['a', 'b', ' ', '\n', '\r\n', 'ab', '\r', 'x'];
    const pieces = ['a', 'b', '\\s', '\\n', '.', '^', '$', '\\b', 'a*', '[^a]', '(a|b)', 'b+', '\\S'];
    for (let round = 0; round < 400; round++) {
      const text = Array.from({ length: rand(30) }, () => alphabet[rand(alphabet.length)]).join('');
      const source = Array.from({ length: 1 + rand(4) }, () => pieces[rand(pieces.length)]).join('');
      const regex = new RegExp(source, rand(2) ? 'i' : '');
      expect(createLineMatcher(regex).matches(text, Infinity), `/${source}/ in ${JSON.stringify(text)}`).toEqual(byLine(text, regex));
    }
  });
});
