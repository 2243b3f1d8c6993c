/**
 * The `fs/*` requests, answered through `vscode.workspace.fs` on the first
 * workspace folder, so the app works the same on a local disk, a remote
 * (SSH, WSL, containers) or a virtual file system provider.
 */
import * as vscode from 'vscode';
import type { HostEntry, HostStat } from '../../../src/host/protocol';
import type { WebviewChannel } from './webview-channel';
import { HostError } from './wire';
import { toWorkspaceUri, workspaceRoot } from './workspace-path';

export function registerFsHandlers(channel: WebviewChannel): void {
  const fs = vscode.workspace.fs;

  channel.onRequest('fs/listDir', ({ path }) =>
    mapErrors(async () => {
      const entries = await fs.readDirectory(resolve(path));
      return entries.map(([name, type]): HostEntry => ({ name, kind: kindOf(type) }));
    }),
  );

  channel.onRequest('fs/stat', ({ path }) =>
    mapErrors(async () => {
      try {
        return hostStat(await fs.stat(resolve(path)));
      } catch (err) {
        if (isNotFound(err)) return null; // "nothing there" is an answer, not an error
        throw err;
      }
    }),
  );

  channel.onRequest('fs/readFile', ({ path }) =>
    mapErrors(async () => ownBytes(await fs.readFile(resolve(path)))),
  );

  channel.onRequest('fs/writeFile', ({ path, bytes, expectMtime }) =>
    mapErrors(async () => {
      const uri = resolve(path);
      if (expectMtime !== undefined) {
        // The file must still be the one the app read. A write between this
        // stat and ours can still slip through: vscode.workspace.fs has no
        // compare-and-swap, and this narrows the window to one round trip.
        const current = await fs.stat(uri).then(hostStat, (err: unknown) => {
          if (isNotFound(err)) return null;
          throw err;
        });
        if (current?.mtime !== expectMtime) {
          throw new HostError('conflict', `${path} changed on disk since it was read`);
        }
      }
      await fs.writeFile(uri, bytes);
      return hostStat(await fs.stat(uri));
    }),
  );

  channel.onRequest('fs/createDirectory', ({ path }) =>
    mapErrors(async () => {
      await fs.createDirectory(resolve(path));
      return null;
    }),
  );

  channel.onRequest('fs/delete', ({ path, recursive }) =>
    mapErrors(async () => {
      if (path.split('/').every((s) => s === '' || s === '.')) {
        throw new HostError('bad-request', 'refusing to delete the workspace folder itself');
      }
      // No trash: the app's checkpoints are how an agent's delete is undone.
      await fs.delete(resolve(path), { recursive, useTrash: false });
      return null;
    }),
  );

  channel.onRequest('fs/rename', ({ from, to }) =>
    mapErrors(async () => {
      await fs.rename(resolve(from), resolve(to), { overwrite: false });
      return null;
    }),
  );
}

function resolve(path: string): vscode.Uri {
  const root = workspaceRoot();
  if (!root) throw new HostError('unsupported', 'no folder is open in VS Code');
  return toWorkspaceUri(root, path);
}

function kindOf(type: vscode.FileType): HostEntry['kind'] {
  // A symbolic link carries its target's kind in the other bits.
  return type & vscode.FileType.Directory ? 'directory' : 'file';
}

function hostStat(stat: vscode.FileStat): HostStat {
  return { kind: kindOf(stat.type), size: stat.size, mtime: stat.mtime };
}

/**
 * A Uint8Array of exactly the file's bytes. VS Code's webview serializer sends
 * a typed array's whole underlying buffer and only knows plain typed arrays by
 * constructor name (a Node Buffer would arrive as a JSON object).
 */
function ownBytes(bytes: Uint8Array): Uint8Array {
  const plain = bytes.constructor === Uint8Array && bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
  return plain ? bytes : new Uint8Array(bytes);
}

function isNotFound(err: unknown): boolean {
  return err instanceof vscode.FileSystemError && err.code === 'FileNotFound';
}

/** Turns VS Code's file system errors into the protocol's error codes. */
async function mapErrors<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof HostError || !(err instanceof vscode.FileSystemError)) throw err;
    switch (err.code) {
      case 'FileNotFound':
        throw new HostError('not-found', err.message);
      case 'FileExists':
        throw new HostError('conflict', err.message);
      case 'NoPermissions':
        throw new HostError('permission', err.message);
      case 'FileIsADirectory':
      case 'FileNotADirectory':
        throw new HostError('bad-request', err.message);
      default:
        throw new HostError('failed', err.message);
    }
  }
}
