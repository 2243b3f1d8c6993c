import { prebuiltAppConfig } from '@mlc-ai/web-llm';
import { describe, expect, it } from 'vitest';
import type { DeviceReport } from '../worker-api/llm';
import {
  estimateDownloadBytes,
  findWebLlmBuild,
  largestBufferEstimate,
  webllmAppConfig,
  webllmBuilds,
  webllmModels,
  withModelHost,
} from './webllm-catalog';

// These tests read the REAL prebuiltAppConfig of the installed @mlc-ai/web-llm.

const MiB = 2 ** 20;
const GiB = 2 ** 30;

const desktop: DeviceReport = {
  webgpu: true,
  features: ['shader-f16'],
  shaderF16: true,
  limits: { maxBufferSize: 4 * GiB, maxStorageBufferBindingSize: 2 * GiB },
  crossOriginIsolated: true,
  hardwareConcurrency: 8,
};
/** A phone-class adapter: 256 MB bindings, no f16. */
const phone: DeviceReport = {
  ...desktop,
  features: [],
  shaderF16: false,
  limits: { maxBufferSize: GiB, maxStorageBufferBindingSize: 256 * MiB },
};

const EXPECTED_BASES = [
  'Qwen2.5-Coder-0.5B-Instruct',
  'Qwen2.5-Coder-1.5B-Instruct',
  'Qwen2.5-Coder-3B-Instruct',
  'Qwen2.5-Coder-7B-Instruct',
  'Qwen3-0.6B',
  'Qwen3-1.7B',
  'Qwen3-4B',
  'Qwen3-8B',
  'Llama-3.2-1B-Instruct',
  'Llama-3.2-3B-Instruct',
  'Phi-3.5-mini-instruct',
  'SmolLM2-360M-Instruct',
  'SmolLM2-1.7B-Instruct',
];

describe('webllmBuilds (real prebuiltAppConfig)', () => {
  const builds = webllmBuilds();
  const ids = builds.map((build) => build.record.model_id);

  it('derives both 4-bit builds of every chosen model from the installed list', () => {
    for (const base of EXPECTED_BASES) {
      expect(ids).toContain(`${base}-q4f16_1-MLC`);
      expect(ids).toContain(`${base}-q4f32_1-MLC`);
    }
    expect(ids).toHaveLength(EXPECTED_BASES.length * 2);
  });

  it('leaves out other sizes, 1k-context builds, unquantized builds and look-alike families', () => {
    for (const id of ids) {
      expect(id).not.toMatch(/-1k$|q0f|Qwen3\.5|Qwen2\.5-(?!Coder)|SmolLM2-135M|Phi-3-mini|Hermes/);
    }
    // ...which exist in the list, so the filter is doing the work.
    const all = prebuiltAppConfig.model_list.map((record) => record.model_id);
    expect(all).toContain('Phi-3.5-mini-instruct-q4f16_1-MLC-1k');
    expect(all).toContain('Qwen3.5-0.8B-q4f16_1-MLC');
    expect(all).toContain('Qwen2.5-1.5B-Instruct-q4f16_1-MLC');
  });

  it('keeps the real records (vram, context, URLs) and names the family', () => {
    const coder = findWebLlmBuild('webllm:Qwen2.5-Coder-1.5B-Instruct-q4f32_1-MLC', builds);
    const real = prebuiltAppConfig.model_list.find((record) => record.model_id === 'Qwen2.5-Coder-1.5B-Instruct-q4f32_1-MLC');
    expect(coder?.record).toEqual(real);
    expect(coder).toMatchObject({ family: 'qwen2.5-coder', size: '1.5B', quantization: 'q4f32_1', supportsFim: true, nativeTools: false });
    const families = new Set(builds.map((build) => build.family));
    expect([...families].sort()).toEqual(['llama-3.2', 'phi-3.5', 'qwen2.5-coder', 'qwen3', 'smollm2']);
  });

  it('has no model with web-llm native tool calling (those are Hermes-2-Pro / Hermes-3 only)', () => {
    expect(builds.some((build) => build.nativeTools)).toBe(false);
  });
});

describe('webllmModels', () => {
  it('offers one entry per model with memory, context, family, tools and FIM', () => {
    const models = webllmModels(desktop, {}, { deviceMemoryBytes: undefined });
    expect(models).toHaveLength(EXPECTED_BASES.length);
    const coder = models.find((model) => model.id === 'webllm:Qwen2.5-Coder-1.5B-Instruct-q4f16_1-MLC');
    expect(coder).toMatchObject({
      engine: 'webllm',
      label: 'Qwen2.5 Coder 1.5B Instruct (q4f16)',
      family: 'qwen2.5-coder',
      memoryBytes: Math.round(1629.75 * MiB),
      contextWindow: 4096,
      supportsTools: true,
      supportsFim: true,
      fit: 'fits',
      cached: 'none',
      recommended: true,
    });
    expect(models.filter((model) => model.supportsFim).map((model) => model.family)).toEqual(
      Array(4).fill('qwen2.5-coder'),
    );
    expect(models.every((model) => model.supportsTools)).toBe(true);
    expect(models.filter((model) => model.recommended)).toHaveLength(1);
  });

  it('estimates downloads from parameters and quantization, below the memory need', () => {
    // 1.54B weights at 4.5 bits plus ~15 MB of tokenizer and wasm.
    expect(estimateDownloadBytes('Qwen2.5-Coder-1.5B-Instruct', '1.5B', 'q4f16_1')).toBeGreaterThan(0.8 * GiB);
    expect(estimateDownloadBytes('Qwen2.5-Coder-1.5B-Instruct', '1.5B', 'q4f16_1')).toBeLessThan(0.9 * GiB);
    expect(estimateDownloadBytes('Qwen3-4B', '4B', 'q4f32_1')).toBeGreaterThan(estimateDownloadBytes('Qwen3-4B', '4B', 'q4f16_1'));
    for (const model of webllmModels(desktop, {}, { deviceMemoryBytes: undefined })) {
      expect(model.downloadBytes).toBeGreaterThan(100 * MiB);
      expect(model.downloadBytes).toBeLessThan(model.memoryBytes);
    }
  });

  it('recommends the 1.5B coder on a phone-class GPU (256 MB bindings), where the 3B and 7B are too big', () => {
    const models = webllmModels(phone, {}, { deviceMemoryBytes: 4 * GiB });
    expect(models.filter((model) => model.recommended).map((model) => model.id)).toEqual([
      'webllm:Qwen2.5-Coder-1.5B-Instruct-q4f32_1-MLC',
    ]);
    const coder3 = models.find((model) => model.id === 'webllm:Qwen2.5-Coder-3B-Instruct-q4f32_1-MLC');
    expect(coder3).toMatchObject({ fit: 'too-big', fitNote: expect.stringContaining('web-llm binds at most 128 MB here') });
    const coder7 = models.find((model) => model.id === 'webllm:Qwen2.5-Coder-7B-Instruct-q4f32_1-MLC');
    expect(coder7?.fit).toBe('too-big');
  });

  it('recommends the 0.5B coder where the 1.5B needs more memory than the device reports', () => {
    const models = webllmModels(phone, {}, { deviceMemoryBytes: 2 * GiB });
    expect(models.filter((model) => model.recommended).map((model) => model.id)).toEqual([
      'webllm:Qwen2.5-Coder-0.5B-Instruct-q4f32_1-MLC',
    ]);
    const big = models.find((model) => model.id === 'webllm:Qwen2.5-Coder-1.5B-Instruct-q4f32_1-MLC');
    expect(big).toMatchObject({ fit: 'too-big', fitNote: expect.stringContaining('this device reports 2.0 GB') });
  });

  it('has a largest-buffer estimate for every model it offers', () => {
    for (const build of webllmBuilds()) expect(largestBufferEstimate(build.base)).toBeGreaterThan(10 * MiB);
    expect(largestBufferEstimate('Not-A-Model')).toBeUndefined();
  });

  it('recommends nothing when nothing fits', () => {
    const models = webllmModels({ ...phone, webgpu: false, limits: undefined }, {}, { deviceMemoryBytes: undefined });
    expect(models.every((model) => model.fit === 'needs-webgpu' && !model.recommended)).toBe(true);
  });
});

describe('modelHost', () => {
  it('rewrites huggingface.co model URLs to the mirror and leaves other hosts alone', () => {
    expect(withModelHost('https://huggingface.co/mlc-ai/X-MLC', 'https://mirror.test/hf/')).toBe('https://mirror.test/hf/mlc-ai/X-MLC');
    expect(withModelHost('https://huggingface.co/mlc-ai/X-MLC', undefined)).toBe('https://huggingface.co/mlc-ai/X-MLC');
    expect(withModelHost('https://example.org/X-MLC', 'https://mirror.test')).toBe('https://example.org/X-MLC');
  });

  it('puts the mirror into the AppConfig web-llm loads from', () => {
    const app = webllmAppConfig(webllmBuilds({ modelHost: 'http://127.0.0.1:8080' }));
    expect(app.model_list).toHaveLength(EXPECTED_BASES.length * 2);
    for (const record of app.model_list) expect(record.model).toMatch(/^http:\/\/127\.0\.0\.1:8080\/mlc-ai\//);
    // The model libraries stay where web-llm publishes them.
    expect(app.model_list[0]?.model_lib).toMatch(/^https:\/\/raw\.githubusercontent\.com\//);
  });
});
