import { prebuiltAppConfig } from '@mlc-ai/web-llm';
import { describe, expect, it } from 'vitest';
import type { DeviceReport, GpuLimits } from '../worker-api/llm';
import { fitFor, needsShaderF16, reportedDeviceMemoryBytes, type FitRecord } from './model-fit';
import { findWebLlmBuild, largestBufferEstimate, webllmBuilds, webllmModels } from './webllm-catalog';

const KiB = 2 ** 10;
const MiB = 2 ** 20;
const GiB = 2 ** 30;

/** A desktop adapter: 1 GB+ buffers and bindings, web-llm's other limits met. */
const roomy: GpuLimits = {
  maxBufferSize: 4 * GiB,
  maxStorageBufferBindingSize: 2 * GiB,
  maxComputeWorkgroupStorageSize: 32 * KiB,
  maxStorageBuffersPerShaderStage: 10,
};

function device(overrides: Partial<DeviceReport> = {}): DeviceReport {
  return {
    webgpu: true,
    features: ['shader-f16'],
    shaderF16: true,
    limits: roomy,
    crossOriginIsolated: true,
    hardwareConcurrency: 8,
    ...overrides,
  };
}

const noF16 = device({ features: [], shaderF16: false });
/** A GPU offering 256 MB bindings: web-llm asks for 1 GB, so it runs with its 128 MB fallback. */
const binding256 = device({ limits: { ...roomy, maxBufferSize: GiB, maxStorageBufferBindingSize: 256 * MiB } });
/** Plenty of RAM, so only the GPU limits decide. */
const ram8 = { deviceMemoryBytes: 8 * GiB };

/** The real web-llm record of a build, with the largest-buffer estimate the catalog adds. */
function real(modelId: string): FitRecord {
  const build = findWebLlmBuild(modelId, webllmBuilds());
  if (!build) throw new Error(`${modelId} is not in web-llm's list`);
  return { ...build.record, largestBufferEstimateBytes: largestBufferEstimate(build.base) };
}

const coder05f32 = real('Qwen2.5-Coder-0.5B-Instruct-q4f32_1-MLC');
const coder15f16 = real('Qwen2.5-Coder-1.5B-Instruct-q4f16_1-MLC');
const coder15f32 = real('Qwen2.5-Coder-1.5B-Instruct-q4f32_1-MLC');
const coder3f16 = real('Qwen2.5-Coder-3B-Instruct-q4f16_1-MLC');
const coder7f16 = real('Qwen2.5-Coder-7B-Instruct-q4f16_1-MLC');

describe('fitFor', () => {
  it('says needs-webgpu, with the probe reason, when there is no WebGPU', () => {
    const result = fitFor(coder15f32, { ...noF16, webgpu: false, reason: 'navigator.gpu is missing', limits: undefined });
    expect(result.fit).toBe('needs-webgpu');
    expect(result.fitNote).toContain('navigator.gpu is missing');
  });

  it('says needs-f16 for an f16 build without shader-f16, even when the record lists no required_features', () => {
    expect(coder15f16.required_features).toBeUndefined();
    expect(needsShaderF16(coder15f16)).toBe(true);
    expect(needsShaderF16(coder15f32)).toBe(false);
    expect(needsShaderF16({ model_id: 'x-q4f32_1-MLC', required_features: ['shader-f16'] })).toBe(true);
    expect(fitFor(coder15f16, noF16)).toMatchObject({ fit: 'needs-f16', fitNote: expect.stringMatching(/shader-f16.*q4f32/) });
    expect(fitFor(coder15f32, noF16, ram8)).toEqual({ fit: 'fits' });
  });

  it('ignores low_resource_required: the 1.5B (rated false) fits a 256 MB-binding GPU, as web-llm loads it', () => {
    expect(coder15f16.low_resource_required).toBe(false);
    expect(coder3f16.low_resource_required).toBe(true);
    expect(fitFor(coder15f16, binding256, ram8)).toEqual({ fit: 'fits' });
    expect(fitFor(coder15f32, { ...binding256, features: [], shaderF16: false }, ram8)).toEqual({ fit: 'fits' });
    // A flipped rating changes nothing.
    expect(fitFor({ ...coder15f16, low_resource_required: true }, binding256, ram8)).toEqual({ fit: 'fits' });
  });

  it('weighs the largest buffer against the 128 MB binding web-llm falls back to: 3B and 7B are too big there', () => {
    // The 1.5B's embedding table is 111 MiB, the 3B's 148 MiB, the 7B's 260 MiB.
    expect(coder15f16.largestBufferEstimateBytes).toBe((151936 * 1536) / 2);
    expect(fitFor(coder3f16, binding256, ram8)).toEqual({
      fit: 'too-big',
      fitNote:
        'its largest GPU buffer is about 148 MB; web-llm binds at most 128 MB here: ' +
        'it asks for 1.0 GB and, as this GPU offers 256 MB, falls back to 128 MB',
    });
    expect(fitFor(coder7f16, binding256, ram8).fit).toBe('too-big');
    // A GPU offering 1 GB bindings gets them, and both fit.
    expect(fitFor(coder3f16, device(), ram8)).toEqual({ fit: 'fits' });
    expect(fitFor(coder7f16, device(), ram8).fit).toBe('fits');
  });

  it('caps buffers at the 256 MB web-llm falls back to when the GPU offers less than 1 GB per buffer', () => {
    const smallBuffers = device({ limits: { ...roomy, maxBufferSize: 512 * MiB } });
    expect(fitFor(coder3f16, smallBuffers, ram8).fit).toBe('fits'); // 148 MiB
    expect(fitFor(coder7f16, smallBuffers, ram8)).toMatchObject({
      fit: 'too-big',
      fitNote: expect.stringMatching(/260 MB; web-llm allocates at most 256 MB per buffer here.*offers 512 MB/),
    });
  });

  it('uses buffer_size_required_bytes where the real record states it (gemma-2b: 250 MB bindings)', () => {
    const gemma = prebuiltAppConfig.model_list.find((record) => record.model_id === 'gemma-2b-it-q4f16_1-MLC');
    expect(gemma?.buffer_size_required_bytes).toBe(262144000);
    if (!gemma) return;
    // 512 MB offered is still below the 1 GB web-llm asks for: it runs with 128 MB.
    const offers512 = device({ limits: { ...roomy, maxStorageBufferBindingSize: 512 * MiB } });
    expect(fitFor(gemma, offers512, ram8)).toMatchObject({ fit: 'too-big', fitNote: expect.stringContaining('about 250 MB') });
    expect(fitFor(gemma, device(), ram8)).toEqual({ fit: 'fits' });
    // The stated figure wins over an estimate.
    expect(fitFor({ ...gemma, largestBufferEstimateBytes: 10 * MiB }, offers512, ram8).fit).toBe('too-big');
  });

  it('says too-big for every build when the adapter is below what web-llm needs to start, naming each limit', () => {
    const tiny = device({ limits: { ...roomy, maxBufferSize: 128 * MiB, maxStorageBufferBindingSize: 64 * MiB } });
    expect(fitFor(coder05f32, tiny, ram8)).toEqual({
      fit: 'too-big',
      fitNote:
        'web-llm cannot start on this GPU: it needs buffers of 256 MB (this GPU allows 128 MB), ' +
        'storage bindings of 128 MB (this GPU allows 64 MB)',
    });
  });

  it('says too-big with the reason on a GPU with 8 storage buffers per shader stage (WebGPU default)', () => {
    const eight = device({ limits: { ...roomy, maxStorageBuffersPerShaderStage: 8 } });
    expect(fitFor(coder05f32, eight, ram8)).toEqual({
      fit: 'too-big',
      fitNote: 'web-llm cannot start on this GPU: it needs 10 storage buffers per shader stage (this GPU allows 8)',
    });
    expect(fitFor(coder05f32, device({ limits: { ...roomy, maxStorageBuffersPerShaderStage: 10 } }), ram8).fit).toBe('fits');
  });

  it('says too-big with the reason on a GPU with 16 KB of workgroup storage (WebGPU default)', () => {
    const small = device({ limits: { ...roomy, maxComputeWorkgroupStorageSize: 16 * KiB } });
    expect(fitFor(coder05f32, small, ram8)).toEqual({
      fit: 'too-big',
      fitNote: 'web-llm cannot start on this GPU: it needs 32 KB of compute workgroup storage (this GPU allows 16 KB)',
    });
    const both = device({ limits: { ...roomy, maxComputeWorkgroupStorageSize: 16 * KiB, maxStorageBuffersPerShaderStage: 8 } });
    expect(fitFor(coder05f32, both, ram8).fitNote).toMatch(/32 KB of compute workgroup storage .*, 10 storage buffers per shader stage/);
  });

  it('weighs reported RAM only below the 8 GB cap of navigator.deviceMemory', () => {
    expect(fitFor(coder15f32, device(), { deviceMemoryBytes: 2 * GiB })).toEqual({
      fit: 'too-big',
      fitNote: 'needs about 1.8 GB of GPU memory; this device reports 2.0 GB of memory in all, shared with the system and the browser',
    });
    expect(fitFor(coder15f32, device(), { deviceMemoryBytes: 4 * GiB })).toEqual({ fit: 'fits' });
    // At the cap the figure is a lower bound: a big build may not fit, but is not called too big.
    const huge = real('Qwen3-8B-q4f32_1-MLC');
    expect(fitFor(huge, device(), ram8)).toEqual({
      fit: 'fits',
      fitNote:
        'may not fit: needs about 6.7 GB of GPU memory; this device reports at least 8.0 GB of memory, ' +
        'shared with the system and the browser unless the GPU has its own',
    });
  });

  it('says "may not fit" rather than too-big when the browser reports no memory', () => {
    expect(fitFor(coder7f16, device(), { deviceMemoryBytes: undefined })).toEqual({
      fit: 'fits',
      fitNote: "may not fit: needs about 5.0 GB of GPU memory, and this browser does not report the device's memory",
    });
  });

  it('reads navigator.deviceMemory where the browser has it', () => {
    expect(reportedDeviceMemoryBytes({ navigator: { deviceMemory: 4 } })).toBe(4 * GiB);
    expect(reportedDeviceMemoryBytes({ navigator: {} })).toBeUndefined();
    expect(reportedDeviceMemoryBytes({})).toBeUndefined();
  });
});

describe('fit across the real coder sizes', () => {
  const sizes = ['0.5B', '1.5B', '3B', '7B'];
  const verdicts = (report: DeviceReport, deviceMemoryBytes?: number) => {
    const models = webllmModels(report, {}, { deviceMemoryBytes });
    return sizes.map((size) => models.find((model) => model.id.includes(`Coder-${size}-`))?.fit);
  };

  it('never lets a larger coder fit where a smaller one does not', () => {
    const cases: [DeviceReport, number | undefined][] = [
      [binding256, 8 * GiB],
      [binding256, 4 * GiB],
      [binding256, 2 * GiB],
      [device(), 4 * GiB],
      [device(), undefined],
      [noF16, 2 * GiB],
    ];
    for (const [report, ram] of cases) {
      const fits = verdicts(report, ram).map((fit) => fit === 'fits');
      expect(fits.length).toBe(4);
      for (let i = 1; i < fits.length; i++) if (fits[i]) expect(fits[i - 1]).toBe(true);
    }
    // The cases do cover both verdicts.
    expect(verdicts(binding256, 8 * GiB)).toEqual(['fits', 'fits', 'too-big', 'too-big']);
    expect(verdicts(binding256, 2 * GiB)).toEqual(['fits', 'too-big', 'too-big', 'too-big']);
    expect(verdicts(device(), 8 * GiB)).toEqual(['fits', 'fits', 'fits', 'fits']);
  });
});

describe('model selection by shader-f16 (real web-llm model list)', () => {
  it('picks the q4f32_1 build of every model when shader-f16 is absent', () => {
    const models = webllmModels(noF16, {}, { deviceMemoryBytes: undefined });
    expect(models.length).toBeGreaterThan(0);
    for (const model of models) expect(model.id).toMatch(/-q4f32_1-MLC$/);
    expect(models.every((model) => model.fit === 'fits')).toBe(true);
  });

  it('picks the q4f16_1 build of every model when shader-f16 is present', () => {
    const models = webllmModels(device(), {}, { deviceMemoryBytes: undefined });
    for (const model of models) expect(model.id).toMatch(/-q4f16_1-MLC$/);
    expect(models.map((model) => model.label)).toContain('Qwen2.5 Coder 1.5B Instruct (q4f16)');
  });
});
