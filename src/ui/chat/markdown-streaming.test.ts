import { describe, expect, it } from 'vitest';
import { renderMarkdown, renderStreamingMarkdown, splitMarkdownBlocks } from './markdown';

/** Answers in the shapes models write, including the constructs a careless split would break. */
const SAMPLES = [
  'Intro paragraph with `code` and **bold**.\n\nSecond paragraph, https://example.com linkified.\n\n# Heading\n\nText after.',
  'Steps:\n\n1. first\n2. second\n\n3. third, after a blank line (a loose list)\n\nDone.',
  '- a\n- b\n\n  continued inside b\n\n      indented code inside b\n\nAfter the list.',
  'Code:\n\n```python\ndef f():\n\n    return 1\n\n\nprint(f())\n```\n\nAnd more:\n\n~~~\nx\n\n```\nstill inside\n~~~\n\nEnd.',
  '> quoted\n\n> another quote\n\nplain\n\n    indented code\n\n    more code\n\nlast',
  'See [the docs][d] and [more][d].\n\nParagraph.\n\n[d]: https://example.com/docs',
  '| a | b |\n| - | - |\n| 1 | 2 |\n\nafter the table\n\n---\n\n* star list\n\n+ plus list',
  'Unclosed fence at the end:\n\n```ts\nconst a = 1;\n\nconst b = 2;',
];

describe('streaming markdown', () => {
  it('renders every prefix of an answer exactly as a full render would', () => {
    for (const sample of SAMPLES) {
      for (let end = 0; end <= sample.length; end++) {
        const prefix = sample.slice(0, end);
        expect(renderStreamingMarkdown(prefix), JSON.stringify(prefix)).toBe(renderMarkdown(prefix));
      }
    }
  });

  it('cuts at paragraph breaks but never inside a code fence or a list', () => {
    const text = 'one\n\ntwo\n\n```\na\n\nb\n```\n\nthen a list:\n\n- x\n\n- y\n\nthree';
    const blocks = splitMarkdownBlocks(text);
    expect(blocks.join('')).toBe(text);
    expect(blocks).toEqual(['one\n\n', 'two\n\n', '```\na\n\nb\n```\n\n', 'then a list:\n\n- x\n\n- y\n\n', 'three']);
  });

  it('keeps a text with link references whole (they apply to the whole text)', () => {
    expect(splitMarkdownBlocks('a [x][r]\n\nb\n\n[r]: https://e.com')).toHaveLength(1);
  });
});
