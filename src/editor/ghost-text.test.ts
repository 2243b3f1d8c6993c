import { describe, expect, it } from 'vitest';
import { AdaptiveDebounce, firstWord } from './ghost-text';

describe('firstWord (Ctrl+Right accepts one word)', () => {
  it('takes a word, with the spaces before it', () => {
    expect(firstWord('sum(items)')).toBe('sum');
    expect(firstWord(' + tax')).toBe(' +');
    expect(firstWord('  total = 0')).toBe('  total');
    expect(firstWord('$el.hide()')).toBe('$el');
  });

  it('takes a run of punctuation as one word', () => {
    expect(firstWord('(items))')).toBe('(');
    expect(firstWord('()) + 1')).toBe('())');
  });

  it('takes a line break with the next line’s indentation', () => {
    expect(firstWord('\n    return total')).toBe('\n    ');
    expect(firstWord('\r\n\treturn')).toBe('\r\n\t');
  });

  it('takes trailing blanks whole', () => {
    expect(firstWord('   ')).toBe('   ');
    expect(firstWord('')).toBe('');
  });
});

describe('AdaptiveDebounce', () => {
  it('asks at once (0 by default) for the first keystroke after a pause', () => {
    expect(new AdaptiveDebounce().keystroke(250)).toBe(0); // even in the page's first 600 ms
    const debounce = new AdaptiveDebounce(10, 150);
    expect(debounce.keystroke(10_000)).toBe(10);
    debounce.keystroke(10_080);
    expect(debounce.keystroke(11_000)).toBe(10); // 920 ms later: a pause again
  });

  it('waits about the typing interval in a burst', () => {
    const debounce = new AdaptiveDebounce(10, 150);
    let now = 10_000;
    debounce.keystroke(now);
    let delay = 0;
    for (let i = 0; i < 10; i++) delay = debounce.keystroke((now += 80));
    expect(delay).toBeCloseTo(96, 0); // 80 ms apart, 20% more
  });

  it('never waits longer than the maximum', () => {
    const debounce = new AdaptiveDebounce(10, 150);
    debounce.keystroke(10_000);
    expect(debounce.keystroke(10_500)).toBe(150);
  });
});
