import type { CompletionBackend, FimInput, RawCompletion } from '../../completion/backend';
import { FIM_TOKENS, renderFimPrompt, type FimFamily } from '../../inference/fim';
import { isRecord } from '../errors';
import { normalizeBaseUrl } from '../openai-compatible';
import { ProviderError } from '../types';
import { FIM_FAMILY_LABELS } from './fim-family';
import type { RemoteCompletionOptions } from './options';
import { finishReasonOf, jsonCompletionBackend, unexpectedAnswer } from './post-json';

/**
 * OpenAI's legacy POST /completions with a fill-in-the-middle prompt in the
 * model's own tokens (vLLM, LM Studio, any compatible server): the server
 * only continues text, so the FIM format must be known here.
 *
 *   const backend = createOpenAiFimBackend({ label: 'vllm/Qwen/Qwen2.5-Coder-1.5B', baseUrl: 'http://127.0.0.1:8000/v1',
 *     apiKey: '', model: 'Qwen/Qwen2.5-Coder-1.5B', family: 'qwen2.5-coder' });
 */

export interface OpenAiFimOptions extends RemoteCompletionOptions {
  /** The model's FIM format; undefined makes every completion fail, asking the user to pick one. */
  family: FimFamily | undefined;
  /** Full URL when it is not {baseUrl}/completions; `$MODEL` is replaced by the model name. */
  completionEndpoint?: string;
}

export function createOpenAiFimBackend(options: OpenAiFimOptions): CompletionBackend {
  const endpoint = options.completionEndpoint ?? `${normalizeBaseUrl(options.baseUrl)}/completions`;
  const { family, model } = options;
  return jsonCompletionBackend(options, endpoint.replaceAll('$MODEL', model), {
    check: () => {
      if (family === undefined) throw missingFimFamily(model);
    },
    body: (input) => openAiFimBody(input, model, family!),
    parse: parseOpenAiCompletion,
  });
}

export function openAiFimBody(input: FimInput, model: string, family: FimFamily): Record<string, unknown> {
  const { path, repoName, prefix, suffix, context } = input;
  return {
    model,
    prompt: renderFimPrompt(family, { path, repoName, prefix, suffix, context }),
    max_tokens: input.maxTokens,
    temperature: input.temperature,
    // The family's own end tokens too: a server may not treat e.g. Qwen's <|file_sep|> as end of text.
    stop: [...new Set([...input.stop, ...FIM_TOKENS[family].stop])],
    stream: false,
  };
}

function parseOpenAiCompletion(json: Record<string, unknown>, url: string): RawCompletion {
  const choice: unknown = Array.isArray(json.choices) ? json.choices[0] : undefined;
  if (!isRecord(choice) || typeof choice.text !== 'string') throw unexpectedAnswer(url, json, 'choices[0].text');
  return { text: choice.text, finish_reason: finishReasonOf(choice.finish_reason) };
}

function missingFimFamily(model: string): ProviderError {
  const formats = Object.values(FIM_FAMILY_LABELS).join(', ');
  return new ProviderError(
    'bad-request',
    `Code completion with "${model}" needs its fill-in-the-middle format, which its name does not tell. ` +
      `Pick it (${formats}) next to the model under "Completion models" on the Models page.`,
  );
}
