/**
 * Memories the agent keeps across chats (Refact's knowledge / memory system):
 * create_knowledge saves one, the knowledge tool and @knowledge-load find
 * them. Ranked by word overlap for now; the vector index can rank them by
 * meaning later behind the same interface.
 */

export interface KnowledgeEntry {
  id: string;
  /** Which workspace it belongs to. */
  workspace: string;
  /** What the entry is for, in a line. */
  goal: string;
  content: string;
  tags: string[];
  createdAt: number;
  updatedAt: number;
}

export interface NewKnowledge {
  content: string;
  goal?: string;
  tags?: string[];
}

export interface KnowledgeStore {
  add(entry: NewKnowledge): Promise<KnowledgeEntry>;
  /** Best matches first; entries sharing no word with the query are left out. */
  search(query: string, topN?: number): Promise<KnowledgeEntry[]>;
  /** Newest first. */
  list(): Promise<KnowledgeEntry[]>;
  remove(id: string): Promise<void>;
}

const STOP_WORDS = new Set(['the', 'a', 'an', 'and', 'or', 'of', 'to', 'in', 'on', 'for', 'is', 'it', 'how', 'what', 'with', 'this', 'that']);

export function words(text: string): string[] {
  return (text.toLowerCase().match(/[\p{L}\p{N}_]+/gu) ?? []).filter((w) => w.length > 1 && !STOP_WORDS.has(w));
}

/** Word-overlap ranking: rarer shared words count more; goal and tags weigh double. */
export function rankKnowledge(entries: readonly KnowledgeEntry[], query: string, topN: number): KnowledgeEntry[] {
  const queryWords = new Set(words(query));
  if (queryWords.size === 0) return [...entries].sort((a, b) => b.updatedAt - a.updatedAt).slice(0, topN);
  const bags = entries.map((e) => ({
    entry: e,
    body: new Set(words(e.content)),
    head: new Set([...words(e.goal), ...e.tags.flatMap(words)]),
  }));
  const documentFrequency = new Map<string, number>();
  for (const bag of bags) for (const w of new Set([...bag.body, ...bag.head])) documentFrequency.set(w, (documentFrequency.get(w) ?? 0) + 1);
  const scored = bags.map((bag) => {
    let score = 0;
    for (const w of queryWords) {
      const weight = Math.log(1 + entries.length / (documentFrequency.get(w) ?? 1));
      if (bag.head.has(w)) score += 2 * weight;
      else if (bag.body.has(w)) score += weight;
    }
    return { entry: bag.entry, score };
  });
  return scored
    .filter((s) => s.score > 0)
    .sort((a, b) => b.score - a.score || b.entry.updatedAt - a.entry.updatedAt)
    .slice(0, topN)
    .map((s) => s.entry);
}

export function newKnowledgeEntry(workspace: string, input: NewKnowledge, now = Date.now()): KnowledgeEntry {
  const content = input.content.trim();
  if (content === '') throw new Error('knowledge: the entry is empty');
  return {
    id: `mem_${now.toString(36)}_${Math.random().toString(36).slice(2, 10)}`,
    workspace,
    goal: input.goal?.trim() ?? '',
    content,
    tags: (input.tags ?? []).map((t) => t.trim()).filter((t) => t !== ''),
    createdAt: now,
    updatedAt: now,
  };
}

export function isKnowledgeEntry(value: unknown): value is KnowledgeEntry {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.id === 'string' &&
    typeof v.workspace === 'string' &&
    typeof v.goal === 'string' &&
    typeof v.content === 'string' &&
    Array.isArray(v.tags) &&
    v.tags.every((t) => typeof t === 'string') &&
    typeof v.createdAt === 'number' &&
    typeof v.updatedAt === 'number'
  );
}

/** For tests, and a fallback while storage is unavailable. */
export class MemoryKnowledgeStore implements KnowledgeStore {
  private readonly entries = new Map<string, KnowledgeEntry>();
  constructor(private readonly workspace = 'memory') {}

  async add(entry: NewKnowledge): Promise<KnowledgeEntry> {
    const created = newKnowledgeEntry(this.workspace, entry);
    this.entries.set(created.id, created);
    return created;
  }

  async search(query: string, topN = 5): Promise<KnowledgeEntry[]> {
    return rankKnowledge([...this.entries.values()], query, topN);
  }

  async list(): Promise<KnowledgeEntry[]> {
    return [...this.entries.values()].sort((a, b) => b.updatedAt - a.updatedAt);
  }

  async remove(id: string): Promise<void> {
    this.entries.delete(id);
  }
}
