import type { DeviceReport, GpuAdapterSummary, LlmWorkerApi } from '../src/worker-api/llm';

/*
 * The slice of WebGPU the probe touches. TypeScript 5.9's DOM lib has no WebGPU
 * types; these stay local (no global augmentation) so adding @webgpu/types later
 * does not clash.
 */
interface GpuAdapterLike {
  readonly features: Iterable<string> & { has(feature: string): boolean };
  readonly limits: { readonly maxBufferSize: number; readonly maxStorageBufferBindingSize: number };
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
    limits: {
      maxBufferSize: adapter.limits.maxBufferSize,
      maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
    },
  };
}

export function createLlmService(env?: DeviceEnv): LlmWorkerApi {
  return {
    probeDevice: () => probeDevice(env),
  };
}
