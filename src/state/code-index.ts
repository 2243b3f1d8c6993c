import { effect, signal } from '@preact/signals';
import type { CodeIndex, CodeIndexStatus } from '../code-index';
import type { CodeIndexPort } from '../engine/tools/types';
import type { Workspace } from '../workspace/types';
import { workspace } from './workspace';

/**
 * The open folder's AST index. It starts the first time the agent may need it
 * (an EXPLORE or AGENT run) and then follows the folder's changes; the
 * tree-sitter workers and grammars load only then. The status bar shows its
 * progress.
 */

export const indexStatus = signal<CodeIndexStatus | null>(null);
let current: { id: string; index: Promise<CodeIndex> } | null = null;

export function codeIndexFor(ws: Workspace): Promise<CodeIndex> {
  if (current?.id !== ws.id) {
    const index = import('../code-index').then(({ createCodeIndex }) => {
      const created = createCodeIndex(ws);
      created.onStatus((status) => {
        if (current?.id === ws.id) indexStatus.value = status;
      });
      return created;
    });
    current = { id: ws.id, index };
  }
  return current.index;
}

/** How long a query waits for the first pass before answering from what is indexed so far. */
const FIRST_PASS_WAIT_MS = 30_000;

async function readyPort(ws: Workspace, signal: AbortSignal) {
  const [{ createAgentIndexPort }, index] = await Promise.all([import('../code-index'), codeIndexFor(ws)]);
  if (index.status().state !== 'ready') {
    // "Not found" while half the project is unparsed would mislead the model: wait for the pass (bounded).
    let timer: ReturnType<typeof setTimeout> | undefined;
    let onAbort: (() => void) | undefined;
    await Promise.race([
      index.whenIdle(),
      new Promise((resolve) => (timer = setTimeout(resolve, FIRST_PASS_WAIT_MS))),
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
  return createAgentIndexPort(index);
}

/**
 * The index as the engine's tools and @-commands see it. Nothing loads until a
 * query comes: the tree-sitter workers start on the first one, which waits for
 * the first pass.
 */
export function lazyIndexPort(ws: Workspace): CodeIndexPort {
  return {
    definitions: async (symbol, signal) => (await readyPort(ws, signal)).definitions(symbol, signal),
    references: async (symbol, signal) => (await readyPort(ws, signal)).references(symbol, signal),
    skeleton: async (path, signal) => (await readyPort(ws, signal)).skeleton(path),
  };
}

/** For an EXPLORE or AGENT run: indexing starts now in the background (its tools may soon ask), without delaying the request. */
export function agentIndexPort(ws: Workspace): CodeIndexPort {
  void codeIndexFor(ws).catch(() => undefined);
  return lazyIndexPort(ws);
}

// A different folder (or none): drop the old index and its workers.
effect(() => {
  const ws = workspace.value;
  if (current && current.id !== ws?.id) {
    const old = current.index;
    current = null;
    indexStatus.value = null;
    void old.then((index) => index.dispose()).catch(() => undefined);
  }
});
