import { describe, expect, it } from 'vitest';
import { createAstService } from '../../workers/ast.service';
import { nodeGrammarLocator } from '../code-index/test-support';
import { contentHash } from '../code-index/content-hash';
import { chunkFile, chunkFileCounted, type ChunkSymbol, type CodeChunk } from './chunker';

/** Definitions as the AST index would give them (web-tree-sitter in Node), as plain data. */
async function symbolsOf(path: string, text: string): Promise<ChunkSymbol[]> {
  const [result] = await createAstService({ locate: nodeGrammarLocator() }).parseFiles([{ path, text }]);
  if (!result?.ok) throw new Error(`could not parse ${path}`);
  return result.file.definitions.map(({ name, path, kind, line1, line2 }) => ({ name, path, kind, line1, line2 }));
}

const brief = (chunks: CodeChunk[]) => chunks.map((c) => `${c.line1}-${c.line2} ${c.symbol ?? '-'}`);

const PYTHON = [
  'import os', //                                   1
  'from shop.tax import rate', //                   2
  '', //                                            3
  'LIMIT = 10', //                                  4
  '', //                                            5
  '# Totals a cart.', //                            6
  '@dataclass', //                                  7
  'class Cart:', //                                 8
  '    items: list', //                             9
  '', //                                            10
  '    def total(self):', //                        11
  '        return sum(self.items) * rate()', //     12
  '', //                                            13
  '    # Number of items.', //                      14
  '    def count(self):', //                        15
  '        return len(self.items)', //              16
  '', //                                            17
  '', //                                            18
  'def main():', //                                 19
  '    print(Cart().total())', //                   20
  '', //                                            21
  'if __name__ == "__main__":', //                  22
  '    main()', //                                  23
  '',
].join('\n');

describe('chunkFile', () => {
  it('makes each top-level Python definition, with its comments and decorators, one chunk; the rest grouped', async () => {
    const chunks = chunkFile('shop/cart.py', PYTHON, await symbolsOf('shop/cart.py', PYTHON), { maxTokens: 256 });
    expect(brief(chunks)).toEqual(['1-4 -', '6-16 shop::cart::Cart', '19-20 shop::cart::main', '22-23 -']);
    const cart = chunks[1]!;
    expect(cart.text.split('\n')[0]).toBe('# Totals a cart.');
    expect(cart.hash).toBe(contentHash(cart.text));
    expect(cart.path).toBe('shop/cart.py');
  });

  it('splits a class too big for the model into a header chunk and its methods', async () => {
    // 40 tokens at 3 chars per token: the class (about 250 characters) does not fit, each method does.
    const chunks = chunkFile('shop/cart.py', PYTHON, await symbolsOf('shop/cart.py', PYTHON), { maxTokens: 40 });
    expect(brief(chunks)).toEqual([
      '1-4 -',
      '6-9 shop::cart::Cart',
      '11-12 shop::cart::Cart::total',
      '14-16 shop::cart::Cart::count',
      '19-20 shop::cart::main',
      '22-23 -',
    ]);
    for (const c of chunks) expect(c.text.length).toBeLessThanOrEqual(120);
  });

  it('chunks TypeScript at its exported definitions, doc comments included', async () => {
    const ts = [
      "import { rate } from './tax';",
      '',
      '/** A shopping cart. */',
      'export class Cart {',
      '  total(): number {',
      '    return rate();',
      '  }',
      '}',
      '',
      '// Formats a price.',
      'export function formatPrice(cents: number): string {',
      '  return `${cents / 100}`;',
      '}',
      '',
    ].join('\n');
    const chunks = chunkFile('web/cart.ts', ts, await symbolsOf('web/cart.ts', ts), { maxTokens: 512 });
    expect(brief(chunks)).toEqual(['1-1 -', '3-8 web::cart::Cart', '10-13 web::cart::formatPrice']);
  });

  it('respects an exact token counter and cuts a long function by lines', () => {
    const body = Array.from({ length: 30 }, (_, i) => `    x${i} = compute(${i})`).join('\n');
    const text = `def big():\n${body}\n    return x0\n`;
    const words = (t: string) => t.split(/\s+/).filter(Boolean).length;
    const chunks = chunkFile('big.py', text, [{ name: 'big', path: 'big::big', kind: 'function', line1: 1, line2: 32 }], {
      maxTokens: 20,
      countTokens: words,
    });
    expect(chunks.length).toBeGreaterThan(3);
    for (const c of chunks) expect(words(c.text)).toBeLessThanOrEqual(20);
    expect(chunks.every((c) => c.symbol === 'big::big')).toBe(true);
    // Consecutive and complete: every line lands in exactly one chunk.
    expect(chunks[0]!.line1).toBe(1);
    expect(chunks.at(-1)!.line2).toBe(32);
    chunks.slice(1).forEach((c, i) => expect(c.line1).toBe(chunks[i]!.line2 + 1));
  });

  it('splits markdown at headings (not inside code fences), named by the heading', () => {
    const md = ['# Setup', '', 'Install it.', '', '```sh', '# not a heading', 'npm i', '```', '', '## Usage', '', 'Run it.', ''].join('\n');
    expect(brief(chunkFile('README.md', md, null, { maxTokens: 256 }))).toEqual(['1-8 Setup', '10-12 Usage']);
  });

  it('chunks files without a grammar by blank-line blocks up to the line cap', () => {
    const text = ['a = 1', 'b = 2', '', 'c = 3', '', '', 'd = 4', 'e = 5', 'f = 6', ''].join('\n');
    expect(brief(chunkFile('conf.ini', text, null, { maxTokens: 256, maxLines: 4 }))).toEqual(['1-4 -', '7-9 -']);
    expect(chunkFile('empty.txt', '\n\n  \n', null, { maxTokens: 256 })).toEqual([]);
  });

  it('keeps working with symbols that are stale or out of range, and cuts a single overlong line', () => {
    const text = 'def f():\n    return 1\n';
    const chunks = chunkFile('f.py', text, [{ name: 'f', path: 'f::f', kind: 'function', line1: 1, line2: 9 }], { maxTokens: 256 });
    expect(brief(chunks)).toEqual(['1-2 f::f']);
    const minified = chunkFile('min.js', 'x'.repeat(10_000), null, { maxTokens: 100 });
    expect(minified).toHaveLength(1);
    expect(minified[0]!.text.length).toBe(300);
  });

  it('never embeds a line twice when symbols overlap (clamps the later one), and still splits nested members', () => {
    const text = Array.from({ length: 14 }, (_, i) => `line_${i + 1} = compute(${i + 1})`).join('\n');
    const overlapping: ChunkSymbol[] = [
      { name: 'a', path: 'm::a', kind: 'function', line1: 2, line2: 8 },
      { name: 'b', path: 'm::b', kind: 'function', line1: 5, line2: 12 },
    ];
    const chunks = chunkFile('m.py', text, overlapping, { maxTokens: 256 });
    expect(brief(chunks)).toEqual(['1-1 -', '2-8 m::a', '9-12 m::b', '13-14 -']);
    // Every line in exactly one chunk.
    const lines = chunks.flatMap((c) => Array.from({ length: c.line2 - c.line1 + 1 }, (_, i) => c.line1 + i));
    expect(lines).toEqual(Array.from({ length: 14 }, (_, i) => i + 1));

    // One symbol inside an earlier overlapping one and a later class split into members: no line twice either.
    const nested: ChunkSymbol[] = [
      { name: 'a', path: 'm::a', kind: 'function', line1: 1, line2: 6 },
      { name: 'K', path: 'm::K', kind: 'class', line1: 4, line2: 14 },
      { name: 'k1', path: 'm::K::k1', kind: 'method', line1: 5, line2: 8 },
      { name: 'k2', path: 'm::K::k2', kind: 'method', line1: 10, line2: 13 },
    ];
    const split = chunkFile('m.py', text, nested, { maxTokens: 40 });
    const splitLines = split.flatMap((c) => Array.from({ length: c.line2 - c.line1 + 1 }, (_, i) => c.line1 + i));
    expect(new Set(splitLines).size).toBe(splitLines.length);
    expect(split.find((c) => c.symbol === 'm::K::k2')).toMatchObject({ line1: 10 });
    expect(split.every((c) => c.line1 <= c.line2)).toBe(true);
  });

  it('with a batch token counter: splits what the counter says is too long (the estimate would not), in a few batches', async () => {
    // Twelve short methods: ~700 characters, under 256 tokens at the 3-chars-per-token estimate.
    const methods = Array.from({ length: 12 }, (_, i) => [`    def m${i}(self):`, `        return self.v${i} + ${i}`]);
    const source = ['class Dense:', ...methods.flat(), ''].join('\n');
    const symbols: ChunkSymbol[] = [
      { name: 'Dense', path: 'dense::Dense', kind: 'class', line1: 1, line2: 25 },
      ...methods.map((_, i) => ({ name: `m${i}`, path: `dense::Dense::m${i}`, kind: 'method', line1: 2 + 2 * i, line2: 3 + 2 * i })),
    ];
    expect(chunkFile('dense.py', source, symbols, { maxTokens: 256 })).toHaveLength(1);
    // A tokenizer that gives one token per two characters, plus two special tokens.
    const tokens = (t: string) => Math.ceil(t.length / 2) + 2;
    const batches: string[][] = [];
    const countTokens = async (texts: string[]) => (batches.push(texts), texts.map(tokens));
    const chunks = await chunkFileCounted('dense.py', source, symbols, { maxTokens: 256, countTokens });
    // Too big by the count: the class becomes its members (the header line keeps the class's name).
    expect(brief(chunks)).toEqual(['1-1 dense::Dense', ...methods.map((_, i) => `${2 + 2 * i}-${3 + 2 * i} dense::Dense::m${i}`)]);
    expect(chunks.every((c) => tokens(c.text) <= 256)).toBe(true);
    expect(batches.length).toBe(2); // the definition, then every candidate chunk at once

    // A long run of lines without structure: cut at the measured ratio, every piece re-counted and within the limit.
    const long = Array.from({ length: 300 }, (_, i) => `x${i} = y${i} * 2`).join('\n');
    const pieces = await chunkFileCounted('notes.txt', long, null, { maxTokens: 64, maxLines: 1000, countTokens: async (texts) => texts.map(tokens) });
    expect(pieces.length).toBeGreaterThan(10);
    expect(pieces.every((c) => tokens(c.text) <= 64)).toBe(true);
    expect(pieces.map((c) => c.text).join('\n')).toBe(long);
  });
});
