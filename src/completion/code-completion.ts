/**
 * The one code-completion function: Refact's /v1/code-completion request in,
 * its response out. The editor in the tab calls it on every pause in typing;
 * an IDE host calls the same function through the host protocol.
 *
 *   const response = await codeCompletion(
 *     { inputs: { sources: { 'a.py': text }, cursor: { file: 'a.py', line: 3, character: 0 }, multiline: true } },
 *     signal,
 *     env,
 *   );
 *   response.choices[0].code_completion; // '' when there is nothing to show
 *
 * Order of work: the rules (nothing right of the cursor but closing
 * punctuation, document size), the prefix cache, the AST context, the
 * backend, then the same post-processing for every backend (stops, cuts,
 * repeated suffix) and the cache pre-fill.
 */
import { fimStopSequences, postProcessCompletion, validateCodeCompletionRequest } from '../inference/fim';
import type { FinishReason } from '../providers/types';
import type { CompletionBackend, ContextSnippet, FimInput } from './backend';
import type { CompletionCache } from './cache';
import { gatherContext, type ContextIndex } from './context';
import { CHARS_PER_TOKEN, cutAroundCursor } from './prompt-cut';
import { cursorLineParts, documentTooLarge, offsetAt, rightOfCursorAllows } from './rules';
import type { CompletionRequest, CompletionResponse, SkipReason } from './types';

/** Prompts stay this small: latency grows with them, and nearby lines matter most. */
export const PROMPT_BUDGET_TOKENS = 2048;
export const DEFAULT_MAX_NEW_TOKENS = 50;
const DEFAULT_TEMPERATURE = 0.2;
/** A manual request wants something new: sample more freely. */
const MANUAL_TEMPERATURE = 0.5;

export interface CompletionRoute {
  /** The model key responses carry (a local model id or `<provider>/<model>`). */
  model: string;
  backend: CompletionBackend;
  /** The model's context window in tokens. */
  nCtx: number;
}

/** What the function needs from the app: the model, the index, the cache. */
export interface CompletionEnv {
  /** The completion model, ready to use, or null (no model chosen, or completion paused) with why. */
  route(model: string | undefined, signal: AbortSignal): Promise<CompletionRoute | { skip: SkipReason }>;
  /** The AST index when it exists; completion works without it. */
  index(): ContextIndex | null;
  repoName(): string;
  cache: CompletionCache;
}

let nextTelemetryId = 1;

export async function codeCompletion(request: CompletionRequest, signal: AbortSignal, env: CompletionEnv): Promise<CompletionResponse> {
  const started = performance.now();
  validateCodeCompletionRequest(request, 'codeCompletion');
  const { file, line, character } = request.inputs.cursor;
  const text = request.inputs.sources[file]!;
  const multiline = request.inputs.multiline;
  const { right } = cursorLineParts(text, line, character);
  if (!rightOfCursorAllows(right)) return skipped('right-of-cursor', request.model);
  if (documentTooLarge(text)) return skipped('too-large', request.model);

  const before = text.slice(0, offsetAt(text, line, character));
  const hit = request.no_cache ? undefined : env.cache.get(before, multiline);
  if (hit) return answer(hit.completion, hit.finish_reason, hit.model, { cached: true, started });

  const route = await env.route(request.model, signal);
  if ('skip' in route) return skipped(route.skip, request.model);
  signal.throwIfAborted();
  const input = await fimInput(request, route, env, signal);
  const backendStart = performance.now();
  let raw: Awaited<ReturnType<CompletionBackend['complete']>>;
  try {
    raw = await route.backend.complete(input, signal);
  } catch (error) {
    signal.throwIfAborted(); // superseded: an AbortError, whatever the backend threw
    throw error;
  }
  signal.throwIfAborted();
  if (raw.busy) return skipped('busy', route.model);
  const completion = postProcessCompletion(raw.text, request);
  if (raw.finish_reason !== 'abort' && raw.finish_reason !== 'error') {
    env.cache.fill(before, multiline, { completion, finish_reason: raw.finish_reason, model: route.model });
  }
  return answer(completion, raw.finish_reason, route.model, {
    started,
    backendMs: performance.now() - backendStart,
    ...(raw.engineMs === undefined ? {} : { engineMs: raw.engineMs }),
    context: raw.context ?? input.context,
  });
}

/** The backend's input: context from the AST index within its budget, the file cut around the cursor. */
async function fimInput(request: CompletionRequest, route: CompletionRoute, env: CompletionEnv, signal: AbortSignal): Promise<FimInput> {
  const { file, line, character } = request.inputs.cursor;
  const text = request.inputs.sources[file]!;
  const maxTokens = request.parameters?.max_new_tokens ?? DEFAULT_MAX_NEW_TOKENS;
  const budget = Math.max(256, Math.min(PROMPT_BUDGET_TOKENS, route.nCtx - maxTokens));
  const ragTokens = Math.min(request.rag_tokens_n ?? Math.floor(budget / 4), Math.floor(budget / 2));
  const context = request.use_ast === false ? [] : await contextFor(env, { path: file, text, line, budgetChars: ragTokens * CHARS_PER_TOKEN, signal });
  const contextChars = context.reduce((n, c) => n + c.path.length + c.text.length + 8, 0);
  const cut = route.backend.ownBudget
    ? { prefix: '', suffix: '' }
    : cutAroundCursor(text, line, character, Math.max(200, (budget - maxTokens) * CHARS_PER_TOKEN - contextChars));
  const temperature = request.parameters?.temperature ?? DEFAULT_TEMPERATURE;
  return {
    request,
    path: file,
    repoName: env.repoName(),
    ...cut,
    context,
    multiline: request.inputs.multiline,
    stop: fimStopSequences(request),
    maxTokens,
    temperature: request.no_cache ? Math.max(MANUAL_TEMPERATURE, temperature) : temperature,
  };
}

async function contextFor(env: CompletionEnv, request: Parameters<typeof gatherContext>[1]): Promise<ContextSnippet[]> {
  const index = env.index();
  if (!index) return [];
  try {
    return await gatherContext(index, request);
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    return []; // An index that cannot answer now (disposed, stopped) must not stop completion.
  }
}

function answer(
  completion: string,
  finish: FinishReason,
  model: string,
  extra: { started: number; cached?: boolean; backendMs?: number; engineMs?: number; context?: ContextSnippet[] },
): CompletionResponse {
  return {
    choices: [{ index: 0, code_completion: completion, finish_reason: finish }],
    model,
    snippet_telemetry_id: nextTelemetryId++,
    created: Date.now() / 1000,
    ...(extra.cached ? { cached: true } : {}),
    ...(extra.context ? { context: extra.context.map((c) => ({ file_name: c.path, ...(c.symbol ? { symbol: c.symbol } : {}) })) } : {}),
    timings: {
      backendMs: extra.backendMs ?? 0,
      ...(extra.engineMs === undefined ? {} : { engineMs: extra.engineMs }),
      totalMs: performance.now() - extra.started,
    },
  };
}

function skipped(reason: SkipReason, model: string | undefined): CompletionResponse {
  return {
    choices: [{ index: 0, code_completion: '', finish_reason: 'stop' }],
    model: model ?? '',
    snippet_telemetry_id: nextTelemetryId++,
    created: Date.now() / 1000,
    skipped: reason,
  };
}
