/**
 * The editor the user is looking at, told to the app as Refact does it
 * (`activeFile/setFileInfo`, then `selected_snippet/set`), so the chat offers
 * the file or the selection as context. Selection changes come with every
 * caret move: they are gathered for a moment before one update is sent.
 * Files outside the workspace folder are not the app's to read: null.
 */
import * as vscode from 'vscode';
import type { ActiveFileInfo, SelectedSnippet } from '../../../src/host/protocol';
import type { ChannelFeature, ChatViewProvider } from './chat-view';
import type { WebviewChannel } from './webview-channel';
import { toWorkspacePath, workspaceRoot } from './workspace-path';

const SETTLE_MS = 150;
/** A selection larger than this is sent as the file and lines only: the app reads the text itself if it needs it. */
const MAX_SNIPPET_CHARS = 100_000;

export class ActiveEditorReporter implements ChannelFeature, vscode.Disposable {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly chat: ChatViewProvider) {
    this.subscriptions = [
      vscode.window.onDidChangeActiveTextEditor(() => this.schedule()),
      vscode.window.onDidChangeTextEditorSelection((e) => e.textEditor === vscode.window.activeTextEditor && this.schedule()),
    ];
  }

  /** After the handshake: the app learns at once what is open. */
  greet(channel: WebviewChannel): void {
    const { file, snippet } = describeEditor(vscode.window.activeTextEditor);
    void channel.send('activeFile/setFileInfo', file);
    void channel.send('selected_snippet/set', snippet);
  }

  dispose(): void {
    clearTimeout(this.timer);
    for (const s of this.subscriptions) s.dispose();
  }

  private schedule(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      // Before the app trusts this host it would drop them; the handshake sends the state anyway.
      if (!this.chat.connected) return;
      const { file, snippet } = describeEditor(vscode.window.activeTextEditor);
      this.chat.send('activeFile/setFileInfo', file);
      this.chat.send('selected_snippet/set', snippet);
    }, SETTLE_MS);
  }
}

/** The file and selection of `editor` as Refact's payloads; nulls when it is not a workspace file. */
export function describeEditor(editor: vscode.TextEditor | undefined): { file: ActiveFileInfo | null; snippet: SelectedSnippet | null } {
  const root = workspaceRoot();
  const path = editor && root ? toWorkspacePath(root, editor.document.uri) : null;
  if (!editor || !path) return { file: null, snippet: null };
  const { selection, document } = editor;
  // A selection ending at the start of a line does not take that line (whole lines selected with Shift+Down).
  const lastLine = selection.end.line > selection.start.line && selection.end.character === 0 ? selection.end.line - 1 : selection.end.line;
  const code = selection.isEmpty ? '' : document.getText(selection);
  const basename = path.split('/').pop() ?? path;
  const file: ActiveFileInfo = {
    name: basename,
    path,
    line1: selection.start.line + 1,
    line2: lastLine + 1,
    cursor: selection.active.line,
    can_paste: true,
    ...(code && code.length <= MAX_SNIPPET_CHARS ? { content: code } : {}),
  };
  const snippet: SelectedSnippet | null = code && code.length <= MAX_SNIPPET_CHARS ? { language: document.languageId, code, path, basename } : null;
  return { file, snippet };
}
