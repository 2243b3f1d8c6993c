import type * as Transformers from '@huggingface/transformers';
import type {
  ChatChunk,
  ChatDelta,
  ChatMessage,
  ChatRequest,
  FinishReason,
  ToolSpec,
  Usage,
} from '../providers/types';
import type {
  CacheState,
  DeviceReport,
  GenerationStats,
  LlmConfig,
  LocalChatResult,
  LocalModelInfo,
  LoadProgress,
} from '../worker-api/llm';
import type { LocalEngine } from './engine';
import { endOfTurnTokens, messagesForTemplate, toolFormatFor } from './prompt-format';
import { createToolCallStream, type ToolCallFormat } from './tool-calls';
import { reportedDeviceMemoryBytes } from './model-fit';
import {
  externalDataChunks,
  planOnnxModels,
  requiredFiles,
  type OnnxPlan,
  type TransformersDevice,
} from './onnx-catalog';

/**
 * Engine 2: ONNX models through transformers.js (@huggingface/transformers 4)
 * on onnxruntime-web, on WebGPU where it fits and on WASM (CPU) otherwise.
 *
 * Runs in the llm worker (no DOM). Model files come from the Hugging Face hub
 * (or LlmConfig.modelHost), or only from LlmConfig.localModelPath when that is
 * set; they are cached by transformers.js in the Cache API cache
 * 'transformers-cache', one entry per file, each written only once the whole
 * file has arrived (files from localModelPath too, under their local URL).
 * onnxruntime-web's own runtime (ort-wasm-simd-threaded.asyncify.mjs + .wasm)
 * comes from our origin: vite/ort-assets.ts serves and precaches it at
 * <base>ort/. transformers.js's settings (`env`) are global to the realm, so
 * one engine per worker: each load re-applies this engine's LlmConfig.
 *
 * What transformers.js does not offer, and what we do instead:
 * - cancelling a download: env.fetch is ours and passes the load's AbortSignal,
 *   so an aborted load stops its transfers and rejects with an AbortError.
 *   Session creation itself cannot be interrupted; an abort that arrives then
 *   waits for it and disposes the model.
 * - a partial-download state: files are cached whole or not at all, so
 *   'partial' means some of a build's required files are cached and some not.
 * - the GPU device: onnxruntime-web creates it inside its wasm module and sets
 *   `env.webgpu.device` once the first WebGPU session exists; we watch its
 *   `lost` promise. onnxruntime-web keeps using that device for every later
 *   session in this worker, so after a loss only a new worker can use WebGPU
 *   again (see onDeviceLost).
 */

type TransformersModule = typeof Transformers;
type Tokenizer = Transformers.PreTrainedTokenizer;
type Model = Transformers.PreTrainedModel;
type Tensor = Transformers.Tensor;

/** Where transformers.js keeps downloaded files (its env.cacheKey default). */
export const TRANSFORMERS_CACHE_NAME = 'transformers-cache';
const DEFAULT_MODEL_HOST = 'https://huggingface.co/';
/** Must match ORT_URL_DIR in vite/ort-assets.ts (checked by the unit test). */
export const ORT_URL_DIR = 'ort/';

/** `<origin><base>ort/`: onnxruntime-web's files on our own origin; null outside a browser. */
export function defaultOrtBaseUrl(): string | null {
  const location = (globalThis as { location?: { href: string; origin: string } }).location;
  if (!location) return null;
  // Spelled so that files type-checked without vite/client (e2e specs import this module's types) compile too.
  const base = (import.meta as ImportMeta & { env?: { BASE_URL?: string } }).env?.BASE_URL ?? '/';
  return new URL(`${base.replace(/\/?$/, '/')}${ORT_URL_DIR}`, base.startsWith('/') ? location.origin : location.href).href;
}

// ---- load progress -----------------------------------------------------------

/** The progress_callback payloads of transformers.js 4 that we read. */
export interface FileProgressEvent {
  status: string;
  file?: string;
  loaded?: number;
  total?: number;
}

/**
 * Turns transformers.js's per-file events into one LoadProgress: bytes
 * summed over every file seen so far (the total grows as files start, which
 * for a model is within the first request or two: config, then the weights
 * and tokenizer in parallel). 'progress' events are throttled.
 */
export class LoadProgressTracker {
  private readonly files = new Map<string, { loaded: number; total: number; done: boolean }>();
  private lastEmit = -Infinity;
  private silenced = false;
  private compiling = false;

  constructor(
    private readonly emit: (p: LoadProgress) => void,
    private readonly sessionText: string,
    private readonly now: () => number = () => performance.now(),
    private readonly intervalMs = 100,
  ) {}

  /** No more reports (after a cancel). */
  silence(): void {
    this.silenced = true;
  }

  get bytes(): { loaded: number; total: number } {
    let loaded = 0;
    let total = 0;
    for (const f of this.files.values()) {
      loaded += f.loaded;
      total += Math.max(f.total, f.loaded);
    }
    return { loaded, total };
  }

  handle(event: FileProgressEvent): void {
    const name = event.file;
    if (!name) return;
    let file = this.files.get(name);
    if (!file) {
      file = { loaded: 0, total: 0, done: false };
      this.files.set(name, file);
    }
    switch (event.status) {
      case 'progress':
        file.loaded = event.loaded ?? file.loaded;
        file.total = event.total ?? file.total;
        this.report('download', `Downloading ${name}`, false);
        return;
      case 'done': {
        file.done = true;
        if (file.total > 0) file.loaded = file.total;
        const allDone = [...this.files.values()].every((f) => f.done);
        const weightsDone = [...this.files.entries()].some(([n, f]) => /\.onnx(_data(_\d+)?)?$/.test(n) && f.done);
        if (allDone && weightsDone) {
          this.compiling = true;
          this.report('compile', this.sessionText, true);
        } else {
          this.report('download', `Loaded ${name}`, true);
        }
        return;
      }
      default:
        // 'initiate' / 'download': the file is known now; its size comes with 'progress'.
        if (!this.compiling) this.report('download', `Fetching ${name}`, false);
    }
  }

  report(phase: LoadProgress['phase'], text: string, force: boolean): void {
    if (this.silenced) return;
    const t = this.now();
    if (!force && t - this.lastEmit < this.intervalMs) return;
    this.lastEmit = t;
    const { loaded, total } = this.bytes;
    this.emit({ phase, loadedBytes: loaded, totalBytes: total, text });
  }
}

// ---- stop strings ------------------------------------------------------------

/**
 * Cuts generated text at the first stop string, holding back any tail that
 * could still become one, so a stop string split across stream chunks never
 * reaches the user.
 */
export class StopStringFilter {
  private pending = '';
  private done = false;

  constructor(private readonly stops: readonly string[]) {}

  get stopped(): boolean {
    return this.done;
  }

  /** Text that is safe to emit now, and whether a stop string was reached. */
  push(text: string): { text: string; stopped: boolean } {
    if (this.done) return { text: '', stopped: true };
    const stops = this.stops.filter((s) => s.length > 0);
    if (stops.length === 0) return { text, stopped: false };
    this.pending += text;
    let cut = -1;
    for (const s of stops) {
      const i = this.pending.indexOf(s);
      if (i >= 0 && (cut < 0 || i < cut)) cut = i;
    }
    if (cut >= 0) {
      const out = this.pending.slice(0, cut);
      this.pending = '';
      this.done = true;
      return { text: out, stopped: true };
    }
    // Hold back the longest suffix that is a prefix of some stop string.
    let hold = 0;
    for (const s of stops) {
      for (let n = Math.min(s.length - 1, this.pending.length); n > hold; n--) {
        if (this.pending.endsWith(s.slice(0, n))) {
          hold = n;
          break;
        }
      }
    }
    const out = this.pending.slice(0, this.pending.length - hold);
    this.pending = this.pending.slice(this.pending.length - hold);
    return { text: out, stopped: false };
  }

  /** What was held back, at the end of generation. */
  flush(): string {
    const out = this.done ? '' : this.pending;
    this.pending = '';
    return out;
  }
}

// ---- tool calls ----------------------------------------------------------------

/**
 * The tool-call syntax to parse in a reply (src/inference/tool-calls.ts).
 * Without tools in the request nothing is parsed as a call, only <think> blocks.
 */
export function toolCallFormatFor(family: string, hasTools: boolean): ToolCallFormat {
  return hasTools ? toolFormatFor(family) : 'none';
}

/** A message as chat templates read it (HF's conventions: a call's arguments as an object). */
export interface TemplateMessage {
  role: string;
  content: string;
  tool_calls?: { id: string; type: 'function'; function: { name: string; arguments: unknown } }[];
  tool_call_id?: string;
}

function parseArguments(raw: string): unknown {
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}

/**
 * The messages for the model's chat template (prompt-format.ts's
 * messagesForTemplate: text only, images noted, reasoning dropped). With
 * `nativeTools` (the template has a `tools` variable) tool calls and tool
 * results stay structured, their arguments parsed to objects because the
 * templates print them with `tojson`; without, tools go into the system
 * prompt and past calls and results become text in the family's syntax.
 */
export function toTemplateMessages(
  messages: ChatMessage[],
  tools: ToolSpec[] | undefined,
  family: string,
  nativeTools: boolean,
): TemplateMessage[] {
  return messagesForTemplate(messages, tools, family, { nativeTools }).map((m) => {
    const out: TemplateMessage = { role: m.role, content: m.content };
    if (m.tool_calls?.length) {
      out.tool_calls = m.tool_calls.map((c) => ({
        id: c.id,
        type: 'function',
        function: { name: c.function.name, arguments: parseArguments(c.function.arguments) },
      }));
    }
    if (m.tool_call_id !== undefined) out.tool_call_id = m.tool_call_id;
    return out;
  });
}

/** Minimal tokenizer surface for singleSpecialTokenIds (tests pass the real one). */
interface SpecialTokenSource {
  encode(text: string, options: { add_special_tokens: boolean }): number[];
  all_special_ids: number[];
}

/**
 * The ids of those strings that are one special token each ("<|im_end|>",
 * "<|fim_pad|>"). Generation stops on them by id: the streamer skips special
 * tokens, so as stop strings they would never show up in the text.
 */
export function singleSpecialTokenIds(tokenizer: SpecialTokenSource, texts: readonly string[]): bigint[] {
  const special = new Set(tokenizer.all_special_ids);
  const out: bigint[] = [];
  for (const text of texts) {
    const ids = tokenizer.encode(text, { add_special_tokens: false });
    const [id] = ids;
    if (ids.length === 1 && id !== undefined && special.has(id)) out.push(BigInt(id));
  }
  return out;
}

// ---- the engine ------------------------------------------------------------------

export interface TransformersEngineOptions {
  /** Where onnxruntime-web's files are: default `<origin><base>ort/` (vite/ort-assets.ts). */
  ortBaseUrl?: string | null;
  /** RAM for fit decisions; default navigator.deviceMemory. */
  deviceMemoryBytes?: number;
  /** Run a 2-token generation after loading, so the first chat does not pay for shader compilation. Default true. */
  warmup?: boolean;
  /**
   * Node only (unit tests): run on onnxruntime-node's CPU instead of the
   * planned 'webgpu' / 'wasm' device, which only exist in browsers.
   */
  nodeCpu?: boolean;
}

interface LoadedModel {
  info: LocalModelInfo;
  plan: OnnxPlan;
  tokenizer: Tokenizer;
  model: Model;
  /** Tokens that end a reply: generation_config's, the tokenizer's, and the family's end-of-turn tokens. */
  eosIds: Set<bigint>;
  /** The chat template has a `tools` variable (renders tools and calls itself). */
  nativeTools: boolean;
}

interface GenerateRun {
  inputs: { input_ids: Tensor; attention_mask: Tensor };
  maxNewTokens: number;
  temperature: number | undefined;
  topP: number | undefined;
  stop: readonly string[];
  onText: (text: string) => void;
  signal: AbortSignal;
}

interface GenerateResult {
  finish: Exclude<FinishReason, 'tool_calls' | 'error'>;
  usage: Usage;
  stats: GenerationStats;
}

let library: Promise<TransformersModule> | null = null;
/** transformers.js and onnxruntime-web (~1 MB of JS), imported on first use only. */
function loadLibrary(): Promise<TransformersModule> {
  library ??= import('@huggingface/transformers');
  return library;
}

function abortError(message: string): Error {
  return new DOMException(message, 'AbortError');
}

interface GpuDeviceLike {
  lost: Promise<{ reason?: string; message?: string }>;
}

/**
 * Why onnxruntime-web's GPU device was lost, once it was: the device belongs
 * to the onnxruntime-web instance of this realm (worker or page), which never
 * requests another, so this holds for every engine here.
 */
let realmGpuLost: string | null = null;

function isGpuDevice(value: unknown): value is GpuDeviceLike {
  return typeof value === 'object' && value !== null && 'lost' in value && value.lost instanceof Promise;
}

export class TransformersEngine implements LocalEngine {
  readonly id = 'transformers' as const;

  private config: LlmConfig = {};
  private device: DeviceReport | null = null;
  private plans = new Map<string, OnnxPlan>();
  private loaded: LoadedModel | null = null;
  private lastStats: GenerationStats | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private downloadSignal: AbortSignal | null = null;
  private readonly deviceLostListeners: ((message: string) => void)[] = [];
  private watchedDevice: GpuDeviceLike | null = null;
  private readonly baseFetch: typeof fetch | undefined =
    typeof globalThis.fetch === 'function' ? globalThis.fetch.bind(globalThis) : undefined;

  constructor(private readonly options: TransformersEngineOptions = {}) {}

  /** Worker settings (the service passes what LlmWorkerApi.configure got). */
  configure(config: LlmConfig, device?: DeviceReport): void {
    this.config = config;
    if (device) this.device = device;
    this.plans.clear();
  }

  /** The loaded model and the device/build it runs on. */
  get current(): { modelId: string; device: TransformersDevice; dtype: string } | null {
    return this.loaded ? { modelId: this.loaded.info.id, device: this.loaded.plan.device, dtype: this.loaded.plan.dtype } : null;
  }

  get lastGeneration(): GenerationStats | null {
    return this.lastStats;
  }

  async catalog(device: DeviceReport, config: LlmConfig): Promise<LocalModelInfo[]> {
    this.configure(config, device);
    const plans = this.planAll();
    return Promise.all(plans.map(async (p) => ({ ...p.info, cached: await this.cacheStateOf(p) })));
  }

  private planAll(): OnnxPlan[] {
    const device: DeviceReport = this.device ?? {
      webgpu: false,
      reason: 'not probed yet',
      features: [],
      shaderF16: false,
      crossOriginIsolated: false,
      hardwareConcurrency: 1,
    };
    const memory = this.options.deviceMemoryBytes ?? reportedDeviceMemoryBytes();
    const plans = planOnnxModels(device, this.config, memory ? { deviceMemoryBytes: memory } : {});
    this.plans = new Map(plans.map((p) => [p.info.id, p]));
    return plans;
  }

  private planFor(model: LocalModelInfo): OnnxPlan {
    const plan = this.plans.get(model.id) ?? this.planAll().find((p) => p.info.id === model.id);
    if (!plan) throw new Error(`transformers.js engine: unknown model ${model.id} (not in the ONNX catalog or LlmConfig.customModels)`);
    return plan;
  }

  // ---- environment ----

  private readonly fetchForLoad = (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    if (!this.baseFetch) throw new Error('fetch is not available here');
    const signal = this.downloadSignal;
    return this.baseFetch(input, signal ? { ...init, signal } : init);
  };

  private applyEnv(lib: TransformersModule): void {
    const env = lib.env;
    if (this.config.localModelPath) {
      env.allowLocalModels = true;
      env.localModelPath = this.config.localModelPath;
      env.allowRemoteModels = false;
    } else {
      env.allowLocalModels = false;
      env.allowRemoteModels = true;
    }
    env.remoteHost = (this.config.modelHost ?? DEFAULT_MODEL_HOST).replace(/\/?$/, '/');
    // The service worker precaches the runtime; transformers.js's own copy in
    // its cache would be a second 27 MB.
    env.useWasmCache = false;
    env.fetch = this.fetchForLoad;
    const ortBase = this.options.ortBaseUrl === undefined ? defaultOrtBaseUrl() : this.options.ortBaseUrl;
    const wasm = env.backends.onnx.wasm;
    if (ortBase && wasm) wasm.wasmPaths = ortBase;
  }

  // ---- load ----

  /** Queued behind a running generation (which the caller can abort) rather than pulling the model from under it. */
  load(model: LocalModelInfo, onProgress: (p: LoadProgress) => void, signal: AbortSignal): Promise<void> {
    return this.serialized(() => this.loadNow(model, onProgress, signal));
  }

  private async loadNow(model: LocalModelInfo, onProgress: (p: LoadProgress) => void, signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    const plan = this.planFor(model);
    if (this.loaded?.info.id === model.id && this.loaded.plan.device === plan.device && this.loaded.plan.dtype === plan.dtype) {
      onProgress({ phase: 'ready', loadedBytes: 0, totalBytes: 0, text: `${model.label} is loaded` });
      return;
    }
    if (plan.device === 'webgpu' && realmGpuLost && !this.options.nodeCpu) {
      throw new Error(`The GPU device was lost (${realmGpuLost}); WebGPU needs a new worker before it can load a model again`);
    }
    await this.unloadNow();
    const lib = await loadLibrary();
    this.applyEnv(lib);

    const device = this.options.nodeCpu ? 'cpu' : plan.device;
    const tracker = new LoadProgressTracker(
      onProgress,
      plan.device === 'webgpu' ? 'Creating the WebGPU session' : 'Creating the WASM session',
    );
    const onAbort = () => tracker.silence();
    signal.addEventListener('abort', onAbort);
    this.downloadSignal = signal;
    const progress_callback = (info: FileProgressEvent) => tracker.handle(info);
    let tokenizer: Tokenizer;
    let loadedModel: Model;
    try {
      tracker.report('download', `Fetching ${plan.repo}`, true);
      [tokenizer, loadedModel] = await Promise.all([
        lib.AutoTokenizer.from_pretrained(plan.repo, { progress_callback }),
        lib.AutoModelForCausalLM.from_pretrained(plan.repo, {
          dtype: plan.dtype as Transformers.DataType,
          device: device as Transformers.DeviceType,
          progress_callback,
        }),
      ]);
    } catch (error) {
      if (signal.aborted) throw abortError(`Loading ${model.label} was cancelled`);
      throw new Error(`Loading ${model.label} (${plan.repo}, ${plan.dtype} on ${plan.device}) failed: ${describe(error)}`, {
        cause: error,
      });
    } finally {
      this.downloadSignal = null;
      signal.removeEventListener('abort', onAbort);
    }
    if (signal.aborted) {
      await loadedModel.dispose().catch(() => undefined);
      throw abortError(`Loading ${model.label} was cancelled`);
    }

    const eosIds = new Set<bigint>();
    const eos = (loadedModel.generation_config as { eos_token_id?: number | number[] | null } | null)?.eos_token_id;
    for (const id of Array.isArray(eos) ? eos : eos === null || eos === undefined ? [] : [eos]) eosIds.add(BigInt(id));
    if (typeof tokenizer.eos_token_id === 'number') eosIds.add(BigInt(tokenizer.eos_token_id));
    for (const id of singleSpecialTokenIds(tokenizer, endOfTurnTokens(plan.info.family))) eosIds.add(id);
    const nativeTools = templateHasTools(tokenizer);
    yieldBetweenSteps(loadedModel);
    this.loaded = { info: { ...model, ...plan.info, cached: 'complete' }, plan, tokenizer, model: loadedModel, eosIds, nativeTools };

    if (plan.device === 'webgpu' && !this.options.nodeCpu) {
      await this.watchGpuDevice(lib);
      // A device that was already lost reports it on the next tick.
      await new Promise((resolve) => setTimeout(resolve, 0));
      if (realmGpuLost) {
        await this.unloadNow();
        throw new Error(`The GPU device was lost (${realmGpuLost}); WebGPU needs a new worker before it can load a model again`);
      }
    }
    if (this.options.warmup !== false) {
      tracker.report('compile', plan.device === 'webgpu' ? 'Compiling GPU shaders (warm-up run)' : 'Warm-up run', true);
      const warm = tokenizer('Hi', { add_special_tokens: false }) as { input_ids: Tensor; attention_mask: Tensor };
      try {
        await this.generate(this.loaded, {
          inputs: warm,
          maxNewTokens: 2,
          temperature: 0,
          topP: undefined,
          stop: [],
          onText: () => undefined,
          signal: new AbortController().signal,
        });
      } catch (error) {
        await this.unloadNow();
        throw new Error(`${model.label} loaded but its first run failed (${plan.dtype} on ${plan.device}): ${describe(error)}`, {
          cause: error,
        });
      }
    }
    if (signal.aborted) {
      await this.unloadNow();
      throw abortError(`Loading ${model.label} was cancelled`);
    }
    onProgress({ phase: 'ready', ...loadedBytes(tracker), text: `${model.label} is ready` });
  }

  private async watchGpuDevice(lib: TransformersModule): Promise<void> {
    // onnxruntime-web sets env.webgpu.device when its wasm creates the device
    // (webgpuInit); before a WebGPU session exists, reading it would create one.
    const webgpu = (lib.env.backends.onnx as { webgpu?: { device?: unknown } }).webgpu;
    let device: unknown;
    try {
      device = await Promise.resolve(webgpu?.device);
    } catch {
      return;
    }
    if (!isGpuDevice(device) || device === this.watchedDevice) return;
    this.watchedDevice = device;
    void device.lost.then((info) => {
      const message = `${info.reason ?? 'unknown'}${info.message ? `: ${info.message}` : ''}`;
      realmGpuLost = message;
      // Only an engine with a WebGPU model loaded has something to recover.
      if (this.loaded?.plan.device === 'webgpu') for (const listener of this.deviceLostListeners) listener(message);
    });
  }

  /**
   * Called when onnxruntime-web's GPU device is lost (driver reset, the tab
   * used too much GPU memory, `destroy()`). The loaded WebGPU model stops
   * working, and so does any later WebGPU load in this worker: onnxruntime-web
   * requests its device once per wasm instance. Recovery is a new worker (or
   * this engine on 'wasm').
   */
  onDeviceLost(listener: (message: string) => void): void {
    this.deviceLostListeners.push(listener);
  }

  unload(): Promise<void> {
    return this.serialized(() => this.unloadNow());
  }

  private async unloadNow(): Promise<void> {
    const loaded = this.loaded;
    this.loaded = null;
    if (loaded) await loaded.model.dispose().catch(() => undefined);
  }

  private requireLoaded(): LoadedModel {
    if (!this.loaded) throw new Error('transformers.js engine: no model is loaded');
    if (this.loaded.plan.device === 'webgpu' && realmGpuLost && !this.options.nodeCpu) {
      throw new Error(`The GPU device was lost (${realmGpuLost}); start a new worker (WebGPU) or load the model on 'wasm'`);
    }
    return this.loaded;
  }

  /** One generation at a time: onnxruntime-web runs one session call at a time anyway. */
  private serialized<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  // ---- generation ----

  private async generate(loaded: LoadedModel, run: GenerateRun): Promise<GenerateResult> {
    const lib = await loadLibrary();
    const promptTokens = run.inputs.input_ids.dims.at(-1) ?? 0;
    const zero: GenerateResult = {
      finish: 'abort',
      usage: { prompt_tokens: promptTokens, completion_tokens: 0, total_tokens: promptTokens },
      stats: { promptTokens, completionTokens: 0, timeToFirstTokenMs: 0, prefillTokensPerSec: 0, decodeTokensPerSec: 0 },
    };
    if (run.signal.aborted) return zero;

    const criteria = new lib.InterruptableStoppingCriteria();
    const onAbort = () => criteria.interrupt();
    run.signal.addEventListener('abort', onAbort);
    const filter = new StopStringFilter(run.stop);
    const eos = new Set([...loaded.eosIds, ...singleSpecialTokenIds(loaded.tokenizer, run.stop)]);
    let completion = 0;
    let lastToken: bigint | undefined;
    let first: number | null = null;
    let last = 0;
    const streamer = new lib.TextStreamer(loaded.tokenizer, {
      skip_prompt: true,
      skip_special_tokens: true,
      callback_function: (text: string) => {
        const out = filter.push(text);
        if (out.text) run.onText(out.text);
        if (out.stopped) criteria.interrupt();
      },
      token_callback_function: (tokens: bigint[]) => {
        completion += tokens.length;
        lastToken = tokens.at(-1);
        last = performance.now();
        first ??= last;
      },
    });
    const sampling =
      run.temperature === undefined
        ? {}
        : run.temperature <= 0
          ? { do_sample: false }
          : { do_sample: true, temperature: run.temperature, ...(run.topP !== undefined ? { top_p: run.topP } : {}) };

    const t0 = performance.now();
    try {
      await loaded.model.generate({
        ...run.inputs,
        max_new_tokens: run.maxNewTokens,
        ...(eos.size > 0 ? { eos_token_id: [...eos].map(Number) } : {}),
        ...sampling,
        streamer,
        stopping_criteria: [criteria],
      });
    } finally {
      run.signal.removeEventListener('abort', onAbort);
    }
    const tail = filter.flush();
    if (tail) run.onText(tail);

    const finish: GenerateResult['finish'] = run.signal.aborted
      ? 'abort'
      : filter.stopped
        ? 'stop'
        : lastToken !== undefined && eos.has(lastToken)
          ? 'stop'
          : completion >= run.maxNewTokens
            ? 'length'
            : 'stop';
    const ttft = first === null ? 0 : first - t0;
    const decodeMs = first === null ? 0 : last - first;
    const stats: GenerationStats = {
      promptTokens,
      completionTokens: completion,
      timeToFirstTokenMs: ttft,
      prefillTokensPerSec: ttft > 0 ? promptTokens / (ttft / 1000) : 0,
      decodeTokensPerSec: completion > 1 && decodeMs > 0 ? (completion - 1) / (decodeMs / 1000) : 0,
    };
    this.lastStats = stats;
    return {
      finish,
      usage: { prompt_tokens: promptTokens, completion_tokens: completion, total_tokens: promptTokens + completion },
      stats,
    };
  }

  /** The rendered prompt and its tokens (rendering, then tokenizing without added specials, as apply_chat_template does). */
  private encodeChat(loaded: LoadedModel, request: ChatRequest): { prompt: string; inputs: { input_ids: Tensor; attention_mask: Tensor } } {
    const tokenizer = loaded.tokenizer;
    const tools = request.tools?.length ? request.tools : undefined;
    const messages = toTemplateMessages(request.messages, tools, loaded.info.family, loaded.nativeTools);
    const templateTools = loaded.nativeTools ? tools : undefined;
    const prompt = tokenizer.apply_chat_template(messages as Transformers.Message[], {
      add_generation_prompt: true,
      ...(templateTools ? { tools: templateTools } : {}),
      tokenize: false,
    });
    const inputs = tokenizer(prompt, { add_special_tokens: false }) as { input_ids: Tensor; attention_mask: Tensor };
    return { prompt, inputs };
  }

  async chat(request: ChatRequest, onChunk: (chunk: ChatChunk) => void, signal: AbortSignal): Promise<LocalChatResult> {
    return this.serialized(async () => {
      const loaded = this.requireLoaded();
      const { prompt, inputs } = this.encodeChat(loaded, request);
      const promptTokens = inputs.input_ids.dims.at(-1) ?? 0;
      const window = loaded.info.contextWindow;
      if (promptTokens >= window) {
        throw new Error(`The prompt is ${promptTokens} tokens; ${loaded.info.label} takes at most ${window}`);
      }
      const maxNewTokens = Math.min(request.max_tokens ?? window, window - promptTokens);

      const id = `chatcmpl-${Math.random().toString(36).slice(2, 12)}`;
      const created = Math.floor(Date.now() / 1000);
      const model = loaded.info.id;
      let sentRole = false;
      const emit = (delta: ChatDelta, finish: FinishReason | null = null, usage?: Usage) => {
        const d: ChatDelta = sentRole ? delta : { role: 'assistant', ...delta };
        sentRole = true;
        onChunk({ id, model, created, choices: [{ index: 0, delta: d, finish_reason: finish }], ...(usage ? { usage } : {}) });
      };
      const tools = createToolCallStream({
        format: toolCallFormatFor(loaded.info.family, (request.tools?.length ?? 0) > 0),
        // Qwen3-style templates open the reasoning block in the generation prompt.
        startInThinking: /<think>\s*$/.test(prompt),
      });
      const result = await this.generate(loaded, {
        inputs,
        maxNewTokens,
        temperature: request.temperature,
        topP: request.top_p,
        stop: request.stop ?? [],
        onText: (text) => {
          for (const d of tools.push(text)) emit(d);
        },
        signal,
      });
      const end = tools.end();
      for (const d of end.deltas) emit(d);
      const finish: FinishReason = result.finish === 'abort' ? 'abort' : end.finishReason === 'tool_calls' ? 'tool_calls' : result.finish;
      emit({}, finish, result.usage);
      return { finish_reason: finish, usage: result.usage, stats: result.stats };
    });
  }

  async complete(
    prompt: string,
    options: { maxTokens: number; temperature: number; stop: string[] },
    signal: AbortSignal,
  ): Promise<{ text: string; finish_reason: FinishReason; usage: Usage }> {
    return this.serialized(async () => {
      const loaded = this.requireLoaded();
      // No special tokens added: FIM prompts carry their own (<|fim_prefix|>…).
      const inputs = loaded.tokenizer(prompt, { add_special_tokens: false }) as { input_ids: Tensor; attention_mask: Tensor };
      let text = '';
      const result = await this.generate(loaded, {
        inputs,
        maxNewTokens: options.maxTokens,
        temperature: options.temperature,
        topP: undefined,
        stop: options.stop,
        onText: (t) => {
          text += t;
        },
        signal,
      });
      return { text, finish_reason: result.finish, usage: result.usage };
    });
  }

  async countTokens(text: string): Promise<number> {
    const loaded = this.loaded;
    if (!loaded) throw new Error('transformers.js engine: no model is loaded');
    return loaded.tokenizer.encode(text, { add_special_tokens: false }).length;
  }

  // ---- cache ----

  /**
   * Cache keys transformers.js uses for a repo's files: the remote URL
   * (`<host><repo>/resolve/main/<file>`) for downloads, the local path
   * (`<localModelPath><repo>/<file>`, made absolute by the Cache API) for
   * files served by localModelPath.
   */
  private cachePrefixes(repo: string): string[] {
    const host = (this.config.modelHost ?? DEFAULT_MODEL_HOST).replace(/\/?$/, '/');
    const prefixes = [`${host}${repo}/resolve/main/`];
    if (this.config.localModelPath) {
      const location = (globalThis as { location?: { href: string } }).location;
      const local = `${this.config.localModelPath.replace(/\/?$/, '/')}${repo}/`;
      prefixes.push(location ? new URL(local, location.href).href : local);
    }
    return prefixes;
  }

  private async cachedFiles(repo: string): Promise<{ cache: Cache; files: Map<string, Request> } | null> {
    if (typeof caches === 'undefined' || !(await caches.has(TRANSFORMERS_CACHE_NAME))) return null;
    const cache = await caches.open(TRANSFORMERS_CACHE_NAME);
    const prefixes = this.cachePrefixes(repo);
    const files = new Map<string, Request>();
    for (const request of await cache.keys()) {
      const prefix = prefixes.find((p) => request.url.startsWith(p));
      if (prefix) files.set(decodeURIComponent(request.url.slice(prefix.length)), request);
    }
    return { cache, files };
  }

  private async cacheStateOf(plan: OnnxPlan): Promise<CacheState> {
    const found = await this.cachedFiles(plan.repo);
    if (!found || found.files.size === 0) return 'none';
    let chunks = 0;
    const configRequest = found.files.get('config.json');
    if (configRequest) {
      const response = await found.cache.match(configRequest);
      chunks = externalDataChunks(await response?.json().catch(() => null), plan.dtype);
    }
    return requiredFiles(plan.dtype, chunks).every((f) => found.files.has(f)) ? 'complete' : 'partial';
  }

  cacheState(model: LocalModelInfo): Promise<CacheState> {
    return this.cacheStateOf(this.planFor(model));
  }

  /** Removes every cached file of the model's repo (all builds), complete or not. */
  async deleteModel(model: LocalModelInfo): Promise<void> {
    const found = await this.cachedFiles(this.planFor(model).repo);
    if (!found) return;
    await Promise.all([...found.files.values()].map((r) => found.cache.delete(r)));
  }
}

/** Whether the chat template renders `tools` itself (Qwen2.5, Llama 3.2 do; SmolLM2's does not). */
function templateHasTools(tokenizer: Tokenizer): boolean {
  try {
    const probe: ToolSpec[] = [{ type: 'function', function: { name: 'probe', parameters: {} } }];
    return /\btools\b/.test(tokenizer.get_chat_template({ tools: probe }));
  } catch {
    return false; // no chat template at all
  }
}

function loadedBytes(tracker: LoadProgressTracker): { loadedBytes: number; totalBytes: number } {
  const { loaded, total } = tracker.bytes;
  return { loadedBytes: loaded, totalBytes: total };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * On WASM a generation step runs on this thread and its promises settle as
 * microtasks, so without a pause the worker reads no message (a Stop, a
 * superseding completion) until the whole generation is over. Each step
 * first lets queued messages in (at most every 5 ms), through a
 * MessageChannel hop (not setTimeout's 4 ms clamp): an abort then stops
 * the next step.
 */
function yieldBetweenSteps(model: Model): void {
  const target = model as unknown as { forward: (inputs: unknown) => Promise<unknown> };
  const forward = target.forward.bind(model);
  let last = 0;
  target.forward = async (inputs) => {
    // Steps of a tiny model take ~2 ms: pausing every 5 ms keeps the cost small and a Stop prompt.
    if (performance.now() - last > 5) {
      await nextTask();
      last = performance.now();
    }
    return forward(inputs);
  };
}

const taskChannel = typeof MessageChannel === 'undefined' ? null : new MessageChannel();
const taskWaiters: (() => void)[] = [];
if (taskChannel) taskChannel.port1.onmessage = () => taskWaiters.shift()?.();

function nextTask(): Promise<void> {
  if (!taskChannel) return new Promise((resolve) => setTimeout(resolve, 0));
  return new Promise((resolve) => {
    taskWaiters.push(resolve);
    taskChannel.port2.postMessage(null);
  });
}
