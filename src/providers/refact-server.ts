import { errorFromResponse } from './errors';
import { globalFetch, providerFetch, providerHeaders, type FetchLike } from './http';
import { createOpenAiCompatibleProvider, normalizeBaseUrl, type OpenAiCompatibleProvider } from './openai-compatible';
import { parseRefactCaps, type RefactServerCaps } from './refact-caps';
import { ProviderError, type ChatChunk, type ChatProvider, type ChatRequest } from './types';

export type { RefactServerCaps } from './refact-caps';

/**
 * A self-hosted Refact server (http://host:8008): its caps say which chat and
 * completion models run there and at which endpoints; chat then goes through
 * the OpenAI-compatible provider at the caps' chat endpoint.
 *
 *   const refact = createRefactServerProvider({ id: 'refact', baseUrl: 'http://127.0.0.1:8008', apiKey });
 *   const { caps } = await refact.caps();
 *   for await (const chunk of refact.streamChat({ model: caps.chat_default_model, messages }, signal)) …
 */

export interface RefactServerOptions {
  id: string;
  /** The server root, e.g. http://127.0.0.1:8008 (a trailing /v1 is dropped). */
  baseUrl: string;
  apiKey?: string;
  headers?: Record<string, string>;
  fetch?: FetchLike;
}

export interface RefactServerProvider extends ChatProvider {
  readonly baseUrl: string;
  /** The server's caps, fetched once and then cached (`refresh` fetches again). */
  caps(options?: { refresh?: boolean; signal?: AbortSignal }): Promise<RefactServerCaps>;
}

/** Where Refact clients look for caps, in order. */
export const CAPS_PATHS = ['/refact-caps', '/v1/caps', '/coding_assistant_caps.json'] as const;

/** The server root the user meant: no trailing slash, /v1 or caps path. */
export function normalizeRefactBaseUrl(baseUrl: string): string {
  return normalizeBaseUrl(baseUrl)
    .replace(/\/(refact-caps|coding_assistant_caps\.json|v1\/caps)$/, '')
    .replace(/\/v1$/, '');
}

/**
 * GET {base}/refact-caps, falling back to /v1/caps and
 * /coding_assistant_caps.json when a path is missing (404/405) or does not
 * hold caps. Authentication and connection failures stop at once.
 */
export async function fetchRefactCaps(options: RefactServerOptions & { signal?: AbortSignal }): Promise<RefactServerCaps> {
  const baseUrl = normalizeRefactBaseUrl(options.baseUrl);
  const apiKey = options.apiKey?.trim() ?? '';
  const doFetch = options.fetch ?? globalFetch;
  const tried: string[] = [];
  for (const path of CAPS_PATHS) {
    const capsUrl = `${baseUrl}${path}`;
    const response = await providerFetch(
      doFetch,
      capsUrl,
      { method: 'GET', headers: providerHeaders(apiKey, options.headers, false) },
      options.signal,
    );
    if (response.status === 404 || response.status === 405) {
      response.body?.cancel().catch(() => {});
      tried.push(`${path} (${response.status})`);
      continue;
    }
    if (!response.ok) throw await errorFromResponse(response, { method: 'GET', url: capsUrl, hasApiKey: apiKey !== '' });
    let json: unknown;
    try {
      json = await response.json();
    } catch {
      tried.push(`${path} (not JSON)`);
      continue;
    }
    try {
      return parseRefactCaps(json, { capsUrl, baseUrl });
    } catch (err) {
      if (!(err instanceof ProviderError)) throw err;
      tried.push(`${path} (not caps)`);
    }
  }
  throw new ProviderError(
    'bad-request',
    `No Refact caps at ${baseUrl}: tried ${tried.join(', ')}. Is this the address of a Refact server?`,
  );
}

export function createRefactServerProvider(options: RefactServerOptions): RefactServerProvider {
  const baseUrl = normalizeRefactBaseUrl(options.baseUrl);
  let cached: Promise<RefactServerCaps> | undefined;
  const chatProviders = new Map<string, OpenAiCompatibleProvider>();

  function caps(opts: { refresh?: boolean; signal?: AbortSignal } = {}): Promise<RefactServerCaps> {
    if (!cached || opts.refresh) {
      const pending = fetchRefactCaps({ ...options, baseUrl, signal: opts.signal });
      cached = pending;
      pending.catch(() => {
        if (cached === pending) cached = undefined;
      });
    }
    return cached;
  }

  /** The caps' chat endpoint; the default one when the server has no caps to give. */
  async function chatEndpoint(signal: AbortSignal): Promise<string> {
    try {
      return (await caps({ signal })).chatEndpoint;
    } catch (err) {
      if (err instanceof ProviderError && (err.kind === 'bad-request' || err.kind === 'protocol')) {
        return `${baseUrl}/v1/chat/completions`;
      }
      throw err;
    }
  }

  async function* streamChat(request: ChatRequest, signal: AbortSignal): AsyncGenerator<ChatChunk> {
    const endpoint = await chatEndpoint(signal);
    let provider = chatProviders.get(endpoint);
    if (!provider) {
      provider = createOpenAiCompatibleProvider({
        id: options.id,
        baseUrl: `${baseUrl}/v1`,
        chatEndpoint: endpoint,
        ...(options.apiKey !== undefined && { apiKey: options.apiKey }),
        ...(options.headers !== undefined && { headers: options.headers }),
        ...(options.fetch !== undefined && { fetch: options.fetch }),
      });
      chatProviders.set(endpoint, provider);
    }
    yield* provider.streamChat(request, signal);
  }

  return { id: options.id, baseUrl, caps, streamChat };
}
