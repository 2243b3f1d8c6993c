/**
 * Code completion's switch and status, apart from the completion code
 * itself so the status bar can show them without loading it.
 */
import { computed, signal } from '@preact/signals';
import { LOCAL_PROVIDER } from '../providers/caps';
import { getSetting, setSetting } from '../storage/db';
import { defaults, loadedModel, localModels } from './models';
import { caps } from './providers';

export type CompletionState = 'idle' | 'off' | 'no-model' | 'loading' | 'ready' | 'busy' | 'error';

export interface CompletionStatus {
  state: CompletionState;
  /** The model's name as the user reads it. */
  label: string | null;
  /** Loading progress, an error, or why completion is paused, in words. */
  detail: string | null;
  /** The last answer's time from request to result, ms, and whether it came from the cache. */
  lastMs: number | null;
  lastCached: boolean;
  /** The last answer's model time (local engines), for the status bar's tooltip and the bench. */
  lastEngineMs?: number | null;
}


/** The user's switch: completion on or paused. */
export const completionEnabled = signal(true);
export const completionStatus = signal<CompletionStatus>({ state: 'idle', label: null, detail: null, lastMs: null, lastCached: false });

const ENABLED_SETTING = 'completion.enabled';

export async function loadCompletionEnabled(): Promise<void> {
  completionEnabled.value = await getSetting<boolean>(ENABLED_SETTING, true).catch(() => true);
}

export async function setCompletionEnabled(on: boolean): Promise<void> {
  completionEnabled.value = on;
  await setSetting(ENABLED_SETTING, on);
}

/**
 * The model completion uses: the one picked on the Models page, else (Automatic) one that is
 * ready without a download: the caps' default when it is a provider's model or a downloaded
 * local one, else the loaded chat model when it can fill in the middle, else a downloaded coder
 * model. A keystroke never starts a model download.
 */
export const completionModel = computed<string | null>(() => {
  const chosen = defaults.value.completion;
  if (chosen) return chosen;
  const locals = localModels.value.filter((m) => m.supportsFim && m.fit === 'fits');
  const ready = (key: string) =>
    caps.value.completion_models[key]?.provider !== LOCAL_PROVIDER ||
    key === loadedModel.value?.modelId ||
    locals.some((m) => m.id === key && m.cached === 'complete');
  const auto = caps.value.completion_default_model;
  if (auto && ready(auto)) return auto;
  const loaded = locals.find((m) => m.id === loadedModel.value?.modelId);
  return (loaded ?? locals.find((m) => m.cached === 'complete' && m.recommended) ?? locals.find((m) => m.cached === 'complete'))?.id ?? null;
});
