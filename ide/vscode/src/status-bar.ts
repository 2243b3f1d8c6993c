/**
 * The status bar item: completion's model and state as the app reports them
 * (`completion/status`), the code index (`index/status`: progress in the
 * text while it indexes or when it stopped, the summary in the tooltip), a
 * spinner while the chat answers (`ide/isChatStreaming`), and "paused" when
 * completion is switched off. A click opens the Refact view.
 */
import * as vscode from 'vscode';
import type { CompletionStatusReport, IndexStatusReport } from '../../../src/host/protocol';
import type { ChannelFeature, ChatViewProvider } from './chat-view';
import { completionSettings } from './completion-provider';
import type { WebviewChannel } from './webview-channel';

export const TOGGLE_COMPLETION_COMMAND = 'refact.toggleCompletion';

export class RefactStatusBar implements ChannelFeature, vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('refact.status', vscode.StatusBarAlignment.Right, 100);
  private completion: CompletionStatusReport | null = null;
  private index: IndexStatusReport | null = null;
  private streaming = false;
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly chat: ChatViewProvider) {
    this.item.name = 'Refact';
    this.item.command = 'refact.openChat';
    this.subscriptions = [
      this.item,
      chat.onDidChangeConnection((connected) => {
        if (!connected) this.streaming = false;
        this.render();
      }),
      vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('refact.completion') && this.render()),
    ];
    this.render();
    this.item.show();
  }

  attach(channel: WebviewChannel): void {
    channel.onEvent('completion/status', (status) => {
      this.completion = status;
      this.render();
    });
    channel.onEvent('index/status', (status) => {
      this.index = status;
      this.render();
    });
    channel.onEvent('ide/isChatStreaming', (streaming) => {
      this.streaming = streaming;
      this.render();
    });
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
  }

  private render(): void {
    const settings = completionSettings();
    const status = this.completion;
    const model = settings.model || status?.model || 'no model';
    let icon: string;
    let state: string;
    if (!this.chat.connected) {
      icon = '$(circle-slash)';
      state = 'not connected: open the Refact view';
    } else if (!settings.enabled) {
      icon = '$(debug-pause)';
      state = 'completion paused';
    } else if (this.streaming) {
      icon = '$(loading~spin)';
      state = 'the chat is answering';
    } else {
      icon = status?.state === 'error' ? '$(error)' : status?.state === 'loading' ? '$(loading~spin)' : '$(sparkle)';
      state = status ? status.state : 'starting';
    }
    // While the code index's first pass runs (or after it stopped), the item says so in its text, not only in the tooltip.
    const indexing = this.chat.connected && this.index && this.index.state !== 'ready' && this.index.state !== 'idle';
    const indexText = !indexing ? '' : this.index!.state === 'error' ? ' $(warning) index stopped' : ` $(sync~spin) indexing ${this.index!.text}`;
    this.item.text = `${icon} ${this.chat.connected && settings.enabled ? model : 'Refact'}${indexText}`;
    const lines = [`Completion: ${model}, ${state}${status?.detail ? ` (${status.detail})` : ''}`];
    if (status?.lastMs != null) lines.push(`Last answer in ${Math.round(status.lastMs)} ms`);
    if (this.index) lines.push(`Code index: ${this.index.state}, ${this.index.text}`);
    const tooltip = new vscode.MarkdownString(undefined, true);
    tooltip.appendMarkdown('**Refact**');
    for (const line of lines) tooltip.appendMarkdown('\n\n').appendText(line);
    tooltip.appendMarkdown(`\n\n[${settings.enabled ? 'Pause' : 'Resume'} completion](command:${TOGGLE_COMPLETION_COMMAND})`);
    tooltip.isTrusted = { enabledCommands: [TOGGLE_COMPLETION_COMMAND] };
    this.item.tooltip = tooltip;
    this.item.accessibilityInformation = { label: `Refact: completion ${model}, ${state}` };
    this.item.backgroundColor = status?.state === 'error' && settings.enabled ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
  }
}

/** Flips `refact.completion.enabled` where it is set (the workspace's setting if it has one, else the user's). */
export async function toggleCompletion(): Promise<void> {
  const settings = vscode.workspace.getConfiguration('refact.completion');
  const inspect = settings.inspect<boolean>('enabled');
  const target = inspect?.workspaceValue !== undefined ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  await settings.update('enabled', !settings.get<boolean>('enabled', true), target);
}
