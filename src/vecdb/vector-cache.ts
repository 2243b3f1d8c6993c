import { deleteDB, openDB, type DBSchema, type IDBPDatabase } from 'idb';
import { withStorageErrors } from '../storage/db';
import type { FileVersion } from '../worker-api/embed';

/**
 * Embeddings on disk: one IndexedDB database per workspace
 * (`refact-vecdb-<workspace id>`, apart from the app's own database and its
 * migrations), one record per (model, chunk content hash). A chunk whose text
 * did not change is never embedded again, after an edit elsewhere in its file
 * or a reload; identical chunks in several files share one record. Vectors are
 * stored as the model gave them (float32), so changing the in-memory layout
 * (vector-store.ts) needs no re-embedding.
 *
 * A second store keeps each indexed file as it was chunked (content hash, size,
 * mtime, its chunks' lines, texts and hashes, for one model), so that after a
 * reload the index comes back without reading, chunking or embedding files
 * that did not change (embed.service.ts `restore`).
 */

export const VECDB_PREFIX = 'refact-vecdb-';
const STORE = 'vectors';
const FILES = 'files';
const VERSION = 2;
/** File records read per IndexedDB request while restoring. */
const FILE_PAGE = 256;

interface VectorRecord {
  model: string;
  hash: string;
  vector: Float32Array;
}

/** One chunk of a stored file (its path is the file's). */
export interface StoredChunk {
  line1: number;
  line2: number;
  text: string;
  hash: string;
  symbol?: string;
}

/** A file as indexed for `model`; keyed by path (a file indexed for another model is overwritten). */
export interface FileRecord extends FileVersion {
  model: string;
  chunks: StoredChunk[];
}

interface VecDbSchema extends DBSchema {
  vectors: { key: [string, string]; value: VectorRecord };
  files: { key: string; value: FileRecord };
}

export function vecDbName(workspaceId: string): string {
  return `${VECDB_PREFIX}${workspaceId}`;
}

/**
 * Deletes a workspace's stored vectors and files by database name. Connections to it (another
 * tab's embed worker) close on request (VectorCache's `blocking`) and reopen an empty one.
 */
export async function deleteVecDb(dbName: string): Promise<void> {
  await withStorageErrors('delete stored embeddings', () => deleteDB(dbName));
}

export class VectorCache {
  private db: Promise<IDBPDatabase<VecDbSchema>> | null = null;

  constructor(readonly dbName: string) {}

  private open(): Promise<IDBPDatabase<VecDbSchema>> {
    this.db ??= openDB<VecDbSchema>(this.dbName, VERSION, {
      upgrade(db, oldVersion) {
        if (oldVersion < 1) db.createObjectStore(STORE, { keyPath: ['model', 'hash'] });
        if (oldVersion < 2) db.createObjectStore(FILES, { keyPath: 'path' });
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

  /** Saves new vectors and the files that use them in one transaction: a stored file always has its vectors. */
  async saveFiles(model: string, vectors: readonly { hash: string; vector: Float32Array }[], files: readonly FileRecord[]): Promise<void> {
    if (vectors.length === 0 && files.length === 0) return;
    await withStorageErrors('save embeddings', async () => {
      const db = await this.open();
      const tx = db.transaction([STORE, FILES], 'readwrite');
      const store = tx.objectStore(STORE);
      const fileStore = tx.objectStore(FILES);
      for (const { hash, vector } of vectors) void store.put({ model, hash, vector });
      for (const record of files) void fileStore.put(record);
      await tx.done;
    });
  }

  /** The stored files of `model`, a page at a time, in path order. */
  async *files(model: string): AsyncGenerator<FileRecord[]> {
    let after: string | null = null;
    for (;;) {
      const from: string | null = after;
      const page: FileRecord[] = await withStorageErrors('read the stored index', async (): Promise<FileRecord[]> => {
        const db = await this.open();
        return db.getAll(FILES, from === null ? undefined : IDBKeyRange.lowerBound(from, true), FILE_PAGE);
      });
      if (page.length === 0) return;
      after = page[page.length - 1]!.path;
      const mine = page.filter((r) => r.model === model && Array.isArray(r.chunks));
      if (mine.length > 0) yield mine;
      if (page.length < FILE_PAGE) return;
    }
  }

  /** A new size / mtime for stored files of `model` whose content hash is unchanged. */
  async touchFiles(model: string, versions: readonly FileVersion[]): Promise<void> {
    if (versions.length === 0) return;
    await withStorageErrors('update the stored index', async () => {
      const db = await this.open();
      const tx = db.transaction(FILES, 'readwrite');
      const records = await Promise.all(versions.map((v) => tx.store.get(v.path)));
      records.forEach((record, i) => {
        const v = versions[i]!;
        if (record && record.model === model && record.hash === v.hash) void tx.store.put({ ...record, size: v.size, mtime: v.mtime });
      });
      await tx.done;
    });
  }

  /** Forgets the stored files at these paths and below them. */
  async deleteFiles(paths: readonly string[]): Promise<void> {
    if (paths.length === 0) return;
    await withStorageErrors('update the stored index', async () => {
      const db = await this.open();
      const tx = db.transaction(FILES, 'readwrite');
      for (const p of paths) {
        const dir = p.replace(/\/$/, '');
        void tx.store.delete(dir);
        // Every key starting with "dir/": '0' is the character after '/'.
        void tx.store.delete(IDBKeyRange.bound(`${dir}/`, `${dir}0`, false, true));
      }
      await tx.done;
    });
  }

  async count(): Promise<number> {
    const db = await this.open();
    return db.count(STORE);
  }

  async countFiles(): Promise<number> {
    const db = await this.open();
    return db.count(FILES);
  }

  /** Deletes every stored vector and file of this workspace. */
  async clear(): Promise<void> {
    await withStorageErrors('clear stored embeddings', async () => {
      const db = await this.open();
      const tx = db.transaction([STORE, FILES], 'readwrite');
      await Promise.all([tx.objectStore(STORE).clear(), tx.objectStore(FILES).clear(), tx.done]);
    });
  }

  async close(): Promise<void> {
    const db = this.db;
    this.db = null;
    if (db) (await db.catch(() => null))?.close();
  }
}
