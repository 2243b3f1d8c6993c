import { describe, expect, it } from 'vitest';
import { diffChunks } from '../engine/diff';
import { textBeforeChange } from './agent-diff';

const lines = (n: number) => Array.from({ length: n }, (_, i) => `line ${i + 1}\n`).join('');
const BEFORE = lines(30);
// Two hunks far apart (as an edit tool writes them): line 3 changed, a line added after 25, line 30 gone.
const AFTER = BEFORE.replace('line 3\n', 'line three\n').replace('line 25\n', 'line 25\nadded\n').replace('line 30\n', '');

describe('textBeforeChange', () => {
  it("rebuilds the exact text before a multi-hunk change from the chat's diff chunks", () => {
    const chunks = diffChunks('src/a.py', BEFORE, AFTER);
    expect(chunks.length).toBe(2);
    expect(textBeforeChange(AFTER, chunks)).toEqual({ ok: true, text: BEFORE });
  });

  it('keeps a CRLF file CRLF', () => {
    const crlf = (text: string) => text.replace(/\n/g, '\r\n');
    const chunks = diffChunks('src/a.py', crlf(BEFORE), crlf(AFTER));
    expect(textBeforeChange(crlf(AFTER), chunks)).toEqual({ ok: true, text: crlf(BEFORE) });
  });

  it('handles a last line without a newline', () => {
    const chunks = diffChunks('src/a.py', 'a\nb', 'a\nc');
    expect(textBeforeChange('a\nc', chunks)).toEqual({ ok: true, text: 'a\nb' });
  });

  it('says why when the file was edited since, in a changed place', () => {
    const chunks = diffChunks('src/a.py', BEFORE, AFTER);
    const result = textBeforeChange(AFTER.replace('line three', 'line 3 (edited by hand)'), chunks);
    expect(result).toEqual({ ok: false, reason: '"src/a.py" changed since the agent\'s edit, so its diff no longer applies' });
  });

  it('still works after an edit elsewhere in the file (the edit stays in the text before)', () => {
    const chunks = diffChunks('src/a.py', BEFORE, AFTER);
    const edited = (text: string) => text.replace('line 15\n', 'line 15 edited\n');
    expect(textBeforeChange(edited(AFTER), chunks)).toEqual({ ok: true, text: edited(BEFORE) });
  });

  it('gives an empty text for a file the agent created', () => {
    expect(textBeforeChange('print(1)\n', diffChunks('new.py', null, 'print(1)\n'))).toEqual({ ok: true, text: '' });
  });

  it('gives back a whole file the agent emptied', () => {
    expect(textBeforeChange('', diffChunks('src/a.py', 'a\nb\n', ''))).toEqual({ ok: true, text: 'a\nb\n' });
  });
});
