import type { CompletionBackend, FimInput, RawCompletion } from '../../completion/backend';
import { contextAsComments } from '../../inference/fim';
import { serverRoot, type RemoteCompletionOptions } from './options';
import { finishReasonOf, jsonCompletionBackend, unexpectedAnswer } from './post-json';

/**
 * Ollama's native POST /api/generate with `suffix`: Ollama wraps prompt and
 * suffix in the model's own FIM template, so no format is chosen here. Models
 * whose template has no suffix slot are refused by Ollama ("does not support
 * insert"), which reaches the user as the server's message.
 *
 *   const backend = createOllamaCompletionBackend({ label: 'ollama/qwen2.5-coder:1.5b', baseUrl: 'http://127.0.0.1:11434/v1',
 *     apiKey: '', model: 'qwen2.5-coder:1.5b' });
 */
export function createOllamaCompletionBackend(options: RemoteCompletionOptions): CompletionBackend {
  return jsonCompletionBackend(options, `${serverRoot(options.baseUrl)}/api/generate`, {
    body: (input) => ollamaGenerateBody(input, options.model),
    parse: parseOllamaGenerate,
  });
}

export function ollamaGenerateBody(input: FimInput, model: string): Record<string, unknown> {
  return {
    model,
    prompt: contextAsComments(input.path, input.context) + input.prefix,
    // An empty suffix makes Ollama use the chat template instead of the FIM one; at the end of a file, "\n" stands in.
    suffix: input.suffix === '' ? '\n' : input.suffix,
    stream: false,
    options: { temperature: input.temperature, num_predict: input.maxTokens, stop: input.stop },
  };
}

function parseOllamaGenerate(json: Record<string, unknown>, url: string): RawCompletion {
  if (typeof json.response !== 'string') throw unexpectedAnswer(url, json, '"response"');
  return { text: json.response, finish_reason: finishReasonOf(json.done_reason) };
}
