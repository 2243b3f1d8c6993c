import { computed, signal } from '@preact/signals';
import type { CompletionBackend } from '../completion/backend';
import type { FimFamily } from '../inference/fim';
import { LOCAL_PROVIDER, localCaps, mergeCaps } from '../providers/caps';
import {
  defaultChatModel,
  defaultCompletionModel,
  presetForKind,
  providerIdProblem,
  slugProviderId,
  type CompletionModelConfig,
  type ProviderConfig,
} from '../providers/config';
import { createProvider, loadProviderCaps, type RemoteProvider } from '../providers/from-config';
import { parseProvidersYaml, providersYamlFileName, toProvidersYaml } from '../providers/providers-yaml';
import type { Caps } from '../providers/types';
import { getSetting, setSetting } from '../storage/db';
import { downloadBlob } from '../workspace/zip-export';
import { defaults, localModels, setDefaultModel } from './models';

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

let configsLoading: Promise<void> | undefined;
/** The stored configs, read once; callers that only need configs need not wait for any server. */
function loadConfigs(): Promise<void> {
  configsLoading ??= getSetting<ProviderConfig[]>('providers', []).then((stored) => {
    providers.value = stored;
  });
  return configsLoading;
}

let initializing: Promise<void> | undefined;
export function initProviders(): Promise<void> {
  initializing ??= (async () => {
    await loadConfigs();
    // Refact servers publish their models as caps; fetch them for the picker.
    await Promise.all(providers.value.filter((p) => p.kind === 'refact' && p.enabled).map((p) => refreshProviderModels(p.id)));
  })();
  return initializing;
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
  if (defaults.value.completion?.startsWith(`${id}/`)) await setDefaultModel('completion', null);
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

function updateCompletionModels(
  id: string,
  change: (models: Record<string, CompletionModelConfig>) => Record<string, CompletionModelConfig>,
): Promise<void> {
  return save(providers.value.map((p) => (p.id === id ? { ...p, completionModels: change({ ...p.completionModels }) } : p)));
}

/** Adds a completion model by name; `fimFamily` for servers that take a raw FIM prompt (unset: guessed from the name). */
export async function addProviderCompletionModel(id: string, model: string, fimFamily?: FimFamily): Promise<void> {
  await updateCompletionModels(id, (models) => ({ ...models, [model]: defaultCompletionModel(fimFamily) }));
}

export async function removeProviderCompletionModel(id: string, model: string): Promise<void> {
  await updateCompletionModels(id, (models) => {
    delete models[model];
    return models;
  });
  if (defaults.value.completion === `${id}/${model}`) await setDefaultModel('completion', null);
}

/** Sets (or, with undefined, clears back to the name's guess) the FIM format of a completion model. */
export async function setCompletionModelFimFamily(id: string, model: string, fimFamily: FimFamily | undefined): Promise<void> {
  await updateCompletionModels(id, (models) => {
    const current = models[model];
    if (!current) return models;
    const { fim_family: _old, ...rest } = current;
    return { ...models, [model]: fimFamily === undefined ? rest : { ...rest, fim_family: fimFamily } };
  });
}

/** A provider's completion models as the picker sees them (a Refact server's come from its caps). */
export function completionModelsOf(id: string): string[] {
  const prefix = `${id}/`;
  return Object.entries(caps.value.completion_models)
    .filter(([, m]) => m.provider === id)
    .map(([key]) => (key.startsWith(prefix) ? key.slice(prefix.length) : key));
}

export interface CompletionModelChoice {
  /** The caps key, as stored in `defaults.completion`. */
  key: string;
  label: string;
}

/** Every completion model in caps, local ones first, with names a person reads. */
export const completionModelChoices = computed<CompletionModelChoice[]>(() =>
  Object.entries(caps.value.completion_models).map(([key, m]) => ({ key, label: completionModelLabel(key, m.provider) })),
);

function completionModelLabel(key: string, provider: string | undefined): string {
  if (provider === undefined || provider === LOCAL_PROVIDER) {
    return `${localModels.value.find((m) => m.id === key)?.label ?? key} (local)`;
  }
  const name = providers.value.find((p) => p.id === provider)?.name ?? provider;
  return `${key.slice(provider.length + 1)} (${name})`;
}

const completionBackends = new Map<string, { config: ProviderConfig; backend: CompletionBackend }>();

/**
 * The backend for a provider's completion model (`<provider id>/<model>`), or
 * null for a local model (handled by the llm worker), an unknown or disabled
 * provider, or a model the provider does not list. Contacts nothing.
 */
export async function completionBackendFor(modelKey: string): Promise<CompletionBackend | null> {
  await loadConfigs();
  const slash = modelKey.indexOf('/');
  // Local keys ("webllm:…", "transformers:org/repo") never start with a provider id: ids have no ':'.
  const config = slash > 0 ? providers.value.find((p) => p.id === modelKey.slice(0, slash) && p.enabled) : undefined;
  const model = modelKey.slice(slash + 1);
  if (!config || !servesCompletionModel(config, model)) return null;
  const cached = completionBackends.get(modelKey);
  if (cached?.config === config) return cached.backend;
  // The backends (and the FIM prompt code) load with the first completion, not with the shell.
  const { createCompletionBackend } = await import('../providers/completion/from-config');
  const backend = createCompletionBackend(config, model);
  completionBackends.set(modelKey, { config, backend });
  return backend;
}

function servesCompletionModel(config: ProviderConfig, model: string): boolean {
  const own = Object.hasOwn(config.completionModels, model) ? config.completionModels[model] : undefined;
  if (own) return own.enabled;
  if (config.kind !== 'refact') return false;
  // A Refact server lists its models in caps; before they arrive, trust the key.
  const fetched = serverCaps.value.get(config.id);
  return fetched === undefined || Object.hasOwn(fetched.completion_models, model);
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
