/**
 * What the agent is working on, shown where the user looks: Refact's
 * `ide/animateFile/start` / `stop` mark the file with a badge in the
 * explorer and tabs and tint it in open editors until the agent is done.
 */
import * as vscode from 'vscode';
import type { ChannelFeature, ChatViewProvider } from './chat-view';
import type { WebviewChannel } from './webview-channel';
import { toWorkspaceUri, workspaceRoot } from './workspace-path';

export class AgentActivity implements ChannelFeature, vscode.FileDecorationProvider, vscode.Disposable {
  /** Files being worked on, by URI string. */
  private readonly working = new Map<string, vscode.Uri>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri[]>();
  readonly onDidChangeFileDecorations = this.changed.event;
  private readonly tint = vscode.window.createTextEditorDecorationType({
    isWholeLine: true,
    backgroundColor: new vscode.ThemeColor('editor.wordHighlightBackground'),
    overviewRulerColor: new vscode.ThemeColor('editorOverviewRuler.infoForeground'),
  });
  private readonly subscriptions: vscode.Disposable[];

  constructor(chat: ChatViewProvider) {
    this.subscriptions = [
      this.changed,
      this.tint,
      vscode.window.registerFileDecorationProvider(this),
      vscode.window.onDidChangeVisibleTextEditors(() => this.paint()),
      // The app went away mid-task: nothing is being worked on any more.
      chat.onDidChangeConnection((connected) => connected || this.clear()),
    ];
  }

  attach(channel: WebviewChannel): void {
    channel.onEvent('ide/animateFile/start', (path) => this.mark(path, true));
    channel.onEvent('ide/animateFile/stop', (path) => this.mark(path, false));
  }

  provideFileDecoration(uri: vscode.Uri): vscode.FileDecoration | undefined {
    if (!this.working.has(uri.toString())) return undefined;
    return new vscode.FileDecoration('✎', 'Refact is working on this file', new vscode.ThemeColor('charts.blue'));
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
  }

  private mark(path: string, on: boolean): void {
    const root = workspaceRoot();
    if (!root) return;
    let uri: vscode.Uri;
    try {
      uri = toWorkspaceUri(root, path);
    } catch {
      return; // a path outside the workspace is not ours to mark
    }
    if (on) this.working.set(uri.toString(), uri);
    else if (!this.working.delete(uri.toString())) return;
    this.changed.fire([uri]);
    this.paint();
  }

  private clear(): void {
    const uris = [...this.working.values()];
    this.working.clear();
    if (uris.length) this.changed.fire(uris);
    this.paint();
  }

  private paint(): void {
    for (const editor of vscode.window.visibleTextEditors) {
      const on = this.working.has(editor.document.uri.toString());
      editor.setDecorations(this.tint, on ? [new vscode.Range(0, 0, Math.max(0, editor.document.lineCount - 1), 0)] : []);
    }
  }
}
