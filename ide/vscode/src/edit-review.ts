/**
 * The agent's edits shown for approval (`ide/toolEdit`): VS Code's diff
 * editor between the file and the proposed text, with Accept / Reject as
 * title buttons, commands and Tab / Esc while that diff is the active editor.
 *
 * - Nothing is written before the user accepts. Accept applies the text to
 *   the document with a WorkspaceEdit and saves it, so it goes through VS
 *   Code's file system (whatever provider serves the folder) and the user's
 *   undo history; then the app is answered `{ accepted: true }`.
 * - Reject, or closing the diff, answers false.
 * - A hand edit of the file while its diff is shown answers 'indeterminate'
 *   (the proposal no longer applies to what is there) and closes the diff;
 *   the chat goes on (Refact never answered then).
 * - A new file is shown against an empty document; accept creates it.
 * - One diff per file: a second request for the same file answers the first
 *   'indeterminate'.
 */
import * as vscode from 'vscode';
import type { ToolEditRequest, ToolEditResult } from '../../../src/host/protocol';
import type { ChannelFeature } from './chat-view';
import { ProposedText } from './proposed-text';
import type { WebviewChannel } from './webview-channel';
import { HostError } from './wire';
import { toWorkspaceUri, workspaceRoot } from './workspace-path';

/** True while the active editor is a diff of ours: the title buttons and Tab / Esc (package.json). */
export const REVIEWING_CONTEXT = 'refact.reviewingEdit';

interface PendingEdit {
  path: string;
  file: vscode.Uri;
  /** The diff's right side: the proposed text. */
  proposed: vscode.Uri;
  after: string;
  isNew: boolean;
  /** Our own accept is changing the document: its change events are not hand edits. */
  accepting: boolean;
  settle(result: ToolEditResult['accepted']): void;
}

export class EditReview implements ChannelFeature, vscode.Disposable {
  private readonly content = new ProposedText();
  /** By the file's URI, one per file. */
  private readonly pending = new Map<string, PendingEdit>();
  private readonly subscriptions: vscode.Disposable[];
  private reviewing = false;

  constructor(private readonly log: vscode.LogOutputChannel) {
    this.subscriptions = [
      vscode.workspace.registerTextDocumentContentProvider(ProposedText.scheme, this.content),
      vscode.workspace.onDidChangeTextDocument((e) => this.onDocumentChanged(e)),
      vscode.window.tabGroups.onDidChangeTabs((e) => this.onTabsChanged(e)),
      vscode.window.tabGroups.onDidChangeTabGroups(() => this.updateContext()),
      vscode.window.onDidChangeActiveTextEditor(() => this.updateContext()),
      vscode.commands.registerCommand('refact.acceptEdit', (uri?: unknown) => this.accept(uri)),
      vscode.commands.registerCommand('refact.rejectEdit', (uri?: unknown) => this.reject(uri)),
    ];
  }

  attach(channel: WebviewChannel): void {
    channel.onRequest('ide/toolEdit', (request, signal) => this.review(request, signal));
  }

  dispose(): void {
    for (const edit of [...this.pending.values()]) this.finish(edit, false);
    for (const s of this.subscriptions) s.dispose();
  }

  /** Shows the edit and resolves with the user's answer. */
  async review(request: ToolEditRequest, signal: AbortSignal): Promise<ToolEditResult> {
    const root = workspaceRoot();
    if (!root) throw new HostError('unsupported', 'no folder is open in VS Code');
    const file = toWorkspaceUri(root, request.path);
    const exists = await vscode.workspace.fs.stat(file).then(
      () => true,
      () => false,
    );
    // One diff per file: the earlier proposal is superseded, its answer unknown.
    const earlier = this.pending.get(file.toString());
    if (earlier) this.finish(earlier, 'indeterminate');
    if (exists) {
      const document = await vscode.workspace.openTextDocument(file);
      // Unsaved hand edits the app never saw: the proposal was made against other text.
      if (document.isDirty && document.getText() !== request.edit.file_before) return { accepted: 'indeterminate' };
    }

    const proposed = this.content.add(request.path, request.edit.file_after);
    const original = exists ? file : this.content.add(request.path, '');
    let settle!: (accepted: ToolEditResult['accepted']) => void;
    const answer = new Promise<ToolEditResult['accepted']>((resolve) => (settle = resolve));
    const edit: PendingEdit = { path: request.path, file, proposed, after: request.edit.file_after, isNew: !exists, accepting: false, settle };
    this.pending.set(file.toString(), edit);
    // The app gave up (the view closed): the diff goes too.
    signal.addEventListener('abort', () => this.finish(edit, false), { once: true });
    try {
      const name = request.path.split('/').pop() ?? request.path;
      const title = `${name} ↔ Refact's edit${exists ? '' : ' (new file)'}: Tab accepts, Esc rejects`;
      await vscode.commands.executeCommand('vscode.diff', original, proposed, title, { preview: false } satisfies vscode.TextDocumentShowOptions);
      this.updateContext();
      return { accepted: await answer };
    } finally {
      this.finish(edit, false); // a no-op once answered; answers a diff that failed to open
      this.content.remove(proposed);
      if (!exists) this.content.remove(original);
    }
  }

  private async accept(arg: unknown): Promise<void> {
    const edit = this.target(arg);
    if (!edit || edit.accepting) return;
    edit.accepting = true;
    try {
      await (edit.isNew ? this.create(edit) : this.apply(edit));
      this.finish(edit, true);
    } catch (err) {
      edit.accepting = false;
      this.log.error(`accepting the edit of ${edit.path}: ${(err as Error).message}`);
      void vscode.window.showErrorMessage(`Refact: ${edit.path} could not be written: ${(err as Error).message}`);
    }
  }

  private reject(arg: unknown): void {
    const edit = this.target(arg);
    if (edit && !edit.accepting) this.finish(edit, false);
  }

  /** The new text into the open document (the user's undo history keeps it), then saved. */
  private async apply(edit: PendingEdit): Promise<void> {
    const document = await vscode.workspace.openTextDocument(edit.file);
    const all = new vscode.Range(document.positionAt(0), document.positionAt(document.getText().length));
    const change = new vscode.WorkspaceEdit();
    change.replace(edit.file, all, edit.after);
    if (!(await vscode.workspace.applyEdit(change))) throw new Error('VS Code refused the edit');
    if (!(await document.save())) throw new Error('saving failed');
  }

  private async create(edit: PendingEdit): Promise<void> {
    const change = new vscode.WorkspaceEdit();
    change.createFile(edit.file, { overwrite: false, contents: new TextEncoder().encode(edit.after) });
    if (!(await vscode.workspace.applyEdit(change))) throw new Error('VS Code refused to create it (does it exist now?)');
  }

  /** Answers the app, forgets the edit and closes its diff. */
  private finish(edit: PendingEdit, accepted: ToolEditResult['accepted']): void {
    if (this.pending.get(edit.file.toString()) !== edit) return;
    this.pending.delete(edit.file.toString());
    edit.settle(accepted);
    const tab = diffTabOf(edit.proposed);
    if (tab) void vscode.window.tabGroups.close(tab, true).then(undefined, () => undefined);
    this.updateContext();
  }

  /** The edit a command means: the diff it was invoked on (title button), else the active one. */
  private target(arg: unknown): PendingEdit | undefined {
    const uri = arg instanceof vscode.Uri ? arg : activeDiffModified();
    if (!uri) return undefined;
    return [...this.pending.values()].find((e) => e.proposed.toString() === uri.toString() || e.file.toString() === uri.toString());
  }

  private onDocumentChanged(e: vscode.TextDocumentChangeEvent): void {
    const edit = this.pending.get(e.document.uri.toString());
    if (!edit || edit.accepting || e.contentChanges.length === 0) return;
    this.finish(edit, 'indeterminate');
    vscode.window.setStatusBarMessage(`Refact: ${edit.path} was edited by hand; its proposed change was withdrawn`, 5000);
  }

  private onTabsChanged(e: vscode.TabChangeEvent): void {
    for (const tab of e.closed) {
      if (!(tab.input instanceof vscode.TabInputTextDiff)) continue;
      const closed = tab.input.modified.toString();
      const edit = [...this.pending.values()].find((p) => p.proposed.toString() === closed);
      if (edit && !edit.accepting) this.finish(edit, false);
    }
    this.updateContext();
  }

  private updateContext(): void {
    const active = activeDiffModified()?.toString();
    const reviewing = active !== undefined && [...this.pending.values()].some((e) => e.proposed.toString() === active);
    if (reviewing === this.reviewing) return;
    this.reviewing = reviewing;
    void vscode.commands.executeCommand('setContext', REVIEWING_CONTEXT, reviewing);
  }
}

/** The right side of the active editor when it is a diff. */
function activeDiffModified(): vscode.Uri | undefined {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  return input instanceof vscode.TabInputTextDiff ? input.modified : undefined;
}

function diffTabOf(proposed: vscode.Uri): vscode.Tab | undefined {
  const key = proposed.toString();
  for (const group of vscode.window.tabGroups.all) {
    for (const tab of group.tabs) if (tab.input instanceof vscode.TabInputTextDiff && tab.input.modified.toString() === key) return tab;
  }
  return undefined;
}
