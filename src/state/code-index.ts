import { effect, signal } from '@preact/signals';
import type { CodeIndex, CodeIndexStatus } from '../code-index';
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

/** The engine's search tools read the index through this port. */
export async function agentIndexPortFor(ws: Workspace) {
  const [{ createAgentIndexPort }, index] = await Promise.all([import('../code-index'), codeIndexFor(ws)]);
  return createAgentIndexPort(index);
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
