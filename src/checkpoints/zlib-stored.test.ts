import { unzlibSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { adler32, zlibStored } from './zlib-stored';

function pseudoRandom(n: number, seed = 7): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24;
  return out;
}

// toEqual on 200 KB arrays takes seconds; compare plainly.
const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

/** The platform's zlib (Node's DecompressionStream), independent of ours and of fflate. */
async function nativeInflate(data: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([data as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('deflate'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

describe('zlibStored', () => {
  it('computes Adler-32 like zlib', () => {
    expect(adler32(new TextEncoder().encode('Wikipedia'))).toBe(0x11e60398);
    expect(adler32(new Uint8Array(0))).toBe(1);
    // Long runs of 0xff exercise the modulo reduction (value from a naive byte-by-byte reference).
    expect(adler32(new Uint8Array(100_000).fill(0xff))).toBe(0x149a302c);
  });

  it.each([0, 1, 65_534, 65_535, 65_536, 200_000])('round-trips %i bytes through fflate and native zlib', async (n) => {
    const data = pseudoRandom(n);
    const z = zlibStored(data);
    expect(z.length).toBe(2 + n + Math.max(1, Math.ceil(n / 65_535)) * 5 + 4);
    expect(same(unzlibSync(z), data)).toBe(true);
    expect(same(await nativeInflate(z), data)).toBe(true);
  });
});
