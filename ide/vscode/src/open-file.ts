/** `ide/openFile`: a file the chat mentions, opened in the editor at its line. */
import * as vscode from 'vscode';
import type { AppToHostEvents } from '../../../src/host/protocol';
import { toWorkspaceUri, workspaceRoot } from './workspace-path';

export async function openWorkspaceFile({ file_path, line }: AppToHostEvents['ide/openFile']): Promise<void> {
  const root = workspaceRoot();
  if (!root) return;
  // Throws for a path outside the workspace: the chat never opens anything else.
  const uri = toWorkspaceUri(root, file_path);
  // `line` is 1-based as the chat shows it; 0 or absent: the top.
  const position = new vscode.Position(Math.max(0, Math.floor(line ?? 1) - 1), 0);
  await vscode.window.showTextDocument(uri, {
    selection: new vscode.Range(position, position),
    preview: false,
  });
}
