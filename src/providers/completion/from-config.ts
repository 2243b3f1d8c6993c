import type { CompletionBackend } from '../../completion/backend';
import type { ProviderConfig } from '../config';
import type { FetchLike } from '../http';
import { guessFimFamily } from './fim-family';
import { createLlamaCppCompletionBackend } from './llamacpp';
import { createOllamaCompletionBackend } from './ollama';
import { createOpenAiFimBackend } from './openai-fim';
import type { RemoteCompletionOptions } from './options';
import { createRefactCompletionBackend } from './refact';

/**
 * The completion backend for one of a provider's completion models, by the
 * provider's kind (each speaks its own wire format). Creating one contacts
 * nothing.
 *
 *   const backend = createCompletionBackend(config, 'qwen2.5-coder:1.5b');   // config.kind 'ollama'
 *   const { text } = await backend.complete(input, signal);
 */
export function createCompletionBackend(
  config: ProviderConfig,
  model: string,
  options: { fetch?: FetchLike } = {},
): CompletionBackend {
  const common: RemoteCompletionOptions = {
    label: `${config.id}/${model}`,
    baseUrl: config.baseUrl,
    apiKey: config.apiKey,
    model,
    ...(options.fetch !== undefined && { fetch: options.fetch }),
  };
  switch (config.kind) {
    case 'refact':
      return createRefactCompletionBackend(common);
    case 'ollama':
      return createOllamaCompletionBackend(common);
    case 'llamacpp':
      return createLlamaCppCompletionBackend(common);
    case 'openai-compatible':
    case 'vllm':
    case 'lmstudio':
      return createOpenAiFimBackend({
        ...common,
        family: config.completionModels[model]?.fim_family ?? guessFimFamily(model),
        ...(config.completionEndpoint !== undefined && { completionEndpoint: config.completionEndpoint }),
      });
  }
}
