import type { FimFamily } from '../inference/fim';

/**
 * A configured remote provider as we store it (IndexedDB settings), and the
 * presets the "Add provider" form starts from. Presets are data only: nothing
 * is contacted until the user adds one.
 */

export type ProviderKind = 'openai-compatible' | 'refact' | 'ollama' | 'lmstudio' | 'vllm' | 'llamacpp';

/** A chat model's facts, in Refact's providers.d field names. */
export interface ChatModelConfig {
  n_ctx: number;
  supports_tools: boolean;
  supports_agent: boolean;
  supports_multimodality: boolean;
  default_temperature: number | null;
  enabled: boolean;
  /** Refact's tokenizer path or URL; kept for export, unused in the tab. */
  tokenizer?: string;
  /** Other fields from an imported file, written back on export. */
  extra?: Record<string, unknown>;
}

export interface CompletionModelConfig {
  n_ctx: number;
  enabled: boolean;
  /**
   * The model's fill-in-the-middle tokens, for servers that take a raw prompt
   * (OpenAI-compatible /completions). Unset: guessed from the model's name.
   */
  fim_family?: FimFamily;
  tokenizer?: string;
  extra?: Record<string, unknown>;
}

export interface ProviderConfig {
  /** Lowercase slug (a-z, 0-9, _ and -), unique; the caps namespace: `<id>/<model>`. */
  id: string;
  /** What the user reads. */
  name: string;
  kind: ProviderKind;
  /** OpenAI-style base (…/v1) for OpenAI-compatible kinds; the server root for 'refact'. */
  baseUrl: string;
  /** '' when the server needs none. */
  apiKey: string;
  /** Set only when it is not the kind's default under baseUrl. */
  chatEndpoint?: string;
  completionEndpoint?: string;
  chatModels: Record<string, ChatModelConfig>;
  completionModels: Record<string, CompletionModelConfig>;
  enabled: boolean;
  /** The provider's own default model names (not namespaced). */
  chatDefaultModel?: string;
  completionDefaultModel?: string;
  /** Top-level fields of an imported providers.d file that we do not use, written back on export. */
  yamlExtras?: Record<string, unknown>;
}

/** 'local' names the in-tab engines in caps; a provider may not take it. */
export const RESERVED_PROVIDER_IDS: readonly string[] = ['local'];

const PROVIDER_ID = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/** Why `id` cannot be a provider id, or undefined if it can. */
export function providerIdProblem(id: string): string | undefined {
  if (!PROVIDER_ID.test(id)) {
    return `"${id}" cannot be a provider id: use 1-64 lowercase letters, digits, "_" or "-", starting with a letter or digit`;
  }
  if (RESERVED_PROVIDER_IDS.includes(id)) return `"${id}" is reserved for the models running in this tab`;
  return undefined;
}

/** A provider id made from a free-form name ("My vLLM box" -> "my_vllm_box"), as Refact does. */
export function slugProviderId(name: string): string {
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '_')
    .replace(/^[_-]+|[_-]+$/g, '')
    .slice(0, 64);
  return slug;
}

/** The chat URL a config talks to. */
export function chatEndpointOf(config: Pick<ProviderConfig, 'kind' | 'baseUrl' | 'chatEndpoint'>): string {
  return config.chatEndpoint ?? defaultChatEndpoint(config.kind, config.baseUrl);
}

export function defaultChatEndpoint(kind: ProviderKind, baseUrl: string): string {
  return kind === 'refact' ? `${baseUrl}/v1/chat/completions` : `${baseUrl}/chat/completions`;
}

export function defaultCompletionEndpoint(kind: ProviderKind, baseUrl: string): string {
  return kind === 'refact' ? `${baseUrl}/v1/completions` : `${baseUrl}/completions`;
}

/** Refact's defaults for a chat model the user adds by name. */
export function defaultChatModel(n_ctx = 8192): ChatModelConfig {
  return {
    n_ctx,
    supports_tools: false,
    supports_agent: false,
    supports_multimodality: false,
    default_temperature: null,
    enabled: true,
  };
}

/** Refact's default_code_completion_n_ctx: the prompt budget of a completion model added by name. */
export const DEFAULT_COMPLETION_N_CTX = 2048;

/** Refact's defaults for a completion model the user adds by name. */
export function defaultCompletionModel(fimFamily?: FimFamily): CompletionModelConfig {
  return { n_ctx: DEFAULT_COMPLETION_N_CTX, enabled: true, ...(fimFamily !== undefined && { fim_family: fimFamily }) };
}

/** Kinds whose completions are a raw FIM prompt to OpenAI's /completions, so the model's FIM format must be known. */
export function takesRawFimPrompt(kind: ProviderKind): boolean {
  return kind === 'openai-compatible' || kind === 'vllm' || kind === 'lmstudio';
}

export type PresetId = 'ollama' | 'lmstudio' | 'vllm' | 'llamacpp' | 'openai' | 'refact';

export interface ProviderPreset {
  kind: ProviderKind;
  name: string;
  baseUrl: string;
  apiKeyRequired: boolean;
  /** What to do when the browser cannot reach it (CORS is the usual cause for local servers). */
  corsHint: string;
}

export const PROVIDER_PRESETS: Readonly<Record<PresetId, ProviderPreset>> = {
  ollama: {
    kind: 'ollama',
    name: 'Ollama',
    baseUrl: 'http://127.0.0.1:11434/v1',
    apiKeyRequired: false,
    corsHint:
      'Ollama accepts pages on localhost/127.0.0.1; for any other address start it with OLLAMA_ORIGINS set to this page\'s origin (e.g. OLLAMA_ORIGINS="https://app.example" ollama serve).',
  },
  lmstudio: {
    kind: 'lmstudio',
    name: 'LM Studio',
    baseUrl: 'http://127.0.0.1:1234/v1',
    apiKeyRequired: false,
    corsHint: 'Turn on "Enable CORS" in LM Studio\'s server settings (or run `lms server start --cors`).',
  },
  vllm: {
    kind: 'vllm',
    name: 'vLLM',
    baseUrl: 'http://127.0.0.1:8000/v1',
    apiKeyRequired: false,
    corsHint: 'vLLM allows every origin by default; if it was started with --allowed-origins, add this page\'s origin.',
  },
  llamacpp: {
    kind: 'llamacpp',
    name: 'llama.cpp server',
    baseUrl: 'http://127.0.0.1:8080/v1',
    apiKeyRequired: false,
    // Checked in llama.cpp's tools/server (server-http.cpp, README): every response echoes the
    // request's Origin and preflights skip the key check; --api-key only makes requests need it.
    corsHint:
      'llama-server answers every origin by default, also when started with --api-key (then enter that key here). Newer builds restrict origins when started with --cors-origins, or with --tools / --agent / MCP servers (localhost only): add this page\'s origin, e.g. --cors-origins https://app.example. Check that the address includes the --port (8080 by default) and any --api-prefix.',
  },
  openai: {
    kind: 'openai-compatible',
    name: 'OpenAI',
    baseUrl: 'https://api.openai.com/v1',
    apiKeyRequired: true,
    corsHint: 'Check the API key and your network; api.openai.com allows browser requests.',
  },
  refact: {
    kind: 'refact',
    name: 'Refact server',
    baseUrl: 'http://127.0.0.1:8008',
    apiKeyRequired: false,
    corsHint: 'The browser needs CORS headers from the Refact server; put it behind a proxy that adds Access-Control-Allow-Origin.',
  },
};

/** A new, enabled config from a preset; nothing is contacted. */
export function configFromPreset(preset: PresetId, overrides: Partial<ProviderConfig> = {}): ProviderConfig {
  const p = PROVIDER_PRESETS[preset];
  return {
    id: preset,
    name: p.name,
    kind: p.kind,
    baseUrl: p.baseUrl,
    apiKey: '',
    chatModels: {},
    completionModels: {},
    enabled: true,
    ...overrides,
  };
}

/** The preset a kind falls back to for hints; OpenAI's for generic servers. */
export function presetForKind(kind: ProviderKind): ProviderPreset {
  const id: PresetId = kind === 'openai-compatible' ? 'openai' : kind;
  return PROVIDER_PRESETS[id];
}
