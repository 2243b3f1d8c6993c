/**
 * Refact for VS Code: the app (served at `refact.appUrl`) in a webview view,
 * working on the workspace VS Code has open. This is the host side of
 * src/host/protocol.ts; the chat, the agent and the models all run in the app.
 */
import * as vscode from 'vscode';
import { ActiveEditorReporter } from './active-editor';
import { AgentActivity } from './agent-activity';
import { CHAT_VIEW_ID, ChatViewProvider } from './chat-view';
import { registerCommands } from './commands';
import { registerInlineCompletions } from './completion-provider';
import { EditReview } from './edit-review';
import { editorActions } from './editor-actions';
import { shellFeature } from './shell-host';
import { RefactStatusBar, TOGGLE_COMPLETION_COMMAND, toggleCompletion } from './status-bar';

export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('Refact', { log: true });
  const chat = new ChatViewProvider(context.extension, log);
  const features = [new EditReview(log), new RefactStatusBar(chat), new ActiveEditorReporter(chat), new AgentActivity(chat)];
  for (const feature of [...features, editorActions, shellFeature]) chat.addFeature(feature);
  context.subscriptions.push(
    log,
    chat,
    ...features,
    // Kept alive when hidden: the app holds a model, indexes and a running chat.
    vscode.window.registerWebviewViewProvider(CHAT_VIEW_ID, chat, { webviewOptions: { retainContextWhenHidden: true } }),
    ...registerCommands(chat),
    ...registerInlineCompletions(chat, log),
    vscode.commands.registerCommand(TOGGLE_COMPLETION_COMMAND, toggleCompletion),
  );
}

export function deactivate(): void {}
