import { beforeEach, describe, expect, it } from 'vitest';
import { HandleWorkspace } from '../workspace/handle-workspace';
import { MemoryDirectoryHandle } from '../workspace/memory-handle';
import type { Workspace } from '../workspace/types';
import { guardUnsavedEdits, refusedWrites, unsavedPaths, UnsavedEditsError } from './editor-context';

let workspace: Workspace;
let guarded: Workspace;

const text = async (path: string) => {
  const read = await workspace.readText(path);
  return read.kind === 'text' ? read.text : null;
};

beforeEach(async () => {
  const root = new MemoryDirectoryHandle('shop');
  await root.put('src/cart.py', 'saved on disk\n');
  await root.put('src/tax.py', 'rate = 2\n');
  await root.put('README.md', '# shop\n');
  workspace = new HandleWorkspace({ id: 'ws-guard', source: 'opfs', root: root.asHandle(), pollIntervalMs: 3_600_000 });
  guarded = guardUnsavedEdits(workspace);
  unsavedPaths.value = new Set(['src/cart.py']);
  refusedWrites.value = new Set();
});

describe('guardUnsavedEdits', () => {
  it('refuses a write to a file with unsaved edits, leaves it untouched and tells the editor', async () => {
    await expect(guarded.writeText('src/cart.py', 'from the agent\n')).rejects.toThrow(UnsavedEditsError);
    await expect(guarded.writeBytes('src/cart.py', new Uint8Array([1]))).rejects.toThrow(UnsavedEditsError);
    expect(await text('src/cart.py')).toBe('saved on disk\n');
    expect([...refusedWrites.value]).toEqual(['src/cart.py']);
  });

  it('tells the model what to do', async () => {
    await expect(guarded.writeText('src/cart.py', 'x')).rejects.toThrow(
      '"src/cart.py" has unsaved edits in the editor, so it was not changed. Ask the user to save or discard them, then read the file again and redo the change.',
    );
  });

  it('sees through other spellings of the same path', async () => {
    for (const path of ['./src/cart.py', 'src//cart.py', 'src/./cart.py']) {
      await expect(guarded.writeText(path, 'x'), path).rejects.toThrow(UnsavedEditsError);
    }
    expect(await text('src/cart.py')).toBe('saved on disk\n');
  });

  it('refuses to remove the file or a folder holding it', async () => {
    await expect(guarded.remove('src/cart.py')).rejects.toThrow(UnsavedEditsError);
    await expect(guarded.remove('src', { recursive: true })).rejects.toThrow(UnsavedEditsError);
    expect(await text('src/cart.py')).toBe('saved on disk\n');
  });

  it('refuses to move the file or a folder holding it', async () => {
    await expect(guarded.move('src/cart.py', 'src/basket.py')).rejects.toThrow(UnsavedEditsError);
    await expect(guarded.move('src', 'lib')).rejects.toThrow(UnsavedEditsError);
    expect(await text('src/cart.py')).toBe('saved on disk\n');
    expect(await workspace.exists('lib')).toBe(false);
  });

  it('lets everything else through', async () => {
    await guarded.writeText('src/tax.py', 'rate = 3\n');
    await guarded.writeText('src/new.py', 'new\n');
    await guarded.move('README.md', 'docs.md');
    await guarded.remove('src/new.py');
    expect(await text('src/tax.py')).toBe('rate = 3\n');
    expect(await text('docs.md')).toBe('# shop\n');
    expect(await workspace.exists('src/new.py')).toBe(false);
    expect(await text('src/cart.py')).toBe('saved on disk\n'); // reads pass through too
    expect(refusedWrites.value.size).toBe(0);
  });

  it('lets the write through once the edits are saved', async () => {
    unsavedPaths.value = new Set();
    await guarded.writeText('src/cart.py', 'from the agent\n');
    expect(await text('src/cart.py')).toBe('from the agent\n');
  });
});
