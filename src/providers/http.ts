import { abortedError, unreachableError } from './errors';

/**
 * The one way providers call fetch: no cookies, no referrer, no HTTP cache for GETs, and
 * failures to connect named as ProviderErrors ('network' or 'aborted').
 */

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

/** The global fetch, called unbound-safe (browsers throw "Illegal invocation" otherwise). */
export const globalFetch: FetchLike = (input, init) => globalThis.fetch(input, init);

export async function providerFetch(
  doFetch: FetchLike,
  url: string,
  init: RequestInit,
  signal: AbortSignal | undefined,
): Promise<Response> {
  if (signal?.aborted) throw abortedError();
  try {
    return await doFetch(url, {
      ...init,
      signal: signal ?? null,
      credentials: 'omit',
      referrerPolicy: 'no-referrer',
      // GETs (model lists, caps) always fresh; other methods keep the default, because Chromium skips its
      // CORS preflight cache under no-store: every completion or chat request would wait for an OPTIONS.
      cache: (init.method ?? 'GET').toUpperCase() === 'GET' ? 'no-store' : 'default',
    });
  } catch (err) {
    if (signal?.aborted) throw abortedError();
    throw unreachableError(url, err);
  }
}

/** Headers for a provider request: the key only in Authorization, and only when there is one. */
export function providerHeaders(
  apiKey: string,
  extra: Record<string, string> | undefined,
  json: boolean,
): Record<string, string> {
  const h: Record<string, string> = { ...extra };
  if (json) {
    h['Content-Type'] = 'application/json';
    h.Accept = 'text/event-stream, application/json';
  }
  if (apiKey) h.Authorization = `Bearer ${apiKey}`;
  return h;
}
