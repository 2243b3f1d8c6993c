import type { DeviceReport, GpuLimits, ModelFit } from '../worker-api/llm';

/**
 * Whether a web-llm model build can run on this device, and why not, in words
 * the Models page can show.
 *
 * What web-llm 0.2.86 itself requires (tvmjs detectGPUDevice, run at every
 * load): the adapter must offer 256 MB buffers, 128 MB storage bindings, 32 KB
 * of compute workgroup storage and 10 storage buffers per shader stage, or it
 * throws before downloading anything. It then asks for 1 GB buffers and
 * bindings, or exactly those floors when the adapter offers less: so a GPU
 * offering 256 MB bindings runs with 128 MB ones. Its records' fields are no
 * device limits: `low_resource_required` is a "runs on a phone" rating and
 * `vram_required_MB` an estimate of memory, neither read at load;
 * `buffer_size_required_bytes` is the binding size the build needs.
 *
 * What is knowable from a worker: WebGPU exposes features and limits, never
 * the size of GPU memory. `navigator.deviceMemory` (Chromium, also on
 * WorkerNavigator) gives the RAM, rounded down to a power of two and capped at
 * 8 GB, and an integrated GPU shares that RAM. So a build is 'too-big' only
 * when a stated limit is exceeded: web-llm's floors, the build's largest
 * buffer against the binding web-llm gets, or a RAM figure below the cap.
 * Where memory is unknown it 'fits' with a note that it may not; memory
 * beyond that shows up only at load time, as a lost device (webllm-engine.ts).
 */

const KiB = 2 ** 10;
const MiB = 2 ** 20;
const GiB = 2 ** 30;

/** The ModelRecord fields fit looks at (web-llm's `ModelRecord`, or a test's own object). */
export interface FitRecord {
  model_id: string;
  vram_required_MB?: number;
  /** web-llm's "runs on limited devices" rating: informative only, not a limit (see above). */
  low_resource_required?: boolean;
  buffer_size_required_bytes?: number;
  required_features?: string[];
  /** Ours, not web-llm's: the largest GPU buffer the build allocates, estimated (webllm-catalog.ts). */
  largestBufferEstimateBytes?: number;
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
 * tvmjs detectGPUDevice (web-llm 0.2.86): it requests REQUESTED_* when the
 * adapter offers that much, else the RUNTIME_MIN_* fallback, and throws below
 * the fallback; the last two it requests as they are and throws below.
 */
const REQUESTED_BUFFER = GiB;
const REQUESTED_BINDING = GiB;
const RUNTIME_MIN_BUFFER = 256 * MiB;
const RUNTIME_MIN_BINDING = 128 * MiB;
const RUNTIME_MIN_WORKGROUP_STORAGE = 32 * KiB;
const RUNTIME_MIN_STORAGE_BUFFERS = 10;
/** navigator.deviceMemory never reports more than this, so at the cap it says "at least". */
const DEVICE_MEMORY_CAP = 8 * GiB;
/** Share of reported RAM a tab's GPU work can count on; the OS, the browser and the page hold the rest. */
const USABLE_MEMORY_SHARE = 0.6;

/** Bytes the loaded build needs on the GPU (web-llm's vram_required_MB is in MiB). */
export function memoryNeedBytes(record: FitRecord): number {
  return Math.round((record.vram_required_MB ?? 0) * MiB);
}

/**
 * The largest buffer the build binds: the record's `buffer_size_required_bytes`
 * when web-llm states it, else our estimate, else undefined (then only
 * web-llm's floors apply, as web-llm itself assumes for such records).
 */
export function largestBufferBytes(record: FitRecord): number | undefined {
  return record.buffer_size_required_bytes ?? record.largestBufferEstimateBytes;
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

/** Each limit below web-llm's floor, in words; empty when web-llm can create its device. */
export function runtimeShortfalls(limits: GpuLimits): string[] {
  const short: string[] = [];
  if (limits.maxBufferSize < RUNTIME_MIN_BUFFER) {
    short.push(`buffers of ${formatBytes(RUNTIME_MIN_BUFFER)} (this GPU allows ${formatBytes(limits.maxBufferSize)})`);
  }
  if (limits.maxStorageBufferBindingSize < RUNTIME_MIN_BINDING) {
    short.push(
      `storage bindings of ${formatBytes(RUNTIME_MIN_BINDING)} (this GPU allows ${formatBytes(limits.maxStorageBufferBindingSize)})`,
    );
  }
  const workgroup = limits.maxComputeWorkgroupStorageSize;
  if (workgroup !== undefined && workgroup < RUNTIME_MIN_WORKGROUP_STORAGE) {
    short.push(`${RUNTIME_MIN_WORKGROUP_STORAGE / KiB} KB of compute workgroup storage (this GPU allows ${workgroup / KiB} KB)`);
  }
  const storageBuffers = limits.maxStorageBuffersPerShaderStage;
  if (storageBuffers !== undefined && storageBuffers < RUNTIME_MIN_STORAGE_BUFFERS) {
    short.push(`${RUNTIME_MIN_STORAGE_BUFFERS} storage buffers per shader stage (this GPU allows ${storageBuffers})`);
  }
  return short;
}

/** The largest buffer web-llm's device can create and bind, with how it came to be that, in words. */
export function grantedBufferLimit(limits: GpuLimits): { bytes: number; why: string } {
  if (limits.maxStorageBufferBindingSize < REQUESTED_BINDING) {
    return {
      bytes: RUNTIME_MIN_BINDING,
      why:
        `web-llm binds at most ${formatBytes(RUNTIME_MIN_BINDING)} here: it asks for ${formatBytes(REQUESTED_BINDING)} ` +
        `and, as this GPU offers ${formatBytes(limits.maxStorageBufferBindingSize)}, falls back to ${formatBytes(RUNTIME_MIN_BINDING)}`,
    };
  }
  if (limits.maxBufferSize < REQUESTED_BUFFER) {
    return {
      bytes: RUNTIME_MIN_BUFFER,
      why:
        `web-llm allocates at most ${formatBytes(RUNTIME_MIN_BUFFER)} per buffer here: it asks for ${formatBytes(REQUESTED_BUFFER)} ` +
        `and, as this GPU offers ${formatBytes(limits.maxBufferSize)}, falls back to ${formatBytes(RUNTIME_MIN_BUFFER)}`,
    };
  }
  return { bytes: REQUESTED_BINDING, why: `web-llm binds at most ${formatBytes(REQUESTED_BINDING)} per buffer` };
}

/** The verdict from the adapter's limits alone, or undefined when they allow the build. */
function limitsVerdict(record: FitRecord, limits: GpuLimits): FitResult | undefined {
  const short = runtimeShortfalls(limits);
  if (short.length > 0) {
    return { fit: 'too-big', fitNote: `web-llm cannot start on this GPU: it needs ${short.join(', ')}` };
  }
  const largest = largestBufferBytes(record);
  const granted = grantedBufferLimit(limits);
  if (largest !== undefined && largest > granted.bytes) {
    return { fit: 'too-big', fitNote: `its largest GPU buffer is about ${formatBytes(largest)}; ${granted.why}` };
  }
  return undefined;
}

/**
 * The verdict from memory: 'too-big' only against a RAM figure the browser
 * states (below the cap); where the figure is missing or only a lower bound,
 * 'fits' with a note, since a GPU with its own memory may well hold the build.
 */
function memoryVerdict(need: number, ram: number | undefined): FitResult {
  if (need <= 0) return { fit: 'fits' }; // a record without vram_required_MB: nothing to weigh
  const needs = `needs about ${formatBytes(need)} of GPU memory`;
  if (ram === undefined || ram <= 0) {
    return { fit: 'fits', fitNote: `may not fit: ${needs}, and this browser does not report the device's memory` };
  }
  const usable = Math.min(ram, DEVICE_MEMORY_CAP) * USABLE_MEMORY_SHARE;
  if (need <= usable) return { fit: 'fits' };
  if (ram < DEVICE_MEMORY_CAP) {
    return {
      fit: 'too-big',
      fitNote: `${needs}; this device reports ${formatBytes(ram)} of memory in all, shared with the system and the browser`,
    };
  }
  return {
    fit: 'fits',
    fitNote:
      `may not fit: ${needs}; this device reports at least ${formatBytes(DEVICE_MEMORY_CAP)} of memory, ` +
      'shared with the system and the browser unless the GPU has its own',
  };
}

/** Decides fit: needs-webgpu, then needs-f16, then too-big (web-llm's limits, the build's largest buffer, reported RAM). */
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
  const byLimits = device.limits ? limitsVerdict(record, device.limits) : undefined;
  return byLimits ?? memoryVerdict(memoryNeedBytes(record), options.deviceMemoryBytes);
}

/** RAM the browser reports (Chromium's navigator.deviceMemory, in GB), or undefined. */
export function reportedDeviceMemoryBytes(scope: unknown = globalThis): number | undefined {
  if (typeof scope !== 'object' || scope === null) return undefined;
  const gb = (scope as { navigator?: { deviceMemory?: unknown } }).navigator?.deviceMemory;
  return typeof gb === 'number' && Number.isFinite(gb) && gb > 0 ? gb * GiB : undefined;
}
