import { describe, expect, it } from 'vitest';
import { createFileList } from './file-list';
import { memoryWorkspace } from './test-support/workspace';

describe('createFileList', () => {
  it('walks once, then follows the workspace\'s own changes', async () => {
    const { workspace } = await memoryWorkspace({ '.gitignore': 'out/\n', 'a.txt': '', 'src/b.ts': '', 'out/x.js': '' });
    let walks = 0;
    const walk = workspace.walk.bind(workspace);
    workspace.walk = (options) => {
      if (!options?.stat) walks++; // the workspace's own change polling walks with stats
      return walk(options);
    };
    const list = createFileList(workspace);
    expect(await list.paths()).toEqual(['.gitignore', 'a.txt', 'src/b.ts']);
    await workspace.writeText('src/c.ts', 'new');
    await workspace.writeText('out/y.js', 'ignored');
    await workspace.remove('a.txt');
    expect(await list.paths()).toEqual(['.gitignore', 'src/b.ts', 'src/c.ts']);
    expect(walks).toBe(1);
    await workspace.writeText('.gitignore', 'out/\nsrc/c.ts\n');
    expect(await list.paths()).toEqual(['.gitignore', 'src/b.ts']);
    expect(walks).toBe(2);
    list.dispose();
  });
});
