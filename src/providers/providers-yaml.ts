import { Document, parseDocument } from 'yaml';
import {
  PROVIDER_PRESETS,
  chatEndpointOf,
  defaultChatModel,
  defaultCompletionEndpoint,
  providerIdProblem,
  slugProviderId,
  type ChatModelConfig,
  type CompletionModelConfig,
  type PresetId,
  type ProviderConfig,
  type ProviderKind,
} from './config';
import { FIM_FAMILIES, isFimFamily } from './completion/fim-family';
import { isRecord } from './errors';

export type { ProviderConfig } from './config';

/**
 * Refact's providers.d files (~/.config/refact/providers.d/<name>.yaml), in
 * and out. As in Refact, the provider's name is the file name's stem.
 *
 *   api_key: sk-…
 *   chat_endpoint: https://api.example.com/v1/chat/completions
 *   completion_endpoint: https://api.example.com/v1/completions
 *   enabled: true
 *   chat_models:
 *     my-model: { n_ctx: 128000, supports_tools: true, supports_agent: true, default_temperature: 0.3, enabled: true }
 *   completion_models: {}
 *
 * Fields we do not use (embedding_model, running_models, per-model
 * scratchpads, …) are kept and written back, so a file survives a round trip.
 */

export type ProvidersYamlResult =
  | { ok: true; config: ProviderConfig; warnings: string[] }
  | { ok: false; errors: string[] };

const DEFAULT_N_CTX = 8192;

/** Top-level fields Refact knows and we keep without using. */
const KNOWN_UNUSED_FIELDS = new Set([
  'embedding_endpoint',
  'embedding_model',
  'default_embeddings_model',
  'endpoint_style',
  'tokenizer_api_key',
  'supports_completion',
  'running_models',
  'model_defaults',
  'model_default_settings_ui',
  'chat_thinking_model',
  'chat_light_model',
  'multiline_code_completion_default_model',
  'code_completion_n_ctx',
  'support_metadata',
  'models_dict_patch',
  'name',
  'cloud_name',
]);

const CHAT_DEFAULT_KEYS = ['chat_default_model', 'code_chat_default_model', 'chat_model'];
const COMPLETION_DEFAULT_KEYS = ['completion_default_model', 'code_completion_default_model', 'completion_model'];
const CONSUMED_FIELDS = new Set([
  'api_key',
  'chat_endpoint',
  'completion_endpoint',
  'enabled',
  'chat_models',
  'completion_models',
  ...CHAT_DEFAULT_KEYS,
  ...COMPLETION_DEFAULT_KEYS,
]);

/** Per-model fields Refact knows and we keep without using. */
const KNOWN_UNUSED_MODEL_FIELDS = new Set([
  'name',
  'supports_clicks',
  'supports_reasoning',
  'supports_boost_reasoning',
  'scratchpad',
  'scratchpad_patch',
  'similar_models',
  'experimental',
  'model_family',
  'endpoint',
  'api_key',
  'tokenizer_api_key',
  'support_metadata',
]);

const KIND_BY_STEM: Record<string, ProviderKind> = {
  ollama: 'ollama',
  lmstudio: 'lmstudio',
  vllm: 'vllm',
  refact: 'refact',
  refact_self_hosted: 'refact',
  llamacpp: 'llamacpp',
  llama_cpp: 'llamacpp',
};

interface Context {
  file: string;
  errors: string[];
  warnings: string[];
}

/** Reads one providers.d file. `fileName` gives the provider id (its stem), as in Refact. */
export function parseProvidersYaml(text: string, fileName: string): ProvidersYamlResult {
  const file = baseName(fileName);
  const ctx: Context = { file, errors: [], warnings: [] };
  const stem = file.replace(/\.(ya?ml)$/i, '');
  const id = slugProviderId(stem);
  const idProblem = providerIdProblem(id);
  if (idProblem) return { ok: false, errors: [`${file}: the file name gives the provider id; ${idProblem}`] };

  const doc = parseDocument(text);
  if (doc.errors.length > 0) {
    return { ok: false, errors: doc.errors.map((e) => `${file}:${e.linePos?.[0]?.line ?? '?'}: ${firstLine(e.message)}`) };
  }
  const root: unknown = doc.toJS();
  if (root === null || root === undefined) return { ok: false, errors: [`${file}: the file is empty`] };
  if (!isRecord(root)) return { ok: false, errors: [`${file}: expected fields (api_key, chat_endpoint, …), got ${describe(root)}`] };

  const kind = KIND_BY_STEM[id] ?? 'openai-compatible';
  const preset = presetFor(id);
  const apiKey = optionalString(root, 'api_key', ctx) ?? '';
  if (apiKey.startsWith('$')) {
    ctx.warnings.push(`${file}: api_key "${apiKey}" names an environment variable, which a browser cannot read; enter the key itself`);
  }
  const enabled = optionalBoolean(root, 'enabled', ctx) ?? true;

  let chatEndpoint = optionalString(root, 'chat_endpoint', ctx);
  if (!chatEndpoint && preset) chatEndpoint = preset.kind === 'refact' ? `${preset.baseUrl}/v1/chat/completions` : `${preset.baseUrl}/chat/completions`;
  if (chatEndpoint === undefined) {
    if (!('chat_endpoint' in root)) {
      ctx.errors.push(`${file}: chat_endpoint is missing (e.g. chat_endpoint: https://api.example.com/v1/chat/completions)`);
    }
  } else if (chatEndpoint === '') {
    ctx.errors.push(`${file}: chat_endpoint is empty (e.g. chat_endpoint: https://api.example.com/v1/chat/completions)`);
  } else if (!isHttpUrl(chatEndpoint)) {
    ctx.errors.push(`${file}: chat_endpoint must be an http:// or https:// URL, got "${chatEndpoint}"`);
  }
  const completionEndpoint = optionalString(root, 'completion_endpoint', ctx);
  if (completionEndpoint && !isHttpUrl(completionEndpoint)) {
    ctx.errors.push(`${file}: completion_endpoint must be an http:// or https:// URL, got "${completionEndpoint}"`);
  }

  const chatModels = parseModelMap(root.chat_models, 'chat_models', ctx, parseChatModel);
  const completionModels = parseModelMap(root.completion_models, 'completion_models', ctx, parseCompletionModel);
  const chatDefaultModel = firstString(root, CHAT_DEFAULT_KEYS, ctx);
  const completionDefaultModel = firstString(root, COMPLETION_DEFAULT_KEYS, ctx);
  if (chatDefaultModel && !(chatDefaultModel in chatModels)) {
    ctx.warnings.push(`${file}: chat_default_model "${chatDefaultModel}" is not among chat_models`);
  }
  if (completionDefaultModel && !(completionDefaultModel in completionModels)) {
    ctx.warnings.push(`${file}: completion_default_model "${completionDefaultModel}" is not among completion_models`);
  }

  const yamlExtras: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(root)) {
    if (CONSUMED_FIELDS.has(key)) continue;
    if (!KNOWN_UNUSED_FIELDS.has(key)) ctx.warnings.push(`${file}: unknown field "${key}" kept as it is`);
    yamlExtras[key] = value;
  }

  if (ctx.errors.length > 0 || chatEndpoint === undefined || chatEndpoint === '') {
    return { ok: false, errors: ctx.errors };
  }
  const { baseUrl, explicit } = baseFromChatEndpoint(kind, chatEndpoint);
  const config: ProviderConfig = {
    id,
    name: preset?.name ?? stem,
    kind,
    baseUrl,
    apiKey,
    chatModels,
    completionModels,
    enabled,
  };
  if (explicit) config.chatEndpoint = chatEndpoint;
  if (completionEndpoint && completionEndpoint !== defaultCompletionEndpoint(kind, baseUrl)) {
    config.completionEndpoint = completionEndpoint;
  }
  if (chatDefaultModel) config.chatDefaultModel = chatDefaultModel;
  if (completionDefaultModel) config.completionDefaultModel = completionDefaultModel;
  if (Object.keys(yamlExtras).length > 0) config.yamlExtras = yamlExtras;
  return { ok: true, config, warnings: ctx.warnings };
}

/** The file name Refact expects for a config: the stem is the provider's name. */
export function providersYamlFileName(config: Pick<ProviderConfig, 'id'>): string {
  return `${config.id}.yaml`;
}

/** A providers.d file for `config`. The API key is included unless `includeApiKey` is false. */
export function toProvidersYaml(config: ProviderConfig, options: { includeApiKey?: boolean } = {}): string {
  const out: Record<string, unknown> = {};
  if ((options.includeApiKey ?? true) && config.apiKey) out.api_key = config.apiKey;
  out.chat_endpoint = chatEndpointOf(config);
  if (config.completionEndpoint) out.completion_endpoint = config.completionEndpoint;
  else if (Object.keys(config.completionModels).length > 0) {
    out.completion_endpoint = defaultCompletionEndpoint(config.kind, config.baseUrl);
  }
  out.enabled = config.enabled;
  if (config.chatDefaultModel) out.chat_default_model = config.chatDefaultModel;
  if (config.completionDefaultModel) out.completion_default_model = config.completionDefaultModel;
  out.chat_models = mapValues(config.chatModels, chatModelYaml);
  out.completion_models = mapValues(config.completionModels, completionModelYaml);
  for (const [key, value] of Object.entries(config.yamlExtras ?? {})) {
    if (!(key in out) && !CONSUMED_FIELDS.has(key)) out[key] = value;
  }
  const doc = new Document(out);
  doc.commentBefore = ` ${config.name}: exported from Refact in a tab.\n Save as ~/.config/refact/providers.d/${providersYamlFileName(config)} (the file name is the provider's name).`;
  return doc.toString({ lineWidth: 0 });
}

function chatModelYaml(m: ChatModelConfig): Record<string, unknown> {
  const out: Record<string, unknown> = {
    n_ctx: m.n_ctx,
    supports_tools: m.supports_tools,
    supports_agent: m.supports_agent,
  };
  if (m.supports_multimodality) out.supports_multimodality = true;
  if (m.default_temperature !== null) out.default_temperature = m.default_temperature;
  out.enabled = m.enabled;
  if (m.tokenizer !== undefined) out.tokenizer = m.tokenizer;
  return withExtras(out, m.extra);
}

/** Our fields first, then the imported extras; ours win a clash. */
function withExtras(out: Record<string, unknown>, extra: Record<string, unknown> | undefined): Record<string, unknown> {
  return { ...out, ...extra, ...out };
}

function completionModelYaml(m: CompletionModelConfig): Record<string, unknown> {
  const out: Record<string, unknown> = { n_ctx: m.n_ctx, enabled: m.enabled };
  // Ours, not Refact's: which FIM tokens the tab writes for this model.
  if (m.fim_family !== undefined) out.fim_family = m.fim_family;
  if (m.tokenizer !== undefined) out.tokenizer = m.tokenizer;
  return withExtras(out, m.extra);
}

type ModelParser<T> = (record: Record<string, unknown>, path: string, ctx: Context) => T;

function parseModelMap<T>(value: unknown, field: string, ctx: Context, parse: ModelParser<T>): Record<string, T> {
  const out: Record<string, T> = {};
  if (value === undefined || value === null) return out;
  if (!isRecord(value)) {
    ctx.errors.push(`${ctx.file}: ${field} must map model names to their settings, got ${describe(value)}`);
    return out;
  }
  for (const [name, settings] of Object.entries(value)) {
    const path = `${field}[${JSON.stringify(name)}]`;
    if (name.trim() === '') {
      ctx.errors.push(`${ctx.file}: ${field} has a model with an empty name`);
      continue;
    }
    if (settings !== null && !isRecord(settings)) {
      ctx.errors.push(`${ctx.file}: ${path} must be a map of settings (n_ctx, …), got ${describe(settings)}`);
      continue;
    }
    out[name] = parse(settings ?? {}, path, ctx);
  }
  return out;
}

const CHAT_MODEL_FIELDS = new Set([
  'n_ctx',
  'supports_tools',
  'supports_agent',
  'supports_multimodality',
  'default_temperature',
  'enabled',
  'tokenizer',
]);
const COMPLETION_MODEL_FIELDS = new Set(['n_ctx', 'enabled', 'tokenizer', 'fim_family']);

function parseChatModel(record: Record<string, unknown>, path: string, ctx: Context): ChatModelConfig {
  const model = defaultChatModel(nCtx(record, path, ctx));
  model.supports_tools = optionalBoolean(record, 'supports_tools', ctx, path) ?? false;
  model.supports_agent = optionalBoolean(record, 'supports_agent', ctx, path) ?? false;
  model.supports_multimodality = optionalBoolean(record, 'supports_multimodality', ctx, path) ?? false;
  model.enabled = optionalBoolean(record, 'enabled', ctx, path) ?? true;
  const t = record.default_temperature;
  if (t !== undefined && t !== null) {
    if (typeof t === 'number' && Number.isFinite(t) && t >= 0 && t <= 2) model.default_temperature = t;
    else ctx.errors.push(`${ctx.file}: ${path}.default_temperature must be a number from 0 to 2, got ${describe(t)}`);
  }
  const tokenizer = optionalString(record, 'tokenizer', ctx, path);
  if (tokenizer !== undefined) model.tokenizer = tokenizer;
  const extra = extras(record, CHAT_MODEL_FIELDS, path, ctx);
  if (extra) model.extra = extra;
  return model;
}

function parseCompletionModel(record: Record<string, unknown>, path: string, ctx: Context): CompletionModelConfig {
  const model: CompletionModelConfig = {
    n_ctx: nCtx(record, path, ctx),
    enabled: optionalBoolean(record, 'enabled', ctx, path) ?? true,
  };
  const tokenizer = optionalString(record, 'tokenizer', ctx, path);
  if (tokenizer !== undefined) model.tokenizer = tokenizer;
  const fimFamily = optionalString(record, 'fim_family', ctx, path);
  if (fimFamily !== undefined && isFimFamily(fimFamily)) model.fim_family = fimFamily;
  else if (fimFamily !== undefined) {
    ctx.errors.push(`${ctx.file}: ${path}.fim_family must be one of ${FIM_FAMILIES.join(', ')}, got "${fimFamily}"`);
  }
  const extra = extras(record, COMPLETION_MODEL_FIELDS, path, ctx);
  if (extra) model.extra = extra;
  return model;
}

function nCtx(record: Record<string, unknown>, path: string, ctx: Context): number {
  const v = record.n_ctx;
  if (v === undefined || v === null) {
    ctx.warnings.push(`${ctx.file}: ${path}.n_ctx is missing; assuming ${DEFAULT_N_CTX} tokens`);
    return DEFAULT_N_CTX;
  }
  if (typeof v === 'number' && Number.isInteger(v) && v > 0) return v;
  ctx.errors.push(`${ctx.file}: ${path}.n_ctx must be a positive whole number of tokens, got ${describe(v)}`);
  return DEFAULT_N_CTX;
}

function extras(
  record: Record<string, unknown>,
  used: Set<string>,
  path: string,
  ctx: Context,
): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) {
    if (used.has(key)) continue;
    if (!KNOWN_UNUSED_MODEL_FIELDS.has(key)) ctx.warnings.push(`${ctx.file}: ${path} has an unknown field "${key}", kept as it is`);
    out[key] = value;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

function optionalString(record: Record<string, unknown>, key: string, ctx: Context, path?: string): string | undefined {
  const v = record[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v.trim();
  ctx.errors.push(`${ctx.file}: ${path ? `${path}.` : ''}${key} must be text, got ${describe(v)} (put it in quotes)`);
  return undefined;
}

function optionalBoolean(record: Record<string, unknown>, key: string, ctx: Context, path?: string): boolean | undefined {
  const v = record[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'boolean') return v;
  ctx.errors.push(`${ctx.file}: ${path ? `${path}.` : ''}${key} must be true or false, got ${describe(v)}`);
  return undefined;
}

function firstString(record: Record<string, unknown>, keys: string[], ctx: Context): string | undefined {
  for (const key of keys) {
    const v = optionalString(record, key, ctx);
    if (v) return v;
  }
  return undefined;
}

/** base URL from the chat endpoint; `explicit` when the endpoint is not the kind's default under it. */
function baseFromChatEndpoint(kind: ProviderKind, endpoint: string): { baseUrl: string; explicit: boolean } {
  const suffix = kind === 'refact' ? '/v1/chat/completions' : '/chat/completions';
  const trimmed = endpoint.replace(/\/+$/, '');
  if (trimmed.endsWith(suffix) && trimmed === endpoint) {
    return { baseUrl: trimmed.slice(0, -suffix.length), explicit: false };
  }
  const url = new URL(endpoint);
  return { baseUrl: `${url.origin}${url.pathname.replace(/\/[^/]*\/?$/, '')}`, explicit: true };
}

function presetFor(id: string): (typeof PROVIDER_PRESETS)[PresetId] | undefined {
  return Object.hasOwn(PROVIDER_PRESETS, id) ? PROVIDER_PRESETS[id as PresetId] : undefined;
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

function describe(value: unknown): string {
  if (value === null) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  if (typeof value === 'string') return JSON.stringify(value);
  return String(value);
}

function firstLine(message: string): string {
  return (message.split('\n')[0] ?? message).replace(/:\s*$/, '');
}

function baseName(fileName: string): string {
  return fileName.split(/[\\/]/).pop() ?? fileName;
}

function mapValues<A, B>(record: Record<string, A>, f: (a: A) => B): Record<string, B> {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, f(v)]));
}
