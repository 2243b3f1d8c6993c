import { ProviderError, type ProviderErrorKind } from './types';

/**
 * Turning what a server says when things go wrong (HTTP statuses, JSON error
 * bodies, error objects inside a stream, failed fetches) into ProviderErrors
 * whose messages tell the user what happened and what to check.
 */

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Shortens text for a message, on one line. */
export function truncate(text: string, max = 200): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length <= max ? oneLine : `${oneLine.slice(0, max - 1)}…`;
}

/**
 * The human message in an error payload, in the shapes servers use:
 * `{"error":{"message":…}}` (OpenAI, vLLM, LiteLLM), `{"error":"…"}` (Ollama),
 * `{"detail":"…"}` or FastAPI's `{"detail":[{"msg":…}]}` (Refact, LiteLLM),
 * `{"message":"…"}`. Undefined when the payload is none of these.
 */
export function errorMessageOf(payload: unknown): string | undefined {
  if (!isRecord(payload)) return undefined;
  const { error, detail, message } = payload;
  if (typeof error === 'string' && error) return error;
  if (isRecord(error)) {
    if (typeof error.message === 'string' && error.message) return error.message;
    return truncate(JSON.stringify(error));
  }
  if (typeof detail === 'string' && detail) return detail;
  if (Array.isArray(detail)) {
    const parts = detail.map((d) => (isRecord(d) && typeof d.msg === 'string' ? d.msg : JSON.stringify(d)));
    return parts.join('; ');
  }
  if (isRecord(detail)) return errorMessageOf(detail) ?? truncate(JSON.stringify(detail));
  if (typeof message === 'string' && message && !('choices' in payload)) return message;
  return undefined;
}

/** An error payload found inside an SSE stream, or undefined if `payload` is an ordinary chunk. */
export function streamErrorOf(payload: Record<string, unknown>): ProviderError | undefined {
  const hasError = payload.error !== undefined && payload.error !== null && payload.error !== false;
  const hasDetail = payload.detail !== undefined && payload.detail !== null;
  if (!hasError && !hasDetail) return undefined;
  const message = errorMessageOf(payload) ?? 'unknown error';
  const { kind, status } = classifyErrorPayload(payload);
  return new ProviderError(kind, `The server reported an error mid-answer: ${message}`, status);
}

/** Picks a kind from an in-stream error's code/type/status, defaulting to 'server'. */
function classifyErrorPayload(payload: Record<string, unknown>): { kind: ProviderErrorKind; status?: number } {
  const error = isRecord(payload.error) ? payload.error : payload;
  const numeric = [error.code, error.status, payload.status].find(
    (v): v is number => typeof v === 'number' && v >= 100 && v < 600,
  );
  const type = [error.type, error.code].find((v): v is string => typeof v === 'string') ?? '';
  if (numeric !== undefined) return { kind: kindForStatus(numeric), status: numeric };
  if (/rate.?limit|quota/i.test(type)) return { kind: 'rate-limit' };
  if (/auth|permission|api.?key/i.test(type)) return { kind: 'auth' };
  if (/invalid.?request|context.?length|bad.?request/i.test(type)) return { kind: 'bad-request' };
  return { kind: 'server' };
}

export function kindForStatus(status: number): ProviderErrorKind {
  if (status === 401 || status === 403) return 'auth';
  if (status === 429) return 'rate-limit';
  if (status >= 500) return 'server';
  return 'bad-request';
}

/** Seconds to wait from a Retry-After header (delta-seconds or an HTTP date). */
export function retryAfterSeconds(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.ceil(Number(trimmed));
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - now) / 1000));
}

export interface FailedRequest {
  method: string;
  url: string;
  hasApiKey: boolean;
}

/** What a failed HTTP response means for the user. Reads (a bounded part of) the body. */
export async function errorFromResponse(response: Response, request: FailedRequest): Promise<ProviderError> {
  return errorFromStatus(response, await readTextBounded(response), request);
}

/** As errorFromResponse, for a body already read. */
export function errorFromStatus(
  response: Pick<Response, 'status' | 'statusText' | 'headers'>,
  body: string,
  request: FailedRequest,
): ProviderError {
  const { status } = response;
  let serverMessage: string | undefined;
  try {
    serverMessage = errorMessageOf(JSON.parse(body));
  } catch {
    serverMessage = undefined;
  }
  serverMessage ??= body.trim() ? truncate(stripTags(body)) : response.statusText || undefined;
  // Sentences are added after it: drop its own final period.
  const said = serverMessage ? `: ${serverMessage.replace(/[.\s]+$/, '')}` : '';
  const kind = kindForStatus(status);
  switch (kind) {
    case 'auth':
      return new ProviderError(
        kind,
        request.hasApiKey
          ? `The provider rejected the API key (${status})${said}. Check the key in the provider's settings.`
          : `The provider needs an API key (${status})${said}. Add one in the provider's settings.`,
        status,
      );
    case 'rate-limit': {
      // Cross-origin, the header is only visible if the server exposes it (Access-Control-Expose-Headers).
      const wait = retryAfterSeconds(response.headers.get('retry-after'));
      const retry = wait === undefined ? ' Wait a moment and try again.' : ` Retry after ${wait} s.`;
      return new ProviderError(kind, `The provider is rate-limiting requests (${status})${said}.${retry}`, status);
    }
    case 'server':
      return new ProviderError(kind, `The provider's server failed (${status})${said}`, status);
    default: {
      const hint = status === 404 ? ' Check the base URL and the model name.' : '';
      return new ProviderError(
        kind,
        `The provider refused ${request.method} ${request.url} (${status})${said}.${hint}`,
        status,
      );
    }
  }
}

/** A fetch that never reached the server: refused, DNS, CORS, offline. */
export function unreachableError(url: string, error: unknown): ProviderError {
  const reason = error instanceof Error ? error.message : String(error);
  return new ProviderError(
    'network',
    `Could not reach ${hostOf(url)}: ${reason}. Is the server running, and does it allow requests from this page (CORS)?`,
  );
}

export const DROPPED_MESSAGE = 'The connection dropped mid-answer; what arrived is kept';

export function abortedError(): ProviderError {
  return new ProviderError('aborted', 'Stopped before the answer was complete; what arrived is kept');
}

export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

function stripTags(html: string): string {
  return html.replace(/<[^>]*>/g, ' ');
}

/** The body as text, at most about `maxBytes` of it (error pages can be huge). */
export async function readTextBounded(response: Response, maxBytes = 64 * 1024): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let bytes = 0;
  try {
    while (bytes < maxBytes) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.byteLength;
      text += decoder.decode(value, { stream: true });
    }
    return text + decoder.decode();
  } catch {
    return text;
  } finally {
    reader.cancel().catch(() => {});
  }
}
