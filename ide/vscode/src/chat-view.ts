/**
 * The Refact view in the activity bar: a webview showing the app, and the one
 * place that knows which webview (if any) the app is live in. Each webview
 * gets its own message layer with the host's handlers registered on it.
 */
import * as vscode from 'vscode';
import type { HostToAppEvents } from '../../../src/host/protocol';
import { registerFsHandlers } from './fs-handlers';
import { watchWorkspace } from './fs-watch';
import { hostConfig, projectInfo } from './host-config';
import { openWorkspaceFile } from './open-file';
import { WebviewChannel, messageOf } from './webview-channel';
import { makeNonce, webviewHtml } from './webview-html';
import { workspaceRoot } from './workspace-path';

export const CHAT_VIEW_ID = 'refact.chat';

/** How long a command waits for the app to say it is ready after opening the view. */
const APP_READY_TIMEOUT_MS = 30_000;

export class ChatViewProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  private channel: WebviewChannel | undefined;
  /** Set once the app in the current webview sent `ide/isChatReady`. */
  private appReady = false;
  private readonly readyWaiters: Array<() => void> = [];
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly extension: vscode.Extension<unknown>,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.disposables.push(
      vscode.window.onDidChangeActiveColorTheme(() => this.sendConfig()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('refact.completion')) this.sendConfig();
      }),
      vscode.workspace.onDidChangeWorkspaceFolders(() => {
        this.sendConfig();
        this.send('currentProjectInfo/setCurrentProjectInfo', projectInfo());
      }),
    );
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    const webview = view.webview;
    // Scripts for the relay; no local resources: the page loads nothing but the app.
    webview.options = { enableScripts: true, localResourceRoots: [] };
    const channel = new WebviewChannel(webview, this.log);
    this.registerHandlers(channel);
    // Follows the first workspace folder, which may change while the view lives.
    let watcher: vscode.Disposable | undefined;
    const watchRoot = () => {
      watcher?.dispose();
      const root = workspaceRoot();
      watcher = root && watchWorkspace(root, (changes) => void channel.send('fs/changed', changes));
    };
    watchRoot();
    const subscriptions: vscode.Disposable[] = [
      channel,
      { dispose: () => watcher?.dispose() },
      vscode.workspace.onDidChangeWorkspaceFolders(watchRoot),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('refact.appUrl')) this.render(webview);
      }),
    ];
    this.channel = channel;
    this.appReady = false;
    view.onDidDispose(() => {
      for (const s of subscriptions) s.dispose();
      if (this.channel !== channel) return;
      this.channel = undefined;
      this.appReady = false;
    });
    this.render(webview);
  }

  /** Sends an event to the app if it is live; dropped otherwise (the handshake re-sends state). */
  send<K extends keyof HostToAppEvents & string>(type: K, payload: HostToAppEvents[K]): void {
    void this.channel?.send(type, payload);
  }

  /** Opens the view and sends the event once the app is ready to take it. */
  async sendWhenReady<K extends keyof HostToAppEvents & string>(type: K, payload: HostToAppEvents[K]): Promise<void> {
    await vscode.commands.executeCommand(`${CHAT_VIEW_ID}.focus`);
    if (!(await this.whenAppReady(APP_READY_TIMEOUT_MS))) {
      void vscode.window.showWarningMessage('Refact: the chat did not start; check the setting refact.appUrl.');
      return;
    }
    this.send(type, payload);
  }

  /** True once the app in the view has sent `ide/isChatReady`; false after `timeoutMs` without it. */
  private whenAppReady(timeoutMs: number): Promise<boolean> {
    if (this.appReady) return Promise.resolve(true);
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(() => {
        const i = this.readyWaiters.indexOf(wake);
        if (i >= 0) this.readyWaiters.splice(i, 1);
        resolve(false);
      }, timeoutMs);
      this.readyWaiters.push(wake);
    });
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
    this.channel?.dispose();
  }

  private render(webview: vscode.Webview): void {
    this.appReady = false;
    const appUrl = vscode.workspace.getConfiguration('refact').get<string>('appUrl', 'http://localhost:5173/');
    webview.html = webviewHtml({ appUrl, cspSource: webview.cspSource, nonce: makeNonce() });
  }

  private registerHandlers(channel: WebviewChannel): void {
    channel.onEvent('ide/isChatReady', () => {
      // The handshake: the app (re)started and wants the host's state.
      void channel.send('config/update', hostConfig(this.extension));
      void channel.send('currentProjectInfo/setCurrentProjectInfo', projectInfo());
      if (channel !== this.channel) return;
      this.appReady = true;
      for (const wake of this.readyWaiters.splice(0)) wake();
    });
    channel.onEvent('ide/openFile', (params) => {
      openWorkspaceFile(params).catch((err: unknown) => this.log.warn(`ide/openFile ${params.file_path}: ${messageOf(err)}`));
    });
    registerFsHandlers(channel);
  }

  private sendConfig(): void {
    this.send('config/update', hostConfig(this.extension));
  }
}
