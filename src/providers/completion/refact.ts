import type { CompletionBackend, FimInput, RawCompletion } from '../../completion/backend';
import { isRecord } from '../errors';
import { normalizeRefactBaseUrl } from '../refact-server';
import type { RemoteCompletionOptions } from './options';
import { finishReasonOf, jsonCompletionBackend, unexpectedAnswer } from './post-json';

/**
 * A self-hosted Refact server's POST /v1/code-completion: the editor's
 * request as Refact's IDE extensions send it (whole sources and the cursor);
 * the server builds the prompt itself.
 *
 *   const backend = createRefactCompletionBackend({ label: 'refact/starcoder2/3b', baseUrl: 'http://127.0.0.1:8008', apiKey: '', model: 'starcoder2/3b' });
 *   const { text, finish_reason } = await backend.complete(input, signal);
 */
export function createRefactCompletionBackend(options: RemoteCompletionOptions): CompletionBackend {
  return jsonCompletionBackend(options, `${normalizeRefactBaseUrl(options.baseUrl)}/v1/code-completion`, {
    body: (input) => refactCompletionBody(input, options.model),
    parse: parseRefactCompletion,
  });
}

/** The request, with the core's sampling choices and our model name. */
export function refactCompletionBody(input: FimInput, model: string): Record<string, unknown> {
  const { request } = input;
  return {
    ...request,
    model,
    inputs: { ...request.inputs, multiline: input.multiline },
    parameters: { ...request.parameters, temperature: input.temperature, max_new_tokens: input.maxTokens },
    stream: false,
    // The completion core caches already, and its manual trigger must reach the model.
    no_cache: true,
    // The server has no copy of the workspace to index; the tab's own AST context cannot be sent in this shape.
    use_ast: false,
    use_vecdb: false,
    rag_tokens_n: 0,
  };
}

function parseRefactCompletion(json: Record<string, unknown>, url: string): RawCompletion {
  const choice: unknown = Array.isArray(json.choices) ? json.choices[0] : undefined;
  if (!isRecord(choice) || typeof choice.code_completion !== 'string') {
    throw unexpectedAnswer(url, json, 'choices[0].code_completion');
  }
  return { text: choice.code_completion, finish_reason: finishReasonOf(choice.finish_reason) };
}
