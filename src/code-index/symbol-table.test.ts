import { describe, expect, it } from 'vitest';
import type { AstDefinition, AstUsage } from '../worker-api/ast';
import { SymbolTable, fuzzyScore, normalizeSymbolQuery } from './symbol-table';

const definition = (path: string, kind: AstDefinition['kind'], line1: number): AstDefinition => {
  const segments = path.split('::');
  return {
    name: segments.at(-1)!,
    path,
    kind,
    line1,
    line2: line1 + 1,
    nameLine: line1,
    nameColumn: 1,
    signature: path,
    parent: segments.length > 1 ? segments.slice(0, -1).join('::') : null,
  };
};

const usage = (name: string, line: number, receiver: string | null = null, target: string | null = null): AstUsage => ({
  name,
  kind: 'call',
  line,
  column: 1,
  receiver,
  scope: null,
  target,
  imported: null,
});

describe('normalizeSymbolQuery', () => {
  it.each([
    ['Class.method', 'Class::method'],
    ['Class#method', 'Class::method'],
    ['ptr->method', 'ptr::method'],
    ['App\\Models\\User', 'App::Models::User'],
    ['::std::vector', 'std::vector'],
    ['  run()  ', 'run'],
  ])('%s -> %s', (query, normalized) => expect(normalizeSymbolQuery(query)).toBe(normalized));
});

describe('fuzzyScore', () => {
  it('ranks exact > prefix > substring > subsequence, and rejects unrelated names', () => {
    const scores = ['parse_file', 'parseFileText', 'reparse_files', 'pxrxsxfile', 'render'].map((n) => fuzzyScore(n, 'parsefile'));
    expect(scores[0]).toBeGreaterThan(scores[1]!);
    expect(scores[1]).toBeGreaterThan(scores[2]!);
    expect(scores[2]).toBeGreaterThan(scores[3]!);
    expect(scores[4]).toBe(0);
  });
});

describe('SymbolTable', () => {
  const table = new SymbolTable();
  table.set({
    path: 'a.py',
    language: 'python',
    definitions: [definition('a::Cart', 'class', 1), definition('a::Cart::total', 'method', 2), definition('a::helper', 'function', 9)],
    usages: [usage('total', 10, 'self', 'a::Cart::total'), usage('helper', 11, null, 'a::helper')],
  });
  table.set({
    path: 'b.py',
    language: 'python',
    definitions: [definition('b::Invoice', 'class', 1), definition('b::Invoice::total', 'method', 2)],
    usages: [usage('total', 5, 'Cart'), usage('total', 6, 'Invoice'), usage('total', 7, 'order'), usage('helper', 8)],
  });

  it('answers exact, suffix and fuzzy queries', () => {
    expect(table.definitions('total').map((m) => m.symbol.path)).toEqual(['a::Cart::total', 'b::Invoice::total']);
    expect(table.definitions('Invoice.total')).toEqual([expect.objectContaining({ match: 'suffix' })]);
    expect(table.definitions('b::Invoice::total')).toEqual([expect.objectContaining({ match: 'exact' })]);
    expect(table.definitions('Invoce')[0]).toMatchObject({ match: 'fuzzy', symbol: { path: 'b::Invoice' } });
  });

  it('links references by receiver class and by same-file target; drops calls on other known classes', () => {
    const cartTotal = table.references('Cart.total').map((r) => `${r.file}:${r.line} ${r.confidence}`);
    // b.py:6 is Invoice.total(): another known class, so not a use of Cart.total.
    expect(cartTotal).toEqual(['a.py:10 scope', 'b.py:5 scope', 'b.py:7 name']);
    expect(table.references('helper').map((r) => `${r.file}:${r.line} ${r.definition} ${r.confidence}`)).toEqual([
      'a.py:11 a::helper scope',
      'b.py:8 a::helper name',
    ]);
  });

  it('removes a file from every bucket', () => {
    const copy = new SymbolTable();
    copy.set({ path: 'x.py', language: 'python', definitions: [definition('x::f', 'function', 1)], usages: [usage('f', 3)] });
    expect(copy.remove('x.py')).toBe(true);
    expect([copy.fileCount, copy.definitionCount, copy.usageCount]).toEqual([0, 0, 0]);
    expect(copy.definitions('f')).toEqual([]);
    expect(copy.references('f')).toEqual([]);
  });
});
