/**
 * A WebAssembly SIMD kernel for the vector store's int8 scan: for each row of
 * an int8 matrix, the integer dot product with an int16 query, written to an
 * int32 array. A JavaScript loop over the same int8 rows took about 50 ms for
 * 100k x 384 in Node here; this kernel 7-14 ms (and 8 ms median in Chromium,
 * bench/suites/vecdb.mjs).
 *
 * The module is 200 bytes, so it is spelled out below rather than built from a
 * .wat file: no toolchain in the build, and nothing to fetch at run time. Its
 * text form:
 *
 *   (import "env" "mem" (memory 1))
 *   (func (export "scan") (param $m i32) (param $q i32) (param $rows i32) (param $stride i32) (param $out i32)
 *     (local $r i32) (local $j i32) (local $acc0 v128) (local $acc1 v128)
 *     block loop                                  ;; each row
 *       (br_if 1 (i32.ge_u $r $rows))
 *       $acc0 = $acc1 = 0;  $j = 0
 *       loop                                      ;; 16 columns a turn, two accumulators
 *         $acc0 += i32x4.dot_i16x8_s(i16x8.load8x8_s($m + $j), v128.load($q + 2 * $j))
 *         $acc1 += i32x4.dot_i16x8_s(i16x8.load8x8_s offset=8 ($m + $j), v128.load offset=16 ($q + 2 * $j))
 *         $j += 16;  (br_if 0 (i32.lt_u $j $stride))
 *       end
 *       out[$r] = sum of the four lanes of $acc0 + $acc1
 *       $m += $stride;  $r += 1;  br 0
 *     end end)
 *
 * `stride` must be a multiple of 16 (rows are zero-padded to it); `q` holds
 * `stride` int16 values.
 */

const ZERO_V128 = new Array<number>(16).fill(0);

const BODY: number[] = [
  0x02, 0x02, 0x7f, 0x02, 0x7b, // locals: 2 x i32 ($r, $j), 2 x v128 ($acc0, $acc1)
  0x02, 0x40, // block
  0x03, 0x40, // loop (rows)
  0x20, 0x05, 0x20, 0x02, 0x4f, 0x0d, 0x01, // br_if 1 (r >= rows)
  0xfd, 0x0c, ...ZERO_V128, 0x21, 0x07, // acc0 = 0
  0xfd, 0x0c, ...ZERO_V128, 0x21, 0x08, // acc1 = 0
  0x41, 0x00, 0x21, 0x06, // j = 0
  0x03, 0x40, // loop (columns)
  0x20, 0x07,
  0x20, 0x00, 0x20, 0x06, 0x6a, 0xfd, 0x01, 0x00, 0x00, // i16x8.load8x8_s (m + j)
  0x20, 0x01, 0x20, 0x06, 0x41, 0x01, 0x74, 0x6a, 0xfd, 0x00, 0x00, 0x00, // v128.load (q + 2j)
  0xfd, 0xba, 0x01, 0xfd, 0xae, 0x01, 0x21, 0x07, // acc0 += dot
  0x20, 0x08,
  0x20, 0x00, 0x20, 0x06, 0x6a, 0xfd, 0x01, 0x00, 0x08, // i16x8.load8x8_s offset=8
  0x20, 0x01, 0x20, 0x06, 0x41, 0x01, 0x74, 0x6a, 0xfd, 0x00, 0x00, 0x10, // v128.load offset=16
  0xfd, 0xba, 0x01, 0xfd, 0xae, 0x01, 0x21, 0x08, // acc1 += dot
  0x20, 0x06, 0x41, 0x10, 0x6a, 0x22, 0x06, 0x20, 0x03, 0x49, 0x0d, 0x00, // j += 16; br_if 0 (j < stride)
  0x0b, // end (columns)
  0x20, 0x07, 0x20, 0x08, 0xfd, 0xae, 0x01, 0x21, 0x07, // acc0 += acc1
  0x20, 0x04, 0x20, 0x05, 0x41, 0x02, 0x74, 0x6a, // out + 4r
  0x20, 0x07, 0xfd, 0x1b, 0x00,
  0x20, 0x07, 0xfd, 0x1b, 0x01, 0x6a,
  0x20, 0x07, 0xfd, 0x1b, 0x02, 0x6a,
  0x20, 0x07, 0xfd, 0x1b, 0x03, 0x6a,
  0x36, 0x02, 0x00, // i32.store
  0x20, 0x00, 0x20, 0x03, 0x6a, 0x21, 0x00, // m += stride
  0x20, 0x05, 0x41, 0x01, 0x6a, 0x21, 0x05, // r += 1
  0x0c, 0x00, // br 0
  0x0b, // end (rows)
  0x0b, // end (block)
  0x0b, // end (function)
];

function leb128(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

function section(id: number, content: number[]): number[] {
  return [id, ...leb128(content.length), ...content];
}

function moduleBytes(): Uint8Array<ArrayBuffer> {
  const ascii = (s: string) => [s.length, ...[...s].map((c) => c.charCodeAt(0))];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [0x01, 0x60, 0x05, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x00]), // type: (i32 x5) -> ()
    ...section(2, [0x01, ...ascii('env'), ...ascii('mem'), 0x02, 0x00, 0x01]), // import memory, min 1 page
    ...section(3, [0x01, 0x00]), // one function of type 0
    ...section(7, [0x01, ...ascii('scan'), 0x00, 0x00]), // export "scan"
    ...section(10, [0x01, ...leb128(BODY.length), ...BODY]),
  ]);
}

export type Int8Scan = (matrix: number, query: number, rows: number, stride: number, out: number) => void;

let compiled: WebAssembly.Module | null | undefined;

/** The kernel bound to `memory`, or null where WebAssembly SIMD is missing (the store then scans in JS). */
export function int8ScanKernel(memory: WebAssembly.Memory): Int8Scan | null {
  if (compiled === undefined) {
    const bytes = moduleBytes();
    compiled = typeof WebAssembly === 'object' && WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
  }
  if (!compiled) return null;
  const instance = new WebAssembly.Instance(compiled, { env: { mem: memory } });
  return instance.exports.scan as Int8Scan;
}
