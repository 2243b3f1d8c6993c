import type { CompletionBackend, FimInput, RawCompletion } from '../../completion/backend';
import type { FinishReason } from '../types';
import { serverRoot, type RemoteCompletionOptions } from './options';
import { jsonCompletionBackend, unexpectedAnswer } from './post-json';

/**
 * llama.cpp's llama-server POST /infill: prefix, suffix and context files go
 * as fields and the server applies the loaded model's FIM tokens (its
 * repository-level format when the model has one). A model without FIM tokens
 * is refused by the server ("Infill is not supported by this model"), which
 * reaches the user as the server's message.
 *
 *   const backend = createLlamaCppCompletionBackend({ label: 'llamacpp/qwen', baseUrl: 'http://127.0.0.1:8080/v1', apiKey: '', model: 'qwen' });
 */
export function createLlamaCppCompletionBackend(options: RemoteCompletionOptions): CompletionBackend {
  return jsonCompletionBackend(options, `${serverRoot(options.baseUrl)}/infill`, {
    body: (input) => llamaCppInfillBody(input, options.model),
    parse: parseInfill,
  });
}

export function llamaCppInfillBody(input: FimInput, model: string): Record<string, unknown> {
  return {
    // One model per server needs no name; a router-mode server (several models) picks by it.
    ...(model !== '' && { model }),
    input_prefix: input.prefix,
    input_suffix: input.suffix,
    input_extra: input.context.map((c) => ({ filename: c.path, text: c.text })),
    prompt: '',
    n_predict: input.maxTokens,
    temperature: input.temperature,
    stop: input.stop,
    // Consecutive completions share most of the prompt: the server reuses its KV cache for it.
    cache_prompt: true,
    stream: false,
  };
}

/**
 * 'length' when generation hit n_predict: newer servers say `stop_type: "limit"`
 * (and may send `stopped_limit: null`), older ones `stopped_limit: true`.
 */
export function llamaCppFinishReason(json: Record<string, unknown>): FinishReason {
  return json.stop_type === 'limit' || json.stopped_limit === true ? 'length' : 'stop';
}

function parseInfill(json: Record<string, unknown>, url: string): RawCompletion {
  if (typeof json.content !== 'string') throw unexpectedAnswer(url, json, '"content"');
  return { text: json.content, finish_reason: llamaCppFinishReason(json) };
}
