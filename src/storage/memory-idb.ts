/** Loaded only when the browser refuses IndexedDB (availability.ts): an in-memory one in its place, globals included (idb checks them). */
import 'fake-indexeddb/auto';
