import { describe, expect, it } from 'vitest';
import { MemoryKnowledgeStore } from '../knowledge/store';
import { memoryWorkspace } from '../test-support/workspace';
import { atCommandCompletion, atCommandPreview, findAtCommands } from './index';
import { parseFileArg } from './file';
import type { AtCommandContext } from './types';

async function context(): Promise<AtCommandContext> {
  const lines = Array.from({ length: 60 }, (_, i) => `line ${i + 1}`).join('\n') + '\n';
  const { workspace } = await memoryWorkspace({
    'src/app.ts': 'export const app = 1;\n',
    'src/lib/apply.ts': 'apply\n',
    'tests/app.test.ts': 'test\n',
    'docs/long.md': lines,
    'README.md': '# Readme\n',
    'a/index.ts': '',
    'b/index.ts': '',
  });
  return { workspace, knowledge: new MemoryKnowledgeStore() };
}

describe('atCommandCompletion', () => {
  it('offers command names while the command is typed', async () => {
    const ctx = await context();
    expect(await atCommandCompletion('see @f', 6, ctx)).toEqual({ completions: ['@file '], replace: [4, 6], is_cmd_executable: false });
    const all = await atCommandCompletion('@', 1, ctx);
    // The index commands are left out until there is an index.
    expect(all.completions).toEqual(['@file ', '@tree ', '@knowledge-load ']);
    expect(await atCommandCompletion('@tree', 5, ctx)).toEqual({ completions: ['@tree '], replace: [0, 5], is_cmd_executable: true });
  });

  it('offers fuzzy paths for @file, replacing the argument being typed', async () => {
    const ctx = await context();
    const typed = 'look at @file app';
    const out = await atCommandCompletion(typed, typed.length, ctx);
    expect(out.replace).toEqual([14, 17]);
    expect(out.completions[0]).toBe('src/app.ts ');
    expect(out.completions).toContain('tests/app.test.ts ');
    const empty = await atCommandCompletion('@file ', 6, ctx);
    expect(empty.replace).toEqual([6, 6]);
    expect(empty.completions).toHaveLength(5);
    const picked = await atCommandPreview('@file app', ctx);
    expect(picked.messages[0]?.content).toEqual([{ file_name: 'src/app.ts', file_content: 'export const app = 1;\n', line1: 1, line2: 1 }]);
  });

  it('says a command is executable once its argument is a real path (with a range)', async () => {
    const ctx = await context();
    const text = '@file src/app.ts:1-1';
    expect(await atCommandCompletion(text, text.length, ctx)).toEqual({ completions: [], replace: [-1, -1], is_cmd_executable: true });
    expect((await atCommandCompletion('@file src/app.ts and more', 25, ctx)).is_cmd_executable).toBe(true);
  });

  it('looks only at the line of the cursor', async () => {
    const ctx = await context();
    const text = '@file src/ap\nplain words';
    expect((await atCommandCompletion(text, text.length, ctx)).completions).toEqual([]);
    expect((await atCommandCompletion(text, 12, ctx)).completions[0]).toBe('src/app.ts ');
  });
});

describe('atCommandPreview', () => {
  it('inserts files (whole, N-M, around N) and the tree, and highlights each command', async () => {
    const ctx = await context();
    const text = 'Explain @file src/app.ts\n@file docs/long.md:30\n@file long.md:2-3 please\n@tree';
    const preview = await atCommandPreview(text, ctx);
    expect(preview.messages[0]).toEqual({
      role: 'plain_text',
      content: 'Project tree of "proj":\na/\n  index.ts\nb/\n  index.ts\ndocs/\n  long.md\nsrc/\n  lib/\n    apply.ts\n  app.ts\ntests/\n  app.test.ts\nREADME.md',
    });
    const files = preview.messages[1];
    expect(files?.role).toBe('context_file');
    expect(files?.content).toEqual([
      { file_name: 'src/app.ts', file_content: 'export const app = 1;\n', line1: 1, line2: 1 },
      expect.objectContaining({ file_name: 'docs/long.md', line1: 10, line2: 50 }),
      { file_name: 'docs/long.md', file_content: 'line 2\nline 3\n', line1: 2, line2: 3 },
    ]);
    expect(preview.highlight.map((h) => [text.slice(h.pos1, h.pos2), h.ok])).toEqual([
      ['@file src/app.ts', true],
      ['@file docs/long.md:30', true],
      ['@file long.md:2-3', true],
      ['@tree', true],
    ]);
  });

  it('reports what failed: no match, ambiguous, missing argument, no index', async () => {
    const ctx = await context();
    const preview = await atCommandPreview('@file nothing_like_it\n@file index.ts\n@file\n@definition Foo', ctx);
    expect(preview.messages).toEqual([]);
    expect(preview.highlight.map((h) => h.reason)).toEqual([
      'no file matches "nothing_like_it"',
      '"index.ts" matches several files: a/index.ts, b/index.ts',
      '@file needs an argument',
      'the code index is not available yet; use search_pattern, tree and cat instead',
    ]);
  });

  it('loads knowledge', async () => {
    const ctx = await context();
    await ctx.knowledge!.add({ content: 'Deploy with make deploy', goal: 'deploying' });
    const preview = await atCommandPreview('@knowledge-load deploy', ctx);
    expect(preview.messages).toEqual([{ role: 'plain_text', content: 'Saved knowledge:\n\n### deploying\nDeploy with make deploy' }]);
  });

  it('finds commands with their arguments', () => {
    expect(findAtCommands('a @file x.ts b\n@search how it works\nemail@file.com').map((f) => [f.command.name, f.arg])).toEqual([
      ['@file', 'x.ts'],
      ['@search', 'how it works'],
    ]);
    expect(parseFileArg('a.ts:3')).toEqual({ path: 'a.ts', range: { start: 3, end: 3, around: true } });
  });
});
