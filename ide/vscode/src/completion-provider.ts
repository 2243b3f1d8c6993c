/**
 * Inline completions in VS Code's editors, answered by the app in the Refact
 * view (`completion/request`: the model running in the panel, or the
 * provider chosen there). No debounce here: VS Code schedules inline
 * requests and cancels them as the user types, and each cancellation is sent
 * on to the app, whose prefix cache makes typing along a suggestion cheap.
 *
 * Nothing is asked when completion is paused (`refact.completion.enabled`),
 * for files outside the workspace folder, or while the app is not connected.
 */
import * as vscode from 'vscode';
import type { ChatViewProvider } from './chat-view';
import { completionRequestAt, inlineInsertion, type CompletionSettings } from './completion-request';
import { toWorkspacePath, workspaceRoot } from './workspace-path';

/** The longest a completion may take before VS Code's request is given up on (a cold local model loads first). */
const COMPLETION_TIMEOUT_MS = 20_000;

export function completionSettings(): CompletionSettings {
  const settings = vscode.workspace.getConfiguration('refact.completion');
  return {
    enabled: settings.get<boolean>('enabled', true),
    model: settings.get<string>('model', '').trim(),
    maxTokens: settings.get<number>('maxTokens', 50),
  };
}

export class RefactInlineCompletions implements vscode.InlineCompletionItemProvider {
  constructor(
    private readonly chat: ChatViewProvider,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  async provideInlineCompletionItems(
    document: vscode.TextDocument,
    position: vscode.Position,
    context: vscode.InlineCompletionContext,
    token: vscode.CancellationToken,
  ): Promise<vscode.InlineCompletionItem[] | undefined> {
    const settings = completionSettings();
    if (!settings.enabled || !this.chat.connected) return undefined;
    const root = workspaceRoot();
    const path = root ? toWorkspacePath(root, document.uri) : null;
    if (!path) return undefined;

    const manual = context.triggerKind === vscode.InlineCompletionTriggerKind.Invoke;
    const request = completionRequestAt(
      { path, text: document.getText(), line: position.line, character: position.character, lineText: document.lineAt(position.line).text },
      settings,
      manual,
    );
    if (!request) return undefined;
    try {
      const response = await this.chat.request('completion/request', request, { token, timeoutMs: COMPLETION_TIMEOUT_MS });
      const insertion = inlineInsertion(request, position.character, response.choices[0]?.code_completion ?? '');
      if (!insertion || token.isCancellationRequested) return undefined;
      const range = new vscode.Range(position.line, insertion.startCharacter, position.line, position.character);
      return [new vscode.InlineCompletionItem(insertion.text, range)];
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      // Cancelled (the user typed on) and not connected are the everyday cases, not errors.
      if (code !== 'cancelled' && code !== 'unsupported') this.log.warn(`completion for ${path}: ${(err as Error).message}`);
      return undefined;
    }
  }
}

export function registerInlineCompletions(chat: ChatViewProvider, log: vscode.LogOutputChannel): vscode.Disposable[] {
  return [
    vscode.languages.registerInlineCompletionItemProvider({ pattern: '**' }, new RefactInlineCompletions(chat, log)),
    // Alt+Space (package.json): ask now, bypassing the app's cache.
    vscode.commands.registerCommand('refact.completeNow', () => vscode.commands.executeCommand('editor.action.inlineSuggest.trigger')),
  ];
}
