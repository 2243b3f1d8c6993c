import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { closeAppDb } from './db';
import { DB_NAME } from './schema';

/**
 * Test-only: gives each test an empty in-memory IndexedDB (fake-indexeddb) and drops
 * the shared connection so `openAppDb()` starts over.
 */
export async function freshIndexedDb(...names: string[]): Promise<void> {
  for (const name of [DB_NAME, ...names]) await closeAppDb(name);
  globalThis.indexedDB = new IDBFactory();
}

/**
 * Node has no FileSystemDirectoryHandle; the store only needs something
 * structured-cloneable, so tests stand in a plain object.
 */
export function fakeDirectoryHandle(name: string): FileSystemDirectoryHandle {
  return { kind: 'directory', name } as unknown as FileSystemDirectoryHandle;
}
