/**
 * Workspace-relative paths ('src/a.ts', '/' separated, '' for the root) and
 * the URIs they stand for. A path from the app never leaves the workspace
 * folder: '..', absolute paths, drive letters, backslashes and control
 * characters are refused (the app applies the same rules; this is the host's
 * own check, not a trust in the app's).
 */
import * as vscode from 'vscode';
import { splitWorkspacePath } from './path-rules';

export function toWorkspaceUri(root: vscode.Uri, path: string): vscode.Uri {
  const segments = splitWorkspacePath(path);
  return segments.length === 0 ? root : vscode.Uri.joinPath(root, ...segments);
}

/** The workspace-relative path of `uri`, or null when it is not inside `root`. */
export function toWorkspacePath(root: vscode.Uri, uri: vscode.Uri): string | null {
  if (uri.scheme !== root.scheme || uri.authority !== root.authority) return null;
  const base = root.path.endsWith('/') ? root.path : `${root.path}/`;
  if (uri.path === root.path || `${uri.path}/` === base) return '';
  return uri.path.startsWith(base) ? uri.path.slice(base.length) : null;
}

/** The folder the app works on: the first workspace folder (multi-root comes later). */
export function workspaceRoot(): vscode.Uri | undefined {
  return vscode.workspace.workspaceFolders?.[0]?.uri;
}
