/**
 * Test-only helpers for running the checkpoints engine in Node: an in-memory
 * IndexedDB (fake-indexeddb) and a folder made of MemoryDirectoryHandles.
 */
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { HandleWorkspace } from '../workspace/handle-workspace';
import { MemoryDirectoryHandle, MemoryFileHandle } from '../workspace/memory-handle';
import { forgetShadowRepo } from './shadow-repo';

let counter = 0;

type LockCallback = (lock: { name: string } | null) => unknown;

/**
 * The part of the Web Locks API that lightning-fs and our own lock use:
 * exclusive locks queued per name, `ifAvailable` and `steal`.
 */
function webLocksShim() {
  const tails = new Map<string, Promise<unknown>>();
  return {
    request(name: string, a: object | LockCallback, b?: LockCallback): Promise<unknown> {
      const options = (typeof a === 'function' ? {} : a) as { ifAvailable?: boolean; steal?: boolean };
      const callback = (typeof a === 'function' ? a : b)!;
      if (options.steal) return Promise.resolve(callback({ name }));
      const held = tails.get(name);
      if (options.ifAvailable && held) return Promise.resolve(callback(null));
      const run = (held ?? Promise.resolve()).then(() => callback({ name }));
      const tail = run.catch(() => undefined);
      tails.set(name, tail);
      void tail.then(() => {
        if (tails.get(name) === tail) tails.delete(name);
      });
      return run;
    },
  };
}

/**
 * A fresh IndexedDB for each test. Node has no Web Locks (Node 20 not even a
 * `navigator`); lightning-fs would fall back to a lock kept in IndexedDB,
 * which outlives the swapped-out database, so a shim stands in for it.
 */
export function freshCheckpointDb(): void {
  globalThis.indexedDB = new IDBFactory();
  const nav = (globalThis as { navigator?: { locks?: unknown } }).navigator;
  if (nav === undefined) {
    Object.defineProperty(globalThis, 'navigator', { value: { locks: webLocksShim() }, configurable: true, writable: true });
  } else if (!nav.locks) {
    Object.defineProperty(nav, 'locks', { value: webLocksShim(), configurable: true });
  }
}

export interface TestFolder {
  root: MemoryDirectoryHandle;
  ws: HandleWorkspace;
  id: string;
}

/** A workspace over an in-memory folder, with a unique id (so a unique shadow repository). */
export async function memoryFolder(files: Record<string, string | Uint8Array> = {}, id = `ws-${++counter}`): Promise<TestFolder> {
  forgetShadowRepo(id);
  const root = new MemoryDirectoryHandle('proj');
  for (const [path, content] of Object.entries(files)) await root.put(path, content);
  return { root, ws: new HandleWorkspace({ id, name: 'proj', source: 'opfs', root: root.asHandle() }), id };
}

/** Every file under a memory folder, path -> bytes (ignore rules not applied). */
export async function dumpFolder(root: MemoryDirectoryHandle, prefix = ''): Promise<Map<string, Uint8Array>> {
  const out = new Map<string, Uint8Array>();
  for await (const [name, handle] of root.entries()) {
    const path = prefix + name;
    if (handle instanceof MemoryFileHandle) out.set(path, handle.bytes);
    else for (const [p, b] of await dumpFolder(handle as MemoryDirectoryHandle, path + '/')) out.set(p, b);
  }
  return out;
}

export function text(bytes: Uint8Array | undefined): string | undefined {
  return bytes === undefined ? undefined : new TextDecoder().decode(bytes);
}
