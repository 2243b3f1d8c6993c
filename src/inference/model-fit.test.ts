import { describe, expect, it } from 'vitest';
import type { DeviceReport } from '../worker-api/llm';
import { fitFor, needsShaderF16, reportedDeviceMemoryBytes, type FitRecord } from './model-fit';
import { webllmModels } from './webllm-catalog';

const MiB = 2 ** 20;
const GiB = 2 ** 30;

function device(overrides: Partial<DeviceReport> = {}): DeviceReport {
  return {
    webgpu: true,
    features: ['shader-f16'],
    shaderF16: true,
    limits: { maxBufferSize: 4 * GiB, maxStorageBufferBindingSize: 2 * GiB },
    crossOriginIsolated: true,
    hardwareConcurrency: 8,
    ...overrides,
  };
}

const noF16 = device({ features: [], shaderF16: false });

const coder15f16: FitRecord = {
  model_id: 'Qwen2.5-Coder-1.5B-Instruct-q4f16_1-MLC',
  vram_required_MB: 1629.75,
  low_resource_required: false,
};
const coder15f32: FitRecord = { ...coder15f16, model_id: 'Qwen2.5-Coder-1.5B-Instruct-q4f32_1-MLC', vram_required_MB: 1888.97 };
const coder05f32: FitRecord = {
  model_id: 'Qwen2.5-Coder-0.5B-Instruct-q4f32_1-MLC',
  vram_required_MB: 1060.2,
  low_resource_required: true,
};

describe('fitFor', () => {
  it('says needs-webgpu, with the probe reason, when there is no WebGPU', () => {
    const result = fitFor(coder15f32, { ...noF16, webgpu: false, reason: 'navigator.gpu is missing', limits: undefined });
    expect(result.fit).toBe('needs-webgpu');
    expect(result.fitNote).toContain('navigator.gpu is missing');
  });

  it('says needs-f16 for an f16 build without shader-f16, even when the record lists no required_features', () => {
    expect(needsShaderF16(coder15f16)).toBe(true);
    expect(needsShaderF16(coder15f32)).toBe(false);
    expect(needsShaderF16({ model_id: 'x-q4f32_1-MLC', required_features: ['shader-f16'] })).toBe(true);
    expect(fitFor(coder15f16, noF16)).toMatchObject({ fit: 'needs-f16', fitNote: expect.stringMatching(/shader-f16.*q4f32/) });
    expect(fitFor(coder15f32, noF16)).toEqual({ fit: 'fits' });
  });

  it('says too-big when the build needs a larger buffer binding than the adapter allows, in words', () => {
    const small = device({ limits: { maxBufferSize: GiB, maxStorageBufferBindingSize: 512 * MiB } });
    const result = fitFor(coder15f16, small);
    expect(result.fit).toBe('too-big');
    expect(result.fitNote).toBe(
      'needs about 1.6 GB of GPU memory in buffers of up to 1.0 GB; this device reports at most 512 MB per buffer',
    );
    // web-llm rates the 0.5B build for limited devices (128 MB bindings).
    expect(fitFor({ ...coder05f32, model_id: coder05f32.model_id.replace('f32', 'f16') }, small)).toEqual({ fit: 'fits' });
  });

  it('uses buffer_size_required_bytes when the record states it', () => {
    const gemma: FitRecord = { model_id: 'gemma-2b-it-q4f32_1-MLC', vram_required_MB: 1750, buffer_size_required_bytes: 262144000 };
    const limits = { maxBufferSize: GiB, maxStorageBufferBindingSize: 200 * MiB }; // the record asks for 250 MB
    expect(fitFor(gemma, device({ limits })).fit).toBe('too-big');
    expect(fitFor(gemma, device({ limits: { ...limits, maxStorageBufferBindingSize: 300 * MiB } })).fit).toBe('fits');
  });

  it('says too-big for every build when the adapter is below what web-llm needs to start', () => {
    const tiny = device({ limits: { maxBufferSize: 128 * MiB, maxStorageBufferBindingSize: 128 * MiB } });
    const result = fitFor(coder05f32, tiny);
    expect(result.fit).toBe('too-big');
    expect(result.fitNote).toMatch(/at least 256 MB.*this device allows 128 MB/);
  });

  it('weighs reported RAM only below the 8 GB cap of navigator.deviceMemory', () => {
    expect(fitFor(coder15f32, device(), { deviceMemoryBytes: 2 * GiB })).toEqual({
      fit: 'too-big',
      fitNote: 'needs about 1.8 GB of GPU memory; this device reports 2.0 GB of memory in all, shared with the system and the browser',
    });
    expect(fitFor(coder15f32, device(), { deviceMemoryBytes: 4 * GiB }).fit).toBe('fits');
    const huge: FitRecord = { model_id: 'Qwen3-8B-q4f32_1-MLC', vram_required_MB: 6852.55 };
    expect(fitFor(huge, device(), { deviceMemoryBytes: 8 * GiB }).fit).toBe('fits');
  });

  it('reads navigator.deviceMemory where the browser has it', () => {
    expect(reportedDeviceMemoryBytes({ navigator: { deviceMemory: 4 } })).toBe(4 * GiB);
    expect(reportedDeviceMemoryBytes({ navigator: {} })).toBeUndefined();
    expect(reportedDeviceMemoryBytes({})).toBeUndefined();
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
