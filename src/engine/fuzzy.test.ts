import { describe, expect, it } from 'vitest';
import { fuzzyFindPaths, fuzzyScore, similarPaths } from './fuzzy';

const paths = ['src/app.ts', 'src/lib/apply.ts', 'tests/app.test.ts', 'src/components/AppHeader.tsx', 'README.md', 'docs/api/application.md'];

describe('fuzzy path matching', () => {
  it('ranks exact path, exact name, bare name, suffix, name prefix, substring, subsequence', () => {
    expect(fuzzyFindPaths('src/app.ts', paths, 1)[0]?.path).toBe('src/app.ts');
    expect(fuzzyFindPaths('app.ts', paths, 1)[0]?.path).toBe('src/app.ts');
    expect(fuzzyFindPaths('app', paths, 1)[0]?.path).toBe('src/app.ts');
    expect(fuzzyFindPaths('lib/apply.ts', paths, 1)[0]?.path).toBe('src/lib/apply.ts');
    expect(fuzzyFindPaths('apphe', paths, 1)[0]?.path).toBe('src/components/AppHeader.tsx');
    expect(fuzzyFindPaths('scah', paths, 3).map((m) => m.path)).toEqual(['src/components/AppHeader.tsx']);
    expect(fuzzyScore('zzz', 'src/app.ts')).toBeNull();
  });

  it('lists every path for an empty query, shortest-name order kept stable', () => {
    expect(fuzzyFindPaths('', paths, 10)).toHaveLength(paths.length);
  });

  it('suggests likely misspellings', () => {
    expect(similarPaths('src/apps.ts', paths, 2)).toEqual(['src/app.ts', 'src/lib/apply.ts']);
    expect(similarPaths('READNE.md', paths, 1)).toEqual(['README.md']);
    expect(similarPaths('qqqqqq', paths, 3)).toEqual([]);
  });
});
