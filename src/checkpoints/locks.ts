/**
 * One checkpoint operation at a time per shadow repository, across tabs.
 * A snapshot writes objects before the commit that makes them reachable, so a
 * garbage collection running in between (this tab or another) would delete
 * them; restores and snapshots must not interleave either.
 *
 * Uses the Web Locks API where present; otherwise (old browsers, Node tests
 * without a shim) an in-process queue, which still orders this tab's calls.
 */

const local = new Map<string, Promise<unknown>>();

export async function withExclusiveLock<T>(name: string, task: () => Promise<T>): Promise<T> {
  const locks = typeof navigator === 'undefined' ? undefined : navigator.locks;
  if (locks) return locks.request(name, { mode: 'exclusive' }, task) as Promise<T>;
  const previous = local.get(name) ?? Promise.resolve();
  const run = previous.catch(() => undefined).then(task);
  local.set(name, run);
  try {
    return await run;
  } finally {
    if (local.get(name) === run) local.delete(name);
  }
}
