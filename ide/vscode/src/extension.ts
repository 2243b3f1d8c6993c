/**
 * Refact for VS Code: the app (served at `refact.appUrl`) in a webview view,
 * working on the workspace VS Code has open. This is the host side of
 * src/host/protocol.ts; the chat, the agent and the models all run in the app.
 */
import * as vscode from 'vscode';
import { CHAT_VIEW_ID, ChatViewProvider } from './chat-view';
import { registerCommands } from './commands';

export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('Refact', { log: true });
  const chat = new ChatViewProvider(context.extension, log);
  context.subscriptions.push(
    log,
    chat,
    // Kept alive when hidden: the app holds a model, indexes and a running chat.
    vscode.window.registerWebviewViewProvider(CHAT_VIEW_ID, chat, { webviewOptions: { retainContextWhenHidden: true } }),
    ...registerCommands(chat),
  );
}

export function deactivate(): void {}
