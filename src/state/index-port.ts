import type { CodeIndexPort, CodeLocation } from '../engine/tools/types';
import type { Workspace } from '../workspace/types';
import { codeIndexFor } from './code-index';
import { semanticConfig, semanticIndexFor } from './semantic-index';

/**
 * The code indexes as the engine's tools and @-commands see them: the AST
 * index (definitions, references, outlines) and, when search by meaning is
 * on, the semantic index. Nothing loads until a query comes; a query made
 * while an index is still on its first pass waits for it (bounded), since
 * "not found" with half the project unread would mislead the model. For the
 * same reason an index whose pass stopped on an error (state 'error') makes
 * the query fail with the reason (code-index/agent-port.ts) until a change to
 * the folder or a rescan indexes it again.
 */

/** How long a query waits for a first pass before answering from what is indexed so far. */
const FIRST_PASS_WAIT_MS = 30_000;

/** When each index stops being waited for: one window per index and kind of wait, not per query (`@tree --ast` asks once per file). */
const deadlines = { definitions: new WeakMap<object, number>(), idle: new WeakMap<object, number>() };

/** Resolves when `ready()` does, or when the index's wait window has run out; rejects when the query is cancelled. */
async function waitBounded(index: object, kind: keyof typeof deadlines, ready: () => Promise<unknown>, signal: AbortSignal): Promise<void> {
  const windows = deadlines[kind];
  let deadline = windows.get(index);
  if (deadline === undefined) windows.set(index, (deadline = Date.now() + FIRST_PASS_WAIT_MS));
  const left = deadline - Date.now();
  if (left <= 0) return;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onAbort: (() => void) | undefined;
  await Promise.race([
    ready(),
    new Promise((resolve) => (timer = setTimeout(resolve, left))),
    new Promise((_, reject) => {
      onAbort = () => reject(new DOMException('The code index query was cancelled', 'AbortError'));
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
    }),
  ]).finally(() => {
    clearTimeout(timer);
    if (onAbort) signal.removeEventListener('abort', onAbort);
  });
}

/**
 * The AST index for one query. Definitions and outlines need only the first
 * pass's quick tags (all files' definitions, found at ctags speed); references
 * need the parse that finds usages.
 */
async function astPort(ws: Workspace, signal: AbortSignal, needs: 'definitions' | 'usages') {
  const [{ createAgentIndexPort }, index] = await Promise.all([import('../code-index'), codeIndexFor(ws)]);
  const status = index.status();
  if (status.state !== 'ready') {
    if (needs === 'usages') await waitBounded(index, 'idle', () => index.whenIdle(), signal);
    else if (status.phase !== 'parsing') await waitBounded(index, 'definitions', () => index.whenDefinitions(), signal);
  }
  return createAgentIndexPort(index);
}

async function semanticSearch(ws: Workspace, query: string, topN: number, signal: AbortSignal): Promise<CodeLocation[]> {
  const index = await semanticIndexFor(ws);
  if (!index) return [];
  if (index.status().state !== 'ready') await waitBounded(index, 'idle', () => index.whenIdle(), signal);
  return index.search(query, topN, signal);
}

/** For @-commands: the indexes start on the first query. search_semantic / @search exist only when search by meaning is on. */
export function lazyIndexPort(ws: Workspace): CodeIndexPort {
  return {
    definitions: async (symbol, signal) => (await astPort(ws, signal, 'definitions')).definitions(symbol, signal),
    references: async (symbol, signal) => (await astPort(ws, signal, 'usages')).references(symbol, signal),
    skeleton: async (path, signal) => (await astPort(ws, signal, 'definitions')).skeleton(path),
    ...(semanticConfig.value?.enabled ? { semanticSearch: (query: string, topN: number, signal: AbortSignal) => semanticSearch(ws, query, topN, signal) } : {}),
  };
}

/** For an EXPLORE or AGENT run: indexing starts now in the background (its tools may soon ask), without delaying the request. */
export function agentIndexPort(ws: Workspace): CodeIndexPort {
  void codeIndexFor(ws).catch(() => undefined);
  void semanticIndexFor(ws).catch(() => undefined);
  return lazyIndexPort(ws);
}
