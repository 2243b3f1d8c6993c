import { functionCallingModelIds, prebuiltAppConfig, type AppConfig, type ModelRecord } from '@mlc-ai/web-llm';
import type { DeviceReport, LlmConfig, LocalModelInfo } from '../worker-api/llm';
import { fitFor, memoryNeedBytes, reportedDeviceMemoryBytes, type FitOptions } from './model-fit';

/**
 * The web-llm models this product offers, derived from the installed web-llm's
 * `prebuiltAppConfig.model_list` (the only list of builds whose wasm matches
 * this npm version), so an upgrade that drops or renames a build drops it here
 * instead of offering a 404.
 */

/** Prefix of our model ids: "webllm:Qwen2.5-Coder-1.5B-Instruct-q4f32_1-MLC". */
export const WEBLLM_ID_PREFIX = 'webllm:';

export type WebLlmQuantization = 'q4f16_1' | 'q4f32_1';

interface FamilySpec {
  family: string;
  /** Matches the id without "-q4f16_1-MLC"; group 1 is the size ("1.5B", "360M", "mini"). */
  base: RegExp;
  /** What the user reads before the size. */
  label: (size: string) => string;
  supportsFim: boolean;
}

const FAMILIES: FamilySpec[] = [
  {
    family: 'qwen2.5-coder',
    base: /^Qwen2\.5-Coder-(\d+(?:\.\d+)?B)-Instruct$/,
    label: (size) => `Qwen2.5 Coder ${size} Instruct`,
    supportsFim: true,
  },
  { family: 'qwen3', base: /^Qwen3-(\d+(?:\.\d+)?B)$/, label: (size) => `Qwen3 ${size}`, supportsFim: false },
  {
    family: 'llama-3.2',
    base: /^Llama-3\.2-(\d+(?:\.\d+)?B)-Instruct$/,
    label: (size) => `Llama 3.2 ${size} Instruct`,
    supportsFim: false,
  },
  { family: 'phi-3.5', base: /^Phi-3\.5-(mini)-instruct$/, label: () => 'Phi-3.5 mini Instruct', supportsFim: false },
  {
    family: 'smollm2',
    base: /^SmolLM2-(\d+(?:\.\d+)?[BM])-Instruct$/,
    label: (size) => `SmolLM2 ${size} Instruct`,
    supportsFim: false,
  },
];

/** Sizes we offer per family (Qwen2.5-Coder 14B/32B and SmolLM2 135M are left out on purpose). */
const SIZES: Record<string, string[]> = {
  'qwen2.5-coder': ['0.5B', '1.5B', '3B', '7B'],
  qwen3: ['0.6B', '1.7B', '4B', '8B'],
  'llama-3.2': ['1B', '3B'],
  'phi-3.5': ['mini'],
  smollm2: ['360M', '1.7B'],
};

/** Recommended first that fits: the 1.5B coder, the 0.5B coder on small devices, then tiny general models. */
const RECOMMENDATION_ORDER = [
  'Qwen2.5-Coder-1.5B-Instruct',
  'Qwen2.5-Coder-0.5B-Instruct',
  'Qwen3-0.6B',
  'SmolLM2-360M-Instruct',
];

/*
 * Parameter counts from the model cards where the size label rounds (Llama-3.2
 * "1B" is 1.24B); anything else counts by its label.
 */
const PARAMETERS: Record<string, number> = {
  'Qwen2.5-Coder-0.5B-Instruct': 0.49e9,
  'Qwen2.5-Coder-1.5B-Instruct': 1.54e9,
  'Qwen2.5-Coder-3B-Instruct': 3.09e9,
  'Qwen2.5-Coder-7B-Instruct': 7.62e9,
  'Qwen3-8B': 8.2e9,
  'Llama-3.2-1B-Instruct': 1.24e9,
  'Llama-3.2-3B-Instruct': 3.21e9,
  'Phi-3.5-mini-instruct': 3.82e9,
  'SmolLM2-360M-Instruct': 0.362e9,
  'SmolLM2-1.7B-Instruct': 1.71e9,
};

function parameterCount(base: string, size: string): number {
  const known = PARAMETERS[base];
  if (known !== undefined) return known;
  const match = /^(\d+(?:\.\d+)?)([BM])$/.exec(size);
  return match ? Number(match[1]) * (match[2] === 'B' ? 1e9 : 1e6) : 0;
}

/*
 * The largest GPU buffer each model allocates, which must fit in one storage
 * binding (tvmjs binds whole buffers): its embedding table (also the lm_head,
 * tied or not), held as vocab × hidden 4-bit values packed into u32s (MLC's
 * q4 layout, [vocab, hidden / 8] u32; the scales are a separate, smaller
 * tensor), so vocab × hidden / 2 bytes in both q4f16_1 and q4f32_1. Shapes
 * from each model's config.json. Activations (1k prefill chunks, per the
 * "cs1k" libraries) stay below 128 MB where the table does: the largest, the
 * 1.5B coder's q4f32 gate/up output, is 1024 × 2 × 8960 f32 = 73 MB.
 */
const EMBEDDING_SHAPE: Record<string, { vocab: number; hidden: number }> = {
  'Qwen2.5-Coder-0.5B-Instruct': { vocab: 151936, hidden: 896 },
  'Qwen2.5-Coder-1.5B-Instruct': { vocab: 151936, hidden: 1536 },
  'Qwen2.5-Coder-3B-Instruct': { vocab: 151936, hidden: 2048 },
  'Qwen2.5-Coder-7B-Instruct': { vocab: 152064, hidden: 3584 },
  'Qwen3-0.6B': { vocab: 151936, hidden: 1024 },
  'Qwen3-1.7B': { vocab: 151936, hidden: 2048 },
  'Qwen3-4B': { vocab: 151936, hidden: 2560 },
  'Qwen3-8B': { vocab: 151936, hidden: 4096 },
  'Llama-3.2-1B-Instruct': { vocab: 128256, hidden: 2048 },
  'Llama-3.2-3B-Instruct': { vocab: 128256, hidden: 3072 },
  'Phi-3.5-mini-instruct': { vocab: 32064, hidden: 3072 },
  'SmolLM2-360M-Instruct': { vocab: 49152, hidden: 960 },
  'SmolLM2-1.7B-Instruct': { vocab: 49152, hidden: 2048 },
};

/** Bytes of the model's largest GPU buffer (see above), or undefined for a model not in the table. */
export function largestBufferEstimate(base: string): number | undefined {
  const shape = EMBEDDING_SHAPE[base];
  return shape && (shape.vocab * shape.hidden) / 2;
}

/*
 * Download size: an estimate, because web-llm records carry no download size
 * (only vram_required_MB, which adds the KV cache and activations). MLC's
 * q4f16_1 stores 4-bit weights in groups of 32 with an f16 scale (4.5 bits a
 * weight), q4f32_1 with an f32 scale (5 bits); the embedding is quantized the
 * same way. Add about 15 MB for the tokenizer, config and model wasm. Not
 * checked against the Hub's file listings (no network here): show it as
 * "about", never as an exact figure.
 */
const BITS_PER_WEIGHT: Record<WebLlmQuantization, number> = { q4f16_1: 4.5, q4f32_1: 5 };
const FIXED_DOWNLOAD_BYTES = 15 * 2 ** 20;

/** Approximate bytes to download for one build (see above). */
export function estimateDownloadBytes(base: string, size: string, quantization: WebLlmQuantization): number {
  return Math.round((parameterCount(base, size) * BITS_PER_WEIGHT[quantization]) / 8) + FIXED_DOWNLOAD_BYTES;
}

/** web-llm compiles these libraries for a 4k context; records state it in overrides. */
const DEFAULT_CONTEXT_WINDOW = 4096;

/** One catalog build: the web-llm record (host already rewritten) and what we know about it. */
export interface WebLlmBuild {
  record: ModelRecord;
  family: string;
  /** "Qwen2.5-Coder-1.5B-Instruct": the model, whatever the quantization. */
  base: string;
  size: string;
  quantization: WebLlmQuantization;
  label: string;
  supportsFim: boolean;
  /** web-llm passes `tools` through itself only for these (Hermes-2-Pro / Hermes-3). */
  nativeTools: boolean;
}

const BUILD_ID = /^(.+)-(q4f16_1|q4f32_1)-MLC$/;

/** Points a record's huggingface.co URL at `modelHost` (a mirror with the Hub's layout). */
export function withModelHost(modelUrl: string, modelHost: string | undefined): string {
  if (!modelHost) return modelUrl;
  const hub = /^https:\/\/huggingface\.co\//;
  if (!hub.test(modelUrl)) return modelUrl;
  return modelUrl.replace(hub, `${modelHost.replace(/\/+$/, '')}/`);
}

/** Every build of the chosen models in this web-llm's list, both quantizations. */
export function webllmBuilds(config: LlmConfig = {}, modelList: ModelRecord[] = prebuiltAppConfig.model_list): WebLlmBuild[] {
  const builds: WebLlmBuild[] = [];
  for (const record of modelList) {
    const id = BUILD_ID.exec(record.model_id);
    if (!id) continue;
    const [, base = '', quant = ''] = id;
    for (const spec of FAMILIES) {
      const size = spec.base.exec(base)?.[1];
      if (size === undefined || !SIZES[spec.family]?.includes(size)) continue;
      const quantization = quant as WebLlmQuantization;
      builds.push({
        record: { ...record, model: withModelHost(record.model, config.modelHost) },
        family: spec.family,
        base,
        size,
        quantization,
        label: `${spec.label(size)} (${quantization.replace('_1', '')})`,
        supportsFim: spec.supportsFim,
        nativeTools: functionCallingModelIds.includes(record.model_id),
      });
    }
  }
  return builds;
}

/** The AppConfig web-llm loads from: these builds only (records carry the configured host). */
export function webllmAppConfig(builds: WebLlmBuild[]): AppConfig {
  return { ...prebuiltAppConfig, model_list: builds.map((build) => build.record) };
}

/** Finds the build behind one of our ids ("webllm:…"), or undefined. */
export function findWebLlmBuild(modelId: string, builds: WebLlmBuild[]): WebLlmBuild | undefined {
  const mlcId = modelId.startsWith(WEBLLM_ID_PREFIX) ? modelId.slice(WEBLLM_ID_PREFIX.length) : modelId;
  return builds.find((build) => build.record.model_id === mlcId);
}

/** The quantization to show: q4f16_1 (smaller, faster) when the GPU has shader-f16, else q4f32_1. */
export function preferredQuantization(device: DeviceReport): WebLlmQuantization {
  return device.shaderF16 ? 'q4f16_1' : 'q4f32_1';
}

function toModelInfo(build: WebLlmBuild, device: DeviceReport, fitOptions: FitOptions): LocalModelInfo {
  const largestBufferEstimateBytes = largestBufferEstimate(build.base);
  const record = largestBufferEstimateBytes === undefined ? build.record : { ...build.record, largestBufferEstimateBytes };
  const { fit, fitNote } = fitFor(record, device, fitOptions);
  return {
    id: `${WEBLLM_ID_PREFIX}${build.record.model_id}`,
    engine: 'webllm',
    label: build.label,
    family: build.family,
    downloadBytes: estimateDownloadBytes(build.base, build.size, build.quantization),
    memoryBytes: memoryNeedBytes(build.record),
    contextWindow: build.record.overrides?.context_window_size ?? DEFAULT_CONTEXT_WINDOW,
    // Every model gets tools: natively where web-llm supports it, through the prompt template otherwise.
    supportsTools: true,
    supportsFim: build.supportsFim,
    fit,
    ...(fitNote === undefined ? {} : { fitNote }),
    cached: 'none',
  };
}

export interface CatalogOptions extends FitOptions {
  /** The builds to choose from; default `webllmBuilds(config)`. */
  builds?: WebLlmBuild[];
}

/**
 * One entry per model for the Models page, in the quantization this device
 * should use (the other build is not shown). `cached` is 'none' here; the
 * engine's `catalog()` fills it in from the browser cache. RAM for the fit
 * comes from navigator.deviceMemory unless `options` says otherwise.
 */
export function webllmModels(device: DeviceReport, config: LlmConfig, options: CatalogOptions = {}): LocalModelInfo[] {
  const fitOptions: FitOptions = {
    deviceMemoryBytes: 'deviceMemoryBytes' in options ? options.deviceMemoryBytes : reportedDeviceMemoryBytes(),
  };
  const wanted = preferredQuantization(device);
  const byBase = new Map<string, WebLlmBuild[]>();
  for (const build of options.builds ?? webllmBuilds(config)) byBase.set(build.base, [...(byBase.get(build.base) ?? []), build]);

  const models: LocalModelInfo[] = [];
  for (const builds of byBase.values()) {
    const chosen = builds.find((build) => build.quantization === wanted) ?? builds[0];
    if (chosen) models.push(toModelInfo(chosen, device, fitOptions));
  }

  const recommended = RECOMMENDATION_ORDER.map((base) =>
    models.find((model) => model.fit === 'fits' && model.id.startsWith(`${WEBLLM_ID_PREFIX}${base}-`)),
  ).find((model) => model !== undefined);
  if (recommended) recommended.recommended = true;
  return models;
}
