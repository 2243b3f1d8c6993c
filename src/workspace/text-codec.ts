/**
 * Bytes <-> text for source files. We keep what the file had: a UTF-8 BOM is
 * remembered (and written back), line endings are left untouched (CRLF stays
 * CRLF), and anything that is not text is reported as binary, never mangled.
 */

export type TextEncodingName = 'utf-8' | 'utf-16le' | 'utf-16be';
export type LineEnding = 'lf' | 'crlf' | 'mixed' | 'none';

export type DecodedText =
  | { kind: 'text'; text: string; encoding: TextEncodingName; bom: boolean; eol: LineEnding }
  | { kind: 'binary'; reason: string };

/** How many leading bytes we look at for NULs, as git does. */
const SNIFF_BYTES = 8000;

export function decodeText(bytes: Uint8Array): DecodedText {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    return decodeAs(bytes.subarray(3), 'utf-8', true);
  }
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return decodeAs(bytes.subarray(2), 'utf-16le', true);
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return decodeAs(bytes.subarray(2), 'utf-16be', true);
  const sniff = bytes.subarray(0, SNIFF_BYTES);
  if (sniff.includes(0)) return { kind: 'binary', reason: 'binary file (contains NUL bytes)' };
  return decodeAs(bytes, 'utf-8', false);
}

function decodeAs(bytes: Uint8Array, encoding: TextEncodingName, bom: boolean): DecodedText {
  try {
    // ignoreBOM: we stripped it ourselves and report it in `bom`.
    const text = new TextDecoder(encoding, { fatal: true, ignoreBOM: true }).decode(bytes);
    return { kind: 'text', text, encoding, bom, eol: detectLineEnding(text) };
  } catch {
    return { kind: 'binary', reason: `binary file (not valid ${encoding.toUpperCase()} text)` };
  }
}

/** A line feed without a carriage return before it. */
const BARE_LF = /(?:^|[^\r])\n/;

export function detectLineEnding(text: string): LineEnding {
  // Searches, not splits: every file the indexes read passes through here, and splitting
  // allocated an array of all its lines just to count them.
  const crlf = text.includes('\r\n');
  const lf = BARE_LF.test(text);
  if (!crlf && !lf) return 'none';
  if (!crlf) return 'lf';
  if (!lf) return 'crlf';
  return 'mixed';
}

export interface EncodeOptions {
  encoding?: TextEncodingName;
  bom?: boolean;
}

export function encodeText(text: string, { encoding = 'utf-8', bom = false }: EncodeOptions = {}): Uint8Array {
  if (encoding === 'utf-8') {
    const body = new TextEncoder().encode(text);
    if (!bom) return body;
    const out = new Uint8Array(body.length + 3);
    out.set([0xef, 0xbb, 0xbf]);
    out.set(body, 3);
    return out;
  }
  const little = encoding === 'utf-16le';
  const offset = bom ? 2 : 0;
  const out = new Uint8Array(offset + text.length * 2);
  const view = new DataView(out.buffer);
  if (bom) view.setUint16(0, 0xfeff, little);
  for (let i = 0; i < text.length; i++) view.setUint16(offset + i * 2, text.charCodeAt(i), little);
  return out;
}
