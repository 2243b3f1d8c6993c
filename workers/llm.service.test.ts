import { describe, expect, it } from 'vitest';
import { inProcess } from '../src/worker-api/connect';
import { webllmModels } from '../src/inference/webllm-catalog';
import { createLlmService, probeDevice, type DeviceEnv } from './llm.service';

type FakeAdapter = NonNullable<Awaited<ReturnType<NonNullable<DeviceEnv['gpu']>['requestAdapter']>>>;

function envWith(adapter: FakeAdapter | null | Error): DeviceEnv {
  return {
    crossOriginIsolated: true,
    hardwareConcurrency: 8,
    gpu: {
      requestAdapter: async () => {
        if (adapter instanceof Error) throw adapter;
        return adapter;
      },
    },
  };
}

const limits = {
  maxBufferSize: 2 ** 31,
  maxStorageBufferBindingSize: 2 ** 30,
  maxComputeWorkgroupStorageSize: 16 * 1024,
  maxStorageBuffersPerShaderStage: 8,
};

describe('probeDevice', () => {
  it('in Node (no navigator.gpu) reports no WebGPU with the reason, through the client', async () => {
    const llm = inProcess(createLlmService(), 'llm');
    const report = await llm.api.probeDevice();
    expect(report.webgpu).toBe(false);
    expect(report.reason).toMatch(/navigator\.gpu is missing/);
    expect(report.features).toEqual([]);
    expect(report.shaderF16).toBe(false);
    expect(report.crossOriginIsolated).toBe(false);
    expect(report.hardwareConcurrency).toBeGreaterThanOrEqual(1);
    expect(report.adapter).toBeUndefined();
  });

  it('describes the adapter, features and limits', async () => {
    const report = await probeDevice(
      envWith({
        features: new Set(['timestamp-query', 'shader-f16']),
        limits,
        info: { vendor: 'apple', architecture: 'metal-3', device: '', description: 'Apple M2' },
      }),
    );
    expect(report).toEqual({
      webgpu: true,
      adapter: { vendor: 'apple', architecture: 'metal-3', device: '', description: 'Apple M2' },
      features: ['shader-f16', 'timestamp-query'],
      shaderF16: true,
      limits,
      crossOriginIsolated: true,
      hardwareConcurrency: 8,
    });
  });

  it('copies the limits web-llm checks, so an adapter at WebGPU defaults shows every web-llm model as not fitting, with why', async () => {
    const report = await probeDevice(envWith({ features: new Set(['shader-f16']), limits }));
    expect(report.limits).toMatchObject({ maxComputeWorkgroupStorageSize: 16 * 1024, maxStorageBuffersPerShaderStage: 8 });
    const models = webllmModels(report, {}, { deviceMemoryBytes: 8 * 2 ** 30 });
    expect(models.length).toBeGreaterThan(0);
    for (const model of models) {
      expect(model.fit).toBe('too-big');
      expect(model.fitNote).toBe(
        'web-llm cannot start on this GPU: it needs 32 KB of compute workgroup storage (this GPU allows 16 KB), ' +
          '10 storage buffers per shader stage (this GPU allows 8)',
      );
    }
    const webllmFloor = { ...limits, maxComputeWorkgroupStorageSize: 32 * 1024, maxStorageBuffersPerShaderStage: 10 };
    const meets = await probeDevice(envWith({ features: new Set(['shader-f16']), limits: webllmFloor }));
    expect(webllmModels(meets, {}, { deviceMemoryBytes: 8 * 2 ** 30 }).some((model) => model.fit === 'fits')).toBe(true);
  });

  it('falls back to requestAdapterInfo() on older browsers', async () => {
    const report = await probeDevice(
      envWith({
        features: new Set<string>(),
        limits,
        requestAdapterInfo: async () => ({ vendor: 'nvidia' }),
      }),
    );
    expect(report.adapter).toEqual({ vendor: 'nvidia', architecture: '', device: '', description: '' });
    expect(report.shaderF16).toBe(false);
  });

  it('reports a null adapter or a failing request as no WebGPU', async () => {
    const none = await probeDevice(envWith(null));
    expect(none).toMatchObject({ webgpu: false, features: [], crossOriginIsolated: true, hardwareConcurrency: 8 });
    expect(none.reason).toMatch(/requestAdapter\(\) returned null/);

    const failed = await probeDevice(envWith(new Error('GPU process crashed')));
    expect(failed.webgpu).toBe(false);
    expect(failed.reason).toBe('navigator.gpu.requestAdapter() failed: GPU process crashed');
  });
});
