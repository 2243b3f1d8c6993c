import { computed, effect, signal } from '@preact/signals';
import { preloadTokenCounter } from '../engine/token-counter';
import { modelRoute } from '../providers/caps';
import { loadedModel, localModels } from './models';
import type { ChatTarget } from './chat-targets';
import { caps, providers } from './providers';

/** The chat's model picker, read from caps: the loaded local model, then providers' chat models. */

export type PickerEntry = ChatTarget & { id: string };

const providerTargets = computed<PickerEntry[]>(() => {
  const merged = caps.value;
  const out: PickerEntry[] = [];
  for (const key of Object.keys(merged.chat_models)) {
    const route = modelRoute(merged, key);
    if (!route || route.provider === 'local') continue;
    const name = providers.value.find((p) => p.id === route.provider)?.name ?? route.provider;
    out.push({ id: key, kind: 'provider', providerId: route.provider, model: route.model, label: `${route.model} (${name})` });
  }
  return out;
});

const chosen = signal<string | null>(null);

export const chatTargets = computed<PickerEntry[]>(() => {
  const out: PickerEntry[] = [];
  const loaded = loadedModel.value;
  if (loaded) {
    const info = localModels.value.find((m) => m.id === loaded.modelId);
    out.push({ id: loaded.modelId, kind: 'local', model: loaded.modelId, label: `${info?.label ?? loaded.modelId} (local)` });
  }
  return [...out, ...providerTargets.value];
});

export const selectedTarget = computed<PickerEntry | null>(() => {
  const list = chatTargets.value;
  const wanted = chosen.value ?? caps.value.chat_default_model;
  return list.find((t) => t.id === wanted) ?? list[0] ?? null;
});

export function selectTarget(id: string): void {
  chosen.value = id;
}

/** Runs `task` when the page is idle (within a second), so a preload never competes with rendering the chat. */
function whenIdle(task: () => void): void {
  if (typeof requestIdleCallback === 'function') requestIdleCallback(task, { timeout: 1000 });
  else setTimeout(task, 0);
}

// A provider model's budget is counted with tiktoken, whose tables take a
// while to load: load them when the model is picked (or picked by default),
// not on the first send.
effect(() => {
  const target = selectedTarget.value;
  if (target?.kind !== 'provider') return;
  const { model } = target;
  whenIdle(() => void preloadTokenCounter(model));
});
