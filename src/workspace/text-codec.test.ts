import { describe, expect, it } from 'vitest';
import { decodeText, detectLineEnding, encodeText } from './text-codec';

describe('decodeText / encodeText', () => {
  it('keeps CRLF and reports it', () => {
    const d = decodeText(new TextEncoder().encode('a\r\nb\r\n'));
    expect(d).toMatchObject({ kind: 'text', text: 'a\r\nb\r\n', eol: 'crlf', bom: false });
  });

  it('tells LF, CRLF, mixed and no line endings apart (a file is rewritten with what it had)', () => {
    expect(['', 'one line', 'a\nb\n', '\n', 'a\r\nb\r\n', '\r\n', 'a\r\nb\n', '\nb\r\n', 'a\rb'].map(detectLineEnding)).toEqual([
      'none',
      'none',
      'lf',
      'lf',
      'crlf',
      'crlf',
      'mixed',
      'mixed',
      'none',
    ]);
  });

  it('strips and remembers a UTF-8 BOM, and writes it back', () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('héllo\n')]);
    const d = decodeText(bytes);
    expect(d).toMatchObject({ kind: 'text', text: 'héllo\n', bom: true, encoding: 'utf-8' });
    if (d.kind !== 'text') throw new Error('expected text');
    expect(encodeText(d.text, d)).toEqual(bytes);
  });

  it('round-trips UTF-16LE with BOM', () => {
    const bytes = encodeText('päth ✓\r\n', { encoding: 'utf-16le', bom: true });
    const d = decodeText(bytes);
    expect(d).toMatchObject({ kind: 'text', text: 'päth ✓\r\n', encoding: 'utf-16le' });
  });

  it('calls NUL-bearing and non-UTF-8 bytes binary, with a reason', () => {
    expect(decodeText(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 1]))).toEqual({
      kind: 'binary',
      reason: 'binary file (contains NUL bytes)',
    });
    // 0xff 0xfe after the first byte is no BOM, just invalid UTF-8.
    expect(decodeText(new Uint8Array([0x66, 0xff, 0xfe, 0x41]))).toEqual({
      kind: 'binary',
      reason: 'binary file (not valid UTF-8 text)',
    });
  });
});
