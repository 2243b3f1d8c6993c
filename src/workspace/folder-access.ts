import { forgetFolder, recentFolders, rememberFolder, touchFolder } from '../storage/handles';
import type { FolderRecord } from '../storage/schema';
import { HandleWorkspace } from './handle-workspace';

/**
 * Opening, remembering and reconnecting folders. A picked folder's handle is
 * kept in IndexedDB; after a reload the browser usually wants a user gesture
 * before it grants access again, hence `needsReconnect` + `reconnect`.
 */

const READWRITE = { mode: 'readwrite' } as const;

export function canPickFolders(): boolean {
  return typeof window !== 'undefined' && typeof window.showDirectoryPicker === 'function';
}

export function newFolderId(): string {
  return crypto.randomUUID();
}

/** Shows the browser's folder picker; null when the user cancels. */
export async function pickFolder(): Promise<FolderRecord | null> {
  if (!canPickFolders()) throw new Error('This browser cannot open local folders; import a copy instead.');
  let handle: FileSystemDirectoryHandle;
  try {
    handle = await window.showDirectoryPicker!({ id: 'refact-workspace', mode: 'readwrite' });
  } catch (err) {
    if ((err as DOMException).name === 'AbortError') return null;
    throw err;
  }
  // The same folder picked again keeps its id (and so its chats, indexes, checkpoints).
  const known = await findSameFolder(handle);
  const record: FolderRecord = known
    ? { ...known, handle, lastOpened: Date.now() }
    : { id: newFolderId(), name: handle.name, kind: 'picked', handle, lastOpened: Date.now() };
  await rememberFolder(record);
  return record;
}

async function findSameFolder(handle: FileSystemDirectoryHandle): Promise<FolderRecord | undefined> {
  for (const record of await recentFolders(50)) {
    if (record.kind !== 'picked') continue;
    try {
      if (await record.handle.isSameEntry(handle)) return record;
    } catch {
      // A stale handle (folder deleted) cannot be compared; skip it.
    }
  }
  return undefined;
}

export async function permissionOf(record: FolderRecord): Promise<PermissionState> {
  // OPFS handles and browsers without the permission API are always usable.
  if (typeof record.handle.queryPermission !== 'function') return 'granted';
  try {
    return await record.handle.queryPermission(READWRITE);
  } catch {
    return 'prompt';
  }
}

/** Must run inside a click handler: the browser shows its permission prompt. */
export async function requestAccess(record: FolderRecord): Promise<boolean> {
  if (typeof record.handle.requestPermission !== 'function') return true;
  return (await record.handle.requestPermission(READWRITE)) === 'granted';
}

export async function openRecord(record: FolderRecord): Promise<HandleWorkspace> {
  await touchFolder(record.id);
  return new HandleWorkspace({ id: record.id, name: record.name, source: record.kind, root: record.handle });
}

export { forgetFolder, recentFolders };
