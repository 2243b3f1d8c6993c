import 'fake-indexeddb/auto';
import { openDB, type DBSchema } from 'idb';
import { describe, expect, it } from 'vitest';
import { closeAppDb, openAppDb } from '../../storage/db';
import { freshIndexedDb } from '../../storage/test-support';
import { appKnowledgeStore } from './app-db';
import { IdbKnowledgeStore } from './idb-store';
import { MemoryKnowledgeStore, rankKnowledge, type KnowledgeEntry } from './store';

/** A database of its own with just the app's `knowledge` store layout. */
interface KnowledgeSchema extends DBSchema {
  knowledge: { key: string; value: KnowledgeEntry; indexes: { 'by-workspace': string } };
}

let dbCount = 0;
async function testDb() {
  const db = await openDB<KnowledgeSchema>(`knowledge-test-${++dbCount}`, 1, {
    upgrade(upgradeDb) {
      upgradeDb.createObjectStore('knowledge', { keyPath: 'id' }).createIndex('by-workspace', 'workspace');
    },
  });
  return db;
}

describe('knowledge stores', () => {
  it('rank by shared words, rarer words and goals first', () => {
    const entry = (id: string, goal: string, content: string, updatedAt = 0): KnowledgeEntry => ({ id, workspace: 'w', goal, content, tags: [], createdAt: 0, updatedAt });
    const entries = [entry('a', 'testing', 'Run npm test for unit tests'), entry('b', 'style', 'Use npm scripts, never yarn'), entry('c', '', 'Deploy on fridays never', 5)];
    expect(rankKnowledge(entries, 'how to run the unit tests with npm', 3).map((e) => e.id)).toEqual(['a', 'b']);
    expect(rankKnowledge(entries, 'the', 2).map((e) => e.id)).toEqual(['c', 'a']); // no real words: newest
  });

  it('in memory: add, search, list, remove', async () => {
    const store = new MemoryKnowledgeStore('w');
    const a = await store.add({ content: 'Tests run with vitest', goal: 'tests', tags: ['ci'] });
    expect(a).toMatchObject({ workspace: 'w', goal: 'tests', tags: ['ci'] });
    expect((await store.search('vitest')).map((e) => e.id)).toEqual([a.id]);
    await store.remove(a.id);
    expect(await store.list()).toEqual([]);
    await expect(store.add({ content: '  ' })).rejects.toThrow('the entry is empty');
  });

  it('in IndexedDB: entries persist per workspace and bad records are skipped', async () => {
    const db = await testDb();
    const one = new IdbKnowledgeStore(async () => db, 'ws-1');
    const two = new IdbKnowledgeStore(async () => db, 'ws-2');
    const saved = await one.add({ content: 'The API lives in server/api.py', goal: 'api' });
    await two.add({ content: 'Other project' });
    await db.put('knowledge', { id: 'junk', workspace: 'ws-1' } as unknown as KnowledgeEntry);
    const reopened = new IdbKnowledgeStore(async () => db, 'ws-1');
    expect((await reopened.list()).map((e) => e.id)).toEqual([saved.id]);
    expect((await reopened.search('where is the api')).map((e) => e.content)).toEqual(['The API lives in server/api.py']);
    await reopened.remove(saved.id);
    expect(await reopened.list()).toEqual([]);
    expect(await two.list()).toHaveLength(1);
  });
});

describe('the knowledge store in the app database', () => {
  it('saves to the migrated `knowledge` store, per workspace, and survives a new connection', async () => {
    await freshIndexedDb();
    const saved = await appKnowledgeStore('ws-1').add({ content: 'Deploys go through make release', goal: 'deploy', tags: ['ops'] });
    await appKnowledgeStore('ws-2').add({ content: 'Another project entirely' });
    await closeAppDb();

    const raw = await (await openAppDb()).getAllFromIndex('knowledge', 'by-workspace', 'ws-1');
    expect(raw).toEqual([saved]);
    const again = appKnowledgeStore('ws-1');
    expect((await again.search('how do we deploy')).map((e) => e.content)).toEqual(['Deploys go through make release']);
    await again.remove(saved.id);
    expect(await again.list()).toEqual([]);
    expect((await appKnowledgeStore('ws-2').list()).map((e) => e.content)).toEqual(['Another project entirely']);
  });
});
