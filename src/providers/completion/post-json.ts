import { abortedError, errorFromResponse, errorMessageOf, hostOf, isRecord, truncate } from '../errors';
import type { CompletionBackend, FimInput, RawCompletion } from '../../completion/backend';
import { globalFetch, providerFetch, providerHeaders, type FetchLike } from '../http';
import type { RemoteCompletionOptions } from './options';
import { ProviderError, type FinishReason } from '../types';

/**
 * One non-streaming JSON request to a completion endpoint, with the failures
 * chat reports turned into the same ProviderErrors: HTTP statuses (401, 429,
 * 5xx…), an unreachable server, a connection dropped before the answer was
 * whole, an answer that is not JSON. An abort rejects with the 'aborted'
 * ProviderError at once: completion cancels superseded requests all the time.
 */

export interface CompletionPost {
  url: string;
  body: unknown;
  /** '' when the server needs none; sent only in Authorization. */
  apiKey: string;
  fetch: FetchLike;
  signal: AbortSignal;
}

/**
 * A backend that POSTs one JSON body per completion to `url` and reads the
 * raw text out of the answer: every remote format is this with its own body
 * and answer.
 */
export function jsonCompletionBackend(
  options: RemoteCompletionOptions,
  url: string,
  format: {
    body(input: FimInput): unknown;
    parse(json: Record<string, unknown>, url: string): RawCompletion;
    /** Checked before anything is sent (a missing FIM format). */
    check?(): void;
  },
): CompletionBackend {
  const apiKey = options.apiKey.trim();
  const doFetch = options.fetch ?? globalFetch;
  return {
    label: options.label,
    async complete(input, signal) {
      format.check?.();
      return format.parse(await postCompletionJson({ url, body: format.body(input), apiKey, fetch: doFetch, signal }), url);
    },
  };
}

/** POSTs `body` and returns the answer's JSON object. */
export async function postCompletionJson(post: CompletionPost): Promise<Record<string, unknown>> {
  const { url, signal } = post;
  const init: RequestInit = {
    method: 'POST',
    headers: providerHeaders(post.apiKey, undefined, true),
    body: JSON.stringify(post.body),
  };
  const response = await providerFetch(post.fetch, url, init, signal);
  if (!response.ok) {
    const error = await errorFromResponse(response, { method: 'POST', url, hasApiKey: post.apiKey !== '' });
    // Reading the error body may have been cut short by the abort.
    throw signal.aborted ? abortedError() : error;
  }
  const text = await readBody(response, url, signal);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ProviderError('protocol', `${url} answered with something that is not JSON: ${truncate(text, 120) || '(empty)'}`);
  }
  if (!isRecord(json)) throw new ProviderError('protocol', `${url} answered with JSON that is not an object`);
  return json;
}

async function readBody(response: Response, url: string, signal: AbortSignal): Promise<string> {
  try {
    return await response.text();
  } catch {
    if (signal.aborted) throw abortedError();
    throw new ProviderError('network', `The connection to ${hostOf(url)} dropped before the completion arrived`);
  }
}

/** The answer lacks the field its format promises: say so, with the server's own message when it sent one. */
export function unexpectedAnswer(url: string, json: Record<string, unknown>, expected: string): ProviderError {
  const said = errorMessageOf(json);
  if (said) return new ProviderError('server', `${hostOf(url)} reported an error instead of a completion: ${said}`);
  return new ProviderError('protocol', `${url} answered without ${expected}: ${truncate(JSON.stringify(json), 160)}`);
}

/** OpenAI-style finish reasons as the completion core reads them: 'length' means the model was cut off. */
export function finishReasonOf(value: unknown): FinishReason {
  return value === 'length' ? 'length' : 'stop';
}
