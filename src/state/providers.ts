import { computed, signal } from '@preact/signals';
import { localCaps, mergeCaps } from '../providers/caps';
import {
  defaultChatModel,
  presetForKind,
  providerIdProblem,
  slugProviderId,
  type ProviderConfig,
} from '../providers/config';
import { createProvider, loadProviderCaps, type RemoteProvider } from '../providers/from-config';
import { parseProvidersYaml, providersYamlFileName, toProvidersYaml } from '../providers/providers-yaml';
import type { Caps } from '../providers/types';
import { getSetting, setSetting } from '../storage/db';
import { downloadBlob } from '../workspace/zip-export';
import { defaults, localModels } from './models';

/**
 * Remote providers the user configured (keys stay in this browser's
 * IndexedDB), their fetched caps, and the merged caps the model picker reads.
 * Nothing is contacted until the user adds a provider or asks for its models.
 */

export const providers = signal<ProviderConfig[]>([]);
/** Caps served by Refact servers, by provider id. */
const serverCaps = signal<ReadonlyMap<string, Caps>>(new Map());
export const providerErrors = signal<ReadonlyMap<string, string>>(new Map());
export const providersBusy = signal(false);

export const caps = computed<Caps>(() =>
  mergeCaps(
    localCaps(localModels.value),
    providers.value.map((config) => ({ config, caps: serverCaps.value.get(config.id) })),
    { chatDefaultModel: defaults.value.chat ?? undefined, completionDefaultModel: defaults.value.completion ?? undefined },
  ),
);

const live = new Map<string, { config: ProviderConfig; provider: RemoteProvider }>();

export async function providerFor(id: string): Promise<RemoteProvider | undefined> {
  const config = providers.value.find((p) => p.id === id && p.enabled);
  if (!config) return undefined;
  const cached = live.get(id);
  if (cached?.config === config) return cached.provider;
  const provider = createProvider(config);
  live.set(id, { config, provider });
  return provider;
}

let loaded = false;
export async function initProviders(): Promise<void> {
  if (loaded) return;
  loaded = true;
  providers.value = await getSetting<ProviderConfig[]>('providers', []);
  // Refact servers publish their models as caps; fetch them for the picker.
  await Promise.all(providers.value.filter((p) => p.kind === 'refact' && p.enabled).map((p) => refreshProviderModels(p.id)));
}

async function save(next: ProviderConfig[]): Promise<void> {
  providers.value = next;
  await setSetting('providers', next);
}

function setError(id: string, message: string | null): void {
  const next = new Map(providerErrors.value);
  if (message) next.set(id, message);
  else next.delete(id);
  providerErrors.value = next;
}

const describe = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** Adds (or replaces by id) a provider, then asks it for its models. */
export async function addProvider(config: ProviderConfig): Promise<string | null> {
  const problem = providerIdProblem(config.id);
  if (problem) return problem;
  if (!/^https?:\/\//.test(config.baseUrl)) return `"${config.baseUrl}" is not an http(s) URL`;
  await save([...providers.value.filter((p) => p.id !== config.id), config]);
  await refreshProviderModels(config.id);
  return null;
}

export function uniqueProviderId(name: string): string {
  const base = slugProviderId(name) || 'provider';
  let id = base;
  for (let i = 2; providers.value.some((p) => p.id === id); i++) id = `${base}-${i}`;
  return id;
}

export async function removeProvider(id: string): Promise<void> {
  live.delete(id);
  setError(id, null);
  await save(providers.value.filter((p) => p.id !== id));
}

export async function setProviderEnabled(id: string, enabled: boolean): Promise<void> {
  await save(providers.value.map((p) => (p.id === id ? { ...p, enabled } : p)));
}

export async function addProviderModel(id: string, model: string, nCtx: number): Promise<void> {
  await save(
    providers.value.map((p) =>
      p.id === id ? { ...p, chatModels: { ...p.chatModels, [model]: defaultChatModel(nCtx) } } : p,
    ),
  );
}

/** Refact servers: their caps. OpenAI-compatible: GET /models, kept in the config. */
export async function refreshProviderModels(id: string): Promise<void> {
  const provider = await providerFor(id);
  const config = providers.value.find((p) => p.id === id);
  if (!provider || !config) return;
  providersBusy.value = true;
  try {
    if (provider.kind === 'refact') {
      const fetched = await loadProviderCaps(provider);
      if (fetched) serverCaps.value = new Map(serverCaps.value).set(id, fetched);
    } else {
      const listed = await provider.listModels();
      const chatModels = { ...config.chatModels };
      for (const m of listed) chatModels[m.id] ??= defaultChatModel(m.contextWindow ?? 8192);
      await save(providers.value.map((p) => (p.id === id ? { ...p, chatModels } : p)));
    }
    setError(id, null);
  } catch (err) {
    setError(id, `${describe(err)} ${presetForKind(config.kind).corsHint}`);
  } finally {
    providersBusy.value = false;
  }
}

export async function importProvidersYaml(file: File): Promise<string | null> {
  const result = parseProvidersYaml(await file.text(), file.name);
  if (!result.ok) return result.errors.join('\n');
  return addProvider(result.config);
}

export function exportProvidersYaml(id: string): void {
  const config = providers.value.find((p) => p.id === id);
  if (!config) return;
  const text = toProvidersYaml(config, { includeApiKey: false });
  downloadBlob(new Blob([text], { type: 'application/yaml' }), providersYamlFileName(config));
}
