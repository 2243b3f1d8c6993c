import { effect, signal, untracked } from '@preact/signals';
import type { CodeIndex, CodeIndexStatus } from '../code-index';
import type { Workspace } from '../workspace/types';
import { codeIndexFor, indexStatus } from './code-index';
import { semanticIndexFor, semanticStatus } from './semantic-index';
import { workspace } from './workspace';

/**
 * The search box: definitions and references from the AST index, and code
 * found by meaning from the semantic index when that is on, answered as the
 * user types. Results follow the index: when a pass or an incremental
 * update finishes, the current query runs again, so an edited file's symbols
 * show up without searching again.
 */

export type SearchKind = 'definitions' | 'references' | 'meaning';

export interface SearchHit {
  path: string;
  line1: number;
  line2: number;
  /** What was found: a qualified symbol path, or how a usage uses it. */
  title: string;
  /** Kind of definition or usage (function, class, call, ...). */
  tag: string;
  /** The first line of the hit, trimmed; empty when the file could not be read. */
  snippet: string;
  /** Found by a similar name, not the name asked for. */
  similar: boolean;
}

export type SearchState =
  | { status: 'idle' }
  | { status: 'searching'; query: string }
  | {
      status: 'done';
      query: string;
      kind: SearchKind;
      hits: SearchHit[];
      /** More matched than are shown. */
      capped: boolean;
      /** A newer search is running; these hits are the last ones. */
      pending: boolean;
    }
  | { status: 'error'; query: string; message: string };

export const searchQuery = signal('');
export const searchKind = signal<SearchKind>('definitions');
export const searchState = signal<SearchState>({ status: 'idle' });

const SHOWN = 100;
const TYPING_DELAY_MS = 120;
const FUZZY_MIN_SCORE = 0.3;
const MEANING_SHOWN = 20;
/** Each search by meaning embeds the query: wait for a longer pause in typing. */
const MEANING_TYPING_DELAY_MS = 350;

let seq = 0;
let timer: ReturnType<typeof setTimeout> | null = null;

/** Starts the open folder's indexes (the search page calls this when shown); the semantic one only when it is on. */
export function startIndexing(): void {
  const ws = workspace.value;
  if (!ws) return;
  const failed = (error: unknown) => (searchState.value = { status: 'error', query: '', message: String(error) });
  void codeIndexFor(ws).catch(failed);
  void semanticIndexFor(ws).catch(failed);
}

/** Runs the search now (Enter), or after a short pause in typing. */
export function scheduleSearch(now = false): void {
  if (timer) clearTimeout(timer);
  timer = null;
  if (now) void runSearch();
  else timer = setTimeout(() => void runSearch(), searchKind.value === 'meaning' ? MEANING_TYPING_DELAY_MS : TYPING_DELAY_MS);
}

async function runSearch(): Promise<void> {
  const ws = workspace.value;
  const query = searchQuery.value.trim();
  const kind = searchKind.value;
  const mine = ++seq;
  if (!ws || query === '') {
    searchState.value = { status: 'idle' };
    return;
  }
  const shown = searchState.value;
  // Keep the last hits on screen while the next search runs (no flicker as you type), marked as stale.
  searchState.value = shown.status === 'done' && shown.kind === kind ? { ...shown, pending: true } : { status: 'searching', query };
  try {
    const { hits, capped, off } =
      kind === 'meaning' ? await meaningHits(ws, query) : kind === 'definitions' ? await definitionHits(await codeIndexFor(ws), query) : await referenceHits(await codeIndexFor(ws), query);
    if (off) {
      if (mine === seq) searchState.value = { status: 'idle' };
      return;
    }
    const withSnippets = await addSnippets(ws, hits);
    if (mine === seq) searchState.value = { status: 'done', query, kind, hits: withSnippets, capped, pending: false };
  } catch (error) {
    if (mine === seq) searchState.value = { status: 'error', query, message: error instanceof Error ? error.message : String(error) };
  }
}

/** `off`: search by meaning is not turned on (its panel says how); nothing to show. */
type Found = { hits: SearchHit[]; capped: boolean; off?: boolean };

async function definitionHits(index: CodeIndex, query: string): Promise<Found> {
  const matches = await index.definitions(query, { limit: SHOWN + 1 });
  const exact = matches.filter((m) => m.match !== 'fuzzy');
  // Part of a name ("subt" for subtotal) is worth showing; a few letters scattered through a long name is not.
  const shown = exact.length > 0 ? exact : matches.filter((m) => m.score >= FUZZY_MIN_SCORE);
  return {
    hits: shown.slice(0, SHOWN).map(({ symbol, match }) => ({
      path: symbol.file,
      line1: symbol.line1,
      line2: symbol.line2,
      title: symbol.path,
      tag: symbol.kind,
      snippet: symbol.signature,
      similar: match === 'fuzzy',
    })),
    capped: shown.length > SHOWN,
  };
}

async function referenceHits(index: CodeIndex, query: string): Promise<Found> {
  const refs = await index.references(query, { limit: SHOWN + 1 });
  return {
    hits: refs.slice(0, SHOWN).map((r) => ({
      path: r.file,
      line1: r.line,
      line2: r.line,
      title: `${r.definition ?? r.name}${r.scope ? ` in ${r.scope}` : ''}`,
      tag: r.confidence === 'name' ? `${r.kind} (by name)` : r.kind,
      snippet: '',
      similar: false,
    })),
    capped: refs.length > SHOWN,
  };
}

async function meaningHits(ws: Workspace, query: string): Promise<Found> {
  const index = await semanticIndexFor(ws);
  if (!index) return { hits: [], capped: false, off: true };
  const hits = await index.hits(query, MEANING_SHOWN);
  return {
    hits: hits.map((h) => ({
      path: h.path,
      line1: h.line1,
      line2: h.line2,
      title: h.symbol ?? firstLine(h.text),
      tag: h.sources.join(' + '),
      snippet: h.symbol ? firstLine(h.text) : '',
      similar: false,
    })),
    capped: false,
  };
}

function firstLine(text: string): string {
  return text.split('\n').find((l) => l.trim() !== '')?.trim() ?? '';
}

/** The line of each usage, read once per file (definitions already carry their signature). */
async function addSnippets(ws: Workspace, hits: SearchHit[]): Promise<SearchHit[]> {
  const paths = [...new Set(hits.filter((h) => h.snippet === '').map((h) => h.path))];
  const lines = new Map<string, string[]>();
  await Promise.all(
    paths.map(async (path) => {
      const read = await ws.readText(path).catch(() => null);
      if (read?.kind === 'text') lines.set(path, read.text.split('\n'));
    }),
  );
  return hits.map((h) => (h.snippet !== '' ? h : { ...h, snippet: lines.get(h.path)?.[h.line1 - 1]?.trim() ?? '' }));
}

// The index reported in (a pass or an edit finished, or a first pass has every definition and now
// parses for usages): what is on screen may be stale. Searching is cheap.
let lastPhase: CodeIndexStatus['phase'] = null;
effect(() => {
  const status = indexStatus.value;
  const definitionsReady = lastPhase === 'definitions' && status?.phase === 'parsing';
  lastPhase = status?.phase ?? null;
  if ((status?.state === 'ready' || definitionsReady) && untracked(() => searchQuery.value.trim()) !== '') scheduleSearch();
});

effect(() => {
  const status = semanticStatus.value;
  if (status?.state === 'ready' && untracked(() => searchKind.value === 'meaning' && searchQuery.value.trim() !== '')) scheduleSearch();
});

// Another folder: old hits point nowhere.
effect(() => {
  void workspace.value;
  seq++;
  untracked(() => (searchState.value = { status: 'idle' }));
});
