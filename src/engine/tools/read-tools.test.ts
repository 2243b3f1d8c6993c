import { describe, expect, it } from 'vitest';
import { toolContext } from '../test-support/workspace';
import { createKnowledge } from './create-knowledge';
import { knowledge } from './knowledge';
import { searchPattern } from './search-pattern';
import { searchSemantic } from './search-semantic';
import { searchSymbolDefinition } from './search-symbol-definition';
import { searchSymbolUsages } from './search-symbol-usages';
import { tree } from './tree';
import { availableTools, BUILTIN_TOOLS, toolsForMode } from './index';

const project = {
  '.gitignore': 'secret/\n',
  'README.md': '# Demo\nTODO: docs\n',
  'src/app.ts': 'export function main() {\n  // TODO: start\n}\n',
  'src/lib/util.ts': 'export const todo = 1;\n',
  'secret/key.txt': 'TODO hidden\n',
  'node_modules/x/index.js': 'TODO\n',
};

describe('tree', () => {
  it('shows the project without ignored files, folding past max_depth', async () => {
    const { ctx } = await toolContext(project);
    expect((await tree.run({}, ctx)).content).toBe('./\n  src/\n    lib/\n      util.ts\n    app.ts\n  .gitignore\n  README.md');
    expect((await tree.run({ path: 'src', max_depth: 1 }, ctx)).content).toBe('src/\n  lib/ (1 file)\n  app.ts');
    await expect(tree.run({ path: 'README.md' }, ctx)).rejects.toThrow('"README.md" is a file');
    await expect(tree.run({ max_depth: 0 }, ctx)).rejects.toThrow('"max_depth" must be between 1 and 20');
  });
});

describe('search_pattern', () => {
  it('searches paths and contents, honouring ignore rules and scope', async () => {
    const { ctx } = await toolContext(project);
    const all = (await searchPattern.run({ pattern: 'TODO' }, ctx)).content as string;
    expect(all).toContain('README.md:2: TODO: docs');
    expect(all).toContain('src/app.ts:2: // TODO: start');
    expect(all).not.toContain('secret');
    expect(all).not.toContain('node_modules');
    const scoped = (await searchPattern.run({ pattern: 'todo', scope: 'src/lib', ignore_case: true }, ctx)).content as string;
    expect(scoped).toBe('Lines matching /todo/ in "src/lib":\nsrc/lib/util.ts:1: export const todo = 1;');
    const paths = (await searchPattern.run({ pattern: 'util\\.ts$' }, ctx)).content as string;
    expect(paths).toContain('Paths matching /util\\.ts$/:\nsrc/lib/util.ts');
  });

  it('caps results and explains bad patterns', async () => {
    const files = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`f${i}.txt`, 'hit\n'.repeat(3)]));
    const { ctx } = await toolContext(files);
    const out = (await searchPattern.run({ pattern: 'hit', max_results: 5 }, ctx)).content as string;
    expect(out.split('\n').filter((l) => l.includes(': hit'))).toHaveLength(5);
    expect(out).toContain('Stopped at 5 results');
    await expect(searchPattern.run({ pattern: '[' }, ctx)).rejects.toThrow('search_pattern: the argument "pattern" is not a valid regular expression');
    await expect(searchPattern.run({ pattern: 'x', scope: 'nope' }, ctx)).rejects.toThrow('"nope" does not exist');
  });
});

describe('knowledge', () => {
  it('saves and finds memories', async () => {
    const { ctx } = await toolContext({});
    await createKnowledge.run({ knowledge_entry: 'Run the tests with npm test; e2e needs chromium.', goal: 'running tests', tags: 'tests, ci' }, ctx);
    await createKnowledge.run({ knowledge_entry: 'Use tabs in Makefiles.' }, ctx);
    const found = (await knowledge.run({ search_key: 'how do I run tests' }, ctx)).content as string;
    expect(found).toContain('### running tests');
    expect(found).toContain('npm test');
    expect(found).not.toContain('Makefiles');
    expect((await knowledge.run({ search_key: 'docker' }, ctx)).content).toBe('No saved knowledge matches "docker".');
  });
});

describe('code index slots', () => {
  it('say the index is not available until a port is given, and are left out of the tool list', async () => {
    const { ctx } = await toolContext({ 'a.py': 'def f():\n    pass\n' });
    for (const tool of [searchSymbolDefinition, searchSymbolUsages, searchSemantic]) {
      await expect(tool.run({ symbols: 'f', queries: 'f' }, ctx)).rejects.toThrow('the code index is not available yet');
    }
    expect(availableTools(BUILTIN_TOOLS, ctx).map((t) => t.name)).not.toContain('search_symbol_definition');
  });

  it('use the index port when there is one', async () => {
    const { ctx } = await toolContext({ 'a.py': 'x = 0\ndef f():\n    pass\n' });
    ctx.index = { definitions: async (symbol) => (symbol === 'f' ? [{ file_name: 'a.py', line1: 2, line2: 3, symbol: 'f' }] : []) };
    const out = await searchSymbolDefinition.run({ symbols: 'f, g' }, ctx);
    expect(out.content).toBe('Definitions:\na.py:2-3 f\n\nNot found: g\n');
    expect(out.contextFiles).toEqual([{ file_name: 'a.py', file_content: 'def f():\n    pass\n', line1: 2, line2: 3 }]);
    expect(availableTools(BUILTIN_TOOLS, ctx).map((t) => t.name)).toContain('search_symbol_definition');
  });
});

describe('toolsForMode', () => {
  it('offers no tools, read tools, or all', () => {
    expect(toolsForMode('NO_TOOLS')).toEqual([]);
    expect(toolsForMode('EXPLORE').every((t) => t.kind === 'read')).toBe(true);
    expect(toolsForMode('EXPLORE').map((t) => t.name)).not.toContain('update_textdoc');
    expect(toolsForMode('AGENT').map((t) => t.name)).toContain('mv');
  });
});
