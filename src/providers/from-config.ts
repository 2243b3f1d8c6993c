import type { ProviderConfig } from './config';
import type { FetchLike } from './http';
import { createOpenAiCompatibleProvider, type OpenAiCompatibleProvider } from './openai-compatible';
import { createRefactServerProvider, type RefactServerProvider } from './refact-server';
import type { Caps } from './types';

/**
 * The live provider for a stored config. Creating one contacts nothing;
 * requests start with the first streamChat / listModels / caps call.
 */

export type RemoteProvider =
  | ({ kind: 'openai-compatible' } & OpenAiCompatibleProvider)
  | ({ kind: 'refact' } & RefactServerProvider);

export function createProvider(config: ProviderConfig, options: { fetch?: FetchLike } = {}): RemoteProvider {
  const common = {
    id: config.id,
    baseUrl: config.baseUrl,
    apiKey: config.apiKey,
    ...(options.fetch !== undefined && { fetch: options.fetch }),
  };
  if (config.kind === 'refact') return { kind: 'refact', ...createRefactServerProvider(common) };
  return {
    kind: 'openai-compatible',
    ...createOpenAiCompatibleProvider({
      ...common,
      ...(config.chatEndpoint !== undefined && { chatEndpoint: config.chatEndpoint }),
      ...(config.completionEndpoint !== undefined && { completionEndpoint: config.completionEndpoint }),
    }),
  };
}

/**
 * The caps a provider serves, for mergeCaps: a Refact server's own; for
 * OpenAI-compatible servers none (their models are the config's list, which
 * the UI fills from listModels()).
 */
export async function loadProviderCaps(provider: RemoteProvider, signal?: AbortSignal): Promise<Caps | undefined> {
  if (provider.kind !== 'refact') return undefined;
  return (await provider.caps(signal ? { signal } : {})).caps;
}
