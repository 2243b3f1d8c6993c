import type { LocalEngine } from '../src/inference/engine';
import { sendToCallback } from '../src/worker-api/connect';
import { fimTokensFor } from '../src/inference/fim';
import { EngineActivity } from './engine-activity';
import { runFim } from './llm.fim';
import type {
  DeviceReport,
  EngineId,
  GenerationStats,
  GpuAdapterSummary,
  GpuLimits,
  LlmConfig,
  LlmEvent,
  LlmWorkerApi,
  LoadProgress,
  LocalModelInfo,
} from '../src/worker-api/llm';

/*
 * The slice of WebGPU the probe touches. TypeScript 5.9's DOM lib has no WebGPU
 * types; these stay local (no global augmentation) so adding @webgpu/types later
 * does not clash.
 */
interface GpuAdapterLike {
  readonly features: Iterable<string> & { has(feature: string): boolean };
  readonly limits: Readonly<Required<GpuLimits>>;
  /** Chrome 127+, Firefox, Safari. */
  readonly info?: Partial<GpuAdapterSummary>;
  /** Older Chrome, before `info`. */
  requestAdapterInfo?(): Promise<Partial<GpuAdapterSummary>>;
}

interface GpuLike {
  requestAdapter(options?: { powerPreference?: 'low-power' | 'high-performance' }): Promise<GpuAdapterLike | null>;
}

/** What the device probe reads from the global scope; tests pass their own. */
export interface DeviceEnv {
  gpu?: GpuLike | undefined;
  crossOriginIsolated: boolean;
  hardwareConcurrency: number;
}

export function currentDeviceEnv(): DeviceEnv {
  const scope = globalThis as {
    navigator?: { gpu?: GpuLike; hardwareConcurrency?: number };
    crossOriginIsolated?: unknown;
  };
  return {
    gpu: scope.navigator?.gpu,
    crossOriginIsolated: scope.crossOriginIsolated === true,
    hardwareConcurrency: scope.navigator?.hardwareConcurrency ?? 1,
  };
}

/** Asks the browser for a GPU adapter and reports what local inference can use. */
export async function probeDevice(env: DeviceEnv = currentDeviceEnv()): Promise<DeviceReport> {
  const base = {
    crossOriginIsolated: env.crossOriginIsolated,
    hardwareConcurrency: env.hardwareConcurrency,
  };
  const noGpu = (reason: string): DeviceReport => ({ ...base, webgpu: false, reason, features: [], shaderF16: false });

  if (!env.gpu) {
    return noGpu(
      'navigator.gpu is missing: this browser has no WebGPU, it is turned off, or the page is not a secure context',
    );
  }
  let adapter: GpuAdapterLike | null;
  try {
    adapter = await env.gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (error) {
    return noGpu(`navigator.gpu.requestAdapter() failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!adapter) {
    return noGpu('navigator.gpu.requestAdapter() returned null: no usable GPU (blocklisted driver, or GPU disabled)');
  }

  const info = adapter.info ?? (await adapter.requestAdapterInfo?.().catch(() => undefined)) ?? {};
  return {
    ...base,
    webgpu: true,
    adapter: {
      vendor: info.vendor ?? '',
      architecture: info.architecture ?? '',
      device: info.device ?? '',
      description: info.description ?? '',
    },
    features: [...adapter.features].sort(),
    shaderF16: adapter.features.has('shader-f16'),
    // Each limit web-llm checks before it creates its device (model-fit.ts judges them).
    limits: {
      maxBufferSize: adapter.limits.maxBufferSize,
      maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
      maxComputeWorkgroupStorageSize: adapter.limits.maxComputeWorkgroupStorageSize,
      maxStorageBuffersPerShaderStage: adapter.limits.maxStorageBuffersPerShaderStage,
    },
  };
}

/** An engine is created on first use: each pulls in a large library. */
export type EngineFactory = () => Promise<LocalEngine>;

export interface LlmServiceOptions {
  env?: DeviceEnv;
  engines?: Partial<Record<EngineId, EngineFactory>>;
}

/**
 * The llm worker: owns at most one loaded model, routes chats, FIM and
 * downloads to the engine that runs it, and recovers from a lost GPU device.
 */
export function createLlmService(options: LlmServiceOptions = {}): LlmWorkerApi {
  const factories = options.engines ?? {};
  const engines = new Map<EngineId, Promise<LocalEngine>>();
  /** A second instance per engine for a completion-only model (its own lock and interrupt flag). */
  const completionEngines = new Map<EngineId, Promise<LocalEngine>>();
  let config: LlmConfig = {};
  let device: DeviceReport | null = null;
  let catalog: LocalModelInfo[] = [];
  let current: { engine: LocalEngine; model: LocalModelInfo } | null = null;
  /** The completion model when it is not the chat's: loaded on its own engine instance. */
  let completionSlot: { engine: LocalEngine; model: LocalModelInfo } | null = null;
  const activity = new EngineActivity();
  let loading: AbortController | null = null;
  let last: GenerationStats | null = null;
  const running = new Map<string, AbortController>();
  const listeners: ((event: LlmEvent) => void)[] = [];

  const emit = (event: LlmEvent) => {
    for (const listener of listeners) sendToCallback(listener, event);
  };

  function engine(id: EngineId, pool = engines): Promise<LocalEngine> {
    let created = pool.get(id);
    if (!created) {
      const factory = factories[id];
      if (!factory) return Promise.reject(new Error(`The ${id} engine is not available in this build`));
      created = factory().then((e) => {
        e.onDeviceLost?.((message) => void recoverFromDeviceLoss(e, message));
        return e;
      });
      created.catch(() => pool.delete(id));
      pool.set(id, created);
    }
    return created;
  }

  async function deviceReport(): Promise<DeviceReport> {
    device ??= await probeDevice(options.env);
    return device;
  }

  async function listModels(): Promise<LocalModelInfo[]> {
    const report = await deviceReport();
    const lists = await Promise.all(
      (Object.keys(factories) as EngineId[]).map(async (id) => {
        try {
          return await (await engine(id)).catalog(report, config);
        } catch (err) {
          console.warn(`The ${id} engine could not list its models`, err);
          return [];
        }
      }),
    );
    catalog = lists.flat();
    return catalog;
  }

  async function findModel(modelId: string): Promise<LocalModelInfo> {
    const known = catalog.find((m) => m.id === modelId) ?? (await listModels()).find((m) => m.id === modelId);
    if (!known) throw new Error(`Unknown local model "${modelId}"`);
    return known;
  }

  async function load(modelId: string, reportProgress: (p: LoadProgress) => void) {
    const onProgress = (p: LoadProgress) => sendToCallback(reportProgress, p);
    const model = await findModel(modelId);
    if (model.fit !== 'fits') throw new Error(`${model.label} cannot run here: ${model.fitNote ?? model.fit}`);
    if (current?.model.id === modelId) return { modelId, contextWindow: model.contextWindow };
    loading?.abort();
    const controller = new AbortController();
    loading = controller;
    try {
      if (current) {
        await activity.drain(current.engine);
        await current.engine.unload();
        current = null;
      }
      // The completion model becomes the chat's: one copy is enough.
      if (completionSlot?.model.id === modelId) await unloadCompletionSlot();
      const e = await engine(model.engine);
      await e.load(model, onProgress, controller.signal);
      if (controller.signal.aborted) throw new DOMException('Loading was cancelled', 'AbortError');
      current = { engine: e, model };
      onProgress({ phase: 'ready', loadedBytes: model.downloadBytes, totalBytes: model.downloadBytes, text: 'Ready' });
      return { modelId, contextWindow: model.contextWindow };
    } finally {
      if (loading === controller) loading = null;
    }
  }

  async function unloadCompletionSlot(): Promise<void> {
    const slot = completionSlot;
    completionSlot = null;
    if (!slot) return;
    await activity.drain(slot.engine);
    await slot.engine.unload();
  }

  async function loadCompletionModel(modelId: string, reportProgress: (p: LoadProgress) => void) {
    const onProgress = (p: LoadProgress) => sendToCallback(reportProgress, p);
    if (current?.model.id === modelId) {
      await unloadCompletionSlot();
      return { modelId, shared: true };
    }
    if (completionSlot?.model.id === modelId) return { modelId, shared: false };
    const model = await findModel(modelId);
    if (!model.supportsFim || !fimTokensFor(model.family)) {
      throw new Error(`${model.label} has no fill-in-the-middle tokens; pick a coder model for completion`);
    }
    if (model.fit !== 'fits') throw new Error(`${model.label} cannot run here: ${model.fitNote ?? model.fit}`);
    await unloadCompletionSlot();
    const e = await engine(model.engine, completionEngines);
    await e.load(model, onProgress, new AbortController().signal);
    completionSlot = { engine: e, model };
    onProgress({ phase: 'ready', loadedBytes: model.downloadBytes, totalBytes: model.downloadBytes, text: 'Ready' });
    return { modelId, shared: false };
  }

  /** The loaded model a completion for `modelId` runs on (the chat's when it is the same). */
  function completionModel(modelId?: string): { engine: LocalEngine; model: LocalModelInfo } {
    if (completionSlot && (modelId === undefined || modelId === completionSlot.model.id)) return completionSlot;
    if (current && (modelId === undefined || modelId === current.model.id)) return current;
    if (modelId === undefined) throw new Error('No local model is loaded. Load one on the Models page first.');
    throw new Error(`The completion model "${modelId}" is not loaded yet.`);
  }

  async function recoverFromDeviceLoss(e: LocalEngine, message: string): Promise<void> {
    if (completionSlot?.engine === e) {
      // Completion reloads it on its next request (the page sees "not loaded").
      emit({ type: 'completion-model-lost', modelId: completionSlot.model.id, message });
      completionSlot = null;
      return;
    }
    const lost = current?.engine === e ? current.model : null;
    emit({ type: 'device-lost', modelId: lost?.id ?? null, message });
    if (!lost) return;
    for (const controller of running.values()) controller.abort();
    current = null;
    try {
      await e.load(lost, () => undefined, new AbortController().signal);
      current = { engine: e, model: lost };
      emit({ type: 'recovered', modelId: lost.id });
    } catch (err) {
      // onnxruntime-web never gets a second GPU device in one worker: go on with the same model on the CPU.
      if (e.id === 'transformers' && config.transformersDevice !== 'wasm') {
        try {
          config = { ...config, transformersDevice: 'wasm' };
          catalog = [];
          await e.load(await findModel(lost.id), () => undefined, new AbortController().signal);
          current = { engine: e, model: lost };
          emit({ type: 'recovered', modelId: lost.id, message: 'The model now runs on the CPU (WASM) until the page is reloaded.' });
          return;
        } catch {
          // Fall through to the failure notice with the first error.
        }
      }
      emit({ type: 'recovery-failed', modelId: lost.id, message: err instanceof Error ? err.message : String(err) });
    }
  }

  function loaded(modelId?: string): { engine: LocalEngine; model: LocalModelInfo } {
    if (!current) throw new Error('No local model is loaded. Load one on the Models page first.');
    if (modelId && modelId !== current.model.id) {
      throw new Error(`"${modelId}" is not loaded (the loaded model is ${current.model.label}). Load it first.`);
    }
    return current;
  }

  return {
    probeDevice: () => deviceReport(),

    async configure(next) {
      config = { ...config, ...next };
      catalog = [];
    },

    listModels,
    load,

    async cancelLoad() {
      loading?.abort();
    },

    async chat(request, onChunk) {
      const { engine: e } = loaded(request.model);
      const controller = new AbortController();
      running.set(request.requestId, controller);
      try {
        // Fire and forget: each chunk is one postMessage; waiting for the page would halve throughput.
        const result = await activity.run('chat', e, controller, () =>
          e.chat(request, (chunk) => sendToCallback(onChunk, chunk), controller.signal),
        );
        last = result.stats;
        return result;
      } finally {
        running.delete(request.requestId);
      }
    },

    async abort(requestId) {
      running.get(requestId)?.abort();
    },

    async completeFim(request) {
      const slot = completionModel(request.model);
      if (activity.chatting(slot.engine)) {
        return { text: '', finish_reason: 'abort', busy: 'chat', model: slot.model.id, context: [], promptTokens: 0, completionTokens: 0, engineMs: 0 };
      }
      const controller = new AbortController();
      running.set(request.requestId, controller);
      try {
        return await activity.run('completion', slot.engine, controller, () => runFim(slot, request, controller.signal));
      } finally {
        running.delete(request.requestId);
      }
    },

    loadCompletionModel,
    unloadCompletionModel: unloadCompletionSlot,

    async unload() {
      loading?.abort();
      const was = current;
      current = null;
      if (was) {
        await activity.drain(was.engine);
        await was.engine.unload();
      }
    },

    async deleteModel(modelId) {
      const model = await findModel(modelId);
      if (current?.model.id === modelId) {
        const was = current;
        current = null;
        await activity.drain(was.engine);
        await was.engine.unload();
      }
      if (completionSlot?.model.id === modelId) await unloadCompletionSlot();
      await (await engine(model.engine)).deleteModel(model);
      catalog = [];
    },

    async stats() {
      return { modelId: current?.model.id ?? null, last };
    },

    async countTokens(texts) {
      const { engine: e } = loaded();
      return Promise.all(texts.map((t) => e.countTokens(t)));
    },

    async subscribe(listener) {
      listeners.push(listener);
    },
  };
}
