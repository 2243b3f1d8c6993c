import { isRecord } from './errors';
import { ProviderError, type Caps, type ChatModelCaps, type CompletionModelCaps } from './types';

/**
 * Refact's caps JSON, read defensively. Servers answer in one of two shapes:
 *
 * - the self-hosted server's /refact-caps:
 *   `{cloud_name, chat: {endpoint, models, default_model}, completion: {…}, embedding: {…}, caps_version}`
 * - the flat one of refact-lsp's /v1/caps and older servers:
 *   `{chat_models | code_chat_models, completion_models | code_completion_models,
 *     chat_default_model | code_chat_default_model, chat_endpoint | endpoint_chat_passthrough,
 *     completion_endpoint | endpoint_template, embedding_model, models_dict_patch, …}`
 *
 * Model names stay as the server names them; caps.ts namespaces them.
 * Endpoints may be relative (resolved against the caps URL, as Refact does)
 * and may contain `$MODEL`. An endpoint on another origin than the server the
 * user entered is refused (the key would go there), with a warning.
 */

export interface RefactServerCaps {
  /** e.g. "Refact Self-Hosted". */
  cloudName: string;
  /** Where the caps came from. */
  capsUrl: string;
  /** Increases when the server's configuration changes. */
  capsVersion: number;
  caps: Caps;
  /** Absolute chat URL (may contain `$MODEL`). */
  chatEndpoint: string;
  /** Absolute completion URL (may contain `$MODEL`). */
  completionEndpoint: string;
  /** What was odd in the caps and how it was handled. */
  warnings: string[];
}

const DEFAULT_CHAT_N_CTX = 8192;
/** Refact's default_code_completion_n_ctx. */
const DEFAULT_COMPLETION_N_CTX = 2048;

/**
 * Parses caps fetched from `capsUrl` of the server at `baseUrl` (the URL the
 * user entered, without /v1). Throws ProviderError 'protocol' when the JSON
 * is not caps at all.
 */
export function parseRefactCaps(json: unknown, where: { capsUrl: string; baseUrl: string }): RefactServerCaps {
  if (!isRecord(json)) {
    throw new ProviderError('protocol', `${where.capsUrl} did not return Refact caps (expected a JSON object)`);
  }
  const warnings: string[] = [];
  const endpoints = new EndpointResolver(where, warnings);
  if (isRecord(json.chat) || isRecord(json.completion)) return parseSelfHosted(json, where, endpoints, warnings);
  const flatKeys = ['chat_models', 'code_chat_models', 'completion_models', 'code_completion_models', 'endpoint_chat_passthrough', 'chat_endpoint'];
  if (flatKeys.some((k) => k in json)) return parseFlat(json, where, endpoints, warnings);
  throw new ProviderError(
    'protocol',
    `${where.capsUrl} did not return Refact caps (no "chat" or "chat_models" field); is this a Refact server?`,
  );
}

function parseSelfHosted(
  json: Record<string, unknown>,
  where: { capsUrl: string },
  endpoints: EndpointResolver,
  warnings: string[],
): RefactServerCaps {
  const chat = isRecord(json.chat) ? json.chat : {};
  const completion = isRecord(json.completion) ? json.completion : {};
  const embedding = isRecord(json.embedding) ? json.embedding : {};
  const chatModels = readModels(chat.models, 'chat.models', warnings, chatModelCaps);
  const completionModels = readModels(completion.models, 'completion.models', warnings, completionModelCaps);
  return {
    cloudName: stringOr(json.cloud_name, 'Refact'),
    capsUrl: where.capsUrl,
    capsVersion: numberOr(json.caps_version, 0),
    caps: {
      chat_models: chatModels,
      completion_models: completionModels,
      embedding_model: stringOr(embedding.default_model, ''),
      chat_default_model: pickDefault(chat.default_model, chatModels, 'chat', warnings),
      completion_default_model: pickDefault(completion.default_model, completionModels, 'completion', warnings),
    },
    chatEndpoint: endpoints.resolve(chat.endpoint, 'chat', '/v1/chat/completions'),
    completionEndpoint: endpoints.resolve(completion.endpoint, 'completion', '/v1/completions'),
    warnings,
  };
}

function parseFlat(
  json: Record<string, unknown>,
  where: { capsUrl: string },
  endpoints: EndpointResolver,
  warnings: string[],
): RefactServerCaps {
  const chatField = 'chat_models' in json ? 'chat_models' : 'code_chat_models';
  const completionField = 'completion_models' in json ? 'completion_models' : 'code_completion_models';
  const patch = isRecord(json.models_dict_patch) ? json.models_dict_patch : {};
  const chatModels = readModels(json[chatField], chatField, warnings, chatModelCaps, patch);
  const completionModels = readModels(json[completionField], completionField, warnings, completionModelCaps, patch);
  const embedding = isRecord(json.embedding_model) ? json.embedding_model.name : json.embedding_model;
  return {
    cloudName: stringOr(json.cloud_name, 'Refact'),
    capsUrl: where.capsUrl,
    capsVersion: numberOr(json.caps_version, 0),
    caps: {
      chat_models: chatModels,
      completion_models: completionModels,
      embedding_model: stringOr(embedding, stringOr(json.default_embeddings_model, '')),
      chat_default_model: pickDefault(
        firstDefined(json.chat_default_model, json.code_chat_default_model, json.chat_model),
        chatModels,
        'chat',
        warnings,
      ),
      completion_default_model: pickDefault(
        firstDefined(json.completion_default_model, json.code_completion_default_model, json.completion_model),
        completionModels,
        'completion',
        warnings,
      ),
    },
    chatEndpoint: endpoints.resolve(firstDefined(json.chat_endpoint, json.endpoint_chat_passthrough), 'chat', '/v1/chat/completions'),
    completionEndpoint: endpoints.resolve(
      firstDefined(json.completion_endpoint, json.endpoint_template),
      'completion',
      '/v1/completions',
    ),
    warnings,
  };
}

type ModelReader<T> = (name: string, raw: Record<string, unknown>, warnings: string[], where: string) => T;

function readModels<T>(
  value: unknown,
  field: string,
  warnings: string[],
  read: ModelReader<T>,
  patch: Record<string, unknown> = {},
): Record<string, T> {
  const out: Record<string, T> = {};
  if (value === undefined || value === null) return out;
  if (!isRecord(value)) {
    warnings.push(`caps field ${field} is not a map of models; ignored`);
    return out;
  }
  for (const [name, raw] of Object.entries(value)) {
    if (!isRecord(raw)) {
      warnings.push(`caps model ${field}["${name}"] is not an object; skipped`);
      continue;
    }
    if (raw.enabled === false) continue;
    const patched = isRecord(patch[name]) ? { ...raw, ...patch[name] } : raw;
    out[name] = read(name, patched, warnings, `${field}["${name}"]`);
  }
  return out;
}

const chatModelCaps: ModelReader<ChatModelCaps> = (_name, raw, warnings, where) => {
  const caps: ChatModelCaps = {
    n_ctx: positiveInt(raw.n_ctx, DEFAULT_CHAT_N_CTX, where, warnings),
    supports_tools: raw.supports_tools === true,
    supports_agent: raw.supports_agent === true,
    supports_multimodality: raw.supports_multimodality === true,
  };
  if (typeof raw.default_temperature === 'number' && Number.isFinite(raw.default_temperature)) {
    caps.default_temperature = raw.default_temperature;
  }
  return caps;
};

const completionModelCaps: ModelReader<CompletionModelCaps> = (_name, raw, warnings, where) => ({
  n_ctx: positiveInt(raw.n_ctx, DEFAULT_COMPLETION_N_CTX, where, warnings),
});

function positiveInt(value: unknown, fallback: number, where: string, warnings: string[]): number {
  if (typeof value === 'number' && Number.isInteger(value) && value > 0) return value;
  warnings.push(`caps model ${where} has no valid n_ctx; assuming ${fallback}`);
  return fallback;
}

/** The server's default if it names a listed model, else the first listed one, else ''. */
function pickDefault(named: unknown, models: Record<string, unknown>, what: string, warnings: string[]): string {
  if (typeof named === 'string' && named in models) return named;
  const first = Object.keys(models)[0] ?? '';
  if (typeof named === 'string' && named !== '') {
    warnings.push(`caps default ${what} model "${named}" is not among its ${what} models; using ${first ? `"${first}"` : 'none'}`);
  }
  return first;
}

/** Resolves endpoint templates like Refact (relative to the caps URL), keeping them on the server's origin. */
class EndpointResolver {
  constructor(
    private readonly where: { capsUrl: string; baseUrl: string },
    private readonly warnings: string[],
  ) {}

  resolve(value: unknown, what: string, defaultPath: string): string {
    const fallback = `${this.where.baseUrl}${defaultPath}`;
    if (typeof value !== 'string' || value.trim() === '') return fallback;
    let url: URL;
    try {
      // `$MODEL` survives URL resolution only unescaped; protect it.
      url = new URL(value.trim().replaceAll('$MODEL', '__REFACT_MODEL__'), this.where.capsUrl);
    } catch {
      this.warnings.push(`caps ${what} endpoint "${value}" is not a URL; using ${fallback}`);
      return fallback;
    }
    if (url.origin !== new URL(this.where.baseUrl).origin) {
      this.warnings.push(
        `caps point the ${what} endpoint at another host (${url.origin}); using ${fallback} so requests and the key go only to the server you entered`,
      );
      return fallback;
    }
    return url.href.replaceAll('__REFACT_MODEL__', '$MODEL');
  }
}

function stringOr(value: unknown, fallback: string): string {
  return typeof value === 'string' && value !== '' ? value : fallback;
}

function numberOr(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

function firstDefined(...values: unknown[]): unknown {
  return values.find((v) => typeof v === 'string' && v !== '');
}
