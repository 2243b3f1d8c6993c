import { effect, signal } from '@preact/signals';
import type { CodeIndex, CodeIndexStatus } from '../code-index';
// Only the small limits module: the shell reads and saves the setting without loading an index.
import { MAX_FILES_SETTING } from '../code-index/limits';
import { readMaxFilesSetting } from '../code-index/settings';
import { getSetting, setSetting } from '../storage/db';
import type { Workspace } from '../workspace/types';
import { workspace } from './workspace';

/**
 * The open folder's AST index. It starts the first time the agent may need it
 * (an EXPLORE or AGENT run) and then follows the folder's changes; the
 * tree-sitter workers and grammars load only then. The status bar shows its
 * progress.
 */

export const indexStatus = signal<CodeIndexStatus | null>(null);
/** Bumped when the index settings change, so indexes built on them (the semantic one) start over too. */
export const indexSettingsVersion = signal(0);
let current: { id: string; index: Promise<CodeIndex> } | null = null;

/** Index files the ignore rules leave out (node_modules, .gitignore'd): off unless the user asks. */
const INCLUDE_IGNORED_SETTING = 'codeIndex.includeIgnored';

export interface IndexSettings {
  maxFiles: number;
  includeIgnored: boolean;
}

const isBoolean = (v: unknown): v is boolean => typeof v === 'boolean';

export async function loadIndexSettings(): Promise<IndexSettings> {
  const [maxFiles, includeIgnored] = await Promise.all([
    readMaxFilesSetting(),
    getSetting(INCLUDE_IGNORED_SETTING, false, isBoolean).catch(() => false),
  ]);
  return { maxFiles, includeIgnored };
}

/** Saves the settings and brings the open folder's index in line: a new walk, or a new index when ignored files come in or go. */
export async function saveIndexSettings(next: IndexSettings): Promise<void> {
  const before = await loadIndexSettings();
  await setSetting(MAX_FILES_SETTING, next.maxFiles);
  await setSetting(INCLUDE_IGNORED_SETTING, next.includeIgnored);
  indexSettingsVersion.value++;
  const ws = workspace.value;
  if (!ws || current?.id !== ws.id) return;
  if (before.includeIgnored !== next.includeIgnored) {
    dropIndex();
    void codeIndexFor(ws);
  } else void (await codeIndexFor(ws)).rescan(); // the status shows the pass; saving is done
}

/** After a pass stopped on an error: walk the open folder again (files already indexed are not parsed again). */
export async function retryIndexing(): Promise<void> {
  const ws = workspace.value;
  if (ws && current?.id === ws.id) await (await current.index).rescan();
}

/** A query for a folder that is no longer open must not start (or replace) an index. */
export function checkOpen(ws: Workspace): void {
  if (workspace.value?.id !== ws.id) throw new Error(`"${ws.name}" is no longer the open folder`);
}

export function codeIndexFor(ws: Workspace): Promise<CodeIndex> {
  if (current?.id !== ws.id) {
    if (workspace.value?.id !== ws.id) return Promise.reject(new Error(`"${ws.name}" is no longer the open folder`));
    dropIndex();
    const index = Promise.all([import('../code-index'), loadIndexSettings()]).then(([{ createCodeIndex }, settings]) => {
      const created = createCodeIndex(ws, { includeIgnored: settings.includeIgnored });
      created.onStatus((status) => {
        if (current?.index === index) indexStatus.value = status;
      });
      return created;
    });
    current = { id: ws.id, index };
  }
  return current.index;
}

function dropIndex(): void {
  const old = current?.index;
  current = null;
  indexStatus.value = null;
  void old?.then((index) => index.dispose()).catch(() => undefined);
}

// A different folder (or none): drop the old index and its workers.
effect(() => {
  const ws = workspace.value;
  if (current && current.id !== ws?.id) dropIndex();
});
