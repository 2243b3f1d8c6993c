import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import { withStorageErrors } from '../storage/db';

/**
 * Embeddings on disk: one IndexedDB database per workspace
 * (`refact-vecdb-<workspace id>`, apart from the app's own database and its
 * migrations), one record per (model, chunk content hash). A chunk whose text
 * did not change is never embedded again, after an edit elsewhere in its file
 * or a reload; identical chunks in several files share one record. Vectors are
 * stored as the model gave them (float32), so changing the in-memory layout
 * (vector-store.ts) needs no re-embedding.
 */

export const VECDB_PREFIX = 'refact-vecdb-';
const STORE = 'vectors';
const VERSION = 1;

interface VectorRecord {
  model: string;
  hash: string;
  vector: Float32Array;
}

interface VecDbSchema extends DBSchema {
  vectors: { key: [string, string]; value: VectorRecord };
}

export function vecDbName(workspaceId: string): string {
  return `${VECDB_PREFIX}${workspaceId}`;
}

export class VectorCache {
  private db: Promise<IDBPDatabase<VecDbSchema>> | null = null;

  constructor(readonly dbName: string) {}

  private open(): Promise<IDBPDatabase<VecDbSchema>> {
    this.db ??= openDB<VecDbSchema>(this.dbName, VERSION, {
      upgrade(db) {
        db.createObjectStore(STORE, { keyPath: ['model', 'hash'] });
      },
      blocking: () => {
        // Another tab wants to delete or upgrade this database: let it.
        void this.close();
      },
    }).catch((error: unknown) => {
      this.db = null;
      throw error;
    });
    return this.db;
  }

  /** The stored vectors of these hashes for `model` (hashes without one are absent from the map). */
  async getMany(model: string, hashes: readonly string[]): Promise<Map<string, Float32Array>> {
    const found = new Map<string, Float32Array>();
    if (hashes.length === 0) return found;
    return withStorageErrors('read stored embeddings', async () => {
      const db = await this.open();
      const tx = db.transaction(STORE, 'readonly');
      const records = await Promise.all(hashes.map((hash) => tx.store.get([model, hash])));
      await tx.done;
      records.forEach((record, i) => {
        if (record && record.vector instanceof Float32Array) found.set(hashes[i]!, record.vector);
      });
      return found;
    });
  }

  async putMany(model: string, entries: readonly { hash: string; vector: Float32Array }[]): Promise<void> {
    if (entries.length === 0) return;
    await withStorageErrors('save embeddings', async () => {
      const db = await this.open();
      const tx = db.transaction(STORE, 'readwrite');
      for (const { hash, vector } of entries) void tx.store.put({ model, hash, vector });
      await tx.done;
    });
  }

  async count(): Promise<number> {
    const db = await this.open();
    return db.count(STORE);
  }

  /** Deletes every stored vector of this workspace. */
  async clear(): Promise<void> {
    await withStorageErrors('clear stored embeddings', async () => {
      const db = await this.open();
      await db.clear(STORE);
    });
  }

  async close(): Promise<void> {
    const db = this.db;
    this.db = null;
    if (db) (await db.catch(() => null))?.close();
  }
}
