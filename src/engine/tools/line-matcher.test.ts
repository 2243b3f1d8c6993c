import { describe, expect, it } from 'vitest';
import { createLineMatcher, scansWholeText, type MatchedLine } from './line-matcher';

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
  'self._lock = x\nfoo(a)\n  bar;\nfoo bar\nfoo\tbar;\n\r\nself.x_lock\r\n',
  'a\u2028b\rfoo;\n\tbar\x0b\f\n12\n\n\n',
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
  ['foo[^;]*bar', ''],
  ['self\\.[^;]*_lock', ''],
  ['foo\\s*bar', ''],
  ['foo\\W+bar', 'i'],
  ['o\\D*b', ''],
  ['foo\\S*', ''],
  ['[^\\n]*bar', ''],
  ['[^\\s;]+', ''],
  ['a\\x0ab', ''],
  ['o\\u000a', ''],
  ['\\cJ', ''],
  ['\\p{Cc}', 'u'],
  ['\\P{L}+b', 'u'],
  ['foo.*bar', 's'],
  ['[\\t-\\r]+', ''],
  ['(o)\\1', ''],
  ['\\12', ''],
  ['[^]', ''],
  ['(?<n>o)\\k<n>', ''],
  ['\\b(foo|bar)\\b', ''],
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

  it('finds the same lines with the whole-text scan forced, for every pattern without lookaround', () => {
    for (const text of texts) {
      for (const [source, flags] of patterns) {
        if (/\(\?<?[=!]/.test(source)) continue;
        const regex = new RegExp(source, flags);
        expect(createLineMatcher(regex, { wholeText: true }).matches(text, Infinity), `/${source}/${flags} in ${JSON.stringify(text)}`).toEqual(byLine(text, regex));
      }
    }
  });

  it('finds the same lines a slice at a time, pausing between slices', async () => {
    for (const text of texts) {
      for (const [source, flags] of patterns) {
        const regex = new RegExp(source, flags);
        for (const sliceChars of [1, 2, 3, 7]) {
          let pauses = 0;
          const found = await createLineMatcher(regex).matchesInSlices(text, Infinity, async () => void pauses++, sliceChars);
          expect(found, `/${source}/${flags} in ${JSON.stringify(text)}, slices of ${sliceChars}`).toEqual(byLine(text, regex));
          if (text.length <= sliceChars) expect(pauses).toBe(0);
        }
        const limited = await createLineMatcher(regex).matchesInSlices(text, 2, async () => {}, 3);
        expect(limited).toEqual(byLine(text, regex, 2));
      }
    }
  });

  it('stops between slices when the pause throws', async () => {
    const text = 'x\n'.repeat(1000);
    const controller = new AbortController();
    let pauses = 0;
    const pause = async () => {
      if (++pauses === 3) controller.abort();
      controller.signal.throwIfAborted();
    };
    await expect(createLineMatcher(/y/).matchesInSlices(text, 10, pause, 100)).rejects.toThrow();
    expect(pauses).toBe(3);
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
      expect(createLineMatcher(regex, { wholeText: true }).matches(text, Infinity), `scan /${source}/ in ${JSON.stringify(text)}`).toEqual(byLine(text, regex));
    }
  });
});

describe('scansWholeText', () => {
  it('never lets a pattern it accepts match a line feed (random patterns)', () => {
    let seed = 11;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const pieces = ['a', '\\s', '\\S', '\\n', '\\r', '.', '\\D', '\\d', '\\W', '\\w', '[^a]', '[^\\n]', '[^\\s]', '[^\\S]', '[\\s]',
      '[\\t-\\r]', '[\\t-\\v]', '[ -~]', '\\x0a', '\\u000A', '\\cJ', '\\12', '\\012', '\\0', '(a|\\n)', '[\\b-\\f]', '[^\\r\\n]', '*', '+', '?', '\\v', '\\f', '\\t'];
    const probe = 'a\n\r\n \t\u000b\f\u2028\u2029\u0000\u0001\u0008\u0009b\n\n1z~\na';
    let accepted = 0;
    for (let round = 0; round < 3000; round++) {
      const source = Array.from({ length: 1 + rand(3) }, () => pieces[rand(pieces.length)]).join('');
      let regex: RegExp;
      try {
        regex = new RegExp(source, ['', 'i', 's', 'u'][rand(4)]! + 'g');
      } catch {
        continue;
      }
      if (!scansWholeText(source, regex.flags)) continue;
      accepted++;
      for (const m of probe.matchAll(regex)) expect(m[0], `/${source}/${regex.flags}`).not.toContain('\n');
    }
    expect(accepted).toBeGreaterThan(100);
  });

  it('scans the whole text for identifiers, literals, alternations and classes that exclude a line feed', () => {
    const safe = [
      'foo',
      'self\\._lock',
      '\\bfoo_bar\\b',
      '(get|set)Value',
      'def \\w+_test',
      'class \\w+Error',
      '^import .* from',
      '[A-Za-z_][\\w$]*',
      '\\d{3,}',
      '\\S+',
      'TODO:?',
      'a\\r?$',
      '\\t\\v\\f\\0',
      '[^\\n]*bar',
      '[^;\\n]+',
      '[^\\s;]+',
      '[^\\D]',
      '[^\\t-\\r]',
      '(a)\\1',
      '(?<name>a)\\k<name>',
      '(?:a|b)+',
      '\\(\\?=',
      '[(?=]',
      '[\\]\\-\\\\]',
      '[]',
    ];
    for (const source of safe) {
      expect(scansWholeText(source, ''), source).toBe(true);
      expect(scansWholeText(source, 'i'), source).toBe(true);
    }
    expect(createLineMatcher(/foo|bar/i).wholeText).toBe(true);
  });

  it('tests line by line any pattern that can match a line feed, or has a lookaround', () => {
    const unsafe: [string, string][] = [
      ['foo[^;]*bar', ''],
      ['self\\.[^;]*_lock', ''],
      ['[^\\r]', ''],
      ['[^\\S]', ''],
      ['[^]', ''],
      ['a\\sb', ''],
      ['a\\Wb', ''],
      ['a\\Db', ''],
      ['a\\nb', ''],
      ['[\\s]', ''],
      ['[\\s\\S]', ''],
      ['[\\n]', ''],
      ['[\\t-\\r]', ''],
      ['[\\0-z]', ''],
      ['[\\b-\\f]', ''],
      ['\\x0a', ''],
      ['[\\x00-\\x1f]', ''],
      ['\\u000a', ''],
      ['\\u{a}', 'u'],
      ['\\cJ', ''],
      ['\\p{Cc}', 'u'],
      ['\\P{L}', 'u'],
      ['\\12', ''],
      ['\\012', ''],
      ['a.b', 's'],
      ['a\nb', ''],
      ['a\\\nb', ''],
      ['x(?![^a])', ''],
      ['(?<=\\s)foo', ''],
      ['(?<!a)b', ''],
      ['(?=a)', ''],
      ['(?s:.)', ''],
      ['(?i:a)', ''],
      ['[a]', 'v'],
    ];
    for (const [source, flags] of unsafe) expect(scansWholeText(source, flags), `/${source}/${flags}`).toBe(false);
    expect(scansWholeText('a.b', '')).toBe(true);
  });

  it('takes the line-by-line path for foo[^;]*bar (whole-text scan ran to the end of the file from every foo)', () => {
    expect(createLineMatcher(/foo[^;]*bar/).wholeText).toBe(false);
    expect(createLineMatcher(/self\.[^;]*_lock/).wholeText).toBe(false);
    const text = `${'foo x\n'.repeat(2000)}foo bar\n`;
    expect(createLineMatcher(/foo[^;]*bar/).matches(text, 10)).toEqual([{ line: 2001, text: 'foo bar' }]);
  });
});
