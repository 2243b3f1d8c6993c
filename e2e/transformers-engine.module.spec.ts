/**
 * The transformers.js engine (src/inference/transformers-engine.ts) on the tiny
 * fixture model, in Chromium on real WebGPU (SwiftShader here) and on WASM,
 * with onnxruntime-web served from our origin at /ort/ by vite/ort-assets.ts.
 *
 * The engine runs on the page's main thread: in the product it runs in the llm
 * worker (workers/llm.service.ts), whose path the app-level e2e covers. The
 * privacy guard fails any test whose page tried to reach another origin (a
 * CDN for onnxruntime-web, the Hugging Face hub).
 */
import type { Page, Response } from '@playwright/test';
import { expect, test } from './support/privacy';

type EngineModule = typeof import('../src/inference/transformers-engine');
type LocalChatResult = import('../src/worker-api/llm').LocalChatResult;

const MODEL_PATH = '/e2e/fixtures/models/';
/** The tiny model's ChatML prompt for the messages below (fixture README: 33 tokens). */
const RENDERED_PROMPT =
  '<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\nHello! What is the capital of France?<|im_end|>\n<|im_start|>assistant\n';

interface Scenario {
  device: 'webgpu' | 'wasm';
  dtype: string;
  maxTokens: number;
  /** Abort after this many chunks. */
  abortAfter?: number;
  /** Then run a FIM-style raw completion. */
  complete?: boolean;
  /** Then check and clear the Cache API entries. */
  cache?: boolean;
}

interface ScenarioResult {
  current: { modelId: string; device: string; dtype: string } | null;
  phases: string[];
  lastProgress: { loadedBytes: number; totalBytes: number } | null;
  loadMs: number;
  chunks: { role?: string; content?: string; finish: string | null; usage: unknown; at: number }[];
  result: LocalChatResult;
  promptTokens: number;
  completion?: { text: string; finish_reason: string };
  cache?: { before: string; after: string; keys: string[] };
  adapter: { webgpu: boolean; shaderF16: boolean };
}

/** Records responses so a test can check which /ort/ files were fetched and that nothing 404'd. */
function watchResponses(page: Page): Response[] {
  const responses: Response[] = [];
  page.on('response', (r) => responses.push(r));
  return responses;
}

async function runScenario(page: Page, scenario: Scenario): Promise<ScenarioResult> {
  await page.goto('/e2e/harness/index.html');
  return page.evaluate(
    async ({ scenario, modelPath, rendered }) => {
      const { TransformersEngine } = (await import('/src/inference/transformers-engine.ts' as string)) as EngineModule;
      const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<{ features: Set<string> } | null> } }).gpu;
      const adapter = await gpu?.requestAdapter();
      const device = {
        webgpu: !!adapter,
        features: adapter ? [...adapter.features] : [],
        shaderF16: adapter?.features.has('shader-f16') ?? false,
        crossOriginIsolated: self.crossOriginIsolated,
        hardwareConcurrency: navigator.hardwareConcurrency,
      };
      const engine = new TransformersEngine();
      const config = {
        localModelPath: modelPath,
        transformersDevice: scenario.device,
        customModels: [{ repo: 'tiny-llama', dtype: scenario.dtype, label: 'Tiny llama' }],
      };
      const models = await engine.catalog(device, config);
      const model = models.find((m) => m.id === 'transformers:tiny-llama');
      if (!model) throw new Error('tiny-llama is not in the catalog');
      if (scenario.cache) await engine.deleteModel(model); // a clean start, whatever an earlier run left

      const phases: string[] = [];
      let lastProgress: { loadedBytes: number; totalBytes: number } | null = null;
      const t0 = performance.now();
      await engine.load(
        model,
        (p) => {
          if (phases.at(-1) !== p.phase) phases.push(p.phase);
          lastProgress = { loadedBytes: p.loadedBytes, totalBytes: p.totalBytes };
        },
        new AbortController().signal,
      );
      const loadMs = performance.now() - t0;

      const controller = new AbortController();
      const chunks: ScenarioResult['chunks'] = [];
      const start = performance.now();
      const result = await engine.chat(
        {
          model: model.id,
          messages: [
            { role: 'system', content: 'You are a helpful assistant.' },
            { role: 'user', content: 'Hello! What is the capital of France?' },
          ],
          max_tokens: scenario.maxTokens,
          temperature: 0,
        },
        (chunk) => {
          const choice = chunk.choices[0];
          chunks.push({
            ...(choice?.delta.role ? { role: choice.delta.role } : {}),
            ...(choice?.delta.content !== undefined ? { content: choice.delta.content } : {}),
            finish: choice?.finish_reason ?? null,
            usage: chunk.usage ?? null,
            at: performance.now() - start,
          });
          if (scenario.abortAfter !== undefined && chunks.length === scenario.abortAfter) controller.abort();
        },
        controller.signal,
      );
      const promptTokens = await engine.countTokens(rendered);

      let completion: ScenarioResult['completion'];
      if (scenario.complete) {
        completion = await engine.complete('def add(a, b):\n    return', { maxTokens: 12, temperature: 0, stop: ['\n\n'] }, new AbortController().signal);
      }
      let cache: ScenarioResult['cache'];
      if (scenario.cache) {
        const before = await engine.cacheState(model);
        const keys = (await (await caches.open('transformers-cache')).keys()).map((r) => new URL(r.url).pathname);
        await engine.deleteModel(model);
        cache = { before, after: await engine.cacheState(model), keys };
      }
      const current = engine.current;
      await engine.unload();
      return {
        current,
        phases,
        lastProgress,
        loadMs,
        chunks,
        result,
        promptTokens,
        adapter: { webgpu: device.webgpu, shaderF16: device.shaderF16 },
        ...(completion ? { completion } : {}),
        ...(cache ? { cache } : {}),
      } satisfies ScenarioResult;
    },
    { scenario, modelPath: MODEL_PATH, rendered: RENDERED_PROMPT },
  );
}

const textOf = (r: ScenarioResult) => r.chunks.map((c) => c.content ?? '').join('');

function annotate(device: string, r: ScenarioResult) {
  const s = r.result.stats;
  test.info().annotations.push({
    type: `tokens/s ${device}`,
    description:
      `decode ${s.decodeTokensPerSec?.toFixed(1)} tok/s, prefill ${s.prefillTokensPerSec?.toFixed(1)} tok/s, ` +
      `${r.result.usage.completion_tokens} tokens, load ${r.loadMs.toFixed(0)} ms`,
  });
  test.info().annotations.push({ type: `TTFT ${device}`, description: `${s.timeToFirstTokenMs?.toFixed(1)} ms` });
}

function expectStreamed(r: ScenarioResult, maxTokens: number) {
  expect(r.chunks[0]?.role).toBe('assistant');
  expect(r.chunks.length).toBeGreaterThan(3);
  const text = textOf(r);
  expect(text.trim().length).toBeGreaterThan(0);
  // The fixture's logit bias keeps replies to printable ASCII and newlines.
  expect(text).toMatch(/^[\x20-\x7e\n]+$/);
  const last = r.chunks.at(-1);
  expect(last?.finish).toBe('length'); // the fixture never emits <|im_end|>
  expect(r.result.finish_reason).toBe('length');
  expect(r.promptTokens).toBe(33);
  const usage = { prompt_tokens: r.promptTokens, completion_tokens: maxTokens, total_tokens: r.promptTokens + maxTokens };
  expect(last?.usage).toEqual(usage);
  expect(r.result.usage).toEqual(usage);
  expect(r.phases.at(-1)).toBe('ready');
  expect(r.lastProgress?.totalBytes).toBeGreaterThan(0);
}

function expectOrtFromOurOrigin(responses: Response[], origin: string) {
  const ort = responses.filter((r) => new URL(r.url()).pathname.startsWith('/ort/'));
  const served = Object.fromEntries(ort.map((r) => [new URL(r.url()).pathname, r.headers()['content-type']]));
  expect(served).toEqual({
    '/ort/ort-wasm-simd-threaded.asyncify.mjs': 'text/javascript',
    '/ort/ort-wasm-simd-threaded.asyncify.wasm': 'application/wasm',
  });
  expect(ort.every((r) => r.url().startsWith(origin))).toBe(true);
  const failed = responses.filter((r) => r.status() >= 400 && !/generation_config\.json$/.test(r.url()));
  expect(failed.map((r) => `${r.status()} ${r.url()}`)).toEqual([]);
}

test.describe('transformers.js engine on the tiny fixture', () => {
  test.setTimeout(120_000);

  test('streams tokens on WebGPU (fp32)', async ({ page, baseURL }) => {
    const responses = watchResponses(page);
    const r = await runScenario(page, { device: 'webgpu', dtype: 'fp32', maxTokens: 24 });
    expect(r.adapter.webgpu, 'Chromium must expose a WebGPU adapter (--enable-unsafe-webgpu)').toBe(true);
    expect(r.current).toEqual({ modelId: 'transformers:tiny-llama', device: 'webgpu', dtype: 'fp32' });
    expectStreamed(r, 24);
    expectOrtFromOurOrigin(responses, new URL(baseURL ?? '').origin);
    annotate('webgpu', r);
  });

  test('streams tokens on WASM (q8), FIM completion returns text, cache state follows the Cache API', async ({ page, baseURL }) => {
    const responses = watchResponses(page);
    const r = await runScenario(page, { device: 'wasm', dtype: 'q8', maxTokens: 24, complete: true, cache: true });
    expect(r.current).toEqual({ modelId: 'transformers:tiny-llama', device: 'wasm', dtype: 'q8' });
    expectStreamed(r, 24);
    expectOrtFromOurOrigin(responses, new URL(baseURL ?? '').origin);
    annotate('wasm', r);

    expect(r.completion?.finish_reason).toMatch(/^(length|stop)$/);
    expect(r.completion?.text.length).toBeGreaterThan(0);

    expect(r.cache?.before).toBe('complete');
    expect(r.cache?.keys).toEqual(
      expect.arrayContaining([
        '/e2e/fixtures/models/tiny-llama/config.json',
        '/e2e/fixtures/models/tiny-llama/tokenizer.json',
        '/e2e/fixtures/models/tiny-llama/onnx/model_quantized.onnx',
      ]),
    );
    expect(r.cache?.after).toBe('none');
  });

  test('abort mid-stream ends with finish_reason abort and keeps the partial text', async ({ page }) => {
    const r = await runScenario(page, { device: 'wasm', dtype: 'q8', maxTokens: 300, abortAfter: 4 });
    expect(r.result.finish_reason).toBe('abort');
    expect(r.chunks.at(-1)?.finish).toBe('abort');
    const content = r.chunks.slice(0, -1).filter((c) => c.content !== undefined);
    expect(content.length).toBeGreaterThanOrEqual(3);
    expect(textOf(r).trim().length).toBeGreaterThan(0);
    // Stopped within a token or two of the abort, far before max_tokens.
    expect(r.result.usage.completion_tokens).toBeLessThan(60);
    expect(r.result.usage.prompt_tokens).toBe(33);
    test.info().annotations.push({ type: 'abort', description: `stopped after ${r.result.usage.completion_tokens} of 300 tokens` });
  });

  test('a load cancelled during the download rejects with AbortError, and the next load works', async ({ page }) => {
    await page.goto('/e2e/harness/index.html');
    const out = await page.evaluate(async (modelPath) => {
      const { TransformersEngine } = (await import('/src/inference/transformers-engine.ts' as string)) as EngineModule;
      const engine = new TransformersEngine();
      const device = { webgpu: false, features: [], shaderF16: false, crossOriginIsolated: true, hardwareConcurrency: 2 };
      const [model] = (
        await engine.catalog(device, { localModelPath: modelPath, customModels: [{ repo: 'tiny-llama', dtype: 'q4' }] })
      ).filter((m) => m.id === 'transformers:tiny-llama');
      if (!model) throw new Error('no model');
      await engine.deleteModel(model);
      const controller = new AbortController();
      const seen: string[] = [];
      const cancelled = await engine
        .load(
          model,
          (p) => {
            seen.push(`${p.phase}: ${p.text}`);
            if (p.text.startsWith('Loaded ')) controller.abort();
          },
          controller.signal,
        )
        .then(
          () => 'loaded',
          (e: Error) => `${e.name}: ${e.message}`,
        );
      const afterCancel = seen.length;
      await new Promise((r) => setTimeout(r, 300));
      const stateAfterCancel = await engine.cacheState(model);
      await engine.load(model, () => undefined, new AbortController().signal);
      const current = engine.current;
      const state = await engine.cacheState(model);
      await engine.unload();
      return { cancelled, silentAfterCancel: seen.length === afterCancel, stateAfterCancel, current, state, seen };
    }, MODEL_PATH);
    expect(out.cancelled).toMatch(/^AbortError: Loading .* was cancelled/);
    expect(out.silentAfterCancel).toBe(true);
    expect(out.stateAfterCancel).toMatch(/^(none|partial)$/);
    expect(out.current).toEqual({ modelId: 'transformers:tiny-llama', device: 'wasm', dtype: 'q4' });
    expect(out.state).toBe('complete');
    test.info().annotations.push({ type: 'cancelled load', description: `cache state after the cancel: ${out.stateAfterCancel}` });
  });

  test('a lost GPU device is reported, and WebGPU then refuses instead of hanging', async ({ page }) => {
    await page.goto('/e2e/harness/index.html');
    const out = await page.evaluate(async (modelPath) => {
      // Capture the GPUDevice onnxruntime-web requests, to destroy it as a driver reset would.
      const devices: { destroy(): void }[] = [];
      const proto = (globalThis as unknown as { GPUAdapter: { prototype: { requestDevice(...a: unknown[]): Promise<{ destroy(): void }> } } })
        .GPUAdapter.prototype;
      const original = proto.requestDevice;
      proto.requestDevice = async function (this: unknown, ...args: unknown[]) {
        const d = await original.apply(this, args);
        devices.push(d);
        return d;
      };
      const { TransformersEngine } = (await import('/src/inference/transformers-engine.ts' as string)) as EngineModule;
      const engine = new TransformersEngine();
      const device = { webgpu: true, features: [], shaderF16: false, crossOriginIsolated: true, hardwareConcurrency: 2 };
      const [model] = (
        await engine.catalog(device, { localModelPath: modelPath, transformersDevice: 'webgpu', customModels: [{ repo: 'tiny-llama', dtype: 'q4' }] })
      ).filter((m) => m.id === 'transformers:tiny-llama');
      if (!model) throw new Error('no model');
      const lost = new Promise<string>((resolve) => engine.onDeviceLost(resolve));
      await engine.load(model, () => undefined, new AbortController().signal);
      devices.forEach((d) => d.destroy());
      const message = await Promise.race([lost, new Promise<string>((r) => setTimeout(() => r('not reported'), 5000))]);
      const chatError = await engine
        .chat({ model: model.id, messages: [{ role: 'user', content: 'hi' }], max_tokens: 4 }, () => undefined, new AbortController().signal)
        .then(() => 'no error', (e: Error) => e.message);
      // onnxruntime-web never requests a second device in this realm, so a new
      // engine must refuse WebGPU (without, its first run fails inside ORT).
      const fresh = new TransformersEngine();
      await fresh.catalog(device, { localModelPath: modelPath, transformersDevice: 'webgpu', customModels: [{ repo: 'tiny-llama', dtype: 'q4' }] });
      const reloadError = await fresh.load(model, () => undefined, new AbortController().signal).then(
        () => 'no error',
        (e: Error) => e.message,
      );
      return { devices: devices.length, message, chatError, reloadError };
    }, MODEL_PATH);
    expect(out.devices).toBe(1);
    expect(out.message).toMatch(/^destroyed/);
    expect(out.chatError).toMatch(/GPU device was lost/);
    expect(out.reloadError).toMatch(/GPU device was lost .*needs a new worker/);
  });
});
