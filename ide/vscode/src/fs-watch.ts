/**
 * Workspace changes made outside the app (the user, git, other extensions)
 * sent as `fs/changed`, so the app's file tree, indexes and open files follow.
 * Events are batched: a checkout or a build touches hundreds of files at once,
 * and one message per file would flood the webview.
 */
import * as vscode from 'vscode';
import type { HostFileChange } from '../../../src/host/protocol';
import { toWorkspacePath } from './workspace-path';

/** How long changes gather before one `fs/changed` is sent. */
const BATCH_MS = 100;

export function watchWorkspace(root: vscode.Uri, send: (changes: HostFileChange[]) => void): vscode.Disposable {
  const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(root, '**/*'));
  const pending = new Map<string, HostFileChange['type']>();
  let timer: ReturnType<typeof setTimeout> | undefined;

  const flush = () => {
    timer = undefined;
    if (pending.size === 0) return;
    const changes = [...pending].map(([path, type]) => ({ type, path }));
    pending.clear();
    send(changes);
  };
  const note = (type: HostFileChange['type']) => (uri: vscode.Uri) => {
    const path = toWorkspacePath(root, uri);
    if (path === null || path === '') return;
    // Within one batch the last word wins, except that a file created and
    // then modified is still new to the app.
    pending.set(path, type === 'modified' && pending.get(path) === 'created' ? 'created' : type);
    timer ??= setTimeout(flush, BATCH_MS);
  };

  const subscriptions = [
    watcher,
    watcher.onDidCreate(note('created')),
    watcher.onDidChange(note('modified')),
    watcher.onDidDelete(note('deleted')),
  ];
  return {
    dispose() {
      if (timer !== undefined) clearTimeout(timer);
      for (const s of subscriptions) s.dispose();
    },
  };
}
