import type { DeviceReport, LlmConfig, LocalModelInfo, ModelFit } from '../worker-api/llm';
import { formatBytes } from './model-fit';

/**
 * The ONNX chat models the transformers.js engine offers, and which build
 * (dtype) of each runs on which device.
 *
 * File sizes are the Hugging Face "Files" listings of each repo's onnx/ folder
 * (decimal MB/GB, as the Hub shows them), looked up while writing this; the
 * architecture numbers (layers, KV heads, head size) are the upstream
 * config.json values. Where a figure was not confirmed it says so. A model the
 * user adds by hand (LlmConfig.customModels) has no known sizes: its
 * downloadBytes and memoryBytes are 0, meaning "unknown".
 *
 * transformers.js picks the ONNX file from the dtype: `onnx/model${suffix}.onnx`
 * (fp32 '', fp16 '_fp16', q8 '_quantized', q4 '_q4', q4f16 '_q4f16', …).
 */

export const TRANSFORMERS_ID_PREFIX = 'transformers:';

export type OnnxDtype = 'fp32' | 'fp16' | 'q8' | 'int8' | 'uint8' | 'q4' | 'q4f16' | 'bnb4';
export type TransformersDevice = 'webgpu' | 'wasm';

/** transformers.js's DEFAULT_DTYPE_SUFFIX_MAPPING (src/utils/dtypes.js), for the dtypes we use. */
export const DTYPE_FILE_SUFFIX: Record<OnnxDtype, string> = {
  fp32: '',
  fp16: '_fp16',
  q8: '_quantized',
  int8: '_int8',
  uint8: '_uint8',
  q4: '_q4',
  q4f16: '_q4f16',
  bnb4: '_bnb4',
};

export function isOnnxDtype(value: string): value is OnnxDtype {
  return Object.hasOwn(DTYPE_FILE_SUFFIX, value);
}

/** Builds whose activations (and so shaders) are 16-bit: WebGPU with 'shader-f16' only. */
export function isF16Dtype(dtype: string): boolean {
  return dtype === 'fp16' || dtype.endsWith('f16');
}

/** The ONNX weights file of a dtype, relative to the repo root. */
export function onnxFileName(dtype: string): string {
  const suffix = isOnnxDtype(dtype) ? DTYPE_FILE_SUFFIX[dtype] : `_${dtype}`;
  return `onnx/model${suffix}.onnx`;
}

export interface OnnxModelSpec {
  repo: string;
  label: string;
  /** Chat template / tool-call / FIM family (see LocalModelInfo.family). */
  family: string;
  /** The model's own context length. */
  nativeContext: number;
  supportsTools: boolean;
  supportsFim: boolean;
  recommended?: boolean;
  /** Which build runs where: WebGPU with shader-f16, WebGPU without it, WASM (CPU). */
  dtypes: { webgpuF16: OnnxDtype; webgpu: OnnxDtype; wasm: OnnxDtype };
  /** Size of onnx/model<suffix>.onnx per dtype (the ones we use, plus fp16 for reference). */
  weightBytes: Partial<Record<OnnxDtype, number>>;
  /** tokenizer.json + tokenizer_config.json + config.json + generation_config.json. */
  tokenizerBytes: number;
  /** For the KV cache estimate: 2 × layers × kvHeads × headDim values per token. */
  arch: { layers: number; kvHeads: number; headDim: number };
}

const MB = 1e6;
const GB = 1e9;
const GiB = 2 ** 30;

/**
 * Context we offer, whatever the model could do: the KV cache of a 32k context
 * is 0.4–0.8 GB for a 0.5B model and a prefill that long takes minutes on
 * WASM. The chat trims history to this window.
 */
export const CONTEXT_CAP = 8192;

export const ONNX_MODELS: readonly OnnxModelSpec[] = [
  {
    repo: 'onnx-community/Qwen2.5-Coder-0.5B-Instruct',
    label: 'Qwen2.5 Coder 0.5B Instruct',
    family: 'qwen2.5-coder',
    nativeContext: 32768,
    supportsTools: true,
    supportsFim: true,
    recommended: true,
    // q8 (model_quantized, 639 MB) is smaller than q4 (862 MB) here: q4 quantizes
    // only the MatMuls and keeps the 151936×896 embedding in fp32. WebGPU
    // without f16 still takes q4: MatMulNBits has WebGPU kernels, q8's
    // MatMulInteger path is a CPU-fallback risk on the WebGPU EP (not measured).
    dtypes: { webgpuF16: 'q4f16', webgpu: 'q4', wasm: 'q8' },
    weightBytes: { q4f16: 555 * MB, q4: 862 * MB, q8: 639 * MB, fp16: 1.26 * GB },
    // tokenizer.json: 7.03 MB in Qwen/Qwen2.5-Coder-0.5B-Instruct; the onnx-community
    // 1.5B repo lists 11.4 MB (same vocab, other formatting). Not confirmed for this repo.
    tokenizerBytes: 11.4 * MB,
    arch: { layers: 24, kvHeads: 2, headDim: 64 },
  },
  {
    repo: 'onnx-community/Qwen2.5-Coder-1.5B-Instruct',
    label: 'Qwen2.5 Coder 1.5B Instruct',
    family: 'qwen2.5-coder',
    nativeContext: 32768,
    supportsTools: true,
    supportsFim: true,
    recommended: true,
    dtypes: { webgpuF16: 'q4f16', webgpu: 'q4', wasm: 'q8' },
    weightBytes: { q4f16: 1.34 * GB, q4: 1.92 * GB, q8: 1.8 * GB },
    tokenizerBytes: 11.4 * MB,
    arch: { layers: 28, kvHeads: 2, headDim: 128 },
  },
  {
    repo: 'onnx-community/Qwen2.5-0.5B-Instruct',
    label: 'Qwen2.5 0.5B Instruct',
    // Same ChatML template and <tool_call> format as the coder models; no FIM training.
    family: 'qwen2.5',
    nativeContext: 32768,
    supportsTools: true,
    supportsFim: false,
    dtypes: { webgpuF16: 'q4f16', webgpu: 'q4', wasm: 'q8' },
    weightBytes: { q4f16: 483 * MB, q4: 786 * MB, q8: 512 * MB, fp16: 997 * MB },
    tokenizerBytes: 7.03 * MB,
    arch: { layers: 24, kvHeads: 2, headDim: 64 },
  },
  {
    repo: 'HuggingFaceTB/SmolLM2-360M-Instruct',
    label: 'SmolLM2 360M Instruct',
    family: 'smollm2',
    nativeContext: 8192,
    supportsTools: false,
    supportsFim: false,
    // This repo has no q8 build (onnx/: model, fp16, q4, q4f16), so WASM runs q4.
    dtypes: { webgpuF16: 'q4f16', webgpu: 'q4', wasm: 'q4' },
    weightBytes: { q4f16: 299 * MB, q4: 417 * MB, fp16: 819 * MB },
    // tokenizer.json is 2.1 MB in the SmolLM (v1) repos; assumed the same here.
    tokenizerBytes: 2.2 * MB,
    arch: { layers: 32, kvHeads: 5, headDim: 64 },
  },
  {
    repo: 'HuggingFaceTB/SmolLM2-135M-Instruct',
    label: 'SmolLM2 135M Instruct',
    family: 'smollm2',
    nativeContext: 8192,
    supportsTools: false,
    supportsFim: false,
    // Sizes from an older revision of onnx/ (the main branch was re-exported since; not confirmed).
    dtypes: { webgpuF16: 'q4f16', webgpu: 'q4', wasm: 'q4' },
    weightBytes: { q4f16: 134 * MB, q4: 200 * MB, fp16: 327 * MB },
    tokenizerBytes: 2.2 * MB,
    arch: { layers: 30, kvHeads: 3, headDim: 64 },
  },
  {
    repo: 'onnx-community/Llama-3.2-1B-Instruct',
    label: 'Llama 3.2 1B Instruct',
    family: 'llama-3.2',
    nativeContext: 131072,
    supportsTools: true,
    supportsFim: false,
    dtypes: { webgpuF16: 'q4f16', webgpu: 'q4', wasm: 'q8' },
    weightBytes: { q4f16: 1.07 * GB, q4: 1.66 * GB, q8: 1.24 * GB },
    tokenizerBytes: 9.15 * MB,
    arch: { layers: 16, kvHeads: 8, headDim: 64 },
  },
];

/** Families whose chat templates take `tools` (used to guess for hand-added models). */
const TOOL_FAMILIES = new Set(['qwen2.5-coder', 'qwen2.5', 'qwen3', 'llama-3.2']);

/** WASM is 32-bit: the whole heap (weights, KV cache, runtime) stays under 4 GiB. */
const WASM_HEAP_LIMIT = 3.5 * GiB;
/** When the browser does not say how much RAM there is (Firefox, Safari). */
const DEFAULT_MEMORY_BUDGET = 4 * GiB;
const USABLE_MEMORY_SHARE = 0.6;
/** Activations, ORT arenas and the tokenizer, on top of weights and KV cache. */
const RUNTIME_OVERHEAD = 150 * MB;

/** Bytes of KV cache for `context` tokens. */
export function kvCacheBytes(arch: OnnxModelSpec['arch'], context: number, dtype: string): number {
  const bytesPerValue = isF16Dtype(dtype) ? 2 : 4;
  return 2 * arch.layers * arch.kvHeads * arch.headDim * context * bytesPerValue;
}

/** What the engine needs to load a model: which repo, build and device. */
export interface OnnxPlan {
  info: LocalModelInfo;
  repo: string;
  dtype: string;
  device: TransformersDevice;
}

export interface PlanOptions {
  /** Bytes of RAM the browser reports (navigator.deviceMemory × 2^30), when known. */
  deviceMemoryBytes?: number;
}

interface Candidate {
  device: TransformersDevice;
  dtype: string;
  downloadBytes: number;
  memoryBytes: number;
}

function deviceLabel(device: TransformersDevice): string {
  return device === 'webgpu' ? 'WebGPU' : 'CPU';
}

/**
 * Picks device and build: the forced device (LlmConfig.transformersDevice) if
 * any, else WebGPU when it is there and the build fits, else WASM.
 */
function choose(
  candidates: Candidate[],
  device: DeviceReport,
  forced: TransformersDevice | undefined,
  options: PlanOptions,
): { pick: Candidate; fit: ModelFit; fitNote?: string } {
  const ram = options.deviceMemoryBytes;
  const budget = ram ? ram * USABLE_MEMORY_SHARE : DEFAULT_MEMORY_BUDGET;
  const order: TransformersDevice[] = forced ? [forced] : device.webgpu ? ['webgpu', 'wasm'] : ['wasm'];
  let first: { pick: Candidate; fit: ModelFit; fitNote?: string } | null = null;
  for (const dev of order) {
    const c = candidates.find((x) => x.device === dev);
    if (!c) continue;
    let verdict: { fit: ModelFit; fitNote?: string } = { fit: 'fits' };
    if (dev === 'webgpu' && !device.webgpu) {
      verdict = { fit: 'needs-webgpu', fitNote: `WebGPU is unavailable here${device.reason ? `: ${device.reason}` : ''}` };
    } else if (isF16Dtype(c.dtype) && (dev === 'wasm' || !device.shaderF16)) {
      verdict =
        dev === 'wasm'
          ? { fit: 'needs-webgpu', fitNote: `the ${c.dtype} build needs WebGPU with 16-bit shaders; the CPU engine runs fp32/q8/q4 builds` }
          : { fit: 'needs-f16', fitNote: `the ${c.dtype} build needs the WebGPU shader-f16 feature, which this GPU lacks` };
    } else if (c.memoryBytes > 0 && dev === 'wasm' && c.memoryBytes > WASM_HEAP_LIMIT) {
      verdict = {
        fit: 'too-big',
        fitNote: `needs about ${formatBytes(c.memoryBytes)}; the CPU (WASM) engine can address at most ${formatBytes(WASM_HEAP_LIMIT)}`,
      };
    } else if (c.memoryBytes > budget) {
      verdict = {
        fit: 'too-big',
        fitNote: `needs about ${formatBytes(c.memoryBytes)} of memory; this device reports ${ram ? formatBytes(ram) : 'an unknown amount'} in all`,
      };
    }
    const result = { pick: c, ...verdict };
    if (verdict.fit === 'fits') return result;
    first ??= result;
  }
  // Nothing fits: report the first choice and why. `order` is never empty.
  return first ?? { pick: candidates[0] as Candidate, fit: 'too-big', fitNote: 'no build for this device' };
}

function specCandidates(spec: OnnxModelSpec, device: DeviceReport, context: number): Candidate[] {
  const gpuDtype = device.shaderF16 ? spec.dtypes.webgpuF16 : spec.dtypes.webgpu;
  return (
    [
      ['webgpu', gpuDtype],
      ['wasm', spec.dtypes.wasm],
    ] as const
  ).map(([dev, dtype]) => {
    const weights = spec.weightBytes[dtype] ?? 0;
    return {
      device: dev,
      dtype,
      downloadBytes: Math.round(weights + spec.tokenizerBytes),
      memoryBytes: Math.round(weights + kvCacheBytes(spec.arch, context, dtype) + RUNTIME_OVERHEAD),
    };
  });
}

export function transformersModelId(repo: string): string {
  return `${TRANSFORMERS_ID_PREFIX}${repo}`;
}

/**
 * Every model this engine offers on this device, with the build it would load.
 * Custom models (LlmConfig.customModels) replace a catalog entry with the same
 * repo. `cached` is 'none' here; the engine fills it in from the Cache API.
 */
export function planOnnxModels(device: DeviceReport, config: LlmConfig, options: PlanOptions = {}): OnnxPlan[] {
  const forced = config.transformersDevice;
  const custom = config.customModels ?? [];
  const customRepos = new Set(custom.map((c) => c.repo));
  const plans: OnnxPlan[] = [];

  for (const spec of ONNX_MODELS) {
    if (customRepos.has(spec.repo)) continue;
    const context = Math.min(spec.nativeContext, CONTEXT_CAP);
    const { pick, fit, fitNote } = choose(specCandidates(spec, device, context), device, forced, options);
    plans.push({
      repo: spec.repo,
      dtype: pick.dtype,
      device: pick.device,
      info: {
        id: transformersModelId(spec.repo),
        engine: 'transformers',
        label: `${spec.label} (${pick.dtype}, ${deviceLabel(pick.device)})`,
        family: spec.family,
        downloadBytes: pick.downloadBytes,
        memoryBytes: pick.memoryBytes,
        contextWindow: context,
        supportsTools: spec.supportsTools,
        supportsFim: spec.supportsFim,
        fit,
        ...(fitNote ? { fitNote } : {}),
        cached: 'none',
        ...(spec.recommended ? { recommended: true } : {}),
      },
    });
  }

  for (const c of custom) {
    const family = c.family ?? 'chatml';
    const candidates: Candidate[] = (['webgpu', 'wasm'] as const).map((dev) => ({
      device: dev,
      dtype: c.dtype,
      downloadBytes: 0,
      memoryBytes: 0,
    }));
    const { pick, fit, fitNote } = choose(candidates, device, forced, options);
    const context = c.contextWindow ?? 4096;
    plans.push({
      repo: c.repo,
      dtype: pick.dtype,
      device: pick.device,
      info: {
        id: transformersModelId(c.repo),
        engine: 'transformers',
        label: `${c.label ?? c.repo} (${c.dtype}, ${deviceLabel(pick.device)})`,
        family,
        downloadBytes: 0,
        memoryBytes: 0,
        contextWindow: context,
        supportsTools: TOOL_FAMILIES.has(family),
        supportsFim: family === 'qwen2.5-coder',
        fit,
        ...(fitNote ? { fitNote } : {}),
        cached: 'none',
      },
    });
  }
  return plans;
}

/**
 * The files a build needs before it can load offline: what transformers.js's
 * AutoTokenizer + AutoModelForCausalLM fetch, minus generation_config.json,
 * which is optional (a 404 there is fine). `externalDataChunks` comes from the
 * repo's config.json (`transformers.js_config.use_external_data_format`).
 */
export function requiredFiles(dtype: string, externalDataChunks = 0): string[] {
  const onnx = onnxFileName(dtype);
  const files = ['config.json', 'tokenizer.json', 'tokenizer_config.json', onnx];
  for (let i = 0; i < externalDataChunks; i++) files.push(`${onnx}_data${i === 0 ? '' : `_${i}`}`);
  return files;
}

/**
 * transformers.js's resolveExternalDataFormat (src/utils/model-loader.js): the
 * config value may be a boolean, a chunk count, or a map from file name
 * ("model_q4.onnx" or "model") to either.
 */
export function externalDataChunks(config: unknown, dtype: string): number {
  if (typeof config !== 'object' || config === null) return 0;
  const jsConfig = (config as Record<string, unknown>)['transformers.js_config'];
  if (typeof jsConfig !== 'object' || jsConfig === null) return 0;
  const setting = (jsConfig as Record<string, unknown>)['use_external_data_format'];
  const fullName = onnxFileName(dtype).slice('onnx/'.length);
  const asCount = (v: unknown) => (v === true ? 1 : typeof v === 'number' && v > 0 ? Math.floor(v) : 0);
  if (typeof setting === 'object' && setting !== null) {
    const map = setting as Record<string, unknown>;
    if (Object.hasOwn(map, fullName)) return asCount(map[fullName]);
    if (Object.hasOwn(map, 'model')) return asCount(map['model']);
    return 0;
  }
  return asCount(setting);
}
