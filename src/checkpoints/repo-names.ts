/**
 * Where shadow repositories live. A module of its own, with no imports, so the
 * app can tell whether any exist without loading isomorphic-git.
 */
export const REPO_DB_PREFIX = 'refact-checkpoints:';

/** True when some workspace has a shadow repository in this browser (or the browser cannot say). */
export async function anyShadowRepo(): Promise<boolean> {
  if (typeof indexedDB.databases !== 'function') return true;
  return (await indexedDB.databases()).some((db) => db.name?.startsWith(REPO_DB_PREFIX) && !db.name.endsWith('_lock'));
}
