/**
 * Code completion's switch and status, apart from the completion code
 * itself so the status bar can show them without loading it.
 */
import { signal } from '@preact/signals';
import { getSetting, setSetting } from '../storage/db';

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
