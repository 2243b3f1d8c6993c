import type { DBSchema, StoreNames } from 'idb';

/** The app's one IndexedDB database. Every persistent store lives here. */
export const DB_NAME = 'refact-tab';

/** Where a workspace folder came from: the directory picker, OPFS, or the IDE host. */
export type FolderKind = 'picked' | 'opfs' | 'host';

/** A recently opened workspace folder; the handle survives reloads (IndexedDB can store it). */
export interface FolderRecord {
  id: string;
  name: string;
  kind: FolderKind;
  handle: FileSystemDirectoryHandle;
  /** Epoch milliseconds of the last time the folder was opened. */
  lastOpened: number;
}

/** A saved chat. `messages` is typed by the engine issue; storage only needs the envelope. */
export interface ChatRecord {
  id: string;
  title: string;
  createdAt: number;
  updatedAt: number;
  messages: unknown[];
}

/** One file's code-index entry, keyed by workspace + path; `hash` lets a reload skip unchanged files. */
export interface IndexRecord {
  workspace: string;
  path: string;
  /** Content hash of the file the entry was built from. */
  hash: string;
  data: unknown;
}

/** A downloaded model. Only `id` is fixed here; the model-management issue fills in the rest. */
export interface ModelRecord {
  id: string;
  [field: string]: unknown;
}

/** A memory the agent saved; the engine (src/engine/knowledge) owns its fields. */
export interface KnowledgeRecord {
  id: string;
  workspace: string;
  [field: string]: unknown;
}

export interface AppDbSchema extends DBSchema {
  settings: {
    key: string;
    value: unknown;
  };
  handles: {
    key: string;
    value: FolderRecord;
    indexes: { 'by-lastOpened': number };
  };
  history: {
    key: string;
    value: ChatRecord;
    indexes: { 'by-updatedAt': number };
  };
  indexes: {
    key: [string, string];
    value: IndexRecord;
    indexes: { 'by-workspace': string };
  };
  models: {
    key: string;
    value: ModelRecord;
  };
  knowledge: {
    key: string;
    value: KnowledgeRecord;
    indexes: { 'by-workspace': string };
  };
}

export type AppStoreName = StoreNames<AppDbSchema>;

/** Every store the latest schema version has. */
export const APP_STORES = [
  'settings',
  'handles',
  'history',
  'indexes',
  'models',
  'knowledge',
] as const satisfies readonly AppStoreName[];
