import type { ProviderConfig } from './config';
import type { Caps, ChatModelCaps, CompletionModelCaps } from './types';
import type { LocalModelInfo } from '../worker-api/llm';

/**
 * One Caps for the whole tab: the local engines' models plus every enabled
 * provider's, so the model picker and the chat see a single list.
 *
 * Naming: a provider's model is `<providerId>/<model name>` (e.g.
 * `ollama/qwen2.5-coder:7b`, `refact/qwen2.5/coder/1.5b/base`), so two
 * providers serving the same name do not clash; local models keep their
 * LocalModelInfo id (`webllm:…`, `transformers:…`), which cannot collide
 * because provider ids have no ':'. Every entry records where it runs in
 * `provider` ('local' or the provider id); `modelRoute` turns a key back into
 * (provider, the provider's own model name) without guessing at slashes.
 */

export const LOCAL_PROVIDER = 'local';

/** A provider's config and, when fetched (Refact servers), its caps with un-namespaced names. */
export interface ProviderCapsSource {
  config: ProviderConfig;
  caps?: Caps;
}

export interface CapsPreferences {
  /** The user's chosen chat model (a caps key). */
  chatDefaultModel?: string;
  /** The user's chosen completion model (a caps key). */
  completionDefaultModel?: string;
}

export function modelKey(providerId: string, model: string): string {
  return providerId === LOCAL_PROVIDER ? model : `${providerId}/${model}`;
}

/** Where a caps key runs and the name to send there; undefined when caps do not list it. */
export function modelRoute(caps: Caps, key: string): { provider: string; model: string } | undefined {
  const entry = caps.chat_models[key] ?? caps.completion_models[key];
  if (!entry) return undefined;
  const provider = entry.provider ?? LOCAL_PROVIDER;
  if (provider === LOCAL_PROVIDER) return { provider, model: key };
  const prefix = `${provider}/`;
  return { provider, model: key.startsWith(prefix) ? key.slice(prefix.length) : key };
}

/**
 * Caps for the local models that fit this device. The default chat model is
 * one already downloaded (recommended first), so choosing it costs nothing.
 */
export function localCaps(models: readonly LocalModelInfo[], embeddingModel = ''): Caps {
  const usable = models.filter((m) => m.fit === 'fits');
  const chat_models: Record<string, ChatModelCaps> = {};
  const completion_models: Record<string, CompletionModelCaps> = {};
  for (const m of usable) {
    chat_models[m.id] = {
      n_ctx: m.contextWindow,
      supports_tools: m.supportsTools,
      supports_agent: m.supportsTools,
      supports_multimodality: false,
      provider: LOCAL_PROVIDER,
    };
    if (m.supportsFim) completion_models[m.id] = { n_ctx: m.contextWindow, provider: LOCAL_PROVIDER };
  }
  const cached = usable.filter((m) => m.cached === 'complete');
  const pick = (list: LocalModelInfo[]) => (list.find((m) => m.recommended) ?? list[0])?.id ?? '';
  return {
    chat_models,
    completion_models,
    embedding_model: embeddingModel,
    chat_default_model: pick(cached),
    completion_default_model: pick(cached.filter((m) => m.supportsFim)),
  };
}

/**
 * Local caps plus each enabled provider's models (its fetched caps, with the
 * user's per-model settings from its config on top; models disabled there are
 * left out), namespaced as above.
 *
 * Defaults: the user's choice when it is still listed; else the first
 * provider (in the given order) that has models, with its own default (from
 * config, else its caps, else its first model), since adding a provider is an
 * explicit wish to use it; else the local default (a downloaded model); else
 * the first model listed; else ''.
 */
export function mergeCaps(local: Caps, providers: readonly ProviderCapsSource[], preferences: CapsPreferences = {}): Caps {
  const chat_models: Record<string, ChatModelCaps> = {};
  const completion_models: Record<string, CompletionModelCaps> = {};
  for (const [key, m] of Object.entries(local.chat_models)) chat_models[key] = { ...m, provider: m.provider ?? LOCAL_PROVIDER };
  for (const [key, m] of Object.entries(local.completion_models)) {
    completion_models[key] = { ...m, provider: m.provider ?? LOCAL_PROVIDER };
  }

  const providerChatDefaults: string[] = [];
  const providerCompletionDefaults: string[] = [];
  for (const { config, caps } of providers) {
    if (!config.enabled) continue;
    const chat = providerChatModels(config, caps);
    const completion = providerCompletionModels(config, caps);
    for (const [name, m] of Object.entries(chat)) chat_models[modelKey(config.id, name)] = { ...m, provider: config.id };
    for (const [name, m] of Object.entries(completion)) {
      completion_models[modelKey(config.id, name)] = { ...m, provider: config.id };
    }
    const chatDefault = ownDefault(config.chatDefaultModel, caps?.chat_default_model, chat);
    if (chatDefault) providerChatDefaults.push(modelKey(config.id, chatDefault));
    const completionDefault = ownDefault(config.completionDefaultModel, caps?.completion_default_model, completion);
    if (completionDefault) providerCompletionDefaults.push(modelKey(config.id, completionDefault));
  }

  return {
    chat_models,
    completion_models,
    embedding_model: local.embedding_model,
    chat_default_model: firstListed(chat_models, [
      preferences.chatDefaultModel,
      ...providerChatDefaults,
      local.chat_default_model,
      Object.keys(chat_models)[0],
    ]),
    completion_default_model: firstListed(completion_models, [
      preferences.completionDefaultModel,
      ...providerCompletionDefaults,
      local.completion_default_model,
      Object.keys(completion_models)[0],
    ]),
  };
}

function providerChatModels(config: ProviderConfig, caps: Caps | undefined): Record<string, ChatModelCaps> {
  const out: Record<string, ChatModelCaps> = { ...caps?.chat_models };
  for (const [name, m] of Object.entries(config.chatModels)) {
    if (!m.enabled) {
      delete out[name];
      continue;
    }
    const model: ChatModelCaps = {
      ...out[name],
      n_ctx: m.n_ctx,
      supports_tools: m.supports_tools,
      supports_agent: m.supports_agent,
      supports_multimodality: m.supports_multimodality,
    };
    if (m.default_temperature !== null) model.default_temperature = m.default_temperature;
    out[name] = model;
  }
  return out;
}

function providerCompletionModels(config: ProviderConfig, caps: Caps | undefined): Record<string, CompletionModelCaps> {
  const out: Record<string, CompletionModelCaps> = { ...caps?.completion_models };
  for (const [name, m] of Object.entries(config.completionModels)) {
    if (!m.enabled) delete out[name];
    else out[name] = { ...out[name], n_ctx: m.n_ctx };
  }
  return out;
}

function ownDefault(
  configured: string | undefined,
  fromCaps: string | undefined,
  models: Record<string, unknown>,
): string | undefined {
  return [configured, fromCaps, Object.keys(models)[0]].find((name) => name !== undefined && name in models);
}

function firstListed(models: Record<string, unknown>, candidates: (string | undefined)[]): string {
  return candidates.find((key) => key !== undefined && key !== '' && key in models) ?? '';
}
