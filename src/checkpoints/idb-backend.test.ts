import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BatchedIdbBackend } from './idb-backend';
import { freshCheckpointDb } from './test-support';

beforeEach(() => freshCheckpointDb());
afterEach(() => vi.restoreAllMocks());

describe('BatchedIdbBackend', () => {
  it('puts every write of one task into one transaction, and reads its own pending writes', async () => {
    const db = new BatchedIdbBackend('batch-test');
    const writes = Array.from({ length: 50 }, (_, i) => db.writeFile(i, new Uint8Array([i])));
    // Not committed yet, but visible to reads (lightning-fs reads right after writing).
    expect([...(await db.readFile(7))]).toEqual([7]);
    await Promise.all(writes);
    expect(db.transactions).toBe(1);
    await Promise.all([db.unlink(7), db.saveSuperblock(new Map([['/', 1]]))]);
    expect(db.transactions).toBe(2);
    expect(await db.readFile(7)).toBeUndefined();
    expect(await db.loadSuperblock()).toEqual(new Map([['/', 1]]));
    await db.close();
    // Reopens on use after close.
    expect([...(await db.readFile(8))]).toEqual([8]);
    await db.close();
  });

  it('rejects every write of a failed transaction with its cause', async () => {
    const db = new BatchedIdbBackend('quota-test');
    await db.writeFile(1, new Uint8Array([1]));
    vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(() => {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    });
    const results = await Promise.allSettled([db.writeFile(2, new Uint8Array([2])), db.writeFile(3, new Uint8Array([3]))]);
    expect(results.map((r) => r.status === 'rejected' && (r.reason as DOMException).name)).toEqual([
      'QuotaExceededError',
      'QuotaExceededError',
    ]);
    vi.restoreAllMocks();
    expect(await db.readFile(2)).toBeUndefined();
    expect([...(await db.readFile(1))]).toEqual([1]);
    await db.close();
  });
});
