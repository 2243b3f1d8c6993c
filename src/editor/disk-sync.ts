/**
 * Open files follow the disk: a clean tab reloads when its file changes
 * (the agent's writes and outside edits alike), a tab with unsaved edits
 * asks instead, and a deleted file keeps its tab and text until the user
 * closes or saves it.
 */
import type { WorkspaceChange, Workspace } from '../workspace/types';
import { applyDiskText } from './save';
import { bufferOf, fileText, isDirty, liveState, setDirty, tabOf, updateTab } from './tabs';

export function followDisk(ws: Workspace): () => void {
  return ws.watch((changes) => {
    for (const change of changes) if (tabOf(change.path)?.status === 'text') void syncTab(ws, change);
  });
}

async function syncTab(ws: Workspace, change: WorkspaceChange): Promise<void> {
  const { path } = change;
  if (change.type === 'deleted') {
    updateTab(path, { deleted: true });
    setDirty(path, true); // saving writes it back
    return;
  }
  const disk = await ws.readText(path).catch(() => null);
  const buffer = bufferOf(path);
  if (!buffer || disk?.kind !== 'text') return;
  updateTab(path, { deleted: false });
  const state = liveState(path) ?? buffer.state;
  if (fileText(state) === disk.text) {
    buffer.saved = state.doc;
    buffer.mtime = disk.mtime;
    setDirty(path, false);
    return;
  }
  if (disk.mtime === buffer.mtime && buffer.saved.eq(state.toText(disk.text))) return; // our own save
  // Checked after the read: typing may have started meanwhile.
  if (!isDirty({ ...buffer, state })) applyDiskText(path, disk.text, disk.mtime);
  else updateTab(path, { conflict: { diskText: disk.text, diskMtime: disk.mtime } });
}
