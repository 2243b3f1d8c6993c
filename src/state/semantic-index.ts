import { effect, signal } from '@preact/signals';
import { getSetting, setSetting } from '../storage/db';
import type { SemanticIndex, SemanticIndexStatus } from '../vecdb';
import { DEFAULT_EMBED_MODEL, isEmbedModelSpec } from '../vecdb/embed-models';
import type { EmbedModelSpec } from '../worker-api/embed';
import { embedWorker } from '../worker-api/workers';
import type { Workspace } from '../workspace/types';
import { checkOpen, codeIndexFor, indexSettingsVersion, loadIndexSettings } from './code-index';
import { llmConfig } from './models';
import { workspace } from './workspace';

/**
 * Search by meaning: the open folder's semantic index (src/vecdb), chunked at
 * the AST index's symbols and embedded in the embed worker. Off until the
 * user turns it on, since it downloads an embedding model (from the Hub or
 * the model mirror set on the Models page); then it starts with the first
 * search or agent run and follows the folder's changes.
 */

const ENABLED_SETTING = 'semanticIndex.enabled';
const MODEL_SETTING = 'semanticIndex.model';

export interface SemanticConfig {
  enabled: boolean;
  model: EmbedModelSpec;
}

/** Null until read from IndexedDB (at start-up). */
export const semanticConfig = signal<SemanticConfig | null>(null);
export const semanticStatus = signal<SemanticIndexStatus | null>(null);

let current: { id: string; index: Promise<SemanticIndex> } | null = null;

export async function loadSemanticConfig(): Promise<SemanticConfig> {
  const isBoolean = (v: unknown): v is boolean => typeof v === 'boolean';
  const [enabled, model] = await Promise.all([
    getSetting(ENABLED_SETTING, false, isBoolean).catch(() => false),
    getSetting<EmbedModelSpec>(MODEL_SETTING, DEFAULT_EMBED_MODEL, isEmbedModelSpec).catch(() => DEFAULT_EMBED_MODEL),
  ]);
  const config = { enabled, model };
  semanticConfig.value = config;
  return config;
}

/** Turns search by meaning on with this model (a new model re-embeds; vectors are kept per model). */
export async function enableSemanticSearch(model: EmbedModelSpec): Promise<void> {
  await setSetting(MODEL_SETTING, model);
  await setSetting(ENABLED_SETTING, true);
  dropIndex();
  semanticConfig.value = { enabled: true, model };
  const ws = workspace.value;
  if (ws) void semanticIndexFor(ws);
}

/** Turns it off; with `forget`, the open folder's stored vectors are deleted too. */
export async function disableSemanticSearch(options: { forget?: boolean } = {}): Promise<void> {
  await setSetting(ENABLED_SETTING, false);
  const old = current?.index;
  dropIndex();
  semanticConfig.value = { enabled: false, model: semanticConfig.value?.model ?? DEFAULT_EMBED_MODEL };
  if (!options.forget) return;
  // The index stops its own work, then deletes only its folder's vectors (the shared worker may have another open).
  if (old) await old.then((index) => index.forget());
  else if (workspace.value) await embedWorker().api.clear(workspace.value.id);
}

/** The open folder's semantic index, started on first use; null when search by meaning is off. */
export async function semanticIndexFor(ws: Workspace): Promise<SemanticIndex | null> {
  const config = semanticConfig.value ?? (await loadSemanticConfig());
  if (!config.enabled) return null;
  if (current?.id !== ws.id) {
    checkOpen(ws);
    dropIndex();
    const index = Promise.all([import('../vecdb'), import('../code-index'), loadIndexSettings()]).then(
      ([{ createSemanticIndex }, { indexedLanguageForPath }, settings]) => {
        const host = llmConfig.value.modelHost;
        const created = createSemanticIndex(ws, {
          embed: embedWorker().api,
          model: host && !config.model.localModelPath ? { ...config.model, modelHost: host } : config.model,
          includeIgnored: settings.includeIgnored,
          maxFiles: settings.maxFiles,
          // Chunks follow the AST index's symbols; waiting for it keeps them current after an edit.
          // Asked each time: the AST index is replaced when its settings change.
          symbolsOf: async (path) => {
            if (indexedLanguageForPath(path) === null) return null;
            const ast = await codeIndexFor(ws);
            await ast.whenIdle();
            return ast.fileSymbols(path);
          },
        });
        created.onStatus((status) => {
          if (current?.index === index) semanticStatus.value = status;
        });
        return created;
      },
    );
    current = { id: ws.id, index };
  }
  return current.index;
}

/** After a failed model load (Hub or mirror unreachable): load it again, then index. */
export async function retrySemanticIndex(): Promise<void> {
  const index = await current?.index;
  await index?.retry();
}

function dropIndex(): void {
  const old = current?.index;
  current = null;
  semanticStatus.value = null;
  void old?.then((index) => index.dispose()).catch(() => undefined);
}

// A different folder (or none): drop the old index.
effect(() => {
  const ws = workspace.value;
  if (current && current.id !== ws?.id) dropIndex();
});

// New index settings (file cap, ignored folders): start over with them, keeping every stored vector.
let settingsSeen = indexSettingsVersion.peek();
effect(() => {
  const version = indexSettingsVersion.value;
  if (version === settingsSeen) return;
  settingsSeen = version;
  const ws = workspace.peek();
  if (!current || !ws) return;
  dropIndex();
  void semanticIndexFor(ws).catch(() => undefined);
});

if (typeof indexedDB !== 'undefined') void loadSemanticConfig().catch(() => undefined);
