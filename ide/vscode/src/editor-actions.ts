/**
 * Code from the chat into the editor: Refact's `ide/diffPasteBack` (the
 * chat's "paste" on a code block) replaces the active editor's selection, or
 * inserts at the caret, as one edit the user sees and can undo; `ide/newFile`
 * opens an untitled editor with the text. `ide/escapeKeyPressed` gives the
 * keyboard back to the editor.
 */
import * as vscode from 'vscode';
import type { ChannelFeature } from './chat-view';
import type { WebviewChannel } from './webview-channel';

export const editorActions: ChannelFeature = {
  attach(channel: WebviewChannel) {
    channel.onEvent('ide/diffPasteBack', ({ content }) => void pasteBack(content));
    channel.onEvent('ide/newFile', (text) => void openUntitled(text));
    channel.onEvent('ide/escapeKeyPressed', () => void vscode.commands.executeCommand('workbench.action.focusActiveEditorGroup'));
  },
};

async function pasteBack(content: string): Promise<void> {
  const editor = vscode.window.activeTextEditor ?? vscode.window.visibleTextEditors[0];
  if (!editor) return openUntitled(content);
  // Shown first, so the user sees where it went; the change itself is in the undo history.
  await vscode.window.showTextDocument(editor.document, { viewColumn: editor.viewColumn, preserveFocus: false });
  const done = await editor.edit((edit) => edit.replace(editor.selection, content));
  if (!done) void vscode.window.showWarningMessage('Refact: the editor refused the pasted code (is it read-only?)');
}

async function openUntitled(text: string): Promise<void> {
  const document = await vscode.workspace.openTextDocument({ content: text });
  await vscode.window.showTextDocument(document, { preview: false });
}
