/**
 * Storage inside an IDE webview: the app's frame is third-party there, and a
 * browser that blocks third-party storage refuses IndexedDB. The app then
 * keeps its settings, chats and indexes in memory (fake-indexeddb, loaded
 * only in that case) and says so once, instead of showing a blank panel.
 */
import { signal } from '@preact/signals';

/** Why storage is not kept, in words; null while it works. */
export const storageUnavailable = signal<string | null>(null);

const PROBE_DB = 'refact-tab-probe';
const PROBE_TIMEOUT_MS = 3000;

function probe(): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('IndexedDB did not answer')), PROBE_TIMEOUT_MS);
    try {
      const request = indexedDB.open(PROBE_DB);
      request.onsuccess = () => {
        clearTimeout(timer);
        request.result.close();
        resolve();
      };
      request.onerror = () => {
        clearTimeout(timer);
        reject(request.error ?? new Error('IndexedDB refused to open'));
      };
    } catch (error) {
      clearTimeout(timer);
      reject(error);
    }
  });
}

/** Checks IndexedDB once; when it is refused, the app goes on with an in-memory one. */
export async function ensureStorage(): Promise<void> {
  try {
    if (typeof indexedDB === 'undefined') throw new Error('this browser has no IndexedDB here');
    await probe();
  } catch (error) {
    await import('./memory-idb');
    storageUnavailable.value =
      `This panel cannot keep data (${error instanceof Error ? error.message : String(error)}; the browser blocks storage for embedded pages). ` +
      'Settings, chats and indexes last until the panel closes, and models cannot be kept: allow third-party storage for this IDE to keep them.';
  }
}
