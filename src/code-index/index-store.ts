import { openAppDb, withStorageErrors, type IndexRecord } from '../storage';
import type { AstDefinition, AstUsage } from '../worker-api/ast';
import { QUERIES_VERSION } from './queries';
import { yieldToUi } from './yield';

/**
 * The AST index's cache in the app's IndexedDB `indexes` store: one record per
 * file, keyed [workspace, path], with the hash of the content it was built
 * from. The workspace key is `ast:<workspace id>` so the vector index can keep
 * its own records in the same store.
 */

/** Bump when the stored shape changes; records of another format are ignored and rebuilt. */
export const INDEX_FORMAT = 2000 + QUERIES_VERSION;

export interface StoredFileIndex {
  format: number;
  language: string;
  /** Size and mtime of the file when indexed: a reload that sees both unchanged skips reading it. */
  size: number;
  mtime: number;
  definitions: AstDefinition[];
  usages: AstUsage[];
  hasErrors: boolean;
}

export interface CachedFile {
  hash: string;
  data: StoredFileIndex;
}

/**
 * What a record's `data` holds: the symbols as one JSON string. IndexedDB
 * clones a value on the calling thread, and cloning tens of thousands of small
 * symbol objects took ~1.5 s of the page's time per pass over a 10 MB project;
 * JSON.stringify of the same is several times cheaper, and a string clones as
 * one copy.
 */
interface StoredRecordData {
  format: number;
  language: string;
  size: number;
  mtime: number;
  hasErrors: boolean;
  /** JSON of [definitions, usages]. */
  symbols: string;
}

function toRecordData(data: StoredFileIndex): StoredRecordData {
  const { format, language, size, mtime, hasErrors, definitions, usages } = data;
  return { format, language, size, mtime, hasErrors, symbols: JSON.stringify([definitions, usages]) };
}

function fromRecordData(value: unknown): StoredFileIndex | null {
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Partial<StoredRecordData>;
  if (v.format !== INDEX_FORMAT || typeof v.symbols !== 'string') return null;
  let symbols: unknown;
  try {
    symbols = JSON.parse(v.symbols);
  } catch {
    return null;
  }
  if (!Array.isArray(symbols)) return null;
  const data = { format: v.format, language: v.language, size: v.size, mtime: v.mtime, hasErrors: v.hasErrors, definitions: symbols[0], usages: symbols[1] };
  return isStoredFileIndex(data) ? data : null;
}

export function isStoredFileIndex(value: unknown): value is StoredFileIndex {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<StoredFileIndex>;
  if (v.format !== INDEX_FORMAT || typeof v.language !== 'string' || typeof v.size !== 'number' || typeof v.mtime !== 'number') {
    return false;
  }
  if (!Array.isArray(v.definitions) || !Array.isArray(v.usages) || typeof v.hasErrors !== 'boolean') return false;
  const d = v.definitions[0] as Partial<AstDefinition> | undefined;
  const u = v.usages[0] as Partial<AstUsage> | undefined;
  return (
    (d === undefined || (typeof d.path === 'string' && typeof d.line1 === 'number')) &&
    (u === undefined || (typeof u.name === 'string' && typeof u.line === 'number'))
  );
}

export class IndexStore {
  readonly key: string;

  constructor(
    workspaceId: string,
    private readonly dbName?: string,
  ) {
    this.key = `ast:${workspaceId}`;
  }

  /**
   * Every usable cached file of this workspace (records of an older format are
   * left out), read a page at a time: deserializing a large index in one request
   * would block the page for as long as it takes.
   */
  async *load(pageSize = 64): AsyncGenerator<[string, CachedFile][]> {
    let after: string | null = null;
    for (;;) {
      const lower: string = after ?? '';
      const records = await withStorageErrors('read the code index', async () => {
        const db = await openAppDb(this.dbName);
        // Keys are [workspace, path]; arrays sort after every string, so [key, []] bounds all paths.
        const range = IDBKeyRange.bound([this.key, lower], [this.key, []], after !== null, false);
        return db.getAll('indexes', range, pageSize);
      });
      const page: [string, CachedFile][] = [];
      for (const record of records) {
        const data = fromRecordData(record.data);
        if (data) page.push([record.path, { hash: record.hash, data }]);
      }
      if (page.length > 0) yield page;
      if (records.length < pageSize) return;
      after = records[records.length - 1]!.path;
    }
  }

  /** Writes entries a few at a time, one transaction each (serializing happens on this thread). */
  async put(files: { path: string; hash: string; data: StoredFileIndex }[], chunk = 16): Promise<void> {
    for (let i = 0; i < files.length; i += chunk) {
      await withStorageErrors('save the code index', async () => {
        const db = await openAppDb(this.dbName);
        const tx = db.transaction('indexes', 'readwrite');
        for (const f of files.slice(i, i + chunk)) {
          const record: IndexRecord = { workspace: this.key, path: f.path, hash: f.hash, data: toRecordData(f.data) };
          void tx.store.put(record);
        }
        await tx.done;
      });
      if (i + chunk < files.length) await yieldToUi();
    }
  }

  async delete(paths: string[]): Promise<void> {
    if (paths.length === 0) return;
    await withStorageErrors('update the code index', async () => {
      const db = await openAppDb(this.dbName);
      const tx = db.transaction('indexes', 'readwrite');
      for (const path of paths) void tx.store.delete([this.key, path]);
      await tx.done;
    });
  }

  /** Forgets this workspace's whole AST index. */
  async clear(): Promise<void> {
    await withStorageErrors('clear the code index', async () => {
      const db = await openAppDb(this.dbName);
      const tx = db.transaction('indexes', 'readwrite');
      let cursor = await tx.store.index('by-workspace').openKeyCursor(IDBKeyRange.only(this.key));
      while (cursor) {
        void tx.store.delete(cursor.primaryKey);
        cursor = await cursor.continue();
      }
      await tx.done;
    });
  }
}
