import { computed, signal } from '@preact/signals';
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
