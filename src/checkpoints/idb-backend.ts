/**
 * The IndexedDB store under lightning-fs (its `db` option), with batching.
 *
 * lightning-fs's own backend opens one IndexedDB transaction per file write
 * (idb-keyval's `set`). A snapshot writes hundreds of objects at once; here
 * every write, delete and superblock save issued in the same task goes into
 * one readwrite transaction, committed in order. Measured in Chromium on the
 * bench corpus: 739 puts took 484 ms as separate transactions and 135-255 ms
 * as one; 20 small ones 9.4 ms vs 2.3 ms.
 *
 * The layout is idb-keyval's (`key -> value` in one store: inode numbers ->
 * file bytes, "!root" -> superblock), so nothing else about lightning-fs
 * changes. A failed transaction (QuotaExceededError) rejects every write in it.
 */

type Key = number | string;
type Op = { kind: 'put'; key: Key; value: unknown; bytes: number } | { kind: 'delete'; key: Key };

interface Batch {
  ops: Op[];
  bytes: number;
  settle: { resolve: () => void; reject: (error: unknown) => void }[];
}

/** Commit early when a batch holds this much: bounds memory, and lets IndexedDB store one batch while the snapshot reads and hashes the next. */
const MAX_BATCH_BYTES = 4 * 1024 * 1024;
const SUPERBLOCK_KEY = '!root';

function requestDone<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('IndexedDB request failed'));
  });
}

export class BatchedIdbBackend {
  private db: Promise<IDBDatabase> | null = null;
  private batch: Batch | null = null;
  /** The last transaction started; `close` waits for it. */
  private lastCommit: Promise<void> = Promise.resolve();
  /** Transactions committed since construction (for profiling and tests). */
  transactions = 0;
  private disposed = false;
  private holds = 0;

  constructor(
    readonly dbName: string,
    readonly storeName = 'files',
  ) {}

  private open(): Promise<IDBDatabase> {
    this.db ??= new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open(this.dbName, 1);
      request.onupgradeneeded = () => request.result.createObjectStore(this.storeName);
      request.onsuccess = () => {
        const db = request.result;
        // Another tab deleting or upgrading the database: let it, reopen on next use.
        db.onversionchange = () => {
          db.close();
          this.db = null;
        };
        resolve(db);
      };
      request.onerror = () => {
        this.db = null;
        reject(request.error ?? new Error(`could not open IndexedDB "${this.dbName}"`));
      };
      request.onblocked = () => undefined;
    });
    return this.db;
  }

  /**
   * While held, batches commit only when full (MAX_BATCH_BYTES), not at the end
   * of the task: a snapshot holds the store while it streams blobs, so that
   * hundreds of writes become a handful of transactions.
   */
  hold(): void {
    this.holds++;
  }

  release(): void {
    if (--this.holds === 0 && this.batch) this.commit(this.batch);
  }

  private enqueue(op: Op): Promise<void> {
    if (this.disposed) return Promise.resolve();
    let batch = this.batch;
    if (!batch) {
      const fresh = (batch = this.batch = { ops: [], bytes: 0, settle: [] });
      if (this.holds === 0) setTimeout(() => this.commit(fresh), 0);
    }
    batch.ops.push(op);
    if (op.kind === 'put') batch.bytes += op.bytes;
    const done = new Promise<void>((resolve, reject) => batch!.settle.push({ resolve, reject }));
    if (batch.bytes >= MAX_BATCH_BYTES) this.commit(batch);
    return done;
  }

  private commit(batch: Batch): void {
    if (this.batch !== batch) return; // already committed early
    this.batch = null;
    if (batch.ops.length === 0) return;
    const run = (async () => {
      const db = await this.open();
      const tx = db.transaction(this.storeName, 'readwrite');
      const store = tx.objectStore(this.storeName);
      try {
        for (const op of batch.ops) {
          if (op.kind === 'put') store.put(op.value, op.key);
          else store.delete(op.key);
        }
      } catch (error) {
        // put() throws synchronously for values it cannot store (e.g. QuotaExceededError in some browsers).
        tx.abort();
        throw error;
      }
      await new Promise<void>((resolve, reject) => {
        tx.oncomplete = () => resolve();
        tx.onabort = () => reject(tx.error ?? new DOMException('IndexedDB transaction aborted', 'AbortError'));
        tx.onerror = () => undefined; // onabort follows with the cause
      });
      this.transactions++;
    })();
    this.lastCommit = run.catch(() => undefined);
    run.then(
      () => batch.settle.forEach((s) => s.resolve()),
      (error: unknown) => batch.settle.forEach((s) => s.reject(error)),
    );
  }

  /** The newest queued value for `key`: `undefined` = not queued, `null` = queued for deletion. */
  private pending(key: Key): { value: unknown } | null | undefined {
    const ops = this.batch?.ops;
    if (!ops) return undefined;
    for (let i = ops.length - 1; i >= 0; i--) {
      const op = ops[i]!;
      if (op.key === key) return op.kind === 'put' ? { value: op.value } : null;
    }
    return undefined;
  }

  private async get(key: Key): Promise<unknown> {
    if (this.disposed) return undefined;
    const queued = this.pending(key);
    if (queued !== undefined) return queued?.value;
    // A readonly transaction started after a readwrite one on the same store sees its writes.
    const db = await this.open();
    return requestDone(db.transaction(this.storeName, 'readonly').objectStore(this.storeName).get(key));
  }

  // ---- lightning-fs's backend interface ------------------------------------------

  saveSuperblock(superblock: unknown): Promise<void> {
    return this.enqueue({ kind: 'put', key: SUPERBLOCK_KEY, value: superblock, bytes: 0 });
  }

  loadSuperblock(): Promise<unknown> {
    return this.get(SUPERBLOCK_KEY);
  }

  readFile(inode: number): Promise<Uint8Array> {
    return this.get(inode) as Promise<Uint8Array>;
  }

  writeFile(inode: number, data: Uint8Array): Promise<void> {
    return this.enqueue({ kind: 'put', key: inode, value: data, bytes: data.byteLength });
  }

  unlink(inode: number): Promise<void> {
    return this.enqueue({ kind: 'delete', key: inode });
  }

  async wipe(): Promise<void> {
    const db = await this.open();
    const tx = db.transaction(this.storeName, 'readwrite');
    await requestDone(tx.objectStore(this.storeName).clear());
  }

  async close(): Promise<void> {
    // Wait until no batch is queued or running (a write may arrive while we wait).
    for (;;) {
      if (this.batch) this.commit(this.batch);
      const last = this.lastCommit;
      await last;
      if (last === this.lastCommit && !this.batch) break;
    }
    const db = this.db;
    this.db = null;
    if (db) (await db.catch(() => null))?.close();
  }

  /** Closes for good before the database is deleted: later writes are dropped, reads find nothing. */
  async dispose(): Promise<void> {
    await this.close();
    this.disposed = true;
  }
}
