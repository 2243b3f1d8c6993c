import { computed, effect, signal, untracked } from '@preact/signals';
import { baseName, parentPath } from '../workspace/paths';
import type { DirEntry, Workspace, WorkspaceChange } from '../workspace/types';
import { PermissionLostError } from '../workspace/errors';
import type { DiffChunk } from '../engine/messages';
import { hostChannel, hostConnected } from './host';
import { go } from './route';
import { reportAccessLost, workspace } from './workspace';

/** The file tree (loaded lazily, one directory at a time) and which file the editor should show. */

export type DirState = { status: 'loading' } | { status: 'ready'; entries: DirEntry[] } | { status: 'error'; message: string };

export const dirs = signal<ReadonlyMap<string, DirState>>(new Map());
export const expanded = signal<ReadonlySet<string>>(new Set(['']));
export const selectedPath = signal<string | null>(null);

/** A file to show in the editor (the editor loads lazily and takes it from here); `seq` makes a repeat count. */
export interface OpenRequest {
  path: string;
  /** 1-based line to reveal and mark (a search hit), if any. */
  line?: number;
  /** Raise the text size limit ("Open anyway"). */
  limitBytes?: number;
  seq: number;
}
export const openRequest = signal<OpenRequest | null>(null);
let openSeq = 0;

/** An agent's change to show in the editor as a merge view ("Open in editor" on a diff in the chat). */
export interface DiffRequest {
  path: string;
  chunks: DiffChunk[];
  chatId: string;
  seq: number;
}
export const diffRequest = signal<DiffRequest | null>(null);
/** Ctrl+P: the quick-open box is showing. */
export const quickOpenVisible = signal(false);

export interface TreeRow {
  path: string;
  name: string;
  kind: DirEntry['kind'] | 'status';
  depth: number;
  /** For 'status' rows: loading / error text. */
  note?: string;
}

/** The visible rows: expanded directories flattened in order. The tree view virtualizes over this. */
export const treeRows = computed<TreeRow[]>(() => {
  const rows: TreeRow[] = [];
  const open = expanded.value;
  const loaded = dirs.value;
  const visit = (dir: string, depth: number) => {
    const state = loaded.get(dir);
    if (!state || state.status === 'loading') {
      rows.push({ path: `${dir}/…`, name: 'Loading…', kind: 'status', depth, note: 'loading' });
      return;
    }
    if (state.status === 'error') {
      rows.push({ path: `${dir}/!`, name: state.message, kind: 'status', depth, note: 'error' });
      return;
    }
    for (const entry of state.entries) {
      rows.push({ path: entry.path, name: entry.name, kind: entry.kind, depth });
      if (entry.kind === 'directory' && open.has(entry.path)) visit(entry.path, depth + 1);
    }
  };
  visit('', 0);
  return rows;
});

function setDir(path: string, state: DirState): void {
  const next = new Map(dirs.value);
  next.set(path, state);
  dirs.value = next;
}

async function loadDir(ws: Workspace, path: string): Promise<void> {
  if (!dirs.value.has(path)) setDir(path, { status: 'loading' });
  try {
    const entries = await ws.listDir(path);
    if (workspace.value === ws) setDir(path, { status: 'ready', entries });
  } catch (err) {
    if (err instanceof PermissionLostError) reportAccessLost();
    if (workspace.value === ws) setDir(path, { status: 'error', message: err instanceof Error ? err.message : String(err) });
  }
}

export function toggleDir(path: string): void {
  const ws = workspace.value;
  if (!ws) return;
  const next = new Set(expanded.value);
  if (next.has(path)) next.delete(path);
  else {
    next.add(path);
    if (!dirs.value.has(path)) void loadDir(ws, path);
  }
  expanded.value = next;
}

/** Opens every folder above `path` in the tree, so the file being viewed shows there too. */
export function revealInTree(path: string): void {
  const ws = workspace.value;
  if (!ws) return;
  const next = new Set(expanded.value);
  for (let dir = parentPath(path); dir !== ''; dir = parentPath(dir)) {
    next.add(dir);
    if (!dirs.value.has(dir)) void loadDir(ws, dir);
  }
  expanded.value = next;
}

/**
 * Shows an agent's change to `path` in the editor, hunk by hunk, on the Files page. Inside an
 * IDE the file opens in the IDE's editor at the first hunk instead: the IDE is where the user
 * edits, and its document is the one to change (the app's editor would write past it).
 */
export function openDiffInEditor(path: string, chunks: DiffChunk[], chatId: string): void {
  if (!workspace.value) return;
  if (hostConnected.value) {
    void openFile(path, { line: chunks[0]?.line1 ?? 1 });
    return;
  }
  selectedPath.value = path;
  diffRequest.value = { path, chunks, chatId, seq: ++openSeq };
  go('files');
}

/** Opens `path` in the editor (on the Files page), revealing `line`; inside an IDE, in the IDE's editor. */
export async function openFile(path: string, options: { limitBytes?: number; line?: number } = {}): Promise<void> {
  if (!workspace.value) return;
  const host = hostConnected.value ? hostChannel() : null;
  if (host) {
    host.send('ide/openFile', { file_path: path, ...(options.line === undefined ? {} : { line: options.line }) });
    return;
  }
  selectedPath.value = path;
  openRequest.value = { path, ...options, seq: ++openSeq };
}

/**
 * A file link's click (search hits, context files, tool results): the file at `line` in the
 * app's editor on the Files page, or in the IDE's editor inside an IDE (the panel stays).
 */
export function showFileAt(path: string, line: number): void {
  void openFile(path, { line });
  if (!hostConnected.value) go('files');
}

/** Re-reads the directories and the open file that a batch of changes touched. */
function applyChanges(ws: Workspace, changes: WorkspaceChange[]): void {
  const touchedDirs = new Set<string>();
  let rulesChanged = false;
  for (const change of changes) {
    touchedDirs.add(parentPath(change.path));
    if (baseName(change.path) === '.gitignore') rulesChanged = true;
    // A created file may live in new directories: its ancestors need a re-list too.
    for (let p = parentPath(change.path); p !== ''; p = parentPath(p)) touchedDirs.add(parentPath(p));
  }
  const reload = rulesChanged ? [...dirs.value.keys()] : [...touchedDirs].filter((d) => dirs.value.has(d));
  for (const dir of reload) void loadDir(ws, dir);
}

// A new workspace resets the tree and starts watching it for changes.
effect(() => {
  const ws = workspace.value;
  return untracked(() => {
    dirs.value = new Map();
    expanded.value = new Set(['']);
    selectedPath.value = null;
    openRequest.value = null;
    diffRequest.value = null;
    if (!ws) return undefined;
    void loadDir(ws, '');
    return ws.watch((changes) => applyChanges(ws, changes));
  });
});
