import type { IDBPDatabase, IDBPTransaction } from 'idb';
import type { AppDbSchema, AppStoreName } from './schema';

export type UpgradeDb = IDBPDatabase<AppDbSchema>;
export type UpgradeTransaction = IDBPTransaction<AppDbSchema, AppStoreName[], 'versionchange'>;

/**
 * One step of the schema history. `up` runs inside the `versionchange` transaction.
 * Schema changes (create/delete store or index) must happen synchronously in `up`;
 * a data migration may return a promise, but it must only await requests on `tx`
 * (awaiting anything else, e.g. fetch, lets the transaction auto-commit).
 */
export interface Migration {
  version: number;
  describe: string;
  up(db: UpgradeDb, tx: UpgradeTransaction): void | Promise<void>;
}

/**
 * The schema history, oldest first. Never edit a shipped migration: users' databases
 * already ran it. To change the schema, append one entry with the next version, e.g.
 *
 * ```ts
 * {
 *   version: 3,
 *   describe: 'checkpoints: shadow-repo metadata per workspace',
 *   up(db) {
 *     const store = db.createObjectStore('checkpoints', { keyPath: 'id' });
 *     store.createIndex('by-workspace', 'workspace');
 *   },
 * },
 * ```
 *
 * and add the store's key/value/indexes to `AppDbSchema` in schema.ts. DB_VERSION
 * follows automatically, and `openAppDb` upgrades old databases through every step.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    describe: 'settings and recent folder handles',
    up(db) {
      db.createObjectStore('settings');
      const handles = db.createObjectStore('handles', { keyPath: 'id' });
      handles.createIndex('by-lastOpened', 'lastOpened');
    },
  },
  {
    version: 2,
    describe: 'chat history, code-index cache, downloaded models',
    up(db) {
      const history = db.createObjectStore('history', { keyPath: 'id' });
      history.createIndex('by-updatedAt', 'updatedAt');
      const indexes = db.createObjectStore('indexes', { keyPath: ['workspace', 'path'] });
      indexes.createIndex('by-workspace', 'workspace');
      db.createObjectStore('models', { keyPath: 'id' });
    },
  },
  {
    version: 3,
    describe: 'knowledge: memories the agent saves (create_knowledge), per workspace',
    up(db) {
      db.createObjectStore('knowledge', { keyPath: 'id' }).createIndex('by-workspace', 'workspace');
    },
  },
];

/** Throws unless versions run 1, 2, 3 ... with no gaps or repeats. */
export function checkMigrationOrder(migrations: readonly Migration[]): void {
  migrations.forEach((migration, i) => {
    if (migration.version !== i + 1) {
      throw new Error(
        `storage migrations: entry ${i} ("${migration.describe}") has version ${migration.version}, expected ${i + 1}`,
      );
    }
  });
}

/** The schema version of the newest migration. */
export function latestVersion(migrations: readonly Migration[]): number {
  checkMigrationOrder(migrations);
  return migrations.length;
}

export const DB_VERSION = latestVersion(MIGRATIONS);

/** A migration step threw or rejected; the upgrade was rolled back. */
export class MigrationError extends Error {
  override name = 'MigrationError';
  constructor(
    readonly version: number,
    describe: string,
    cause: unknown,
  ) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(`storage: migration to v${version} (${describe}) failed: ${reason}`, { cause });
  }
}

/**
 * Runs every migration with oldVersion < version <= newVersion, in order, inside the
 * upgrade transaction. Synchronous steps run immediately; once a step returns a
 * promise the rest chain after it. A failing step aborts the transaction (so the
 * database stays at its old version and the open request fails with AbortError) and
 * is reported to `onFailure`, which lets the caller surface the real cause.
 */
export function runMigrations(
  db: UpgradeDb,
  tx: UpgradeTransaction,
  oldVersion: number,
  newVersion: number,
  migrations: readonly Migration[] = MIGRATIONS,
  onFailure: (error: MigrationError) => void = (error) => console.error(error),
): void {
  // An aborted upgrade is reported by the open request; don't leave tx.done unhandled.
  tx.done.catch(() => {});
  const due = migrations.filter((m) => m.version > oldVersion && m.version <= newVersion);
  let running: Migration | undefined;
  const step = (migration: Migration): void | Promise<void> => {
    running = migration;
    return migration.up(db, tx);
  };
  const abort = (cause: unknown): void => {
    onFailure(new MigrationError(running?.version ?? newVersion, running?.describe ?? '?', cause));
    try {
      tx.abort();
    } catch {
      // Already finished or aborted; the open request reports the failure.
    }
  };
  let chain: Promise<void> | undefined;
  try {
    for (const migration of due) {
      if (chain) {
        chain = chain.then(() => step(migration));
      } else {
        const result = step(migration);
        if (result !== undefined) chain = result;
      }
    }
  } catch (error) {
    abort(error);
    return;
  }
  chain?.catch(abort);
}
