/**
 * The Refact view in the activity bar: a webview showing the app, and the one
 * place that knows which webview (if any) the app is live in. Each webview
 * gets its own message layer with the host's handlers registered on it; the
 * features (edits, completion, status, shell, ...) attach theirs through
 * ChannelFeature, so this file does not grow with each of them.
 */
import * as vscode from 'vscode';
import type { HostToAppEvents, HostToAppRequests, Params, Result } from '../../../src/host/protocol';
import { AppRequestError, type RequestOptions } from './app-requests';
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

/** A part of the host that talks to the app: its handlers on each new webview's channel. */
export interface ChannelFeature {
  /** Registers the feature's handlers on a new webview's channel. */
  attach?(channel: WebviewChannel): void;
  /** After each handshake: what the app should know at once (the active file, ...). */
  greet?(channel: WebviewChannel): void;
}

export class ChatViewProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  private channel: WebviewChannel | undefined;
  /**
   * The app in the current webview trusts this host: it spoke beyond the
   * handshake. An app that has not been allowed ("Allow this IDE") sends only
   * `ide/isChatReady` and ignores what we send, so requests would go unanswered.
   */
  private appConnected = false;
  private readonly readyWaiters: Array<() => void> = [];
  private readonly disposables: vscode.Disposable[] = [];
  private readonly features: ChannelFeature[] = [];
  private readonly connectionChanged = new vscode.EventEmitter<boolean>();
  /** Fires when the app connects (trusts this host) or goes away. */
  readonly onDidChangeConnection = this.connectionChanged.event;

  constructor(
    private readonly extension: vscode.Extension<unknown>,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.disposables.push(
      this.connectionChanged,
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
    this.setConnected(false);
    view.onDidDispose(() => {
      for (const s of subscriptions) s.dispose();
      if (this.channel !== channel) return;
      this.channel = undefined;
      this.setConnected(false);
    });
    this.render(webview);
  }

  /** Adds a feature; it is attached to the current webview's channel at once and to every later one. */
  addFeature(feature: ChannelFeature): void {
    this.features.push(feature);
    if (this.channel) feature.attach?.(this.channel);
  }

  /** The app is live in the view and trusts this host. */
  get connected(): boolean {
    return this.appConnected;
  }

  /** Asks the app; fails at once ('unsupported') when it is not connected. */
  request<K extends keyof HostToAppRequests & string>(
    type: K,
    params: Params<HostToAppRequests, K>,
    options?: RequestOptions,
  ): Promise<Result<HostToAppRequests, K>> {
    if (!this.channel || !this.appConnected) return Promise.reject(new AppRequestError(type, 'unsupported', 'the Refact app is not connected'));
    return this.channel.request(type, params, options);
  }

  /** Sends an event to the app if it is live; dropped otherwise (the handshake re-sends state). */
  send<K extends keyof HostToAppEvents & string>(type: K, payload: HostToAppEvents[K]): void {
    void this.channel?.send(type, payload);
  }

  /** Opens the view and sends the event once the app is ready to take it. */
  async sendWhenReady<K extends keyof HostToAppEvents & string>(type: K, payload: HostToAppEvents[K]): Promise<void> {
    await vscode.commands.executeCommand(`${CHAT_VIEW_ID}.focus`);
    if (!(await this.whenAppReady(APP_READY_TIMEOUT_MS))) {
      void vscode.window.showWarningMessage('Refact: the chat did not start; check the setting refact.appUrl, or allow this IDE in the Refact panel.');
      return;
    }
    this.send(type, payload);
  }

  /** True once the app in the view is connected; false after `timeoutMs` without it. */
  private whenAppReady(timeoutMs: number): Promise<boolean> {
    if (this.appConnected) return Promise.resolve(true);
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
    this.setConnected(false);
    const appUrl = vscode.workspace.getConfiguration('refact').get<string>('appUrl', 'http://localhost:5173/');
    webview.html = webviewHtml({ appUrl, cspSource: webview.cspSource, nonce: makeNonce() });
  }

  private setConnected(connected: boolean): void {
    if (this.appConnected === connected) return;
    this.appConnected = connected;
    if (connected) for (const wake of this.readyWaiters.splice(0)) wake();
    this.connectionChanged.fire(connected);
  }

  private registerHandlers(channel: WebviewChannel): void {
    // The app posts to this host only once it trusts it (src/host/channel.ts), the handshake aside.
    channel.onMessage((kind, type) => {
      if (channel !== this.channel) return;
      this.setConnected(!(kind === 'event' && type === 'ide/isChatReady'));
    });
    channel.onEvent('ide/isChatReady', () => {
      // The handshake: the app (re)started and wants the host's state. The config first: it gives the app its workspace.
      void channel.send('config/update', hostConfig(this.extension));
      void channel.send('currentProjectInfo/setCurrentProjectInfo', projectInfo());
      for (const feature of this.features) feature.greet?.(channel);
    });
    // Pages of the app the host has no use for (Refact's extension remembers them for its own UI).
    channel.onEvent('ide/chatPageChange', () => undefined);
    channel.onEvent('ide/openFile', (params) => {
      openWorkspaceFile(params).catch((err: unknown) => this.log.warn(`ide/openFile ${params.file_path}: ${messageOf(err)}`));
    });
    registerFsHandlers(channel);
    for (const feature of this.features) feature.attach?.(channel);
  }

  private sendConfig(): void {
    this.send('config/update', hostConfig(this.extension));
  }
}
