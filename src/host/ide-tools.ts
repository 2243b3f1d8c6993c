/**
 * The agent's tools inside an IDE: file edits go to the IDE as a diff the
 * user accepts or rejects (Refact's ide/toolEdit; the IDE writes the file on
 * accept, nothing is written before), and the shell tool runs through the
 * IDE's terminal where it has one. The checkpoint is taken before the edit is
 * shown, as for every write, so an accepted change can be undone from the chat.
 */
import { diffChunks } from '../engine/diff';
import { ToolError, type ShellPort } from '../engine/tools/types';
import { delegateWorkspace } from '../workspace/delegate';
import type { FileStat, Workspace, WriteOptions } from '../workspace/types';
import type { HostChannel } from './channel';

let nextEdit = 0;

/** The workspace the agent writes through: each text write becomes an edit shown in the IDE. */
export function approveEditsInIde(ws: Workspace, channel: HostChannel, chatId: string, signal?: AbortSignal): Workspace {
  return delegateWorkspace(ws, {
    writeText: (path, text, options) => proposeEdit({ ws, channel, chatId, signal }, path, text, options),
  });
}

interface EditContext {
  ws: Workspace;
  channel: HostChannel;
  chatId: string;
  /** The chat's run: Stop closes the diff in the IDE (nothing is written) and the run ends. */
  signal?: AbortSignal;
}

async function proposeEdit({ ws, channel, chatId, signal }: EditContext, path: string, after: string, options?: WriteOptions): Promise<FileStat> {
  const read = (await ws.exists(path)) ? await ws.readText(path) : null;
  if (read && read.kind !== 'text') throw new ToolError('edit', `"${path}" is not a text file; it was not changed`);
  if (read && options?.expectMtime !== undefined && read.mtime !== options.expectMtime) {
    throw new ToolError('edit', `"${path}" changed on disk while it was being edited; cat it again and redo the change`);
  }
  const before = read?.text ?? '';
  // The IDE marks the file while the agent works on it (Refact's animateFile).
  channel.send('ide/animateFile/start', path);
  const { accepted } = await channel.request(
    'ide/toolEdit',
    {
      toolCall: { id: `edit-${++nextEdit}`, function: { name: 'edit', arguments: JSON.stringify({ path }) } },
      chatId,
      path,
      edit: { file_before: before, file_after: after, chunks: diffChunks(path, read ? before : null, after) },
    },
    // The user takes their time to review: no timeout.
    { timeoutMs: 0, signal },
  ).finally(() => channel.send('ide/animateFile/stop', path));
  if (accepted === false) throw new ToolError('edit', `the user rejected the change to "${path}" in the IDE; the file was not changed`);
  if (accepted === 'indeterminate') {
    throw new ToolError('edit', `the user edited "${path}" by hand while reviewing the change; read it again before changing it further`);
  }
  return ws.stat(path);
}

/** The shell tool's port over the host's `shell/run` (output streamed as it comes). */
export function ideShell(channel: HostChannel): ShellPort {
  return {
    run: (request, onOutput, signal) =>
      channel.request('shell/run', request, {
        signal,
        onStream: (part) => {
          if (typeof part === 'string') onOutput(part);
        },
        timeoutMs: request.timeoutMs + 30_000, // the host stops the command at timeoutMs; the user may take a while to confirm
      }),
  };
}
