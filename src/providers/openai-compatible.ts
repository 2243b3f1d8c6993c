import { chatRequestBody, normalizeChatChunk } from './chat-chunk';
import {
  DROPPED_MESSAGE,
  abortedError,
  errorFromResponse,
  errorFromStatus,
  isRecord,
  readTextBounded,
  streamErrorOf,
} from './errors';
import { globalFetch, providerFetch, providerHeaders, type FetchLike } from './http';
import { readSseMessages } from './sse';
import { ProviderError, type ChatChunk, type ChatProvider, type ChatRequest } from './types';

/**
 * A chat provider for any server that speaks OpenAI's /chat/completions:
 * OpenAI, Ollama, LM Studio, vLLM, llama.cpp, LiteLLM, OpenRouter, a Refact
 * server. Requests go only to the URLs the user entered, and the API key only
 * in the Authorization header; no cookies, no referrer.
 *
 *   const openai = createOpenAiCompatibleProvider({ id: 'openai', baseUrl: 'https://api.openai.com/v1', apiKey });
 *   for await (const chunk of openai.streamChat({ model: 'gpt-4o-mini', messages }, signal)) …
 *
 * `request.model` is the provider's own model name (not the namespaced caps
 * key; see caps.ts `modelRoute`).
 */

export interface OpenAiCompatibleOptions {
  /** Our provider id (also the caps namespace). */
  id: string;
  /** e.g. https://api.openai.com/v1 or http://127.0.0.1:11434/v1 */
  baseUrl: string;
  apiKey?: string;
  /** Extra request headers (e.g. an org id). */
  headers?: Record<string, string>;
  /** Full chat URL when it is not {baseUrl}/chat/completions; `$MODEL` is replaced by the model name. */
  chatEndpoint?: string;
  /** Kept for export; chat never uses it. */
  completionEndpoint?: string;
  /** For tests; defaults to the global fetch. */
  fetch?: FetchLike;
}

/** A model as GET {baseUrl}/models lists it. */
export interface RemoteModelInfo {
  id: string;
  /** When the server says (vLLM max_model_len, OpenRouter/LM Studio context_length, Groq context_window). */
  contextWindow?: number;
  ownedBy?: string;
}

export interface OpenAiCompatibleProvider extends ChatProvider {
  readonly baseUrl: string;
  /** The chat URL template (may contain `$MODEL`). */
  readonly chatEndpoint: string;
  /** GET {baseUrl}/models. */
  listModels(signal?: AbortSignal): Promise<RemoteModelInfo[]>;
}

export function createOpenAiCompatibleProvider(options: OpenAiCompatibleOptions): OpenAiCompatibleProvider {
  const baseUrl = normalizeBaseUrl(options.baseUrl);
  const chatEndpoint = options.chatEndpoint ? checkHttpUrl(options.chatEndpoint, 'chat endpoint') : `${baseUrl}/chat/completions`;
  const apiKey = options.apiKey?.trim() ?? '';
  const doFetch = options.fetch ?? globalFetch;
  const hasApiKey = apiKey !== '';
  // Servers that reject stream_options get one retry without it; remembered per provider.
  let sendStreamOptions = true;

  const headers = (json: boolean) => providerHeaders(apiKey, options.headers, json);
  const send = (url: string, init: RequestInit, signal: AbortSignal | undefined) => providerFetch(doFetch, url, init, signal);

  async function openChat(request: ChatRequest, signal: AbortSignal): Promise<Response> {
    const url = chatEndpoint.replaceAll('$MODEL', request.model);
    for (;;) {
      const streamOptions = sendStreamOptions;
      const body = JSON.stringify(chatRequestBody(request, { streamOptions }));
      const response = await send(url, { method: 'POST', headers: headers(true), body }, signal);
      if (response.ok) return response;
      const text = await readTextBounded(response);
      if (streamOptions && (response.status === 400 || response.status === 422) && /stream_options/i.test(text)) {
        sendStreamOptions = false;
        continue;
      }
      throw errorFromStatus(response, text, { method: 'POST', url, hasApiKey });
    }
  }

  async function* streamChat(request: ChatRequest, signal: AbortSignal): AsyncGenerator<ChatChunk> {
    const response = await openChat(request, signal);
    if (isJsonResponse(response)) {
      // A server that ignored stream:true answers in one piece.
      yield await wholeAnswer(response, signal);
      return;
    }
    if (!response.body) throw new ProviderError('protocol', 'The provider answered with an empty body');
    let finished = false;
    let sawDone = false;
    try {
      for await (const item of readSseMessages(response.body)) {
        if (item === 'done') {
          sawDone = true;
          break;
        }
        const chunk = normalizeChatChunk(item);
        if (!chunk) continue;
        if (chunk.choices.some((c) => c.finish_reason !== null)) finished = true;
        yield chunk;
      }
    } catch (err) {
      if (signal.aborted) throw abortedError();
      if (err instanceof ProviderError) throw err;
      // The answer was complete; only the tail (usage, [DONE]) was lost.
      if (finished) return;
      throw new ProviderError('network', DROPPED_MESSAGE);
    }
    if (signal.aborted && !finished && !sawDone) throw abortedError();
    if (!finished && !sawDone) throw new ProviderError('network', DROPPED_MESSAGE);
  }

  async function listModels(signal?: AbortSignal): Promise<RemoteModelInfo[]> {
    const url = `${baseUrl}/models`;
    const response = await send(url, { method: 'GET', headers: headers(false) }, signal);
    if (!response.ok) throw await errorFromResponse(response, { method: 'GET', url, hasApiKey });
    let json: unknown;
    try {
      json = await response.json();
    } catch {
      throw new ProviderError('protocol', `${url} did not answer with JSON; is this an OpenAI-compatible server?`);
    }
    const models = parseModelList(json);
    if (!models) throw new ProviderError('protocol', `${url} did not answer with a model list ({"data": [...]})`);
    return models;
  }

  return { id: options.id, baseUrl, chatEndpoint, streamChat, listModels };
}

function isJsonResponse(response: Response): boolean {
  return /\bapplication\/json\b/i.test(response.headers.get('content-type') ?? '');
}

async function wholeAnswer(response: Response, signal: AbortSignal): Promise<ChatChunk> {
  let json: unknown;
  try {
    json = await response.json();
  } catch {
    if (signal.aborted) throw abortedError();
    throw new ProviderError('protocol', 'The provider answered with JSON that does not parse');
  }
  if (!isRecord(json)) throw new ProviderError('protocol', 'The provider answered with JSON that is not an object');
  const error = streamErrorOf(json);
  if (error) throw error;
  const chunk = normalizeChatChunk(json);
  if (!chunk || chunk.choices.length === 0) {
    throw new ProviderError('protocol', 'The provider answered without choices');
  }
  return chunk;
}

/** The models in an OpenAI `{"data":[{"id":…}]}` list (or Ollama's `{"models":[{"name":…}]}`). */
export function parseModelList(json: unknown): RemoteModelInfo[] | undefined {
  if (!isRecord(json)) return undefined;
  const list = Array.isArray(json.data) ? json.data : Array.isArray(json.models) ? json.models : undefined;
  if (!list) return undefined;
  const out: RemoteModelInfo[] = [];
  for (const entry of list) {
    if (!isRecord(entry)) continue;
    const id = [entry.id, entry.name, entry.model].find((v): v is string => typeof v === 'string' && v !== '');
    if (!id) continue;
    const model: RemoteModelInfo = { id };
    const ctx = [entry.max_model_len, entry.context_length, entry.context_window, entry.max_context_length].find(
      (v): v is number => typeof v === 'number' && Number.isInteger(v) && v > 0,
    );
    if (ctx !== undefined) model.contextWindow = ctx;
    if (typeof entry.owned_by === 'string') model.ownedBy = entry.owned_by;
    out.push(model);
  }
  return out;
}

/** Trims whitespace and trailing slashes; throws if it is not an http(s) URL. */
export function normalizeBaseUrl(baseUrl: string): string {
  return checkHttpUrl(baseUrl.trim().replace(/\/+$/, ''), 'base URL');
}

function checkHttpUrl(url: string, what: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ProviderError('bad-request', `The ${what} "${url}" is not a URL (expected e.g. http://127.0.0.1:11434/v1)`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new ProviderError('bad-request', `The ${what} "${url}" must start with http:// or https://`);
  }
  return url;
}
