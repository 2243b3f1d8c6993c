/**
 * Saving: the document goes back with the encoding, BOM and line endings it
 * was read with, and only if the file on disk is still the one that was
 * read (else the tab asks: keep mine, take theirs, or compare). Autosave,
 * when on, saves a second after typing stops.
 */
import { signal } from '@preact/signals';
import { ConflictError, PermissionLostError } from '../workspace/errors';
import { reportAccessLost } from '../state/workspace';
import { getSetting, setSetting } from '../storage/db';
import type { Workspace } from '../workspace/types';
import { bufferOf, currentView, fileText, liveState, replaceDocument, setDirty, tabOf, tabs, updateTab } from './tabs';

export type AutosaveMode = 'off' | 'after-delay';
export const autosave = signal<AutosaveMode>('off');
export const saveError = signal<{ path: string; message: string } | null>(null);
const AUTOSAVE_SETTING = 'editor.autosave';
const AUTOSAVE_DELAY_MS = 1000;

export async function loadAutosave(): Promise<void> {
  autosave.value = await getSetting<AutosaveMode>(AUTOSAVE_SETTING, 'off', (v): v is AutosaveMode => v === 'off' || v === 'after-delay').catch(() => 'off' as const);
}

export async function setAutosave(mode: AutosaveMode): Promise<void> {
  autosave.value = mode;
  await setSetting(AUTOSAVE_SETTING, mode);
}

/** Writes the tab's text; `force` overwrites a file that changed on disk (after "Keep mine"). Returns whether it saved. */
export async function saveFile(ws: Workspace, path: string, force = false): Promise<boolean> {
  const buffer = bufferOf(path);
  const tab = tabOf(path);
  if (!buffer || !tab || tab.status !== 'text' || tab.readOnly) return false;
  const state = liveState(path) ?? buffer.state;
  const doc = state.doc;
  try {
    const stat = await ws.writeText(path, fileText(state), {
      encoding: buffer.encoding,
      bom: buffer.bom,
      ...(force || tab.deleted ? {} : { expectMtime: buffer.mtime }),
    });
    buffer.saved = doc;
    buffer.mtime = stat.mtime;
    updateTab(path, { conflict: null, deleted: false });
    setDirty(path, (liveState(path) ?? buffer.state).doc !== doc);
    if (saveError.value?.path === path) saveError.value = null;
    return true;
  } catch (error) {
    if (error instanceof ConflictError) {
      const disk = await ws.readText(path).catch(() => null);
      if (disk?.kind === 'text') updateTab(path, { conflict: { diskText: disk.text, diskMtime: disk.mtime } });
      return false;
    }
    if (error instanceof PermissionLostError) reportAccessLost();
    saveError.value = { path, message: error instanceof Error ? error.message : String(error) };
    return false;
  }
}

export async function saveAll(ws: Workspace): Promise<void> {
  for (const tab of tabs.value) if (tab.dirty) await saveFile(ws, tab.path);
}

const timers = new Map<string, ReturnType<typeof setTimeout>>();

/** Called on every edit: with autosave on, saves once typing has stopped for a second. */
export function editMade(ws: Workspace, path: string): void {
  if (autosave.value !== 'after-delay') return;
  clearTimeout(timers.get(path));
  timers.set(
    path,
    setTimeout(() => {
      timers.delete(path);
      const tab = tabOf(path);
      if (tab?.dirty && !tab.conflict) void saveFile(ws, path);
    }, AUTOSAVE_DELAY_MS),
  );
}

/** "Keep mine": the next save overwrites the disk's version (nothing is written yet). */
export function keepMine(path: string): void {
  const buffer = bufferOf(path);
  const conflict = tabOf(path)?.conflict;
  if (!buffer || !conflict) return;
  buffer.mtime = conflict.diskMtime;
  updateTab(path, { conflict: null, merge: null });
}

/** "Take theirs": the disk's text replaces the tab's (one undo step brings mine back). */
export function takeTheirs(path: string): void {
  const buffer = bufferOf(path);
  const conflict = tabOf(path)?.conflict;
  if (!buffer || !conflict) return;
  applyDiskText(path, conflict.diskText, conflict.diskMtime);
  updateTab(path, { conflict: null, merge: null });
}

/** Puts the disk's text in the tab as saved (a reload). */
export function applyDiskText(path: string, text: string, mtime: number): void {
  const buffer = bufferOf(path);
  if (!buffer) return;
  const state = liveState(path) ?? buffer.state;
  const tr = replaceDocument(state, text);
  const view = currentView();
  if (view && view.state === state) view.dispatch(tr);
  else buffer.state = tr.state;
  const latest = liveState(path) ?? buffer.state;
  buffer.saved = latest.doc;
  buffer.mtime = mtime;
  setDirty(path, false);
}
