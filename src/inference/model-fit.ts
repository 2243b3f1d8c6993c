import type { DeviceReport, ModelFit } from '../worker-api/llm';

/**
 * Whether a web-llm model build can run on this device, and why not, in words
 * the Models page can show.
 *
 * What is knowable from a worker: WebGPU exposes features and per-buffer limits
 * (maxBufferSize, maxStorageBufferBindingSize), never the size of GPU memory.
 * `navigator.deviceMemory` (Chromium, also on WorkerNavigator) gives the RAM,
 * rounded down to a power of two and capped at 8 GB, and an integrated GPU
 * shares that RAM. So a build is 'too-big' only when a limit the device states
 * is exceeded: a buffer limit, or a RAM figure below the cap. Memory beyond
 * that shows up only at load time, as a lost device (see webllm-engine.ts).
 */

const MiB = 2 ** 20;
const GiB = 2 ** 30;

/** The ModelRecord fields fit looks at (web-llm's `ModelRecord`, or a test's own object). */
export interface FitRecord {
  model_id: string;
  vram_required_MB?: number;
  low_resource_required?: boolean;
  buffer_size_required_bytes?: number;
  required_features?: string[];
}

export interface FitOptions {
  /** Bytes of RAM the device reports (navigator.deviceMemory × 2^30), when known. */
  deviceMemoryBytes?: number;
}

export interface FitResult {
  fit: ModelFit;
  fitNote?: string;
}

/*
 * web-llm's runtime asks the adapter for 1 GB buffers and bindings and falls
 * back to 256 MB (maxBufferSize) and 128 MB (maxStorageBufferBindingSize);
 * below those it cannot start at all (tvmjs detectGPUDevice).
 */
const RUNTIME_MIN_BUFFER = 256 * MiB;
const RUNTIME_MIN_BINDING = 128 * MiB;
/** web-llm's limit for a device it treats as "limited" (getMaxStorageBufferBindingSize warns below it). */
const FULL_BINDING = GiB;
/** navigator.deviceMemory never reports more than this, so at the cap it says "at least". */
const DEVICE_MEMORY_CAP = 8 * GiB;
/** Share of reported RAM a tab's GPU work can count on; the OS, the browser and the page hold the rest. */
const USABLE_MEMORY_SHARE = 0.6;

/** Bytes the loaded build needs on the GPU (web-llm's vram_required_MB is in MiB). */
export function memoryNeedBytes(record: FitRecord): number {
  return Math.round((record.vram_required_MB ?? 0) * MiB);
}

/**
 * The largest single storage buffer binding the build needs. Records say so
 * (`buffer_size_required_bytes`) for a few models; for the rest we follow
 * web-llm's own rating: `low_resource_required` builds run within the 128 MB
 * fallback binding, the others expect the 1 GB web-llm asks for.
 */
export function largestBindingBytes(record: FitRecord): number {
  if (record.buffer_size_required_bytes !== undefined) return record.buffer_size_required_bytes;
  return record.low_resource_required === true ? RUNTIME_MIN_BINDING : FULL_BINDING;
}

/**
 * f16 builds (q4f16_1, q0f16, q3f16_1) compile shaders with `enable f16`, so
 * they need the 'shader-f16' feature whether or not the record lists it: many
 * q4f16_1 records (Qwen, Llama-3.2) carry no `required_features`.
 */
export function needsShaderF16(record: FitRecord): boolean {
  return (record.required_features ?? []).includes('shader-f16') || /-q\d+f16(_\d+)?-/.test(`${record.model_id}-`);
}

export function formatBytes(bytes: number): string {
  if (bytes >= GiB) return `${(bytes / GiB).toFixed(1)} GB`;
  return `${Math.round(bytes / MiB)} MB`;
}

/** Decides fit: needs-webgpu, then needs-f16, then too-big (buffer limits, then reported RAM). */
export function fitFor(record: FitRecord, device: DeviceReport, options: FitOptions = {}): FitResult {
  if (!device.webgpu) {
    const why = device.reason ? `: ${device.reason}` : '';
    return { fit: 'needs-webgpu', fitNote: `web-llm runs on WebGPU, which is unavailable here${why}` };
  }
  if (needsShaderF16(record) && !device.shaderF16) {
    return {
      fit: 'needs-f16',
      fitNote: 'this build computes in 16-bit floats, and this GPU does not offer the WebGPU shader-f16 feature; use the q4f32 build',
    };
  }

  const need = memoryNeedBytes(record);
  const limits = device.limits;
  if (limits) {
    if (limits.maxBufferSize < RUNTIME_MIN_BUFFER || limits.maxStorageBufferBindingSize < RUNTIME_MIN_BINDING) {
      return {
        fit: 'too-big',
        fitNote:
          `web-llm needs GPU buffers of at least ${formatBytes(RUNTIME_MIN_BUFFER)} ` +
          `and bindings of at least ${formatBytes(RUNTIME_MIN_BINDING)}; ` +
          `this device allows ${formatBytes(limits.maxBufferSize)} and ${formatBytes(limits.maxStorageBufferBindingSize)}`,
      };
    }
    const binding = largestBindingBytes(record);
    if (binding > limits.maxStorageBufferBindingSize) {
      return {
        fit: 'too-big',
        fitNote:
          `needs about ${formatBytes(need)} of GPU memory in buffers of up to ${formatBytes(binding)}; ` +
          `this device reports at most ${formatBytes(limits.maxStorageBufferBindingSize)} per buffer`,
      };
    }
  }

  const ram = options.deviceMemoryBytes;
  if (ram !== undefined && ram > 0 && ram < DEVICE_MEMORY_CAP && need > ram * USABLE_MEMORY_SHARE) {
    return {
      fit: 'too-big',
      fitNote:
        `needs about ${formatBytes(need)} of GPU memory; this device reports ${formatBytes(ram)} of memory in all, ` +
        'shared with the system and the browser',
    };
  }
  return { fit: 'fits' };
}

/** RAM the browser reports (Chromium's navigator.deviceMemory, in GB), or undefined. */
export function reportedDeviceMemoryBytes(scope: unknown = globalThis): number | undefined {
  if (typeof scope !== 'object' || scope === null) return undefined;
  const gb = (scope as { navigator?: { deviceMemory?: unknown } }).navigator?.deviceMemory;
  return typeof gb === 'number' && Number.isFinite(gb) && gb > 0 ? gb * GiB : undefined;
}
