/**
 * Inline completions in VS Code's editors, answered by the app in the Refact
 * view (`completion/request`: the model running in the panel, or the
 * provider chosen there). No debounce here: VS Code schedules inline
 * requests and cancels them as the user types, and each cancellation is sent
 * on to the app, whose prefix cache makes typing along a suggestion cheap.
 * A change in the active editor asks at once (./completion-prefetch.ts), so
 * VS Code's own 50 ms wait before it calls us is not added to the answer's.
 *
 * Nothing is asked when completion is paused (`refact.completion.enabled`),
 * for files outside the workspace folder, or while the app is not connected.
 */
import * as vscode from 'vscode';
import type { ChatViewProvider } from './chat-view';
import { CompletionPrefetch, cursorAfterChange, type Asked, type PrefetchKey } from './completion-prefetch';
import { completionRequestAt, inlineInsertion, type CompletionSettings } from './completion-request';
import type { CompletionRequest, CompletionResponse } from '../../../src/completion/types';
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
  private readonly prefetch = new CompletionPrefetch<Answered>();

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
    const manual = context.triggerKind === vscode.InlineCompletionTriggerKind.Invoke;
    // Typing asked already (onDidChange), request and all; an explicit trigger skips the cache, so it asks itself.
    const early = manual ? null : this.prefetch.take(keyOf(document, position));
    const asked = early ? null : this.requestAt(document, position, manual);
    if (!early && !asked) return undefined;
    try {
      const { request, response } = await (early ?? this.ask(asked!, token).answer);
      const insertion = inlineInsertion(request, position.character, response.choices[0]?.code_completion ?? '');
      if (!insertion || token.isCancellationRequested) return undefined;
      const range = new vscode.Range(position.line, insertion.startCharacter, position.line, position.character);
      return [new vscode.InlineCompletionItem(insertion.text, range)];
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      // Cancelled (the user typed on) and not connected are the everyday cases, not errors.
      if (code !== 'cancelled' && code !== 'unsupported') this.log.warn(`completion for ${document.uri.path}: ${(err as Error).message}`);
      return undefined;
    }
  }

  /** A change in the active editor: ask for the cursor it leaves, before VS Code does. */
  onDidChangeTextDocument(event: vscode.TextDocumentChangeEvent): void {
    const editor = vscode.window.activeTextEditor;
    const change = event.contentChanges.length === 1 ? event.contentChanges[0]! : undefined;
    if (!change || editor?.document !== event.document || editor.selections.length !== 1) return this.prefetch.cancel();
    // Where VS Code will not ask (inline suggestions off for this language), asking early would only load the engine.
    if (!vscode.workspace.getConfiguration('editor', event.document).get<boolean>('inlineSuggest.enabled', true)) return this.prefetch.cancel();
    const after = cursorAfterChange(change.range.start, change.text);
    const position = new vscode.Position(after.line, after.character);
    const asked = this.requestAt(event.document, position, false);
    if (!asked) return this.prefetch.cancel();
    this.prefetch.start(keyOf(event.document, position), () => this.ask(asked));
  }

  /** Drops what was asked early (the user left the editor, paused completion, or the app went away). */
  cancelPrefetch(): void {
    this.prefetch.cancel();
  }

  private requestAt(document: vscode.TextDocument, position: vscode.Position, manual: boolean): { path: string; request: CompletionRequest } | null {
    const settings = completionSettings();
    if (!settings.enabled || !this.chat.connected) return null;
    const root = workspaceRoot();
    const path = root ? toWorkspacePath(root, document.uri) : null;
    if (!path || position.line >= document.lineCount) return null;
    const request = completionRequestAt(
      { path, text: document.getText(), line: position.line, character: position.character, lineText: document.lineAt(position.line).text },
      settings,
      manual,
    );
    return request ? { path, request } : null;
  }

  /** Asks the app; cancelled by `token` (VS Code's), else by the returned cancel (a newer change). */
  private ask(asked: Pick<Answered, 'path' | 'request'>, token?: vscode.CancellationToken): Asked<Answered> {
    const source = token ? undefined : new vscode.CancellationTokenSource();
    let settled = false;
    const answer = this.chat
      .request('completion/request', asked.request, { token: token ?? source!.token, timeoutMs: COMPLETION_TIMEOUT_MS })
      .then((response) => ({ ...asked, response }))
      .finally(() => {
        settled = true;
        source?.dispose();
      });
    return {
      answer,
      cancel: () => {
        if (!settled) source?.cancel();
      },
    };
  }
}

/** A request and the app's answer to it. */
interface Answered {
  path: string;
  request: CompletionRequest;
  response: CompletionResponse;
}

function keyOf(document: vscode.TextDocument, position: vscode.Position): PrefetchKey {
  return { uri: document.uri.toString(), version: document.version, line: position.line, character: position.character };
}

export function registerInlineCompletions(chat: ChatViewProvider, log: vscode.LogOutputChannel): vscode.Disposable[] {
  const provider = new RefactInlineCompletions(chat, log);
  return [
    vscode.languages.registerInlineCompletionItemProvider({ pattern: '**' }, provider),
    vscode.workspace.onDidChangeTextDocument((e) => provider.onDidChangeTextDocument(e)),
    vscode.window.onDidChangeActiveTextEditor(() => provider.cancelPrefetch()),
    vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('refact.completion') && provider.cancelPrefetch()),
    chat.onDidChangeConnection(() => provider.cancelPrefetch()),
    // Alt+Space (package.json): ask now, bypassing the app's cache.
    vscode.commands.registerCommand('refact.completeNow', () => vscode.commands.executeCommand('editor.action.inlineSuggest.trigger')),
  ];
}
