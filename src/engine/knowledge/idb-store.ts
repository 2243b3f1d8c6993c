/**
 * Knowledge kept in the app's IndexedDB database, one record per entry in a
 * `knowledge` store keyed by id with a `by-workspace` index (migration v3).
 * app-db.ts connects it to the app database; tests may pass their own.
 */
import { withStorageErrors } from '../../storage/db';
import { isKnowledgeEntry, newKnowledgeEntry, rankKnowledge, type KnowledgeEntry, type KnowledgeStore, type NewKnowledge } from './store';

export const KNOWLEDGE_STORE = 'knowledge';

/** The part of an `idb` database this store uses; `IDBPDatabase` with a `knowledge` store fits. */
export interface KnowledgeDb {
  getAllFromIndex(store: 'knowledge', index: 'by-workspace', query: string): Promise<unknown[]>;
  put(store: 'knowledge', value: KnowledgeEntry): Promise<unknown>;
  delete(store: 'knowledge', key: string): Promise<void>;
}

export class IdbKnowledgeStore implements KnowledgeStore {
  constructor(
    private readonly openDb: () => Promise<KnowledgeDb>,
    private readonly workspace: string,
  ) {}

  private async all(): Promise<KnowledgeEntry[]> {
    const rows = await withStorageErrors('read the saved knowledge', async () =>
      (await this.openDb()).getAllFromIndex(KNOWLEDGE_STORE, 'by-workspace', this.workspace),
    );
    // Written by this or an older version: check before use.
    return rows.filter(isKnowledgeEntry);
  }

  async add(entry: NewKnowledge): Promise<KnowledgeEntry> {
    const created = newKnowledgeEntry(this.workspace, entry);
    await withStorageErrors('save the knowledge entry', async () => (await this.openDb()).put(KNOWLEDGE_STORE, created));
    return created;
  }

  async search(query: string, topN = 5): Promise<KnowledgeEntry[]> {
    return rankKnowledge(await this.all(), query, topN);
  }

  async list(): Promise<KnowledgeEntry[]> {
    return (await this.all()).sort((a, b) => b.updatedAt - a.updatedAt);
  }

  async remove(id: string): Promise<void> {
    await withStorageErrors('delete the knowledge entry', async () => (await this.openDb()).delete(KNOWLEDGE_STORE, id));
  }
}
