import type { FetchLike } from '../http';
import { normalizeBaseUrl } from '../openai-compatible';

/** What every remote completion backend is made from. */
export interface RemoteCompletionOptions {
  /** What the status bar shows, e.g. "ollama/qwen2.5-coder:1.5b". */
  label: string;
  /** The address the user entered for the provider. */
  baseUrl: string;
  /** '' when the server needs none. */
  apiKey: string;
  /** The provider's own model name (not the namespaced caps key). */
  model: string;
  /** For tests; defaults to the global fetch. */
  fetch?: FetchLike;
}

/** A server's root for its native endpoints: the OpenAI-style base the user entered, without its /v1. */
export function serverRoot(baseUrl: string): string {
  return normalizeBaseUrl(baseUrl).replace(/\/v1$/, '');
}
