import { describe, expect, it } from 'vitest';
import { definitionLocations, referenceLocations } from './agent-port';
import type { CodeSymbol, DefinitionMatch } from './types';

const symbol = (path: string, line1: number): CodeSymbol => ({
  name: path.split('::').at(-1)!,
  path,
  kind: 'function',
  line1,
  line2: line1 + 2,
  nameLine: line1,
  nameColumn: 5,
  signature: '',
  parent: null,
  file: 'a.py',
  language: 'python',
});

describe('agent port', () => {
  it('gives exact and suffix matches; only a few close fuzzy ones when nothing matched exactly', () => {
    const exact: DefinitionMatch[] = [
      { symbol: symbol('a::run', 1), match: 'exact', score: 1 },
      { symbol: symbol('a::runner', 9), match: 'fuzzy', score: 0.9 },
    ];
    expect(definitionLocations(exact)).toEqual([{ file_name: 'a.py', line1: 1, line2: 3, symbol: 'a::run' }]);
    const fuzzy: DefinitionMatch[] = [0.9, 0.8, 0.7, 0.6, 0.2].map((score, i) => ({ symbol: symbol(`a::f${i}`, i * 10 + 1), match: 'fuzzy', score }));
    expect(definitionLocations(fuzzy).map((l) => l.symbol)).toEqual(['a::f0 (similar name)', 'a::f1 (similar name)', 'a::f2 (similar name)']);
  });

  it('turns references into one-line locations saying where and how sure', () => {
    expect(
      referenceLocations([
        { name: 'run', kind: 'call', line: 7, column: 3, receiver: null, scope: 'a::main', target: 'a::run', imported: null, file: 'a.py', definition: 'a::run', confidence: 'scope' },
        { name: 'run', kind: 'call', line: 2, column: 1, receiver: 'x', scope: null, target: null, imported: null, file: 'b.py', definition: null, confidence: 'name' },
      ]),
    ).toEqual([
      { file_name: 'a.py', line1: 7, line2: 7, symbol: 'call of a::run in a::main' },
      { file_name: 'b.py', line1: 2, line2: 2, symbol: 'call of run (by name)' },
    ]);
  });
});
