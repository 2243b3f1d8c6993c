/**
 * Test fixtures: a workspace over an in-memory directory handle (the same
 * HandleWorkspace the app uses over real folders), a tool context on it, and
 * a checkpoint port that records what it was asked.
 */
import { HandleWorkspace } from '../../workspace/handle-workspace';
import { MemoryDirectoryHandle } from '../../workspace/memory-handle';
import { MemoryKnowledgeStore } from '../knowledge/store';
import type { Checkpoint } from '../messages';
import type { CheckpointPort, ToolContext } from '../tools/types';

export async function memoryWorkspace(files: Record<string, string | Uint8Array>, name = 'proj') {
  const root = new MemoryDirectoryHandle(name);
  for (const [path, content] of Object.entries(files)) await root.put(path, content);
  const workspace = new HandleWorkspace({ id: `ws-${name}`, name, source: 'opfs', root: root.asHandle() });
  return { root, workspace };
}

export class RecordingCheckpoints implements CheckpointPort {
  readonly calls: { chatId: string; paths: string[] }[] = [];
  /** Set to make the next call fail. */
  failWith: Error | null = null;

  async beforeWrite(chatId: string, paths: readonly string[]): Promise<Checkpoint | null> {
    if (this.failWith) throw this.failWith;
    this.calls.push({ chatId, paths: [...paths] });
    return { workspace_folder: 'proj', commit_hash: `c${this.calls.length}` };
  }
}

export async function toolContext(files: Record<string, string | Uint8Array>, overrides: Partial<ToolContext> = {}) {
  const { root, workspace } = await memoryWorkspace(files);
  const checkpoints = new RecordingCheckpoints();
  const ctx: ToolContext = {
    workspace,
    chatId: 'chat-1',
    checkpoints,
    knowledge: new MemoryKnowledgeStore(),
    index: null,
    files: null,
    multimodal: false,
    signal: new AbortController().signal,
    ...overrides,
  };
  return { root, workspace, checkpoints, ctx };
}

export async function readText(ctx: ToolContext, path: string): Promise<string> {
  const read = await ctx.workspace.readText(path);
  if (read.kind !== 'text') throw new Error(`${path} is not text`);
  return read.text;
}
