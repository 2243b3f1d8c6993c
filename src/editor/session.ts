/**
 * The editor for the open folder: takes open requests from the shell (the
 * file tree, search hits, quick open, "Open in editor" on a chat diff),
 * makes each tab's state with ghost-text completion and the editor's keys,
 * loads syntax modes after the first paint, follows the disk, and writes
 * back what the merge view reverts (checkpoint first, as every agent-side write).
 */
import { effect, signal, untracked } from '@preact/signals';
import type { Extension, Transaction } from '@codemirror/state';
import { getChunks } from '@codemirror/merge';
import { keymap } from '@codemirror/view';
import { diffRequest, openRequest, quickOpenVisible, type DiffRequest } from '../state/files';
import { initCompletion, requestCompletion } from '../state/completion';
import { workspace } from '../state/workspace';
import type { Workspace } from '../workspace/types';
import { textBeforeChange } from './agent-diff';
import { completionSource } from './completion-source';
import { followDisk } from './disk-sync';
import type { GhostEvent } from './ghost-text';
import { loadLanguage } from './languages';
import { mergeExtension, mergeSlot } from './merge';
import { openPath, type MakeState } from './open';
import { editMade, loadAutosave, saveFile } from './save';
import { createEditorState, languageSlot } from './setup';
import { activePath, bufferOf, closeAll, currentView, liveState, tabOf, updateTab } from './tabs';

/** What the pane offers the keymap (asking the chat about the selection lives in the UI). */
export interface SessionHooks {
  askAboutSelection(): void;
}

/** Ghost-text counts, shown as the pane's data attributes: tests and the bench see requests and answers there. */
export const ghostCounts = signal({ requests: 0, answered: 0, shown: 0, accepted: 0 });

function countGhost(event: GhostEvent): void {
  const c = ghostCounts.peek();
  if (event.type === 'request') ghostCounts.value = { ...c, requests: c.requests + 1 };
  else if (event.type === 'answered') ghostCounts.value = { ...c, answered: c.answered + 1 };
  else if (event.type === 'shown') ghostCounts.value = { ...c, shown: c.shown + 1 };
  else if (event.type === 'accepted') ghostCounts.value = { ...c, accepted: c.accepted + 1 };
}
export const agentDiffError = signal<string | null>(null);

let hooks: SessionHooks = { askAboutSelection: () => undefined };
let started = false;

export function startEditorSession(next: SessionHooks): void {
  hooks = next;
  if (started) return;
  started = true;
  void loadAutosave();
  void initCompletion();
  // Effects only subscribe to their trigger; the work they start must not subscribe them to more.
  effect(() => {
    const ws = workspace.value;
    return untracked(() => {
      closeAll();
      return ws ? followDisk(ws) : undefined;
    });
  });
  effect(() => {
    const request = openRequest.value;
    untracked(() => {
      const ws = workspace.value;
      if (request && ws) void openPath(ws, request, makeState()).then(() => void loadLanguageFor(request.path));
    });
  });
  effect(() => {
    const request = diffRequest.value;
    untracked(() => {
      const ws = workspace.value;
      if (request && ws) void showAgentDiff(ws, request);
    });
  });
}

function editorKeys(): Extension {
  return keymap.of([
    { key: 'Mod-p', preventDefault: true, run: () => ((quickOpenVisible.value = true), true) },
    { key: 'Alt-c', preventDefault: true, run: () => (hooks.askAboutSelection(), true) },
  ]);
}

function makeState(): MakeState {
  return (file, { readOnly, highlight }) =>
    createEditorState({
      text: file.text,
      eol: file.eol,
      readOnly,
      highlight,
      ghost: readOnly ? null : { source: completionSource(() => file.path, requestCompletion), onEvent: countGhost },
      keys: [editorKeys(), mergeSlot.of([])],
    });
}

/** The syntax mode loads after the text shows (its package is a separate chunk). */
async function loadLanguageFor(path: string): Promise<void> {
  if (tabOf(path)?.plain !== null) return;
  const support = await loadLanguage(path);
  const buffer = bufferOf(path);
  if (!support || !buffer) return;
  const view = currentView();
  const effects = languageSlot.reconfigure(support);
  if (view && view.state === liveState(path) && activePath.value === path) view.dispatch({ effects });
  else buffer.state = buffer.state.update({ effects }).state;
}

/** Opens the file and shows the agent's change to it as hunks to keep or revert. */
async function showAgentDiff(ws: Workspace, request: DiffRequest): Promise<void> {
  agentDiffError.value = null;
  await openPath(ws, { path: request.path, seq: request.seq }, makeState());
  void loadLanguageFor(request.path);
  const state = liveState(request.path);
  if (!state) return;
  const before = textBeforeChange(state.doc.toString(), request.chunks);
  if (!before.ok) {
    agentDiffError.value = before.reason;
    return;
  }
  updateTab(request.path, { merge: { original: before.text, kind: 'agent', chatId: request.chatId } });
  applyMerge(request.path);
}

/** Puts the tab's merge view (or none) into its state. */
export function applyMerge(path: string): void {
  const buffer = bufferOf(path);
  const merge = tabOf(path)?.merge ?? null;
  if (!buffer) return;
  const effects = mergeSlot.reconfigure(merge ? mergeExtension(merge) : []);
  const view = currentView();
  if (view && view.state === liveState(path)) view.dispatch({ effects });
  else buffer.state = buffer.state.update({ effects }).state;
}

/** After transactions in the active view: autosave, the merge view's reverts written back, a finished merge closed. */
export function afterTransactions(ws: Workspace, path: string, transactions: readonly Transaction[]): void {
  const tab = tabOf(path);
  if (!tab) return;
  if (transactions.some((tr) => tr.docChanged)) {
    const reverted = transactions.some((tr) => tr.isUserEvent('revert'));
    if (tab.merge?.kind === 'agent' && reverted) void writeRevert(ws, path, tab.merge.chatId);
    else if (tab.dirty) editMade(ws, path);
  }
  const state = liveState(path);
  // Every hunk kept or reverted: the merge view has done its job.
  if (tab.merge && state && (getChunks(state)?.chunks.length ?? 0) === 0) {
    updateTab(path, { merge: null });
    applyMerge(path);
  }
}

/** A reverted hunk goes to disk at once, after a checkpoint, so the chat's undo still works. */
async function writeRevert(ws: Workspace, path: string, chatId: string | undefined): Promise<void> {
  try {
    if (chatId) {
      const { createCheckpoint } = await import('../checkpoints/index');
      await createCheckpoint(ws, chatId);
    }
    const saved = await saveFile(ws, path, true);
    if (!saved) agentDiffError.value = `Could not write "${path}" back; your text is still in the editor`;
  } catch (error) {
    agentDiffError.value = `No checkpoint could be saved before reverting "${path}", so nothing was written: ${error instanceof Error ? error.message : String(error)}`;
  }
}

