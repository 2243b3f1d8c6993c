/** The commands in the palette and the editor/explorer menus. */
import * as vscode from 'vscode';
import { CHAT_VIEW_ID, type ChatViewProvider } from './chat-view';
import { toWorkspacePath, workspaceRoot } from './workspace-path';

export function registerCommands(chat: ChatViewProvider): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('refact.openChat', () => vscode.commands.executeCommand(`${CHAT_VIEW_ID}.focus`)),
    vscode.commands.registerCommand('refact.newChat', () => chat.sendWhenReady('chatThread/new', null)),
    // From a menu VS Code passes the clicked file; from the palette, nothing: the active editor's file.
    vscode.commands.registerCommand('refact.attachFileToChat', async (clicked?: vscode.Uri) => {
      const uri = clicked instanceof vscode.Uri ? clicked : vscode.window.activeTextEditor?.document.uri;
      const root = workspaceRoot();
      const path = uri && root ? toWorkspacePath(root, uri) : null;
      if (!path) {
        void vscode.window.showInformationMessage('Refact: only files inside the workspace folder can be attached.');
        return;
      }
      await chat.sendWhenReady('ide/attachFileToChat', path);
    }),
  ];
}
