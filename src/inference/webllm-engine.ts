import type {
  AppConfig,
  ChatCompletionChunk,
  ChatCompletionMessageParam,
  ChatCompletionRequestStreaming,
  Completion,
  CompletionCreateParamsStreaming,
  CompletionUsage,
  InitProgressReport,
  MLCEngineConfig,
  ResponseFormat,
} from '@mlc-ai/web-llm';
import type {
  ChatChunk,
  ChatDelta,
  ChatMessage,
  ChatRequest,
  FinishReason,
  ToolCallDelta,
  ToolSpec,
  Usage,
} from '../providers/types';
import type {
  DeviceReport,
  GenerationStats,
  LlmConfig,
  LoadProgress,
  LocalChatResult,
  LocalModelInfo,
} from '../worker-api/llm';
import type { LocalEngine } from './engine';
import { formatBytes, type FitOptions } from './model-fit';
import { flattenContent, messagesForTemplate, toolFormatFor } from './prompt-format';
import { createToolCallStream, type ToolCallFormat, type ToolCallStream } from './tool-calls';
import { findWebLlmBuild, webllmAppConfig, webllmBuilds, webllmModels, type WebLlmBuild } from './webllm-catalog';

/**
 * Engine 1: @mlc-ai/web-llm (0.2.86) on WebGPU, inside the llm worker.
 *
 * What web-llm gives and what this file adds:
 * - load: `MLCEngine.reload()` with `initProgressCallback` (progress 0..1 and a
 *   text); we map it to bytes and phases. Cancelling: `engine.unload()` aborts
 *   web-llm's reload controller, which stops the config, wasm and weight-shard
 *   fetches; once the weights are in, loading onto the GPU and shader
 *   compilation do not stop, so `load` rejects at once and the engine is
 *   unloaded again in the background when reload settles.
 * - chat: `chat.completions.create({stream: true, stream_options})`. web-llm
 *   takes `tools` only for Hermes-2-Pro / Hermes-3 (`functionCallingModelIds`),
 *   forcing its own system prompt and a JSON-array output; every model in our
 *   catalog gets tools through its prompt template instead, and xgrammar
 *   structural tags keep each call's arguments to its JSON schema.
 * - FIM: `completions.create({prompt})`, a raw prompt with no chat template. It
 *   resets the KV cache, so the next chat turn prefills the whole thread again.
 * - device lost: web-llm only logs it and unloads itself (or throws
 *   DeviceLostError from reload). We watch the GPUDevice it creates, and also
 *   read a lost model from errors, and tell `onDeviceLost` listeners. web-llm
 *   also destroys the device itself when a buffer allocation fails (out of
 *   memory): we report that as a lost device too, at once.
 * - unload/delete: web-llm's unload() disposes the pipeline even while a
 *   generation runs on it, so we interrupt every running chat and completion
 *   (they end with finish_reason 'abort') and wait for them first.
 */

// ---------------------------------------------------------------------------
// The slice of web-llm this engine uses, so tests can pass a fake MLCEngine.

export interface MlcEngineLike {
  reload(modelId: string): Promise<void>;
  unload(): Promise<void>;
  interruptGenerate(): void | Promise<void>;
  chat: { completions: { create(request: ChatCompletionRequestStreaming): Promise<AsyncIterable<ChatCompletionChunk>> } };
  completions: { create(request: CompletionCreateParamsStreaming): Promise<AsyncIterable<Completion>> };
}

/** The slice of WebGPU used to watch the device web-llm creates. */
export interface GpuDeviceLike {
  readonly lost: Promise<{ reason?: string; message?: string }>;
}
export interface GpuAdapterLike {
  requestDevice(descriptor?: unknown): Promise<GpuDeviceLike>;
}
export interface GpuLike {
  requestAdapter(options?: unknown): Promise<GpuAdapterLike | null>;
}

/** Cache Storage, for the partial-download check and cleanup ('cache' backend only). */
export interface CacheStorageLike {
  has(name: string): Promise<boolean>;
  open(name: string): Promise<{ keys(): Promise<readonly { url: string }[]>; delete(request: string): Promise<boolean> }>;
}

export interface WebLlmDeps {
  /** Makes the engine a load runs on; default `new MLCEngine(config)`. */
  createEngine?: (config: MLCEngineConfig) => MlcEngineLike | Promise<MlcEngineLike>;
  hasModelInCache?: (modelId: string, appConfig: AppConfig) => Promise<boolean>;
  deleteModelAllInfoInCache?: (modelId: string, appConfig: AppConfig) => Promise<void>;
  /** Default `globalThis.caches`. */
  caches?: CacheStorageLike;
  /** Default `navigator.gpu`; device-lost watching is off without it. */
  gpu?: GpuLike;
  /** Fit inputs beyond the DeviceReport; default reads navigator.deviceMemory. */
  fitOptions?: FitOptions;
  /** The builds offered; default `webllmBuilds(config)` (tests add e.g. a Hermes build for native tools). */
  builds?: (config: LlmConfig) => WebLlmBuild[];
  /** How tools go into the prompt and which syntax to parse; default `templateToolTemplating`. */
  toolTemplating?: ToolTemplating;
  now?: () => number;
}

/** Thrown by chat/complete when the GPU device was lost; the service reloads the model. */
export class WebLlmDeviceLostError extends Error {
  override name = 'WebLlmDeviceLostError';
}

const MiB = 2 ** 20;

// ---------------------------------------------------------------------------
// Load progress

/**
 * Maps one web-llm init report to our LoadProgress. web-llm reports in turn:
 * "Start to fetch params", "Fetching param cache[i/n]: X MB fetched. P% …"
 * (download; skipped when cached), "Loading model from cache[i/n]: …" (weights
 * onto the GPU), "Loading GPU shader modules[i/n]: …" and "Finish loading on
 * WebGPU - …". The latter three are our 'compile' phase; 'ready' is sent by
 * `load` itself once reload has resolved. Bytes are real during the download
 * (web-llm counts fetched MB) and fall back to `estimatedBytes` before the
 * first shard; in 'compile' they measure that phase's share of the total.
 */
export function mapInitProgress(report: InitProgressReport, estimatedBytes: number): LoadProgress {
  const progress = Math.min(Math.max(report.progress, 0), 1);
  const fetched = /Fetching param cache\[\d+\/\d+\]: (\d+)MB fetched/.exec(report.text);
  if (fetched) {
    const loadedBytes = Number(fetched[1]) * MiB;
    const totalBytes = progress > 0 ? Math.max(loadedBytes, Math.round(loadedBytes / progress)) : estimatedBytes;
    return { phase: 'download', loadedBytes: Math.min(loadedBytes, totalBytes), totalBytes, text: report.text };
  }
  const compiling = /^(Loading model from cache|Loading GPU shader modules|Finish loading)/.test(report.text);
  return {
    phase: compiling ? 'compile' : 'download',
    loadedBytes: Math.round(progress * estimatedBytes),
    totalBytes: estimatedBytes,
    text: report.text,
  };
}

// ---------------------------------------------------------------------------
// Templated tool calls: prompt-format.ts writes the tools, past calls and
// results into the messages in the family's syntax; tool-calls.ts parses the
// model's text back into tool_calls deltas; the grammar below holds each
// call's arguments to its tool's schema.

export interface ToolTemplating {
  /** Messages with the tool list, past calls and tool results written as template text (no tool role left). */
  foldTools(messages: ChatMessage[], tools: ToolSpec[], family: string): ChatMessage[];
  /** The syntax the folded prompt asks for; the parser and the grammar follow it. */
  format(family: string): ToolCallFormat;
}

/** The shared per-family formats (prompt-format.ts). */
export const templateToolTemplating: ToolTemplating = {
  foldTools: (messages, tools, family) => messagesForTemplate(messages, tools, family),
  format: toolFormatFor,
};

/** The literal text around one call, so xgrammar can hold the arguments to the tool's schema. */
export interface ToolCallSyntax {
  /** Where constrained decoding starts; a prefix of every `begin`. */
  trigger: string;
  begin(toolName: string): string;
  end: string;
}

/**
 * hermes: `<tool_call>\n{"name": …, "arguments": {…}}\n</tool_call>`.
 * llama3: `{"name": …, "parameters": {…}}`; a JSON answer that opens like a
 * call is read as one by the parser anyway. 'none': no grammar.
 */
export function toolCallSyntax(format: ToolCallFormat): ToolCallSyntax | undefined {
  if (format === 'hermes') {
    return {
      trigger: '<tool_call>',
      begin: (name) => `<tool_call>\n{"name": ${JSON.stringify(name)}, "arguments": `,
      end: '}\n</tool_call>',
    };
  }
  if (format === 'llama3') {
    return { trigger: '{"name": ', begin: (name) => `{"name": ${JSON.stringify(name)}, "parameters": `, end: '}' };
  }
  return undefined;
}

/**
 * xgrammar structural tag: free text until the trigger, then one of the tools'
 * calls with its arguments held to that tool's JSON schema. Sent as a string,
 * which web-llm hands to xgrammar as it is.
 */
export function toolCallGrammar(tools: ToolSpec[], syntax: ToolCallSyntax): ResponseFormat {
  const tags = tools.map((tool) => ({
    type: 'tag',
    begin: syntax.begin(tool.function.name),
    content: { type: 'json_schema', json_schema: tool.function.parameters },
    end: syntax.end,
  }));
  const structuralTag = { type: 'structural_tag', format: { type: 'triggered_tags', triggers: [syntax.trigger], tags } };
  return { type: 'structural_tag', structural_tag: JSON.stringify(structuralTag) };
}

// ---------------------------------------------------------------------------
// Messages web-llm accepts: one system message first, string content (the
// catalog has no vision model: images become a note), the last message from
// the user or a tool.

function toWebLlmMessages(messages: ChatMessage[], native: boolean): ChatCompletionMessageParam[] {
  const system = messages.filter((message) => message.role === 'system').map((message) => flattenContent(message.content));
  const out: ChatCompletionMessageParam[] = [];
  // web-llm's Hermes path writes its own system prompt and rejects ours: ours goes before the first user turn.
  let pendingSystem = native ? system.filter(Boolean).join('\n\n') : '';
  if (!native && system.length > 0) out.push({ role: 'system', content: system.join('\n\n') });
  for (const message of messages) {
    const text = flattenContent(message.content);
    if (message.role === 'user') {
      out.push({ role: 'user', content: pendingSystem ? `${pendingSystem}\n\n${text}` : text });
      pendingSystem = '';
    } else if (message.role === 'assistant') {
      const calls = message.tool_calls ?? [];
      // Hermes answers with a JSON array of {name, arguments}; past calls are written the same way.
      const hermesCalls = calls.map((call) => ({ name: call.function.name, arguments: parseArguments(call.function.arguments) }));
      out.push({ role: 'assistant', content: native && calls.length > 0 ? JSON.stringify(hermesCalls) : text });
    } else if (message.role === 'tool') {
      out.push({ role: 'tool', content: text, tool_call_id: message.tool_call_id ?? '' });
    }
  }
  return out;
}

function parseArguments(args: string): unknown {
  try {
    return JSON.parse(args);
  } catch {
    return args;
  }
}

// ---------------------------------------------------------------------------

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : '';
}

function isDeviceLostError(error: unknown): boolean {
  return errorName(error) === 'DeviceLostError' || /device (was |is )?lost|GPUDevice.*lost/i.test(errorMessage(error));
}

/**
 * What to tell the user about a GPUDevice lost under a loaded model. Reason
 * 'destroyed' there is web-llm (tvmjs tryCreateBuffer) destroying the device
 * after a buffer allocation raised an out-of-memory (or validation) error: out
 * of GPU memory, as far as the user is concerned.
 */
function lostDeviceMessage(info: { reason?: string; message?: string }): string {
  if (info.reason === 'destroyed') return 'out of GPU memory: a GPU buffer allocation failed and web-llm destroyed the device';
  return `the GPU device was lost (${info.reason ?? 'unknown'}${info.message ? `: ${info.message}` : ''})`;
}

function abortError(what: string): DOMException {
  return new DOMException(`${what} was cancelled`, 'AbortError');
}

function toUsage(usage: CompletionUsage | undefined): Usage {
  return {
    prompt_tokens: usage?.prompt_tokens ?? 0,
    completion_tokens: usage?.completion_tokens ?? 0,
    total_tokens: usage?.total_tokens ?? 0,
  };
}

/** The tokenizer inside web-llm's pipeline: private, so probed shape by shape. */
function pipelineTokenizer(engine: unknown, mlcModelId: string): { encode(text: string): ArrayLike<number> } | undefined {
  const pipelines = (engine as { loadedModelIdToPipeline?: unknown }).loadedModelIdToPipeline;
  if (!(pipelines instanceof Map)) return undefined;
  const pipeline: unknown = pipelines.get(mlcModelId);
  const tokenizer = typeof pipeline === 'object' && pipeline !== null ? (pipeline as { tokenizer?: unknown }).tokenizer : undefined;
  if (typeof tokenizer !== 'object' || tokenizer === null) return undefined;
  const encode = (tokenizer as { encode?: unknown }).encode;
  if (typeof encode !== 'function') return undefined;
  return { encode: (text) => (encode as (text: string) => ArrayLike<number>).call(tokenizer, text) };
}

/*
 * Cache Storage scopes holding files of one model only. 'webllm/wasm' is left
 * out: builds of one architecture share a wasm, so finding it says nothing about
 * this model (web-llm's own delete removes it).
 */
const CACHE_SCOPES = ['webllm/model', 'webllm/config'] as const;

/** web-llm's cleanModelUrl: weights, tokenizer and config live under ".../resolve/main/". */
function modelBaseUrl(modelUrl: string): string {
  const withSlash = modelUrl.endsWith('/') ? modelUrl : `${modelUrl}/`;
  return /\/resolve\/.+\//.test(withSlash) ? withSlash : `${withSlash}resolve/main/`;
}

// ---------------------------------------------------------------------------
// One chat turn

interface ChatPlan {
  /** native: web-llm's own `tools` (Hermes); templated: tools in the prompt; plain: no tools at all. */
  mode: 'native' | 'templated' | 'plain';
  request: ChatCompletionRequestStreaming;
  /** Splits <think> and template tool calls out of the text; none in native mode (web-llm parses). */
  parser: ToolCallStream | undefined;
}

/**
 * The tool with a schema xgrammar can compile. Tools from MCP servers or
 * settings may come without `parameters` (the type says otherwise): its tag
 * would then have no `json_schema`, the whole structural tag would fail to
 * compile, and the retry would drop the constraints of every other tool too.
 */
export function withParameters(tool: ToolSpec): ToolSpec {
  const parameters: unknown = tool.function.parameters;
  if (typeof parameters === 'object' && parameters !== null && !Array.isArray(parameters)) return tool;
  // "No arguments": what OpenAI means by a function without `parameters`.
  return { ...tool, function: { ...tool.function, parameters: { type: 'object', properties: {} } } };
}

function planChat(request: ChatRequest, build: WebLlmBuild, templating: ToolTemplating): ChatPlan {
  // The prompt, the grammar and web-llm's own tools all see the same schema.
  const tools = (request.tools ?? []).map(withParameters);
  // Past calls and results need the template's syntax even on a turn that offers no tools.
  const toolHistory = request.messages.some((message) => message.role === 'tool' || (message.tool_calls?.length ?? 0) > 0);
  const mode = tools.length > 0 && build.nativeTools ? 'native' : tools.length > 0 || toolHistory ? 'templated' : 'plain';
  const format: ToolCallFormat = mode === 'templated' ? templating.format(build.family) : 'none';
  const syntax = mode === 'templated' && tools.length > 0 ? toolCallSyntax(format) : undefined;
  const messages = mode === 'templated' ? templating.foldTools(request.messages, tools, build.family) : request.messages;
  return {
    mode,
    parser: mode === 'native' ? undefined : createToolCallStream({ format }),
    request: {
      messages: toWebLlmMessages(messages, mode === 'native'),
      stream: true,
      stream_options: { include_usage: true },
      ...(request.max_tokens === undefined ? {} : { max_tokens: request.max_tokens }),
      ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
      ...(request.top_p === undefined ? {} : { top_p: request.top_p }),
      ...(request.stop?.length ? { stop: request.stop } : {}),
      ...(mode === 'native' ? { tools } : {}),
      ...(syntax ? { response_format: toolCallGrammar(tools, syntax) } : {}),
    },
  };
}

/** Sends our chunks: the first delta carries the role, the last the finish reason and usage. */
function createChunkWriter(modelId: string, onChunk: (chunk: ChatChunk) => void) {
  let sentRole = false;
  let id: string | undefined;
  let created: number | undefined;
  const send = (delta: ChatDelta, finishReason: FinishReason | null, usage?: Usage) => {
    const withRole: ChatDelta = sentRole ? delta : { role: 'assistant', ...delta };
    sentRole = true;
    onChunk({
      ...(id === undefined ? {} : { id }),
      model: modelId,
      ...(created === undefined ? {} : { created }),
      choices: [{ index: 0, delta: withRole, finish_reason: finishReason }],
      ...(usage ? { usage } : {}),
    });
  };
  const writer = {
    sawToolCalls: false,
    sentAnything: false,
    /** Adopts web-llm's chunk id and timestamp for every chunk of the turn. */
    identify(chunk: { id: string; created: number }) {
      id ??= chunk.id;
      created ??= chunk.created;
    },
    deltas(deltas: ChatDelta[]) {
      for (const delta of deltas) {
        if (delta.tool_calls?.length) writer.sawToolCalls = true;
        writer.sentAnything = true;
        send(delta, null);
      }
    },
    finish(finishReason: FinishReason, usage: Usage) {
      send({}, finishReason, usage);
    },
  };
  return writer;
}

interface StreamOutcome {
  finish: FinishReason;
  usage: CompletionUsage | undefined;
  /** Native mode: the calls web-llm parsed, and the raw text it streamed. */
  nativeCalls: ToolCallDelta[];
  nativeText?: string;
}

/** Runs the request and feeds its text to `onText`; retries once without the grammar if xgrammar rejects a schema. */
async function streamChat(
  engine: MlcEngineLike,
  plan: ChatPlan,
  signal: AbortSignal,
  interrupt: () => void,
  onText: (text: string) => void,
  writer: ReturnType<typeof createChunkWriter>,
): Promise<StreamOutcome> {
  const outcome: StreamOutcome = { finish: 'stop', usage: undefined, nativeCalls: [], nativeText: '' };
  for (let attempt = 0; ; attempt++) {
    try {
      for await (const chunk of await engine.chat.completions.create(plan.request)) {
        writer.identify(chunk);
        if (chunk.usage) outcome.usage = chunk.usage;
        const choice = chunk.choices[0];
        if (!choice) continue;
        // web-llm resets its interrupt flag when generation starts: repeat it if the abort came earlier.
        if (signal.aborted) interrupt();
        const text = choice.delta.content ?? '';
        if (plan.mode === 'native') outcome.nativeText += text;
        if (text) onText(text);
        if (!choice.finish_reason) continue;
        outcome.finish = choice.finish_reason;
        outcome.nativeCalls = (choice.delta.tool_calls ?? []).map((call, index) => ({
          index,
          id: call.id ?? `call_${crypto.randomUUID()}`,
          type: 'function',
          function: { name: call.function?.name ?? '', arguments: call.function?.arguments ?? '{}' },
        }));
      }
      return outcome;
    } catch (error) {
      // A schema xgrammar cannot compile should not cost the turn (unless the turn is being stopped anyway).
      const retry = attempt === 0 && !writer.sentAnything && !signal.aborted;
      if (errorName(error) === 'GrammarMatcherInitError' && plan.request.response_format && retry) {
        delete plan.request.response_format;
        continue;
      }
      // web-llm could not read the Hermes JSON it asked for: the text stays as text.
      if (plan.mode === 'native' && errorName(error).startsWith('ToolCallOutput')) return { ...outcome, finish: 'stop' };
      throw error;
    }
  }
}

/** Flushes the parser and native calls, and settles the finish reason of a chat turn. */
function finishChat(
  plan: ChatPlan,
  outcome: StreamOutcome,
  writer: ReturnType<typeof createChunkWriter>,
  aborted: boolean,
): FinishReason {
  let finish = outcome.finish;
  if (plan.parser) {
    const end = plan.parser.end();
    writer.deltas(end.deltas);
    if (end.finishReason === 'tool_calls' && finish === 'stop') finish = 'tool_calls';
  }
  if (plan.mode === 'native') {
    if (outcome.nativeCalls.length > 0 && finish === 'tool_calls') writer.deltas([{ tool_calls: outcome.nativeCalls }]);
    // Cut off (length/abort) or unreadable: web-llm returns no calls, so what the model wrote is kept.
    else if (outcome.nativeText) writer.deltas([{ content: outcome.nativeText }]);
  }
  if (aborted) return 'abort';
  return finish === 'tool_calls' && !writer.sawToolCalls ? 'stop' : finish;
}

function chatStats(usage: CompletionUsage | undefined, timeToFirstTokenMs: number): GenerationStats {
  const prefill = usage?.extra.prefill_tokens_per_s ?? 0;
  const decode = usage?.extra.decode_tokens_per_s ?? 0;
  return {
    promptTokens: usage?.prompt_tokens ?? 0,
    completionTokens: usage?.completion_tokens ?? 0,
    timeToFirstTokenMs: Math.round(timeToFirstTokenMs),
    prefillTokensPerSec: Number.isFinite(prefill) ? prefill : 0,
    decodeTokensPerSec: Number.isFinite(decode) ? decode : 0,
  };
}

interface LoadedModel {
  info: LocalModelInfo;
  build: WebLlmBuild;
  engine: MlcEngineLike;
  /** The chats and completions running on it, which unload stops and waits for. */
  generations: Set<Generation>;
}

/** One chat or completion in flight. */
interface Generation {
  /** Trips the generation's signal and interrupts web-llm. */
  stop(): void;
  /** Settles (never rejects) when the generation no longer touches the pipeline. */
  settled: Promise<void>;
}

/**
 * Runs one generation on `current` under a signal that the caller's abort and
 * an unload both trip. web-llm's unload() disposes the pipeline without waiting
 * for (or interrupting) a running generation, so `disposeLoaded` stops each one
 * and waits for it first.
 */
function trackGeneration<T>(
  current: LoadedModel,
  signal: AbortSignal,
  run: (stopped: AbortSignal, interrupt: () => void) => Promise<T>,
): Promise<T> {
  const stopper = new AbortController();
  const interrupt = () => void Promise.resolve(current.engine.interruptGenerate()).catch(() => undefined);
  const stop = () => {
    stopper.abort();
    interrupt();
  };
  if (signal.aborted) stopper.abort();
  signal.addEventListener('abort', stop, { once: true });
  const result = run(stopper.signal, interrupt);
  const generation: Generation = { stop, settled: result.then(() => undefined, () => undefined) };
  current.generations.add(generation);
  void generation.settled.then(() => {
    current.generations.delete(generation);
    signal.removeEventListener('abort', stop);
  });
  return result;
}

/** Stops every generation on `current` and waits until none touches the pipeline. */
async function drainGenerations(current: LoadedModel): Promise<void> {
  const running = [...current.generations];
  for (const generation of running) generation.stop();
  await Promise.all(running.map((generation) => generation.settled));
}

/**
 * Creates the web-llm engine. Load a model before chat/complete/countTokens.
 *
 * @example
 * const engine = createWebLlmEngine();
 * const [model] = await engine.catalog(device, {});
 * await engine.load(model, (p) => console.log(p.phase, p.loadedBytes), new AbortController().signal);
 */
export function createWebLlmEngine(deps: WebLlmDeps = {}): LocalEngine {
  const createEngine =
    deps.createEngine ?? (async (config: MLCEngineConfig) => new (await import('@mlc-ai/web-llm')).MLCEngine(config));
  const hasModelInCache = deps.hasModelInCache ?? (async (id, app) => (await import('@mlc-ai/web-llm')).hasModelInCache(id, app));
  const deleteAllInfo =
    deps.deleteModelAllInfoInCache ?? (async (id, app) => (await import('@mlc-ai/web-llm')).deleteModelAllInfoInCache(id, app));
  const scope = globalThis as { caches?: CacheStorageLike; navigator?: { gpu?: GpuLike } };
  const caches = deps.caches ?? scope.caches;
  const gpu = deps.gpu ?? scope.navigator?.gpu;
  const templating = deps.toolTemplating ?? templateToolTemplating;
  const now = deps.now ?? (() => performance.now());

  let config: LlmConfig = {};
  let loaded: LoadedModel | null = null;
  /** Set when the GPU device went away under the loaded model; cleared by load/unload. */
  let lostMessage: string | null = null;
  /** Unloading of an engine (a cancelled load's, or one draining its generations); the next load waits for it. */
  let cleanup: Promise<void> = Promise.resolve();
  const lostListeners = new Set<(message: string) => void>();

  const builds = () => (deps.builds ?? webllmBuilds)(config);
  const appConfig = () => webllmAppConfig(builds());
  const findBuild = (modelId: string) => findWebLlmBuild(modelId, builds());

  function deviceLost(message: string): void {
    if (lostMessage !== null) return;
    lostMessage = message;
    for (const listener of lostListeners) listener(message);
  }

  function requireLoaded(what: string): LoadedModel {
    if (lostMessage !== null) throw new WebLlmDeviceLostError(`webllm.${what}: ${lostMessage}`);
    if (!loaded) throw new Error(`webllm.${what}: no model is loaded`);
    return loaded;
  }

  /** Turns a failure of a loaded model into a device-lost notice when that is what it was. */
  function failure(what: string, current: LoadedModel, error: unknown): Error {
    // web-llm unloads itself on a lost device, so a request then finds no model.
    if (lostMessage !== null || isDeviceLostError(error) || errorName(error) === 'ModelNotLoadedError') {
      deviceLost(
        `the GPU device was lost while ${current.info.label} was loaded (often out of GPU memory): ${errorMessage(error)}`,
      );
      return new WebLlmDeviceLostError(`webllm.${what}: ${lostMessage ?? errorMessage(error)}`);
    }
    return error instanceof Error ? error : new Error(`webllm.${what}: ${errorMessage(error)}`);
  }

  /**
   * Notes each GPUDevice created while `run` is pending, by wrapping
   * navigator.gpu.requestAdapter and the adapter's requestDevice for that time:
   * web-llm makes its device inside reload() and offers no device-lost hook.
   */
  function watchDevices(run: () => Promise<void>, onDevice: (device: GpuDeviceLike) => void): Promise<void> {
    if (!gpu) return run();
    const own = Object.getOwnPropertyDescriptor(gpu, 'requestAdapter');
    const requestAdapter = gpu.requestAdapter;
    gpu.requestAdapter = async (options) => {
      const adapter = await requestAdapter.call(gpu, options);
      if (adapter) {
        const requestDevice = adapter.requestDevice;
        adapter.requestDevice = async (descriptor) => {
          const device = await requestDevice.call(adapter, descriptor);
          onDevice(device);
          return device;
        };
      }
      return adapter;
    };
    const restore = () => {
      if (own) Object.defineProperty(gpu, 'requestAdapter', own);
      else Reflect.deleteProperty(gpu, 'requestAdapter');
    };
    return run().finally(restore);
  }

  async function unloadEngine(engine: MlcEngineLike): Promise<void> {
    try {
      await engine.unload();
    } catch {
      // A lost device or a half-built pipeline can fail to dispose; nothing is left to free then.
    }
  }

  /** One chat turn; `stopped` trips on the caller's abort or an unload. */
  async function runChat(
    current: LoadedModel,
    request: ChatRequest,
    onChunk: (chunk: ChatChunk) => void,
    stopped: AbortSignal,
    interrupt: () => void,
  ): Promise<LocalChatResult> {
    const plan = planChat(request, current.build, templating);
    const writer = createChunkWriter(current.info.id, onChunk);
    const started = now();
    let firstTokenAt: number | null = null;
    let outcome: StreamOutcome = { finish: 'stop', usage: undefined, nativeCalls: [] };
    try {
      if (!stopped.aborted) {
        outcome = await streamChat(current.engine, plan, stopped, interrupt, (text) => {
          firstTokenAt ??= now();
          if (plan.parser) writer.deltas(plan.parser.push(text));
        }, writer);
      }
    } catch (error) {
      throw failure('chat', current, error);
    }
    const finish = finishChat(plan, outcome, writer, stopped.aborted);
    const usage = toUsage(outcome.usage);
    writer.finish(finish, usage);
    return { finish_reason: finish, usage, stats: chatStats(outcome.usage, firstTokenAt === null ? 0 : firstTokenAt - started) };
  }

  /** One raw (FIM) completion; `stopped` trips on the caller's abort or an unload. */
  async function runComplete(
    current: LoadedModel,
    prompt: string,
    options: { maxTokens: number; temperature: number; stop: string[] },
    stopped: AbortSignal,
    interrupt: () => void,
  ): Promise<{ text: string; finish_reason: FinishReason; usage: Usage }> {
    let text = '';
    let finish: FinishReason = 'stop';
    let usage: CompletionUsage | undefined;
    try {
      const stream = await current.engine.completions.create({
        prompt,
        stream: true,
        stream_options: { include_usage: true },
        max_tokens: options.maxTokens,
        temperature: options.temperature,
        ...(options.stop.length ? { stop: options.stop } : {}),
      });
      for await (const chunk of stream) {
        if (chunk.usage) usage = chunk.usage;
        const choice = chunk.choices[0];
        if (!choice) continue;
        text += choice.text;
        // web-llm resets its interrupt flag when generation starts: repeat it if the stop came earlier.
        if (stopped.aborted) interrupt();
        if (choice.finish_reason) finish = choice.finish_reason === 'tool_calls' ? 'stop' : choice.finish_reason;
      }
    } catch (error) {
      throw failure('complete', current, error);
    }
    return { text, finish_reason: stopped.aborted ? 'abort' : finish, usage: toUsage(usage) };
  }

  /** Interrupts and waits for what generates on `current`, then disposes its pipeline. */
  async function disposeLoaded(current: LoadedModel): Promise<void> {
    await drainGenerations(current);
    await unloadEngine(current.engine);
  }

  const engine: LocalEngine = {
    id: 'webllm',

    async catalog(device: DeviceReport, llmConfig: LlmConfig): Promise<LocalModelInfo[]> {
      config = llmConfig;
      const models = webllmModels(device, llmConfig, { ...deps.fitOptions, builds: builds() });
      await Promise.all(
        models.map(async (model) => {
          model.cached = await engine.cacheState(model);
        }),
      );
      return models;
    },

    async load(model, onProgress, signal) {
      await cleanup;
      if (signal.aborted) throw abortError(`webllm.load(${model.id})`);
      const build = findBuild(model.id);
      if (!build) throw new Error(`webllm.load: ${model.id} is not in this web-llm's model list`);
      if (loaded) await engine.unload();
      lostMessage = null;

      /*
       * web-llm's reload controller: the first engine.unload() aborts it and
       * drops it, so fetches that start later (the weight shards, after the wasm
       * and tokenizer) cannot be stopped. So a cancel before the weights start
       * waits for web-llm's first report ("Start to fetch params", by which time
       * the shard fetches hold the signal), and one during GPU loading or shader
       * compilation has nothing left to stop.
       */
      let stage: 'start' | 'download' | 'compile' = 'start';
      let stopWhenDownloading = false;
      const mlc: MlcEngineLike = await createEngine({
        appConfig: appConfig(),
        initProgressCallback: (report) => {
          const progress = mapInitProgress(report, model.downloadBytes);
          stage = progress.phase === 'compile' ? 'compile' : 'download';
          if (stopWhenDownloading && stage === 'download') {
            stopWhenDownloading = false;
            stopFetches();
          }
          if (!signal.aborted) onProgress(progress);
        },
        logLevel: 'WARN',
      });
      function stopFetches() {
        void mlc.unload().catch(() => undefined);
      }
      const onAbort = () => {
        if (stage === 'download') stopFetches();
        else if (stage === 'start') stopWhenDownloading = true;
      };
      let lostDuringLoad: string | null = null;
      const onDevice = (device: GpuDeviceLike) => {
        void device.lost.then((info) => {
          /*
           * Reason 'destroyed' is our unload (web-llm's dispose destroys the
           * device) or web-llm itself after a failed buffer allocation. Every
           * unload of ours drops `loaded` first, so while this engine is the
           * loaded one the destroy was web-llm's. While loading, web-llm throws
           * DeviceLostError from reload() for its own.
           */
          if (loaded?.engine === mlc) deviceLost(`${lostDeviceMessage(info)}; web-llm unloaded ${model.label}`);
          else if (info.reason !== 'destroyed') lostDuringLoad = lostDeviceMessage(info);
        });
      };

      // Listening before reload starts: web-llm may report (and the user cancel) before reload() returns.
      let rejectLoad: (error: unknown) => void = () => undefined;
      const cancelled = new Promise<never>((_, reject) => (rejectLoad = reject));
      const cancel = () => {
        rejectLoad(abortError(`webllm.load(${model.id})`));
        onAbort();
      };
      signal.addEventListener('abort', cancel, { once: true });
      // web-llm's reload() resolves quietly, with no model, once its fetches are aborted.
      const reloading = watchDevices(() => mlc.reload(build.record.model_id), onDevice);
      try {
        await Promise.race([reloading, cancelled]);
        if (signal.aborted) throw abortError(`webllm.load(${model.id})`);
      } catch (error) {
        // Loading onto the GPU does not stop on abort: unload again once reload has settled.
        cleanup = reloading.catch(() => undefined).then(() => unloadEngine(mlc));
        if (signal.aborted) throw abortError(`webllm.load(${model.id})`);
        if (isDeviceLostError(error) || lostDuringLoad !== null) {
          throw new Error(
            `webllm.load(${model.id}): the GPU device was lost while loading, most often because the model needs more GPU memory ` +
              `than this device can give (about ${formatBytes(model.memoryBytes)}); try a smaller model`,
          );
        }
        throw new Error(`webllm.load(${model.id}): ${errorMessage(error)}`, { cause: error });
      } finally {
        signal.removeEventListener('abort', cancel);
      }
      loaded = { info: model, build, engine: mlc, generations: new Set() };
      const total = model.downloadBytes;
      onProgress({ phase: 'ready', loadedBytes: total, totalBytes: total, text: `${model.label} is ready` });
    },

    async unload() {
      // Dropped at once, so no new chat starts on a model that is going away.
      const current = loaded;
      loaded = null;
      lostMessage = null;
      if (current) cleanup = cleanup.then(() => disposeLoaded(current));
      await cleanup;
    },

    async chat(request, onChunk, signal) {
      const current = requireLoaded('chat');
      return trackGeneration(current, signal, (stopped, interrupt) => runChat(current, request, onChunk, stopped, interrupt));
    },

    async complete(prompt, options, signal) {
      const current = requireLoaded('complete');
      if (signal.aborted) return { text: '', finish_reason: 'abort' };
      return trackGeneration(current, signal, (stopped, interrupt) => runComplete(current, prompt, options, stopped, interrupt));
    },

    async countTokens(text) {
      const current = requireLoaded('countTokens');
      const tokenizer = pipelineTokenizer(current.engine, current.build.record.model_id);
      if (tokenizer) return tokenizer.encode(text).length;
      // web-llm moved its internals: an estimate (about 3.5 characters a token for code and English) beats failing.
      return Math.ceil(text.length / 3.5);
    },

    async cacheState(model) {
      const build = findBuild(model.id);
      if (!build) return 'none';
      const app = appConfig();
      try {
        if (await hasModelInCache(build.record.model_id, app)) return 'complete';
      } catch {
        // No Cache Storage here (Node, or storage blocked): nothing is cached.
        return 'none';
      }
      return (await cachedUrls(build)).length > 0 ? 'partial' : 'none';
    },

    async deleteModel(model) {
      const build = findBuild(model.id);
      if (!build) throw new Error(`webllm.deleteModel: ${model.id} is not in this web-llm's model list`);
      // Also waits for an unload already under way, so no shard is deleted under a live pipeline.
      if (loaded?.info.id === model.id) await engine.unload();
      else await cleanup;
      let failed: unknown;
      try {
        await deleteAllInfo(build.record.model_id, appConfig());
      } catch (error) {
        // A half-finished download may lack tensor-cache.json, which web-llm needs to find the shards.
        failed = error;
      }
      // Sweep what web-llm's delete did not reach (shards without a manifest, the config).
      for (const { scope: name, url } of await cachedUrls(build)) {
        await caches?.open(name).then((cache) => cache.delete(url));
      }
      if (failed !== undefined && (await cachedUrls(build)).length > 0) {
        throw new Error(`webllm.deleteModel(${model.id}): ${errorMessage(failed)}`, { cause: failed });
      }
    },

    onDeviceLost(listener) {
      lostListeners.add(listener);
    },
  };

  /** Entries under the model's URL in web-llm's Cache Storage scopes. */
  async function cachedUrls(build: WebLlmBuild): Promise<{ scope: string; url: string }[]> {
    const app = appConfig();
    if (!caches || (app.cacheBackend ?? 'cache') !== 'cache') return [];
    const base = modelBaseUrl(build.record.model);
    const found: { scope: string; url: string }[] = [];
    for (const name of CACHE_SCOPES) {
      try {
        if (!(await caches.has(name))) continue;
        const cache = await caches.open(name);
        for (const request of await cache.keys()) {
          if (request.url.startsWith(base)) found.push({ scope: name, url: request.url });
        }
      } catch {
        // Storage blocked: report what could be read.
      }
    }
    return found;
  }

  return engine;
}
