import { openAppDb, withStorageErrors } from './db';
import type { FolderRecord } from './schema';

/** Saves (or replaces, by id) a recently opened folder; `lastOpened` defaults to now. */
export async function rememberFolder(
  record: Omit<FolderRecord, 'lastOpened'> & { lastOpened?: number },
): Promise<void> {
  const stored: FolderRecord = { ...record, lastOpened: record.lastOpened ?? Date.now() };
  await withStorageErrors(`remember the folder "${record.name}"`, async () => {
    const db = await openAppDb();
    await db.put('handles', stored);
  });
}

/** The most recently opened folders, newest first. */
export async function recentFolders(limit = 10): Promise<FolderRecord[]> {
  if (limit <= 0) return [];
  return withStorageErrors('read the recent folders list', async () => {
    const db = await openAppDb();
    const folders: FolderRecord[] = [];
    const byLastOpened = db.transaction('handles').store.index('by-lastOpened');
    let cursor = await byLastOpened.openCursor(null, 'prev');
    while (cursor && folders.length < limit) {
      folders.push(cursor.value);
      cursor = await cursor.continue();
    }
    return folders;
  });
}

/** Removes a folder from the recent list (the folder itself is untouched). */
export async function forgetFolder(id: string): Promise<void> {
  await withStorageErrors('forget a recent folder', async () => {
    const db = await openAppDb();
    await db.delete('handles', id);
  });
}

/** Marks a folder as just opened. Returns false when no folder has that id. */
export async function touchFolder(id: string, now: number = Date.now()): Promise<boolean> {
  return withStorageErrors('update the recent folders list', async () => {
    const db = await openAppDb();
    const tx = db.transaction('handles', 'readwrite');
    const record = await tx.store.get(id);
    if (record) await tx.store.put({ ...record, lastOpened: now });
    await tx.done;
    return record !== undefined;
  });
}
