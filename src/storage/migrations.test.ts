import { freshIndexedDb } from './test-support';
import { openDB, type IDBPDatabase } from 'idb';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { openAppDb } from './db';
import {
  DB_VERSION,
  MIGRATIONS,
  MigrationError,
  checkMigrationOrder,
  runMigrations,
  type Migration,
} from './migrations';
import { APP_STORES, type AppDbSchema, type FolderRecord } from './schema';
import { fakeDirectoryHandle } from './test-support';

const NAME = 'migrations-test';

/** Opens NAME at `version` running only our migrations, as an older build of the app would. */
function openAtVersion(version: number, migrations: readonly Migration[] = MIGRATIONS, onFailure?: (e: MigrationError) => void) {
  return openDB<AppDbSchema>(NAME, version, {
    upgrade(db, oldVersion, newVersion, tx) {
      runMigrations(db, tx, oldVersion, newVersion ?? version, migrations, onFailure);
    },
  });
}

function storeNames(db: IDBPDatabase<AppDbSchema>): string[] {
  return [...db.objectStoreNames].sort();
}

beforeEach(() => freshIndexedDb(NAME));

describe('migrations', () => {
  it('DB_VERSION is the last migration and the chain has really two steps', () => {
    expect(DB_VERSION).toBe(MIGRATIONS.at(-1)?.version);
    expect(DB_VERSION).toBeGreaterThanOrEqual(2);
    expect(() => checkMigrationOrder(MIGRATIONS)).not.toThrow();
  });

  it('rejects a history with a gap or a repeat', () => {
    const step = (version: number): Migration => ({ version, describe: `v${version}`, up() {} });
    expect(() => checkMigrationOrder([step(1), step(3)])).toThrow(/expected 2/);
    expect(() => checkMigrationOrder([step(1), step(1)])).toThrow(/expected 2/);
  });

  it('a fresh install reaches the latest version with every store and index', async () => {
    const db = await openAppDb(NAME);
    expect(db.version).toBe(DB_VERSION);
    expect(storeNames(db)).toEqual([...APP_STORES].sort());

    const tx = db.transaction(['handles', 'history', 'indexes', 'models', 'settings']);
    expect([...tx.objectStore('handles').indexNames]).toEqual(['by-lastOpened']);
    expect([...tx.objectStore('history').indexNames]).toEqual(['by-updatedAt']);
    expect([...tx.objectStore('indexes').indexNames]).toEqual(['by-workspace']);
    expect(tx.objectStore('indexes').keyPath).toEqual(['workspace', 'path']);
    expect(tx.objectStore('models').keyPath).toBe('id');
    expect(tx.objectStore('settings').keyPath).toBeNull();
    await tx.done;
  });

  it('upgrades a v1 database to the latest version keeping settings and handles', async () => {
    const folder: FolderRecord = {
      id: 'f1',
      name: 'my-project',
      kind: 'picked',
      handle: fakeDirectoryHandle('my-project'),
      lastOpened: 1000,
    };
    const v1 = await openAtVersion(1);
    expect(storeNames(v1)).toEqual(['handles', 'settings']);
    await v1.put('settings', { dark: true }, 'theme');
    await v1.put('handles', folder);
    v1.close();

    const db = await openAppDb(NAME);
    expect(db.version).toBe(DB_VERSION);
    expect(storeNames(db)).toEqual([...APP_STORES].sort());
    expect(await db.get('settings', 'theme')).toEqual({ dark: true });
    expect(await db.get('handles', 'f1')).toEqual(folder);

    // The stores added by v2 are usable, including the compound key.
    await db.put('indexes', { workspace: 'w', path: 'src/a.ts', hash: 'h1', data: null });
    expect(await db.get('indexes', ['w', 'src/a.ts'])).toMatchObject({ hash: 'h1' });
    expect(await db.getAllFromIndex('indexes', 'by-workspace', 'w')).toHaveLength(1);
  });

  it('an appended migration with an async data step runs after the others', async () => {
    const v1 = await openAtVersion(1);
    await v1.put('settings', 'old-value', 'renamed-key');
    v1.close();

    const withV3: Migration[] = [
      ...MIGRATIONS,
      {
        version: DB_VERSION + 1,
        describe: 'rename a setting',
        async up(_db, tx) {
          const settings = tx.objectStore('settings');
          const value: unknown = await settings.get('renamed-key');
          await settings.put(value, 'new-key');
          await settings.delete('renamed-key');
        },
      },
    ];
    const db = await openAtVersion(DB_VERSION + 1, withV3);
    expect(db.version).toBe(DB_VERSION + 1);
    expect(storeNames(db)).toEqual([...APP_STORES].sort());
    expect(await db.get('settings', 'new-key')).toBe('old-value');
    expect(await db.get('settings', 'renamed-key')).toBeUndefined();
    db.close();
  });

  it('a failing migration rolls back and reports which step failed', async () => {
    const v1 = await openAtVersion(1);
    v1.close();
    const failures: MigrationError[] = [];
    const broken: Migration[] = [
      ...MIGRATIONS,
      {
        version: DB_VERSION + 1,
        describe: 'broken step',
        up() {
          throw new Error('boom');
        },
      },
    ];
    const error: unknown = await openAtVersion(DB_VERSION + 1, broken, (e) => failures.push(e)).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ name: 'AbortError' });
    expect(failures).toHaveLength(1);
    expect(failures[0]?.version).toBe(DB_VERSION + 1);
    expect(failures[0]?.message).toMatch(/broken step.*boom/);

    // Still at v1: the v2 stores created in the same transaction were rolled back too.
    const reopened = await openDB<AppDbSchema>(NAME);
    expect(reopened.version).toBe(1);
    expect(storeNames(reopened)).toEqual(['handles', 'settings']);
    reopened.close();
  });

  it('openAppDb rejects with the MigrationError, not a bare AbortError', async () => {
    const spy = vi.spyOn(MIGRATIONS[1] as Migration, 'up').mockImplementation(() => {
      throw new Error('disk on fire');
    });
    try {
      await expect(openAppDb(NAME)).rejects.toThrow(/migration to v2 .*disk on fire/);
    } finally {
      spy.mockRestore();
    }
    // The failed open is not memoized: the next call retries and succeeds.
    expect((await openAppDb(NAME)).version).toBe(DB_VERSION);
  });
});
