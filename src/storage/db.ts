import { openDB, type IDBPDatabase } from 'idb';
import { DB_VERSION, MIGRATIONS, runMigrations, type MigrationError } from './migrations';
import { DB_NAME, type AppDbSchema } from './schema';

export type AppDb = IDBPDatabase<AppDbSchema>;

/** The browser refused a write because the origin's storage quota is used up. */
export class StorageFullError extends Error {
  override name = 'StorageFullError';
  constructor(
    readonly action: string,
    cause: unknown,
  ) {
    super(
      `Browser storage is full, so we could not ${action}. ` +
        'Free some space (remove downloaded models or old chats) and try again.',
      { cause },
    );
  }
}

/** Another tab already upgraded the database past the version this tab's code knows. */
export class StorageOutdatedError extends Error {
  override name = 'StorageOutdatedError';
  constructor(
    readonly action: string,
    cause: unknown,
  ) {
    super(
      `A newer version of Refact is open in another tab, so this tab could not ${action}. ` +
        'Reload this tab to update.',
      { cause },
    );
  }
}

/**
 * Database lifecycle news the UI should show:
 * - `blocked`: an older tab keeps the database open, so this tab's upgrade waits
 *   ("close other Refact tabs");
 * - `outdated`: a newer tab wants to upgrade; this tab closed its connection to let it,
 *   so storage calls here will fail until reload ("reload to update");
 * - `terminated`: the browser dropped the connection (storage cleared, disk error);
 *   the next call reopens it.
 */
export type DbEvent =
  | { type: 'blocked'; dbName: string; openVersion: number; wantedVersion: number }
  | { type: 'outdated'; dbName: string; openVersion: number; newVersion: number | null }
  | { type: 'terminated'; dbName: string };

const listeners = new Set<(event: DbEvent) => void>();

/** Subscribes to database lifecycle events; returns the unsubscribe function. */
export function onDbEvent(listener: (event: DbEvent) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function emit(event: DbEvent): void {
  for (const listener of listeners) {
    try {
      listener(event);
    } catch (error) {
      console.error('storage: DbEvent listener failed', error);
    }
  }
}

export function isQuotaExceeded(error: unknown): boolean {
  if (typeof error !== 'object' || error === null || !('name' in error)) return false;
  // Firefox used its own name before adopting the standard one.
  return error.name === 'QuotaExceededError' || error.name === 'NS_ERROR_DOM_QUOTA_REACHED';
}

/** Turns quota and version errors into the app's user-facing errors; others pass through. */
export function toStorageError(error: unknown, action: string): unknown {
  if (isQuotaExceeded(error)) return new StorageFullError(action, error);
  if (typeof error === 'object' && error !== null && 'name' in error && error.name === 'VersionError') {
    return new StorageOutdatedError(action, error);
  }
  return error;
}

/** Runs a storage operation, rethrowing quota/version errors as StorageFullError/StorageOutdatedError. */
export async function withStorageErrors<T>(action: string, operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    throw toStorageError(error, action);
  }
}

const connections = new Map<string, Promise<AppDb>>();

function forget(name: string, connection: Promise<AppDb>): void {
  if (connections.get(name) === connection) connections.delete(name);
}

/**
 * Opens (creating or upgrading as needed) the app database. One connection per name
 * is shared by all callers; tests pass their own name or reset `indexedDB`.
 */
export function openAppDb(name: string = DB_NAME): Promise<AppDb> {
  const existing = connections.get(name);
  if (existing) return existing;
  const connection = connect(name, () => forget(name, connection));
  connections.set(name, connection);
  connection.catch(() => forget(name, connection));
  return connection;
}

async function connect(name: string, dropConnection: () => void): Promise<AppDb> {
  let migrationFailure: MigrationError | undefined;
  let db: AppDb | undefined;
  try {
    db = await openDB<AppDbSchema>(name, DB_VERSION, {
      upgrade(upgradeDb, oldVersion, newVersion, tx) {
        runMigrations(upgradeDb, tx, oldVersion, newVersion ?? DB_VERSION, MIGRATIONS, (error) => {
          migrationFailure = error;
        });
      },
      blocked(openVersion, wantedVersion) {
        emit({ type: 'blocked', dbName: name, openVersion, wantedVersion: wantedVersion ?? DB_VERSION });
      },
      blocking(openVersion, newVersion) {
        // Closing lets the other tab's upgrade (or delete) proceed instead of hanging.
        db?.close();
        dropConnection();
        emit({ type: 'outdated', dbName: name, openVersion, newVersion });
      },
      terminated() {
        dropConnection();
        emit({ type: 'terminated', dbName: name });
      },
    });
    return db;
  } catch (error) {
    throw migrationFailure ?? toStorageError(error, `open the "${name}" database`);
  }
}

/** Closes and forgets the shared connection (tests, or before deleting the database). */
export async function closeAppDb(name: string = DB_NAME): Promise<void> {
  const connection = connections.get(name);
  if (!connection) return;
  connections.delete(name);
  const db = await connection.catch(() => undefined);
  db?.close();
}

/**
 * Reads a setting, or `fallback` when it is unset. Pass `isValid` to also fall back
 * when a stored value has the wrong shape (e.g. written by an older version).
 */
export async function getSetting<T>(
  key: string,
  fallback: T,
  isValid?: (value: unknown) => value is T,
): Promise<T> {
  const value = await withStorageErrors(`read the setting "${key}"`, async () => {
    const db = await openAppDb();
    return db.get('settings', key);
  });
  if (value === undefined) return fallback;
  if (isValid && !isValid(value)) return fallback;
  return value as T;
}

/** Stores a setting (any structured-cloneable value). Throws StorageFullError when out of quota. */
export async function setSetting<T>(key: string, value: T): Promise<void> {
  await withStorageErrors(`save the setting "${key}"`, async () => {
    const db = await openAppDb();
    await db.put('settings', value, key);
  });
}
