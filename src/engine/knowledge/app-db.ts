/**
 * The app database (src/storage, `knowledge` store since migration v3) seen
 * as the KnowledgeDb the IndexedDB knowledge store needs. The schema types a
 * record loosely (the engine owns its fields), so entries go in as plain
 * objects and come out unchecked: IdbKnowledgeStore checks them on read.
 */
import { openAppDb, type AppDb } from '../../storage/db';
import { IdbKnowledgeStore, type KnowledgeDb } from './idb-store';
import type { KnowledgeEntry } from './store';

export function knowledgeDbOf(db: AppDb): KnowledgeDb {
  return {
    getAllFromIndex: (store, index, workspace) => db.getAllFromIndex(store, index, workspace),
    // The spread gives the record type's open index signature a plain object.
    put: (store, entry: KnowledgeEntry) => db.put(store, { ...entry }),
    delete: (store, key) => db.delete(store, key),
  };
}

/** The knowledge of one workspace, kept in the app database. */
export function appKnowledgeStore(workspaceId: string, open: () => Promise<AppDb> = () => openAppDb()): IdbKnowledgeStore {
  return new IdbKnowledgeStore(async () => knowledgeDbOf(await open()), workspaceId);
}
