/**
 * Workspace-relative paths ('src/a.ts', '/' separated, '' for the root) and
 * the URIs they stand for. A path from the app never leaves the workspace
 * folder: '..', absolute paths, drive letters, backslashes and control
 * characters are refused (the app applies the same rules; this is the host's
 * own check, not a trust in the app's).
 */
import * as vscode from 'vscode';
import { HostError } from './wire';

export function toWorkspaceUri(root: vscode.Uri, path: string): vscode.Uri {
  const segments = splitWorkspacePath(path);
  return segments.length === 0 ? root : vscode.Uri.joinPath(root, ...segments);
}

/** The path's segments, '.' and empty ones skipped; throws 'bad-request' for a path that could leave the root. */
export function splitWorkspacePath(path: string): string[] {
  const refuse = (why: string): never => {
    throw new HostError('bad-request', `refused path ${JSON.stringify(path)}: ${why}`);
  };
  if (path.startsWith('/')) refuse('absolute paths are not workspace paths');
  if (/^[a-zA-Z]:/.test(path)) refuse('drive letters are not workspace paths');
  if (path.includes('\\')) refuse("use '/' between folders");
  if (/[\u0000-\u001f]/.test(path)) refuse('control characters');
  const segments = path.split('/').filter((s) => s !== '' && s !== '.');
  if (segments.includes('..')) refuse("'..' leaves the workspace");
  return segments;
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
