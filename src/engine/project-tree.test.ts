import { describe, expect, it } from 'vitest';
import { renderTree, renderTreeWithin } from './project-tree';

const paths = ['README.md', 'src/main.ts', 'src/lib/a.ts', 'src/lib/b.ts', 'src/lib/deep/c.ts', 'docs/x.md', 'file10.txt', 'file9.txt'];

describe('renderTree', () => {
  it('puts folders first, sorts numerically, indents two spaces a level', () => {
    expect(renderTree(paths)).toBe(
      ['docs/', '  x.md', 'src/', '  lib/', '    deep/', '      c.ts', '    a.ts', '    b.ts', '  main.ts', 'file9.txt', 'file10.txt', 'README.md'].join('\n'),
    );
  });

  it('folds folders past maxDepth with their file count, and cuts long folders and trees', () => {
    expect(renderTree(paths, { maxDepth: 1 })).toBe(['docs/ (1 file)', 'src/ (4 files)', 'file9.txt', 'file10.txt', 'README.md'].join('\n'));
    expect(renderTree(paths, { root: 'src', maxDepth: 2 })).toBe(['lib/', '  deep/ (1 file)', '  a.ts', '  b.ts', 'main.ts'].join('\n'));
    expect(renderTree(paths, { maxPerFolder: 2, maxDepth: 1 })).toBe(['docs/ (1 file)', 'src/ (4 files)', '... 3 more'].join('\n'));
    expect(renderTree(paths, { maxLines: 3 })).toBe(['docs/', '  x.md', 'src/', '... 9 more lines'].join('\n'));
  });

  it('renderTreeWithin opens as many levels as fit', () => {
    expect(renderTreeWithin(paths, 8)).toBe(renderTree(paths, { maxDepth: 2 }));
    expect(renderTreeWithin(paths, 100)).toBe(renderTree(paths));
  });
});
