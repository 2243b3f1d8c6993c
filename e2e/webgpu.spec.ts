/**
 * The e2e browser must have WebGPU: Chromium with --enable-unsafe-webgpu gets
 * a real adapter even with no GPU (Dawn on SwiftShader, i.e. the CPU). Model
 * inference runs in workers, so check a dedicated module worker too — created
 * from a blob: URL, which works under the app's COEP require-corp (a blob:
 * worker inherits the creator's policy; no CORP header is involved).
 *
 * Adapter info and features go to the test's annotations (JSON report,
 * test-results/e2e.json) and are printed by the list reporter.
 */
import { test, expect } from './support/privacy';

interface GpuProbe {
  hasGpu: boolean;
  adapter: null | {
    info: Record<string, string | number | boolean>;
    isFallbackAdapter?: boolean;
    features: string[];
    limits: Record<string, number>;
  };
  /** Result of a tiny compute shader (x * 2 + 1), to show the device really runs. */
  compute?: number[];
  error?: string;
}

/**
 * Runs in the page and, via its source text, in the worker: keep it
 * self-contained (no imports, no outer variables).
 */
async function gpuProbe(): Promise<GpuProbe> {
  // WebGPU types are not in the e2e tsconfig's lib; this runs in the browser.
  const gpu = (self.navigator as any).gpu;
  if (!gpu) return { hasGpu: false, adapter: null };
  const adapter = await gpu.requestAdapter();
  if (!adapter) return { hasGpu: true, adapter: null };
  const info: Record<string, string | number | boolean> = {};
  const ai = adapter.info ?? {};
  for (const k of ['vendor', 'architecture', 'device', 'description', 'subgroupMinSize', 'subgroupMaxSize', 'isFallbackAdapter']) {
    if (ai[k] !== undefined && ai[k] !== '') info[k] = ai[k];
  }
  const limits: Record<string, number> = {};
  for (const k of ['maxBufferSize', 'maxStorageBufferBindingSize', 'maxComputeWorkgroupSizeX', 'maxComputeInvocationsPerWorkgroup']) {
    limits[k] = adapter.limits[k];
  }
  const result: GpuProbe = {
    hasGpu: true,
    adapter: { info, isFallbackAdapter: adapter.isFallbackAdapter, features: [...adapter.features].sort(), limits },
  };
  try {
    const device = await adapter.requestDevice();
    const input = new Float32Array([0, 1, 2, 3, 4, 5, 6, 7]);
    // GPUBufferUsage: MAP_READ 1, COPY_SRC 4, COPY_DST 8, STORAGE 128; GPUMapMode.READ 1
    const storage = device.createBuffer({ size: input.byteLength, usage: 128 | 4 | 8 });
    const readback = device.createBuffer({ size: input.byteLength, usage: 1 | 8 });
    device.queue.writeBuffer(storage, 0, input);
    const module = device.createShaderModule({
      code: `@group(0) @binding(0) var<storage, read_write> v: array<f32>;
             @compute @workgroup_size(8) fn main(@builtin(global_invocation_id) id: vec3u) { v[id.x] = v[id.x] * 2.0 + 1.0; }`,
    });
    const pipeline = device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' } });
    const bindGroup = device.createBindGroup({
      layout: pipeline.getBindGroupLayout(0),
      entries: [{ binding: 0, resource: { buffer: storage } }],
    });
    const enc = device.createCommandEncoder();
    const pass = enc.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    pass.dispatchWorkgroups(1);
    pass.end();
    enc.copyBufferToBuffer(storage, 0, readback, 0, input.byteLength);
    device.queue.submit([enc.finish()]);
    await readback.mapAsync(1);
    result.compute = [...new Float32Array(readback.getMappedRange().slice(0))];
    readback.unmap();
    device.destroy();
  } catch (e) {
    result.error = String(e);
  }
  return result;
}

const EXPECTED_COMPUTE = [1, 3, 5, 7, 9, 11, 13, 15];

function annotate(where: string, probe: GpuProbe) {
  const a = probe.adapter;
  const text = a
    ? `${JSON.stringify(a.info)} fallback=${a.isFallbackAdapter ?? a.info.isFallbackAdapter ?? '?'}; ` +
      `features: ${a.features.join(', ') || '(none)'}; limits: ${JSON.stringify(a.limits)}`
    : probe.hasGpu
      ? 'navigator.gpu present, requestAdapter() returned null'
      : 'navigator.gpu missing';
  test.info().annotations.push({ type: `webgpu (${where})`, description: text });
  console.log(`[webgpu ${where}] ${text}`);
}

test.describe('WebGPU in the e2e browser', () => {
  test.beforeEach(async ({ page }) => {
    await page.goto('/');
  });

  test('page: requestAdapter() gives an adapter and a working device', async ({ page }) => {
    const probe = await page.evaluate(gpuProbe);
    annotate('page', probe);
    expect(probe.hasGpu, 'navigator.gpu (is --enable-unsafe-webgpu set?)').toBe(true);
    expect(probe.adapter, 'navigator.gpu.requestAdapter()').not.toBeNull();
    expect(probe.error).toBeUndefined();
    expect(probe.compute).toEqual(EXPECTED_COMPUTE);
  });

  test('dedicated module worker from a blob: URL: requestAdapter() gives an adapter', async ({ page }) => {
    const probe = await page.evaluate(async (probeSource: string): Promise<GpuProbe> => {
      const src =
        `const gpuProbe = ${probeSource};\n` +
        `gpuProbe().then((r) => postMessage(r), (e) => postMessage({ hasGpu: false, adapter: null, error: String(e) }));\n` +
        `export {};`;
      const url = URL.createObjectURL(new Blob([src], { type: 'text/javascript' }));
      const worker = new Worker(url, { type: 'module' });
      try {
        return await new Promise<GpuProbe>((resolve, reject) => {
          worker.onmessage = (e) => resolve(e.data as GpuProbe);
          worker.onerror = (e) => reject(new Error(`worker error: ${e.message}`));
        });
      } finally {
        worker.terminate();
        URL.revokeObjectURL(url);
      }
    }, gpuProbe.toString());
    annotate('worker', probe);
    expect(probe.hasGpu, 'WorkerNavigator.gpu').toBe(true);
    expect(probe.adapter, 'navigator.gpu.requestAdapter() in a worker').not.toBeNull();
    expect(probe.error).toBeUndefined();
    expect(probe.compute).toEqual(EXPECTED_COMPUTE);
  });
});
