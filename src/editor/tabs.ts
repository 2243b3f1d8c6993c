/**
 * The editor's open files: one tab per file with its CodeMirror state (undo
 * history included) kept while another tab shows, the text as last saved
 * (dirty = the document differs from it), and what the file was read with
 * (encoding, BOM, line endings, mtime) so a save writes it back byte for
 * byte. One EditorView shows the active tab.
 */
import { batch, computed, signal } from '@preact/signals';
import { EditorSelection, EditorState, type Text, type Transaction } from '@codemirror/state';
import type { EditorView } from '@codemirror/view';
import { activeFile, unsavedPaths } from '../state/editor-context';
import type { ReadTextResult } from '../workspace/types';

type TextRead = Extract<ReadTextResult, { kind: 'text' }>;

export interface TabInfo {
  path: string;
  status: 'loading' | 'text' | 'binary' | 'too-large' | 'error';
  /** Why it is not shown as text, or the read error. */
  message?: string;
  size?: number;
  dirty: boolean;
  /** Why edits are off (a very large file opened anyway), or null. */
  readOnly: string | null;
  /** Why there are no syntax colours, or null. */
  plain: string | null;
  /** The file on disk changed while this tab had unsaved edits (or a save found it changed). */
  conflict: { diskText: string; diskMtime: number } | null;
  /** The file was deleted on disk; the buffer stays until closed or saved again. */
  deleted: boolean;
  /** A comparison shown in the editor: the disk's text, or the text before an agent's change. */
  merge: { original: string; kind: 'disk' | 'agent'; chatId?: string } | null;
}

/** What a tab's text was read with; written back on save. */
export interface Buffer {
  state: EditorState;
  saved: Text;
  mtime: number;
  encoding: TextRead['encoding'];
  bom: boolean;
  eol: TextRead['eol'];
  /** Line (1-based) to reveal and mark once shown. */
  mark: number | null;
}

export const tabs = signal<TabInfo[]>([]);
export const activePath = signal<string | null>(null);
/** Bumped when a line should be revealed in the active tab (a search hit opened again). */
export const reveal = signal(0);
export const activeTab = computed(() => tabs.value.find((t) => t.path === activePath.value) ?? null);

const buffers = new Map<string, Buffer>();
let view: EditorView | null = null;

export function bufferOf(path: string): Buffer | undefined {
  return buffers.get(path);
}

export function setBuffer(path: string, buffer: Buffer): void {
  buffers.set(path, buffer);
}

export function updateTab(path: string, change: Partial<TabInfo>): void {
  tabs.value = tabs.peek().map((t) => (t.path === path ? { ...t, ...change } : t));
}

export function tabOf(path: string): TabInfo | undefined {
  return tabs.peek().find((t) => t.path === path);
}

export function addTab(tab: TabInfo): void {
  tabs.value = [...tabs.peek().filter((t) => t.path !== tab.path), tab];
}

export function removeTab(path: string): void {
  buffers.delete(path);
  const list = tabs.peek();
  const at = list.findIndex((t) => t.path === path);
  batch(() => {
    tabs.value = list.filter((t) => t.path !== path);
    if (activePath.peek() === path) activePath.value = (list[at + 1] ?? list[at - 1])?.path ?? null;
  });
  syncUnsaved();
}

export function closeAll(): void {
  buffers.clear();
  batch(() => {
    tabs.value = [];
    activePath.value = null;
  });
  syncUnsaved();
  activeFile.value = null;
}

/** The view showing the active tab; the pane hands it over when it mounts. */
export function attachView(next: EditorView | null): void {
  view = next;
}

export function currentView(): EditorView | null {
  return view;
}

/** The state to show for `path` now (the view's own when it shows that tab). */
export function liveState(path: string): EditorState | null {
  if (view && activePath.peek() === path && buffers.get(path)?.state === view.state) return view.state;
  return buffers.get(path)?.state ?? null;
}

/** The view dispatched: keep the tab's state, its dirty flag and what the chat sees. */
export function recordTransactions(path: string, state: EditorState, transactions: readonly Transaction[]): void {
  const buffer = buffers.get(path);
  if (!buffer) return;
  buffer.state = state;
  if (transactions.some((tr) => tr.docChanged)) setDirty(path, isDirty(buffer));
  publishActive(path, state);
}

export function isDirty(buffer: Buffer): boolean {
  const doc = buffer.state.doc;
  if (doc === buffer.saved) return false;
  return doc.length !== buffer.saved.length || !doc.eq(buffer.saved);
}

export function setDirty(path: string, dirty: boolean): void {
  if (tabOf(path)?.dirty !== dirty) updateTab(path, { dirty });
  syncUnsaved();
}

function syncUnsaved(): void {
  const dirty = new Set(tabs.peek().filter((t) => t.dirty).map((t) => t.path));
  const before = unsavedPaths.peek();
  if (dirty.size !== before.size || [...dirty].some((p) => !before.has(p))) unsavedPaths.value = dirty;
}

/** The active file and selection as the chat sees them. */
export function publishActive(path: string, state: EditorState): void {
  if (activePath.peek() !== path) return;
  const range = state.selection.main;
  const line1 = state.doc.lineAt(range.from).number;
  const line2 = state.doc.lineAt(range.to).number;
  const selection = range.empty ? '' : state.sliceDoc(range.from, range.to);
  const now = activeFile.peek();
  if (now && now.path === path && now.line1 === line1 && now.line2 === line2 && now.selection === selection) return;
  activeFile.value = { path, line1, line2, selection, text: async () => liveState(path)?.doc.toString() ?? '' };
}

/** The document as the file holds it: lines joined with the file's own line break (Text.toString always uses \n). */
export function fileText(state: EditorState): string {
  return state.sliceDoc();
}

/** Replaces the whole document (a reload from disk) with the smallest change, keeping the caret near where it was. */
export function replaceDocument(state: EditorState, text: string): Transaction {
  const next = state.toText(text);
  const old = state.doc;
  const a = old.toString();
  const b = next.toString();
  let start = 0;
  const max = Math.min(a.length, b.length);
  while (start < max && a.charCodeAt(start) === b.charCodeAt(start)) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a.charCodeAt(endA - 1) === b.charCodeAt(endB - 1)) {
    endA--;
    endB--;
  }
  // The caret keeps its place before the change, moves with the text after it, and inside it ends up at its end.
  const head = state.selection.main.head;
  const moved = head <= start ? head : head >= endA ? head + (endB - endA) : endB;
  return state.update({
    changes: { from: start, to: endA, insert: b.slice(start, endB) },
    selection: EditorSelection.cursor(Math.max(0, Math.min(b.length, moved))),
    userEvent: 'reload',
  });
}

/** A fresh state for a file read from disk (used when a tab opens). */
export type StateFactory = (file: TextRead, readOnly: string | null, highlight: boolean) => EditorState;
