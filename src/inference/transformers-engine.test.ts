import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ChatChunk } from '../providers/types';
import type { DeviceReport, LlmConfig, LoadProgress, LocalModelInfo } from '../worker-api/llm';
import { ORT_RUNTIME_FILES, ORT_URL_DIR as PLUGIN_ORT_DIR, onnxruntimeWebDist } from '../../vite/ort-assets';
import {
  externalDataChunks,
  kvCacheBytes,
  onnxFileName,
  planOnnxModels,
  requiredFiles,
  transformersModelId,
} from './onnx-catalog';
import {
  LoadProgressTracker,
  ORT_URL_DIR,
  StopStringFilter,
  TRANSFORMERS_CACHE_NAME,
  TransformersEngine,
  singleSpecialTokenIds,
  toTemplateMessages,
  toolCallFormatFor,
} from './transformers-engine';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const FIXTURES = path.join(root, 'e2e/fixtures/models') + path.sep;
const GiB = 2 ** 30;

const gpu = (shaderF16: boolean): DeviceReport => ({
  webgpu: true,
  features: shaderF16 ? ['shader-f16'] : [],
  shaderF16,
  limits: { maxBufferSize: 2 * GiB, maxStorageBufferBindingSize: GiB },
  crossOriginIsolated: true,
  hardwareConcurrency: 8,
});
const noGpu: DeviceReport = {
  webgpu: false,
  reason: 'navigator.gpu is missing',
  features: [],
  shaderF16: false,
  crossOriginIsolated: true,
  hardwareConcurrency: 8,
};
const CODER = 'onnx-community/Qwen2.5-Coder-0.5B-Instruct';
const byRepo = (plans: ReturnType<typeof planOnnxModels>, repo: string) => {
  const plan = plans.find((p) => p.repo === repo);
  if (!plan) throw new Error(`no plan for ${repo}`);
  return plan;
};

describe('onnx catalog', () => {
  it('picks q4f16 on WebGPU with shader-f16, q4 without it, q8 on WASM', () => {
    expect(byRepo(planOnnxModels(gpu(true), {}), CODER)).toMatchObject({ device: 'webgpu', dtype: 'q4f16', info: { fit: 'fits' } });
    expect(byRepo(planOnnxModels(gpu(false), {}), CODER)).toMatchObject({ device: 'webgpu', dtype: 'q4' });
    expect(byRepo(planOnnxModels(noGpu, {}), CODER)).toMatchObject({ device: 'wasm', dtype: 'q8' });
    expect(byRepo(planOnnxModels(gpu(true), { transformersDevice: 'wasm' }), CODER)).toMatchObject({ device: 'wasm', dtype: 'q8' });
  });

  it('SmolLM2 has no q8 build, so WASM runs q4', () => {
    expect(byRepo(planOnnxModels(noGpu, {}), 'HuggingFaceTB/SmolLM2-360M-Instruct')).toMatchObject({ device: 'wasm', dtype: 'q4' });
  });

  it('says why a model does not fit', () => {
    const forced = byRepo(planOnnxModels(noGpu, { transformersDevice: 'webgpu' }), CODER);
    expect(forced.info.fit).toBe('needs-webgpu');
    expect(forced.info.fitNote).toContain('navigator.gpu is missing');

    const small = planOnnxModels(gpu(true), {}, { deviceMemoryBytes: 1 * GiB });
    const big = byRepo(small, 'onnx-community/Qwen2.5-Coder-1.5B-Instruct');
    expect(big.info.fit).toBe('too-big');
    expect(big.info.fitNote).toMatch(/needs about .* GB/);
    expect(byRepo(small, 'HuggingFaceTB/SmolLM2-135M-Instruct').info.fit).toBe('fits');
  });

  it('sizes come from the build it would load; memory adds the KV cache of the offered context', () => {
    const plan = byRepo(planOnnxModels(gpu(true), {}), CODER);
    expect(plan.info.contextWindow).toBe(8192);
    expect(plan.info.downloadBytes).toBeGreaterThan(555e6);
    expect(plan.info.memoryBytes).toBeGreaterThan(555e6 + kvCacheBytes({ layers: 24, kvHeads: 2, headDim: 64 }, 8192, 'q4f16'));
    expect(plan.info).toMatchObject({ id: transformersModelId(CODER), engine: 'transformers', family: 'qwen2.5-coder', supportsFim: true });
    expect(plan.info.label).toBe('Qwen2.5 Coder 0.5B Instruct (q4f16, WebGPU)');
  });

  it('custom models use their dtype, replace a catalog entry with the same repo, and avoid f16 without shader-f16', () => {
    const config: LlmConfig = {
      customModels: [
        { repo: 'tiny-llama', dtype: 'q4', label: 'Tiny' },
        { repo: CODER, dtype: 'fp16' },
      ],
    };
    const plans = planOnnxModels(gpu(false), config);
    expect(plans.filter((p) => p.repo === CODER)).toHaveLength(1);
    expect(byRepo(plans, 'tiny-llama')).toMatchObject({ device: 'webgpu', dtype: 'q4', info: { label: 'Tiny (q4, WebGPU)', fit: 'fits' } });
    // fp16 needs shader-f16 on WebGPU and cannot run on WASM.
    expect(byRepo(plans, CODER).info.fit).toBe('needs-f16');
    expect(byRepo(planOnnxModels(gpu(true), config), CODER)).toMatchObject({ device: 'webgpu', dtype: 'fp16', info: { fit: 'fits' } });
  });

  it('knows the files a build needs, external data included', () => {
    expect(onnxFileName('q8')).toBe('onnx/model_quantized.onnx');
    expect(onnxFileName('q4f16')).toBe('onnx/model_q4f16.onnx');
    expect(requiredFiles('q4', 2)).toEqual([
      'config.json',
      'tokenizer.json',
      'tokenizer_config.json',
      'onnx/model_q4.onnx',
      'onnx/model_q4.onnx_data',
      'onnx/model_q4.onnx_data_1',
    ]);
    const config = { 'transformers.js_config': { use_external_data_format: { 'model_fp16.onnx': true, model: 3 } } };
    expect(externalDataChunks(config, 'fp16')).toBe(1);
    expect(externalDataChunks(config, 'q4')).toBe(3);
    expect(externalDataChunks({ 'transformers.js_config': { use_external_data_format: true } }, 'q8')).toBe(1);
    expect(externalDataChunks({}, 'q8')).toBe(0);
  });
});

describe('ORT assets', () => {
  it('the engine and the Vite plugin agree on /ort/, and the files exist in the onnxruntime-web transformers.js uses', () => {
    expect(ORT_URL_DIR).toBe(PLUGIN_ORT_DIR);
    const dist = onnxruntimeWebDist(root);
    for (const f of ORT_RUNTIME_FILES) expect(fs.existsSync(path.join(dist.dir, f)), f).toBe(true);
  });
});

describe('StopStringFilter', () => {
  it('cuts at a stop string split across chunks and never emits its start', () => {
    const f = new StopStringFilter(['\n\n', '<|end|>']);
    const out: string[] = [];
    for (const piece of ['def f():', '\n    return 1\n', '<|e', 'nd|> more']) {
      const r = f.push(piece);
      out.push(r.text);
      if (r.stopped) break;
    }
    expect(out.join('')).toBe('def f():\n    return 1\n');
    expect(f.stopped).toBe(true);
    expect(f.flush()).toBe('');
  });

  it('releases held text when it turns out not to be a stop string, and at the end', () => {
    const f = new StopStringFilter(['</s>']);
    expect(f.push('a <')).toEqual({ text: 'a ', stopped: false });
    expect(f.push('b')).toEqual({ text: '<b', stopped: false });
    expect(f.push(' </')).toEqual({ text: ' ', stopped: false });
    expect(f.flush()).toBe('</');
  });

  it('passes everything through without stop strings', () => {
    expect(new StopStringFilter([]).push('x\n\ny')).toEqual({ text: 'x\n\ny', stopped: false });
  });
});

describe('LoadProgressTracker', () => {
  it('sums bytes over files, throttles progress, and switches to compile when the weights are in', () => {
    const seen: LoadProgress[] = [];
    let t = 0;
    const tracker = new LoadProgressTracker((p) => seen.push(p), 'Creating the WASM session', () => t, 100);
    tracker.handle({ status: 'initiate', file: 'config.json' });
    tracker.handle({ status: 'progress', file: 'config.json', loaded: 10, total: 10 });
    tracker.handle({ status: 'done', file: 'config.json' });
    t = 50;
    tracker.handle({ status: 'initiate', file: 'onnx/model_q4.onnx' });
    tracker.handle({ status: 'progress', file: 'onnx/model_q4.onnx', loaded: 100, total: 1000 });
    t = 200;
    tracker.handle({ status: 'progress', file: 'onnx/model_q4.onnx', loaded: 500, total: 1000 });
    t = 210;
    tracker.handle({ status: 'progress', file: 'onnx/model_q4.onnx', loaded: 600, total: 1000 }); // throttled
    tracker.handle({ status: 'done', file: 'onnx/model_q4.onnx' });
    expect(seen.at(-2)).toEqual({ phase: 'download', loadedBytes: 510, totalBytes: 1010, text: 'Downloading onnx/model_q4.onnx' });
    expect(seen.at(-1)).toEqual({ phase: 'compile', loadedBytes: 1010, totalBytes: 1010, text: 'Creating the WASM session' });
    expect(seen.some((p) => p.loadedBytes === 600 + 10)).toBe(false);
    tracker.silence();
    tracker.report('download', 'after cancel', true);
    expect(seen.at(-1)?.text).toBe('Creating the WASM session');
  });
});

describe('chat messages and tools', () => {
  const history = [
    { role: 'user' as const, content: [{ type: 'text' as const, text: 'a' }, { type: 'text' as const, text: 'b' }] },
    {
      role: 'assistant' as const,
      content: null,
      tool_calls: [{ id: 'c1', type: 'function' as const, function: { name: 'cat', arguments: '{"path":"x"}' } }],
    },
    { role: 'tool' as const, content: 'file text', tool_call_id: 'c1' },
  ];
  const tools = [{ type: 'function' as const, function: { name: 'cat', parameters: { type: 'object' } } }];

  it('keeps calls structured for templates that render tools, with arguments as objects (they print them with tojson)', () => {
    expect(toTemplateMessages(history, tools, 'qwen2.5-coder', true)).toEqual([
      { role: 'user', content: 'a\n\nb' },
      { role: 'assistant', content: '', tool_calls: [{ id: 'c1', type: 'function', function: { name: 'cat', arguments: { path: 'x' } } }] },
      { role: 'tool', content: 'file text', tool_call_id: 'c1' },
    ]);
  });

  it('folds tools and past calls into text for templates without tools (prompt-format.ts)', () => {
    const out = toTemplateMessages(history, tools, 'smollm2', false);
    expect(out[0]?.role).toBe('system');
    expect(out[0]?.content).toContain('<tools>');
    expect(out.some((m) => m.tool_calls !== undefined || m.role === 'tool')).toBe(false);
    expect(out.map((m) => m.content).join('\n')).toContain('<tool_call>');
  });

  it("parses the family's call syntax only when the request has tools", () => {
    expect(toolCallFormatFor('qwen2.5-coder', true)).toBe('hermes');
    expect(toolCallFormatFor('llama-3.2', true)).toBe('llama3');
    expect(toolCallFormatFor('qwen2.5-coder', false)).toBe('none');
  });

  it('finds the stop strings that are single special tokens (stopped by id: the streamer hides them)', async () => {
    const { AutoTokenizer, env } = await import('@huggingface/transformers');
    env.allowLocalModels = true;
    env.localModelPath = FIXTURES;
    const tokenizer = await AutoTokenizer.from_pretrained('tiny-llama');
    expect(singleSpecialTokenIds(tokenizer, ['<|im_end|>', '\n\n', 'abc', '<|endoftext|>'])).toEqual([478n, 476n]);
  });
});

/**
 * The engine itself on the tiny fixture model, in Node on onnxruntime-node's
 * CPU (`nodeCpu`): the browser devices ('webgpu', 'wasm') are covered by
 * e2e/transformers-engine.module.spec.ts.
 */
describe('TransformersEngine on the tiny fixture (Node CPU)', () => {
  const config: LlmConfig = { localModelPath: FIXTURES, customModels: [{ repo: 'tiny-llama', dtype: 'q8', label: 'Tiny llama' }] };
  const engine = new TransformersEngine({ nodeCpu: true });
  let model: LocalModelInfo;
  const progress: LoadProgress[] = [];
  const messages = [
    { role: 'system' as const, content: 'You are a helpful assistant.' },
    { role: 'user' as const, content: 'Hello! What is the capital of France?' },
  ];
  const rendered =
    '<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\nHello! What is the capital of France?<|im_end|>\n<|im_start|>assistant\n';

  beforeAll(async () => {
    const models = await engine.catalog(noGpu, config);
    const tiny = models.find((m) => m.id === transformersModelId('tiny-llama'));
    if (!tiny) throw new Error('tiny-llama missing from the catalog');
    model = tiny;
    await engine.load(model, (p) => progress.push(p), new AbortController().signal);
  }, 60_000);
  afterAll(() => engine.unload());

  it('reports progress ending in ready, with bytes from the files it read', () => {
    expect(progress.at(-1)?.phase).toBe('ready');
    expect(progress.some((p) => p.phase === 'compile')).toBe(true);
    expect(progress.at(-1)?.totalBytes).toBeGreaterThan(100_000); // model_quantized.onnx alone is ~200 KB
    expect(engine.current).toEqual({ modelId: model.id, device: 'wasm', dtype: 'q8' });
  });

  it('streams a chat: role first, text deltas, then finish_reason and usage', async () => {
    const chunks: ChatChunk[] = [];
    const result = await engine.chat({ model: model.id, messages, max_tokens: 20, temperature: 0 }, (c) => chunks.push(c), new AbortController().signal);
    const text = chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
    expect(chunks[0]?.choices[0]?.delta.role).toBe('assistant');
    expect(chunks.length).toBeGreaterThan(3);
    // The fixture README's expected greedy q8 reply (a regression signal for fixture/library upgrades);
    // the tool-call stream (tool-calls.ts) trims the reply's leading and trailing whitespace.
    expect(text.trim()).toBe("wheldeauwhisThis2nctuation numbers userrebers'll\\ withystem modelikeM");
    const last = chunks.at(-1);
    expect(last?.choices[0]).toEqual({ index: 0, delta: {}, finish_reason: 'length' });
    const promptTokens = await engine.countTokens(rendered);
    expect(promptTokens).toBe(33);
    expect(last?.usage).toEqual({ prompt_tokens: 33, completion_tokens: 20, total_tokens: 53 });
    expect(result.finish_reason).toBe('length');
    expect(result.stats.completionTokens).toBe(20);
    expect(result.stats.timeToFirstTokenMs).toBeGreaterThan(0);
    expect(result.stats.decodeTokensPerSec).toBeGreaterThan(0);
  });

  it('stops at a stop string without emitting it', async () => {
    const chunks: ChatChunk[] = [];
    const result = await engine.chat(
      { model: model.id, messages, max_tokens: 20, temperature: 0, stop: ['numbers'] },
      (c) => chunks.push(c),
      new AbortController().signal,
    );
    const text = chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
    expect(text.trim()).toBe('wheldeauwhisThis2nctuation');
    expect(result.finish_reason).toBe('stop');
    expect(result.usage.completion_tokens).toBeLessThan(20);
  });

  it('aborts mid-stream with finish_reason abort and keeps the partial text', async () => {
    const controller = new AbortController();
    const chunks: ChatChunk[] = [];
    const result = await engine.chat(
      { model: model.id, messages, max_tokens: 200, temperature: 0 },
      (c) => {
        chunks.push(c);
        if (chunks.length === 3) controller.abort();
      },
      controller.signal,
    );
    expect(result.finish_reason).toBe('abort');
    expect(result.usage.completion_tokens).toBeGreaterThan(0);
    expect(result.usage.completion_tokens).toBeLessThan(200);
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe('abort');
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('').length).toBeGreaterThan(0);
  });

  it('completes a raw prompt (FIM) without the chat template', async () => {
    const out = await engine.complete('<|im_start|>def add(a, b):\n', { maxTokens: 8, temperature: 0, stop: [] }, new AbortController().signal);
    expect(out.finish_reason).toBe('length');
    expect(out.text.length).toBeGreaterThan(0);
    expect(engine.lastGeneration?.promptTokens).toBe(await engine.countTokens('<|im_start|>def add(a, b):\n'));
  });

  it('runs one generation at a time', async () => {
    const order: string[] = [];
    const a = engine.chat({ model: model.id, messages, max_tokens: 5 }, () => order.push('a'), new AbortController().signal);
    const b = engine.chat({ model: model.id, messages, max_tokens: 5 }, () => order.push('b'), new AbortController().signal);
    await Promise.all([a, b]);
    expect(order.join('')).toMatch(/^a+b+$/);
  });

  it('a load cancelled before it starts rejects with AbortError', async () => {
    const other = new TransformersEngine({ nodeCpu: true });
    await other.catalog(noGpu, config);
    const controller = new AbortController();
    controller.abort();
    await expect(other.load(model, () => undefined, controller.signal)).rejects.toThrow(/abort/i);
  });
});

describe('cache state over the Cache API (a stand-in CacheStorage)', () => {
  const entries = new Map<string, unknown>();
  const fakeCache = {
    keys: async () => [...entries.keys()].map((url) => ({ url }) as Request),
    match: async (r: Request | string) => {
      const url = typeof r === 'string' ? r : r.url;
      return entries.has(url) ? { json: async () => entries.get(url) } : undefined;
    },
    delete: async (r: Request) => entries.delete(r.url),
  };
  beforeAll(() => {
    vi.stubGlobal('caches', {
      has: async (name: string) => name === TRANSFORMERS_CACHE_NAME,
      open: async () => fakeCache,
    });
  });
  afterAll(() => vi.unstubAllGlobals());

  it('none → partial → complete, per build; delete removes every file of the repo', async () => {
    const engine = new TransformersEngine({ nodeCpu: true });
    const models = await engine.catalog(noGpu, {});
    const coder = models.find((m) => m.id === transformersModelId(CODER));
    if (!coder) throw new Error('coder missing');
    expect(coder.cached).toBe('none');
    const base = `https://huggingface.co/${CODER}/resolve/main/`;
    entries.set(`${base}config.json`, {});
    entries.set(`${base}tokenizer.json`, {});
    entries.set(`${base}tokenizer_config.json`, {});
    entries.set('https://huggingface.co/onnx-community/Other/resolve/main/config.json', {});
    expect(await engine.cacheState(coder)).toBe('partial');
    entries.set(`${base}onnx/model_q4f16.onnx`, {}); // another device's build
    expect(await engine.cacheState(coder)).toBe('partial');
    entries.set(`${base}onnx/model_quantized.onnx`, {}); // the WASM build
    expect(await engine.cacheState(coder)).toBe('complete');
    entries.set(`${base}config.json`, { 'transformers.js_config': { use_external_data_format: true } });
    expect(await engine.cacheState(coder)).toBe('partial'); // now it wants model_quantized.onnx_data
    await engine.deleteModel(coder);
    expect([...entries.keys()]).toEqual(['https://huggingface.co/onnx-community/Other/resolve/main/config.json']);
    expect(await engine.cacheState(coder)).toBe('none');
  });
});
