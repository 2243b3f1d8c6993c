import { computed, signal } from '@preact/signals';
import { disposeSearchTextCache } from '../engine/tools/search-text-cache';
import type { FolderRecord } from '../storage/schema';
import { formatBytes } from '../workspace/format';
import {
  canPickFolders,
  forgetFolder,
  openRecord,
  permissionOf,
  pickFolder,
  recentFolders,
  requestAccess,
} from '../workspace/folder-access';
import { deleteOpfsCopy, importFolderToOpfs, type ImportProgress } from '../workspace/opfs-import';
import type { Workspace } from '../workspace/types';
import { downloadBlob, workspaceToZip } from '../workspace/zip-export';

/** The open folder, the recent ones, and what the user is being asked to do about them. */

export const workspace = signal<Workspace | null>(null);
export const recent = signal<FolderRecord[]>([]);
/** A remembered folder the browser wants a click before it grants access again. */
export const awaitingReconnect = signal<FolderRecord | null>(null);
export const importProgress = signal<ImportProgress | null>(null);
export const workspaceError = signal<string | null>(null);
export const workspaceNotice = signal<string | null>(null);
export const busy = signal(false);

export const pickerAvailable = canPickFolders();
export const isBrowserCopy = computed(() => workspace.value?.source === 'opfs');

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

async function guarded(task: () => Promise<void>): Promise<void> {
  busy.value = true;
  workspaceError.value = null;
  try {
    await task();
  } catch (err) {
    workspaceError.value = describe(err);
  } finally {
    busy.value = false;
  }
}

async function refreshRecent(): Promise<void> {
  recent.value = await recentFolders(10);
}

/** The stored record behind the open workspace (its handle, for reconnecting). */
const openRecordOf = signal<FolderRecord | null>(null);
/** Access to the open folder was revoked while working: reads fail until the user reconnects. */
export const accessLost = signal(false);

async function activate(record: FolderRecord): Promise<void> {
  workspace.value = await openRecord(record);
  // The previous folder's search texts (and its change watcher) are no longer needed.
  disposeSearchTextCache();
  openRecordOf.value = record;
  accessLost.value = false;
  awaitingReconnect.value = null;
  document.title = `${record.name} · Refact in a tab`;
  await refreshRecent();
}

/** On start-up: reopen the last folder, or offer "Reconnect <name>" when the browser wants a gesture. */
export async function restoreLastFolder(): Promise<void> {
  await guarded(async () => {
    await refreshRecent();
    const last = recent.value[0];
    // The user may have opened a folder while storage was still opening: theirs wins.
    if (!last || workspace.value) return;
    const permission = await permissionOf(last);
    if (workspace.value) return;
    if (permission === 'granted') await activate(last);
    else awaitingReconnect.value = last;
  });
}

export function openFolder(): Promise<void> {
  return guarded(async () => {
    const record = await pickFolder();
    if (record) await activate(record);
  });
}

/** Call from a click handler only: it may show the browser's permission prompt. */
export function reconnect(record: FolderRecord): Promise<void> {
  return guarded(async () => {
    if (!(await requestAccess(record))) {
      throw new Error(`The browser did not grant access to "${record.name}". Click Reconnect to try again, or open another folder.`);
    }
    await activate(record);
  });
}

export function importFolder(files: ArrayLike<File>): Promise<void> {
  return guarded(async () => {
    importProgress.value = { done: 0, total: files.length, bytes: 0 };
    try {
      const result = await importFolderToOpfs(files, (p) => (importProgress.value = p));
      workspaceNotice.value =
        `Imported ${result.copied} files (${formatBytes(importProgress.value?.bytes ?? 0)}) into this browser's storage` +
        (result.skipped ? `; skipped ${result.skipped} in node_modules, .git and other excluded folders` : '') +
        '. Edits stay in the browser: use "Download zip" to take them out.';
      await activate(result.record);
    } finally {
      importProgress.value = null;
    }
  });
}

/** Called when a file operation reports PermissionLostError. */
export function reportAccessLost(): void {
  if (workspace.value) accessLost.value = true;
}

/** Click handler of the "Reconnect" banner shown while access is lost. */
export function reconnectOpenFolder(): Promise<void> {
  const record = openRecordOf.value;
  return record ? reconnect(record) : Promise.resolve();
}

export function closeFolder(): void {
  workspace.value = null;
  disposeSearchTextCache();
  openRecordOf.value = null;
  accessLost.value = false;
  document.title = 'Refact in a tab';
}

export function forgetRecent(record: FolderRecord): Promise<void> {
  return guarded(async () => {
    if (record.kind === 'opfs') await deleteOpfsCopy(record.id);
    await forgetFolder(record.id);
    if (workspace.value?.id === record.id) closeFolder();
    if (awaitingReconnect.value?.id === record.id) awaitingReconnect.value = null;
    await refreshRecent();
  });
}

export function exportZip(): Promise<void> {
  return guarded(async () => {
    const ws = workspace.value;
    if (!ws) return;
    const blob = await workspaceToZip(ws);
    downloadBlob(blob, `${ws.name}.zip`);
  });
}
