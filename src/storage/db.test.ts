import { fakeDirectoryHandle, freshIndexedDb } from './test-support';
import { forceCloseDatabase } from 'fake-indexeddb';
import { unwrap } from 'idb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  StorageFullError,
  StorageOutdatedError,
  closeAppDb,
  getSetting,
  onDbEvent,
  openAppDb,
  setSetting,
  type DbEvent,
} from './db';
import { rememberFolder } from './handles';
import { DB_VERSION } from './migrations';

const NAME = 'db-test';

/** Opens NAME with a raw IndexedDB request, as another tab would. */
function rawOpen(version?: number): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(NAME, version);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('open failed'));
  });
}

function quotaError(): DOMException {
  return new DOMException('The quota has been exceeded.', 'QuotaExceededError');
}

let events: DbEvent[] = [];
let unsubscribe = (): void => {};

beforeEach(async () => {
  await freshIndexedDb(NAME);
  events = [];
  unsubscribe = onDbEvent((event) => events.push(event));
});

afterEach(() => {
  unsubscribe();
  vi.restoreAllMocks();
});

describe('openAppDb', () => {
  it('shares one connection per name', async () => {
    const [a, b] = await Promise.all([openAppDb(NAME), openAppDb(NAME)]);
    expect(a).toBe(b);
    await closeAppDb(NAME);
    expect(await openAppDb(NAME)).not.toBe(a);
  });

  it('on a newer tab upgrading: closes, reports outdated, later opens say "reload"', async () => {
    await openAppDb(NAME);
    // A newer build in another tab asks for a higher version; we must not block it.
    const newer = await rawOpen(DB_VERSION + 1);
    expect(newer.version).toBe(DB_VERSION + 1);
    expect(events).toEqual([
      { type: 'outdated', dbName: NAME, openVersion: DB_VERSION, newVersion: DB_VERSION + 1 },
    ]);
    const error = await openAppDb(NAME).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageOutdatedError);
    expect((error as Error).message).toMatch(/Reload this tab/);
    newer.close();
  });

  it('when an older tab will not close: reports blocked, then opens once it does', async () => {
    // An old build that never listens for versionchange, so it will not close.
    const older = await rawOpen(1);
    const opening = openAppDb(NAME);
    await vi.waitFor(() =>
      expect(events).toEqual([{ type: 'blocked', dbName: NAME, openVersion: 1, wantedVersion: DB_VERSION }]),
    );
    older.close();
    expect((await opening).version).toBe(DB_VERSION);
  });

  it('after the browser terminates the connection, reports it and reopens on next use', async () => {
    const first = await openAppDb(NAME);
    forceCloseDatabase(unwrap(first) as never);
    expect(events).toEqual([{ type: 'terminated', dbName: NAME }]);
    const second = await openAppDb(NAME);
    expect(second).not.toBe(first);
    expect(second.version).toBe(DB_VERSION);
  });
});

describe('settings', () => {
  it('round-trips values and falls back when unset', async () => {
    expect(await getSetting('theme', 'dark')).toBe('dark');
    await setSetting('theme', 'light');
    expect(await getSetting('theme', 'dark')).toBe('light');

    const provider = { baseUrl: 'http://localhost:8008', models: ['a', 'b'] };
    await setSetting('provider', provider);
    expect(await getSetting('provider', null)).toEqual(provider);
  });

  it('falls back when a stored value fails the guard', async () => {
    await setSetting('fontSize', 'big');
    const isNumber = (v: unknown): v is number => typeof v === 'number';
    expect(await getSetting('fontSize', 14, isNumber)).toBe(14);
    await setSetting('fontSize', 16);
    expect(await getSetting('fontSize', 14, isNumber)).toBe(16);
  });

  it('turns QuotaExceededError into StorageFullError', async () => {
    vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(() => {
      throw quotaError();
    });
    const error = await setSetting('big', 'x'.repeat(10)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageFullError);
    expect((error as StorageFullError).message).toMatch(/storage is full.*save the setting "big"/);
    expect((error as StorageFullError).cause).toMatchObject({ name: 'QuotaExceededError' });

    await expect(
      rememberFolder({ id: 'f', name: 'proj', kind: 'opfs', handle: fakeDirectoryHandle('proj') }),
    ).rejects.toBeInstanceOf(StorageFullError);
  });
});
