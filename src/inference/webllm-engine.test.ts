/*
 * The web-llm engine, tested at the boundary of web-llm's MLCEngine with a fake
 * one: model weights cannot be downloaded on this machine (no network, no GPU),
 * so nothing here runs a real model. The fake speaks web-llm 0.2.86's shapes
 * (ChatCompletionChunk with a final finish chunk and a usage chunk, init
 * progress reports with web-llm's own texts), and the catalog and AppConfig are
 * the real ones from the installed package.
 */
import {
  functionCallingModelIds,
  prebuiltAppConfig,
  type AppConfig,
  type ChatCompletionChunk,
  type ChatCompletionFinishReason,
  type ChatCompletionRequestStreaming,
  type Completion,
  type CompletionCreateParamsStreaming,
  type MLCEngineConfig,
} from '@mlc-ai/web-llm';
import { describe, expect, it } from 'vitest';
import type { ChatChunk, ChatRequest, ToolSpec } from '../providers/types';
import type { DeviceReport, LoadProgress, LocalModelInfo } from '../worker-api/llm';
import { webllmBuilds, type WebLlmBuild } from './webllm-catalog';
import {
  createWebLlmEngine,
  mapInitProgress,
  WebLlmDeviceLostError,
  type CacheStorageLike,
  type GpuDeviceLike,
  type GpuLike,
  type MlcEngineLike,
  type WebLlmDeps,
} from './webllm-engine';

const GiB = 2 ** 30;
const MiB = 2 ** 20;

const desktop: DeviceReport = {
  webgpu: true,
  features: ['shader-f16'],
  shaderF16: true,
  limits: { maxBufferSize: 4 * GiB, maxStorageBufferBindingSize: 2 * GiB },
  crossOriginIsolated: true,
  hardwareConcurrency: 8,
};

// ---------------------------------------------------------------------------
// A fake MLCEngine

type ChatScript = (request: ChatCompletionRequestStreaming, fake: FakeMlc) => AsyncIterable<ChatCompletionChunk>;

interface FakeOptions {
  reload?: (fake: FakeMlc) => Promise<void>;
  chat?: ChatScript[];
  completion?: (request: CompletionCreateParamsStreaming, fake: FakeMlc) => AsyncIterable<Completion>;
}

/** A GPUDevice whose destroy() ends it with reason 'destroyed', as WebGPU does. */
interface FakeDevice extends GpuDeviceLike {
  destroy(): void;
}

class FakeMlc implements MlcEngineLike {
  reloads: string[] = [];
  unloads = 0;
  interrupts = 0;
  /** web-llm's interruptSignal: set by interruptGenerate, cleared when a generation starts. */
  interruptFlag = false;
  /** The device reload() made; unload() destroys it, as web-llm's pipeline.dispose() does. */
  device: FakeDevice | undefined;
  /** Set by unload(): the pipeline is gone, and a generation still stepping fails. */
  disposed = false;
  /** In order: 'generation end' when a stream settles, 'unload' when unload() starts. */
  events: string[] = [];
  chatRequests: ChatCompletionRequestStreaming[] = [];
  completionRequests: CompletionCreateParamsStreaming[] = [];
  private interrupted: () => void = () => undefined;
  /** Resolves when interruptGenerate() is called. */
  interruptedSignal = new Promise<void>((resolve) => (this.interrupted = resolve));
  private unloaded: () => void = () => undefined;
  unloadedSignal = new Promise<void>((resolve) => (this.unloaded = resolve));

  constructor(
    readonly config: MLCEngineConfig,
    private readonly options: FakeOptions,
  ) {}

  report(progress: number, text: string): void {
    this.config.initProgressCallback?.({ progress, timeElapsed: 0, text });
  }

  async reload(modelId: string): Promise<void> {
    this.reloads.push(modelId);
    await this.options.reload?.(this);
  }

  async unload(): Promise<void> {
    this.unloads++;
    this.events.push('unload');
    this.disposed = true;
    this.device?.destroy();
    this.unloaded();
  }

  interruptGenerate(): void {
    this.interrupts++;
    this.interruptFlag = true;
    this.interrupted();
  }

  /** Steps `stream` like web-llm's pipeline: a step after unload() fails as a disposed tvm object does. */
  private async *guard<T>(stream: AsyncIterable<T>): AsyncIterable<T> {
    this.interruptFlag = false;
    try {
      for await (const item of stream) {
        if (this.disposed) throw new Error('fake: the pipeline was disposed under a running generation');
        yield item;
      }
    } finally {
      this.events.push('generation end');
    }
  }

  chat = {
    completions: {
      create: async (request: ChatCompletionRequestStreaming): Promise<AsyncIterable<ChatCompletionChunk>> => {
        this.chatRequests.push(structuredClone(request));
        const script = this.options.chat?.[this.chatRequests.length - 1];
        if (!script) throw new Error('fake: no chat script left');
        return this.guard(script(request, this));
      },
    },
  };

  completions = {
    create: async (request: CompletionCreateParamsStreaming): Promise<AsyncIterable<Completion>> => {
      this.completionRequests.push(request);
      if (!this.options.completion) throw new Error('fake: no completion script');
      return this.guard(this.options.completion(request, this));
    },
  };
}

function delta(content: string, finish: ChatCompletionFinishReason | null = null, extra: object = {}): ChatCompletionChunk {
  return {
    id: 'chatcmpl-fake',
    created: 1_700_000_000,
    model: 'fake',
    object: 'chat.completion.chunk',
    choices: [{ index: 0, delta: { role: 'assistant', content, ...extra }, finish_reason: finish }],
  };
}

function usageChunk(prompt: number, completion: number): ChatCompletionChunk {
  return {
    id: 'chatcmpl-fake',
    created: 1_700_000_000,
    model: 'fake',
    object: 'chat.completion.chunk',
    choices: [],
    usage: {
      prompt_tokens: prompt,
      completion_tokens: completion,
      total_tokens: prompt + completion,
      extra: {
        e2e_latency_s: 1,
        prefill_tokens_per_s: 250,
        decode_tokens_per_s: 40,
        time_to_first_token_s: 0.1,
        time_per_output_token_s: 0.025,
      },
    },
  };
}

/** web-llm's stream: content deltas, a final chunk with the finish reason, then usage. */
function replies(texts: string[], finish: ChatCompletionFinishReason = 'stop', finalExtra: object = {}): ChatScript {
  return async function* () {
    for (const text of texts) yield delta(text);
    yield { ...delta('', finish, finalExtra), choices: [{ index: 0, delta: { ...finalExtra }, finish_reason: finish }] };
    yield usageChunk(12, texts.length);
  };
}

/** Streams tokens until interruptGenerate(), then ends as web-llm does: an 'abort' finish chunk and usage. */
const untilInterrupted: ChatScript = async function* (_request, fake) {
  let tokens = 0;
  while (!fake.interruptFlag) {
    if (++tokens > 200) throw new Error('fake: never interrupted');
    yield delta('x');
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  yield { ...delta(''), choices: [{ index: 0, delta: {}, finish_reason: 'abort' }] };
  yield usageChunk(5, tokens);
};

interface Harness {
  engine: ReturnType<typeof createWebLlmEngine>;
  fakes: FakeMlc[];
  models: LocalModelInfo[];
  model(base: string): LocalModelInfo;
}

async function harness(options: FakeOptions = {}, deps: WebLlmDeps = {}, device = desktop): Promise<Harness> {
  const fakes: FakeMlc[] = [];
  let clock = 0;
  const engine = createWebLlmEngine({
    createEngine: (config) => {
      const fake = new FakeMlc(config, options);
      fakes.push(fake);
      return fake;
    },
    hasModelInCache: async () => false,
    deleteModelAllInfoInCache: async () => undefined,
    caches: fakeCaches(),
    gpu: undefined,
    fitOptions: { deviceMemoryBytes: undefined },
    now: () => (clock += 10),
    ...deps,
  });
  const models = await engine.catalog(device, {});
  const model = (base: string) => {
    const found = models.find((m) => m.id.startsWith(`webllm:${base}-`));
    if (!found) throw new Error(`no ${base}`);
    return found;
  };
  return { engine, fakes, models, model };
}

const never = new AbortController().signal;

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 0));
  if (!condition()) throw new Error('until: condition never held');
}

async function loadedHarness(base: string, options: FakeOptions = {}, deps: WebLlmDeps = {}) {
  const h = await harness(options, deps);
  const model = h.model(base);
  await h.engine.load(model, () => undefined, never);
  const fake = h.fakes[0];
  if (!fake) throw new Error('no engine was created');
  return { ...h, fake, loadedModel: model };
}

async function collect(
  engine: Harness['engine'],
  request: ChatRequest,
  signal = never,
  onEach?: (chunk: ChatChunk, all: ChatChunk[]) => void,
) {
  const chunks: ChatChunk[] = [];
  const result = await engine.chat(
    request,
    (chunk) => {
      chunks.push(chunk);
      onEach?.(chunk, chunks);
    },
    signal,
  );
  const text = (key: 'content' | 'reasoning_content') => chunks.map((c) => c.choices[0]?.delta[key] ?? '').join('');
  const calls = new Map<number, { id?: string; name: string; arguments: string }>();
  for (const chunk of chunks) {
    for (const call of chunk.choices[0]?.delta.tool_calls ?? []) {
      const seen = calls.get(call.index) ?? { name: '', arguments: '' };
      calls.set(call.index, {
        id: seen.id ?? call.id,
        name: seen.name + (call.function?.name ?? ''),
        arguments: seen.arguments + (call.function?.arguments ?? ''),
      });
    }
  }
  return { chunks, result, content: text('content'), reasoning: text('reasoning_content'), calls: [...calls.values()] };
}

/** A Cache Storage stand-in: scope name -> URLs. */
function fakeCaches(entries: Record<string, string[]> = {}): CacheStorageLike & { entries: Record<string, string[]> } {
  return {
    entries,
    has: async (name) => name in entries,
    open: async (name) => ({
      keys: async () => (entries[name] ?? []).map((url) => ({ url })),
      delete: async (url) => {
        const list = entries[name] ?? [];
        const at = list.indexOf(url);
        if (at >= 0) list.splice(at, 1);
        return at >= 0;
      },
    }),
  };
}

const readTool: ToolSpec = {
  type: 'function',
  function: {
    name: 'cat',
    description: 'Read files',
    parameters: { type: 'object', properties: { paths: { type: 'string' } }, required: ['paths'] },
  },
};

// ---------------------------------------------------------------------------

describe('load progress', () => {
  it('maps web-llm reports to download bytes, then compile, then ready', async () => {
    const progress: LoadProgress[] = [];
    const h = await harness({
      reload: async (fake) => {
        fake.report(0, 'Start to fetch params');
        fake.report(0.25, 'Fetching param cache[1/4]: 200MB fetched. 25% completed, 3 secs elapsed. It can take a while…');
        fake.report(1, 'Fetching param cache[4/4]: 800MB fetched. 100% completed, 9 secs elapsed. It can take a while…');
        fake.report(0.5, 'Loading model from cache[2/4]: 400MB loaded. 50% completed, 10 secs elapsed.');
        fake.report(0.5, 'Loading GPU shader modules[40/80]: 50% completed, 11 secs elapsed.');
        fake.report(1, 'Finish loading on WebGPU - apple');
      },
    });
    const model = h.model('Qwen2.5-Coder-1.5B-Instruct');
    await h.engine.load(model, (p) => progress.push(p), never);

    expect(h.fakes[0]?.reloads).toEqual(['Qwen2.5-Coder-1.5B-Instruct-q4f16_1-MLC']);
    expect(progress.map((p) => p.phase)).toEqual(['download', 'download', 'download', 'compile', 'compile', 'compile', 'ready']);
    expect(progress[0]).toMatchObject({ loadedBytes: 0, totalBytes: model.downloadBytes });
    expect(progress[1]).toMatchObject({ loadedBytes: 200 * MiB, totalBytes: 800 * MiB });
    expect(progress[2]).toMatchObject({ loadedBytes: 800 * MiB, totalBytes: 800 * MiB });
    expect(progress[4]).toMatchObject({ loadedBytes: Math.round(model.downloadBytes / 2), text: expect.stringContaining('shader') });
    expect(progress.at(-1)).toMatchObject({ phase: 'ready', loadedBytes: model.downloadBytes });
  });

  it('gives web-llm the real AppConfig with the configured model host', async () => {
    const h = await harness();
    await h.engine.catalog(desktop, { modelHost: 'http://127.0.0.1:9000/hf' });
    await h.engine.load(h.model('Qwen3-0.6B'), () => undefined, never);
    const app = h.fakes[0]?.config.appConfig as AppConfig;
    const record = app.model_list.find((r) => r.model_id === 'Qwen3-0.6B-q4f16_1-MLC');
    expect(record?.model).toBe('http://127.0.0.1:9000/hf/mlc-ai/Qwen3-0.6B-q4f16_1-MLC');
    expect(record?.model_lib).toBe(prebuiltAppConfig.model_list.find((r) => r.model_id === record?.model_id)?.model_lib);
  });

  it('mapInitProgress keeps the estimate until the first shard arrives', () => {
    expect(mapInitProgress({ progress: 0, timeElapsed: 0, text: 'Start to fetch params' }, 1000)).toEqual({
      phase: 'download',
      loadedBytes: 0,
      totalBytes: 1000,
      text: 'Start to fetch params',
    });
  });
});

describe('cancelling a load', () => {
  it('rejects at once and unloads, which aborts web-llm shard fetches', async () => {
    const h = await harness({
      reload: async (fake) => {
        fake.report(0, 'Start to fetch params');
        fake.report(0.1, 'Fetching param cache[1/10]: 80MB fetched. 10% completed, 1 secs elapsed.');
        await fake.unloadedSignal; // web-llm: the aborted fetch ends reload() quietly
      },
    });
    const controller = new AbortController();
    const loading = h.engine.load(h.model('Qwen2.5-Coder-1.5B-Instruct'), () => controller.abort(), controller.signal);
    await expect(loading).rejects.toMatchObject({ name: 'AbortError' });
    expect(h.fakes[0]?.unloads).toBeGreaterThanOrEqual(1);
    await expect(h.engine.chat({ model: 'x', messages: [] }, () => undefined, never)).rejects.toThrow(/no model is loaded/);
  });

  it('before the weights start, waits for web-llm to begin them, then stops them', async () => {
    let openGate: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (openGate = resolve));
    let reloads = 0;
    const h = await harness({
      reload: async (fake) => {
        if (++reloads > 1) return;
        await gate; // config, wasm, tokenizer: web-llm cannot abort fetches started after its first unload
        fake.report(0, 'Start to fetch params');
        await fake.unloadedSignal;
      },
    });
    const controller = new AbortController();
    const loading = h.engine.load(h.model('Qwen3-0.6B'), () => undefined, controller.signal);
    await until(() => reloads === 1);
    controller.abort();
    await expect(loading).rejects.toMatchObject({ name: 'AbortError' });
    const fake = h.fakes[0];
    expect(fake?.unloads).toBe(0);
    openGate();
    await fake?.unloadedSignal;
    // The next load waits for the cancelled one's clean-up.
    await h.engine.load(h.model('Qwen3-0.6B'), () => undefined, never);
    expect(fake?.unloads).toBe(2);
    expect(h.fakes).toHaveLength(2);
  });

  it('turns a device lost while loading into advice to pick a smaller model', async () => {
    const h = await harness({
      reload: async () => {
        const error = new Error('The WebGPU device was lost while loading the model.');
        error.name = 'DeviceLostError';
        throw error;
      },
    });
    await expect(h.engine.load(h.model('Qwen2.5-Coder-7B-Instruct'), () => undefined, never)).rejects.toThrow(
      /GPU device was lost while loading.*about 5\.0 GB.*smaller model/,
    );
  });
});

describe('chat', () => {
  it('streams content and a template tool call as tool_calls chunks, grammar-constrained', async () => {
    const { engine, fake } = await loadedHarness('Qwen2.5-Coder-1.5B-Instruct', {
      chat: [
        replies([
          'Let me look.',
          '\n<tool',
          '_call>\n{"name": "cat", "argu',
          'ments": {"paths": "a.py"}}\n</tool_call>',
        ]),
      ],
    });
    const { chunks, result, content, calls } = await collect(engine, {
      model: 'webllm:Qwen2.5-Coder-1.5B-Instruct-q4f16_1-MLC',
      messages: [
        { role: 'system', content: 'You are Refact.' },
        { role: 'user', content: 'What is in a.py?' },
      ],
      tools: [readTool],
      max_tokens: 256,
      temperature: 0.2,
    });

    // What web-llm was asked: tools folded into the system prompt, a structural tag, usage in the stream.
    const sent = fake.chatRequests[0];
    expect(sent?.tools).toBeUndefined();
    expect(sent).toMatchObject({ stream: true, stream_options: { include_usage: true }, max_tokens: 256, temperature: 0.2 });
    expect(sent?.messages[0]).toMatchObject({ role: 'system', content: expect.stringContaining('You are Refact.') });
    expect(sent?.messages[0]?.content).toContain('<tools>\n{"type": "function", "function": {"name": "cat"');
    expect(sent?.response_format?.type).toBe('structural_tag');
    const tag: unknown = JSON.parse(String(sent?.response_format?.structural_tag));
    expect(tag).toEqual({
      type: 'structural_tag',
      format: {
        type: 'triggered_tags',
        triggers: ['<tool_call>'],
        tags: [
          {
            type: 'tag',
            begin: '<tool_call>\n{"name": "cat", "arguments": ',
            content: { type: 'json_schema', json_schema: readTool.function.parameters },
            end: '}\n</tool_call>',
          },
        ],
      },
    });

    // What we streamed: role first, content, the call, then finish + usage last.
    expect(chunks[0]?.choices[0]?.delta.role).toBe('assistant');
    expect(chunks.slice(1).every((c) => c.choices[0]?.delta.role === undefined)).toBe(true);
    expect(content).toBe('Let me look.');
    expect(calls).toEqual([{ id: expect.stringMatching(/^call_/), name: 'cat', arguments: '{"paths": "a.py"}' }]);
    expect(chunks.slice(0, -1).every((c) => c.choices[0]?.finish_reason === null && c.usage === undefined)).toBe(true);
    expect(chunks.at(-1)).toMatchObject({
      id: 'chatcmpl-fake',
      model: 'webllm:Qwen2.5-Coder-1.5B-Instruct-q4f16_1-MLC',
      choices: [{ index: 0, delta: {}, finish_reason: 'tool_calls' }],
      usage: { prompt_tokens: 12, completion_tokens: 4, total_tokens: 16 },
    });
    expect(result).toEqual({
      finish_reason: 'tool_calls',
      usage: { prompt_tokens: 12, completion_tokens: 4, total_tokens: 16 },
      stats: { promptTokens: 12, completionTokens: 4, timeToFirstTokenMs: 10, prefillTokensPerSec: 250, decodeTokensPerSec: 40 },
    });
  });

  it('writes past calls and tool results in template text, so the last message is the user turn web-llm wants', async () => {
    const { engine, fake } = await loadedHarness('Qwen2.5-Coder-1.5B-Instruct', { chat: [replies(['It prints hi.'])] });
    const { result, content } = await collect(engine, {
      model: 'm',
      messages: [
        { role: 'system', content: 'S' },
        { role: 'user', content: 'What is in a.py?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'cat', arguments: '{"paths":"a.py"}' } }],
        },
        { role: 'tool', tool_call_id: 'call_1', content: 'print("hi")' },
      ],
      tools: [readTool],
    });
    const sent = fake.chatRequests[0]?.messages ?? [];
    expect(sent.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user']);
    expect(sent[2]?.content).toBe('<tool_call>\n{"name": "cat", "arguments": {"paths": "a.py"}}\n</tool_call>');
    expect(sent[3]?.content).toBe('<tool_response>\nprint("hi")\n</tool_response>');
    expect(content).toBe('It prints hi.');
    expect(result.finish_reason).toBe('stop');
  });

  it('splits Qwen3 thinking into reasoning_content', async () => {
    const { engine, fake } = await loadedHarness('Qwen3-1.7B', {
      chat: [replies(['<think>', 'The user greets.', '</think>\n\n', 'Hello!'])],
    });
    const { reasoning, content, result } = await collect(engine, { model: 'm', messages: [{ role: 'user', content: 'hi' }] });
    expect(reasoning).toBe('The user greets.');
    expect(content).toBe('Hello!');
    expect(result.finish_reason).toBe('stop');
    expect(fake.chatRequests[0]?.response_format).toBeUndefined();
  });

  it("uses Llama 3.2's own JSON call syntax, for the prompt, the grammar and the parser", async () => {
    const { engine, fake } = await loadedHarness('Llama-3.2-3B-Instruct', {
      chat: [replies(['{"name": "cat", ', '"parameters": {"paths": "c.py"}}'])],
    });
    const { calls, content, result } = await collect(engine, {
      model: 'm',
      messages: [{ role: 'user', content: 'Show c.py' }],
      tools: [readTool],
    });
    const sent = fake.chatRequests[0];
    expect(sent?.messages[0]?.content).toMatch(/"parameters": dictionary of argument name/);
    const tag = JSON.parse(String(sent?.response_format?.structural_tag)) as { format: { triggers: string[]; tags: { begin: string }[] } };
    expect(tag.format.triggers).toEqual(['{"name": ']);
    expect(tag.format.tags[0]?.begin).toBe('{"name": "cat", "parameters": ');
    expect(calls).toEqual([{ id: expect.any(String), name: 'cat', arguments: '{"paths": "c.py"}' }]);
    expect(content).toBe('');
    expect(result.finish_reason).toBe('tool_calls');
  });

  it('passes tools through to web-llm for a model with native function calling (Hermes)', async () => {
    const record = prebuiltAppConfig.model_list.find((r) => r.model_id === 'Hermes-2-Pro-Llama-3-8B-q4f16_1-MLC');
    if (!record) throw new Error('web-llm no longer lists Hermes-2-Pro-Llama-3-8B');
    const hermes: WebLlmBuild = {
      record,
      family: 'hermes',
      base: 'Hermes-2-Pro-Llama-3-8B',
      size: '8B',
      quantization: 'q4f16_1',
      label: 'Hermes 2 Pro Llama 3 8B (q4f16)',
      supportsFim: false,
      nativeTools: functionCallingModelIds.includes(record.model_id),
    };
    expect(hermes.nativeTools).toBe(true);
    const webllmCalls = [{ index: 0, type: 'function', function: { name: 'cat', arguments: '{"paths":"b.py"}' } }];
    const { engine, fake } = await loadedHarness(
      'Hermes-2-Pro-Llama-3-8B',
      { chat: [replies(['[{"name": "cat", ', '"arguments": {"paths": "b.py"}}]'], 'tool_calls', { tool_calls: webllmCalls })] },
      { builds: (config) => [...webllmBuilds(config), hermes] },
    );
    const { content, calls, result } = await collect(engine, {
      model: 'm',
      messages: [
        { role: 'system', content: 'You are Refact.' },
        { role: 'user', content: 'Read b.py' },
      ],
      tools: [readTool],
    });
    const sent = fake.chatRequests[0];
    expect(sent?.tools).toEqual([readTool]);
    expect(sent?.response_format).toBeUndefined(); // web-llm sets its own JSON schema for Hermes
    // web-llm rejects a custom system prompt with tools: ours rides in the first user turn.
    expect(sent?.messages).toEqual([{ role: 'user', content: 'You are Refact.\n\nRead b.py' }]);
    expect(content).toBe(''); // the raw JSON web-llm streams is not shown as text
    expect(calls).toEqual([{ id: expect.stringMatching(/^call_/), name: 'cat', arguments: '{"paths":"b.py"}' }]);
    expect(result.finish_reason).toBe('tool_calls');
  });

  it('stops on abort with interruptGenerate and keeps the partial text', async () => {
    const { engine, fake } = await loadedHarness('Qwen2.5-Coder-0.5B-Instruct', {
      chat: [
        async function* (_request, self) {
          yield delta('Hello');
          yield delta(' wor');
          await self.interruptedSignal;
          yield { ...delta(''), choices: [{ index: 0, delta: {}, finish_reason: 'abort' }] };
          yield usageChunk(5, 2);
        },
      ],
    });
    const controller = new AbortController();
    const request: ChatRequest = { model: 'm', messages: [{ role: 'user', content: 'hi' }] };
    const { chunks, content, result } = await collect(engine, request, controller.signal, (_c, all) => {
      if (all.map((c) => c.choices[0]?.delta.content ?? '').join('') === 'Hello wor') controller.abort();
    });
    expect(fake.interrupts).toBeGreaterThanOrEqual(1);
    expect(content).toBe('Hello wor');
    expect(chunks.at(-1)).toMatchObject({ choices: [{ finish_reason: 'abort' }], usage: { completion_tokens: 2 } });
    expect(result.finish_reason).toBe('abort');
  });

  it('retries without the grammar when xgrammar cannot compile a tool schema', async () => {
    const grammarError = new Error('Cannot compile json_schema');
    grammarError.name = 'GrammarMatcherInitError';
    const { engine, fake } = await loadedHarness('Qwen2.5-Coder-1.5B-Instruct', {
      chat: [
        async function* () {
          throw grammarError;
        },
        replies(['Fine.']),
      ],
    });
    const { content } = await collect(engine, { model: 'm', messages: [{ role: 'user', content: 'hi' }], tools: [readTool] });
    expect(content).toBe('Fine.');
    expect(fake.chatRequests[0]?.response_format?.type).toBe('structural_tag');
    expect(fake.chatRequests[1]?.response_format).toBeUndefined();
  });

  it('gives a tool without parameters an empty-object schema, so the other tools keep theirs', async () => {
    // As xgrammar: a tag whose content has no json_schema object fails the whole structural tag.
    const xgrammar: ChatScript = (request, self) => {
      const tag = JSON.parse(String(request.response_format?.structural_tag)) as StructuralTag;
      const bad = tag.format.tags.find((t) => typeof t.content.json_schema !== 'object');
      if (bad) {
        const error = new Error(`Cannot compile the json_schema of ${bad.begin}`);
        error.name = 'GrammarMatcherInitError';
        throw error;
      }
      return replies(['Done.'])(request, self);
    };
    const { engine, fake } = await loadedHarness('Qwen2.5-Coder-1.5B-Instruct', { chat: [xgrammar] });
    const treeTool = { type: 'function', function: { name: 'tree', description: 'List files' } } as unknown as ToolSpec;
    const { content } = await collect(engine, { model: 'm', messages: [{ role: 'user', content: 'hi' }], tools: [readTool, treeTool] });

    expect(content).toBe('Done.');
    expect(fake.chatRequests).toHaveLength(1); // no retry without the grammar
    const tag = JSON.parse(String(fake.chatRequests[0]?.response_format?.structural_tag)) as StructuralTag;
    expect(tag.format.tags.map((t) => [t.begin, t.content.json_schema])).toEqual([
      ['<tool_call>\n{"name": "cat", "arguments": ', readTool.function.parameters],
      ['<tool_call>\n{"name": "tree", "arguments": ', { type: 'object', properties: {} }],
    ]);
    // The prompt tells the model the same schema the grammar holds it to.
    expect(fake.chatRequests[0]?.messages[0]?.content).toContain('"name": "tree", "description": "List files", "parameters": {"type": "object", "properties": {}}');
  });
});

type StructuralTag = { format: { tags: { begin: string; content: { json_schema?: unknown } }[] } };

describe('unloading while a model generates', () => {
  const request: ChatRequest = { model: 'm', messages: [{ role: 'user', content: 'hi' }] };

  it.each(['unload', 'deleteModel'] as const)('%s interrupts the running chat and waits for it before disposing', async (how) => {
    const { engine, fake, loadedModel } = await loadedHarness('Qwen2.5-Coder-0.5B-Instruct', { chat: [untilInterrupted] });
    let unloading: Promise<void> | undefined;
    const { content, result, chunks } = await collect(engine, request, never, (chunk) => {
      if (chunk.choices[0]?.delta.content === 'x') unloading ??= how === 'unload' ? engine.unload() : engine.deleteModel(loadedModel);
    });
    await unloading;
    expect(fake.interrupts).toBeGreaterThanOrEqual(1);
    expect(fake.events).toEqual(['generation end', 'unload']);
    expect(result.finish_reason).toBe('abort');
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe('abort');
    expect(content).toMatch(/^x+$/); // what was streamed stays
    await expect(engine.chat(request, () => undefined, never)).rejects.toThrow(/no model is loaded/);
  });

  it('interrupts a running completion too', async () => {
    const { engine, fake } = await loadedHarness('Qwen2.5-Coder-0.5B-Instruct', {
      completion: async function* (_request, self) {
        while (!self.interruptFlag) {
          yield { id: 'c', created: 0, model: 'm', object: 'text_completion', choices: [{ index: 0, text: 'y', finish_reason: null }] };
          await new Promise((resolve) => setTimeout(resolve, 0));
        }
        yield { id: 'c', created: 0, model: 'm', object: 'text_completion', choices: [{ index: 0, text: '', finish_reason: 'abort' }] };
      },
    });
    const completing = engine.complete('def ', { maxTokens: 500, temperature: 0, stop: [] }, never);
    await until(() => fake.completionRequests.length === 1);
    await engine.unload();
    expect(fake.events).toEqual(['generation end', 'unload']);
    await expect(completing).resolves.toMatchObject({ finish_reason: 'abort', text: expect.stringMatching(/^y+$/) });
  });

  it('a load waits for the previous model to stop generating before it unloads it', async () => {
    const { engine, fake, model } = await loadedHarness('Qwen2.5-Coder-0.5B-Instruct', { chat: [untilInterrupted] });
    let loading: Promise<void> | undefined;
    const { result } = await collect(engine, request, never, () => {
      loading ??= engine.load(model('Qwen3-0.6B'), () => undefined, never);
    });
    await loading;
    expect(result.finish_reason).toBe('abort');
    expect(fake.events).toEqual(['generation end', 'unload']);
  });
});

describe('device lost', () => {
  function fakeGpu() {
    let lose: (info: { reason?: string; message?: string }) => void = () => undefined;
    const device: FakeDevice = {
      lost: new Promise((resolve) => (lose = resolve)),
      destroy: () => lose({ reason: 'destroyed', message: 'Device was destroyed.' }),
    };
    const gpu: GpuLike = {
      requestAdapter: async () => ({ requestDevice: async () => device }),
    };
    return { gpu, device, lose: (info: { reason?: string; message?: string }) => lose(info) };
  }

  /** As tvmjs detectGPUDevice does inside web-llm's reload(); the fake keeps the device to destroy on unload. */
  const reloadOn = (gpu: GpuLike) => async (fake: FakeMlc) => {
    fake.device = (await (await gpu.requestAdapter())?.requestDevice()) as FakeDevice;
  };

  it('tells the listener when the GPUDevice web-llm created is lost, and chat then asks for a reload', async () => {
    const { gpu, lose } = fakeGpu();
    const original = gpu.requestAdapter;
    const { engine } = await loadedHarness(
      'Qwen2.5-Coder-1.5B-Instruct',
      {
        reload: async () => {
          // As tvmjs detectGPUDevice does inside web-llm's reload().
          const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
          await adapter?.requestDevice({});
        },
      },
      { gpu },
    );
    expect(gpu.requestAdapter).toBe(original); // the watch is removed once reload settles
    const notices: string[] = [];
    engine.onDeviceLost?.((message) => notices.push(message));
    lose({ reason: 'unknown', message: 'GPU process crashed' });
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(notices).toEqual([
      'the GPU device was lost (unknown: GPU process crashed); web-llm unloaded Qwen2.5 Coder 1.5B Instruct (q4f16)',
    ]);
    await expect(engine.chat({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }, () => undefined, never)).rejects.toBeInstanceOf(
      WebLlmDeviceLostError,
    );
  });

  it('ignores the device being destroyed by our unload', async () => {
    const { gpu } = fakeGpu();
    const { engine, fake } = await loadedHarness('Qwen3-0.6B', { reload: reloadOn(gpu) }, { gpu });
    const notices: string[] = [];
    engine.onDeviceLost?.((message) => notices.push(message));
    await engine.unload();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(fake.unloads).toBe(1);
    expect(notices).toEqual([]);
  });

  it("reports web-llm's own device.destroy() (a failed buffer allocation) as out of GPU memory, at once", async () => {
    const { gpu, device } = fakeGpu();
    const { engine } = await loadedHarness('Qwen3-0.6B', { reload: reloadOn(gpu) }, { gpu });
    const notices: string[] = [];
    engine.onDeviceLost?.((message) => notices.push(message));
    device.destroy(); // tvmjs tryCreateBuffer, on an out-of-memory error scope
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(notices).toEqual(['out of GPU memory: a GPU buffer allocation failed and web-llm destroyed the device; web-llm unloaded Qwen3 0.6B (q4f16)']);
    await expect(engine.chat({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }, () => undefined, never)).rejects.toThrow(
      /out of GPU memory/,
    );
  });

  it('ends a chat running when web-llm destroys the device with the out-of-memory error', async () => {
    const { gpu, device } = fakeGpu();
    const { engine, fake } = await loadedHarness('Qwen3-0.6B', { reload: reloadOn(gpu), chat: [untilInterrupted] }, { gpu });
    const chatting = collect(engine, { model: 'm', messages: [{ role: 'user', content: 'hi' }] }, never, (_chunk, all) => {
      if (all.length !== 1) return;
      device.destroy(); // the allocation failed
      // web-llm's own device.lost handler then unloads the model under the running chat.
      void device.lost.then(() => fake.unload());
    });
    await expect(chatting).rejects.toThrow(WebLlmDeviceLostError);
    await expect(chatting).rejects.toThrow(/out of GPU memory/);
  });

  it('reads a model web-llm unloaded under us (ModelNotLoadedError) as a lost device', async () => {
    const gone = new Error('Model not loaded before trying to complete ChatCompletionRequest.');
    gone.name = 'ModelNotLoadedError';
    const { engine } = await loadedHarness('Qwen3-0.6B', {
      chat: [
        async function* () {
          throw gone;
        },
      ],
    });
    const notices: string[] = [];
    engine.onDeviceLost?.((message) => notices.push(message));
    await expect(engine.chat({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }, () => undefined, never)).rejects.toBeInstanceOf(
      WebLlmDeviceLostError,
    );
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(/GPU device was lost while Qwen3 0\.6B \(q4f16\) was loaded/);
  });
});

describe('complete (FIM)', () => {
  it('runs a raw prompt through completions.create and joins the text', async () => {
    const { engine, fake } = await loadedHarness('Qwen2.5-Coder-1.5B-Instruct', {
      completion: async function* () {
        for (const text of ['return ', 'a + b']) {
          yield { id: 'c', created: 0, model: 'm', object: 'text_completion', choices: [{ index: 0, text, finish_reason: null }] };
        }
        yield { id: 'c', created: 0, model: 'm', object: 'text_completion', choices: [{ index: 0, text: '', finish_reason: 'stop' }] };
        // With include_usage, web-llm ends with a chunk that has no choices and the usage.
        yield { id: 'c', created: 0, model: 'm', object: 'text_completion', choices: [], usage: { prompt_tokens: 12, completion_tokens: 3, total_tokens: 15, extra: { e2e_latency_s: 0.1, prefill_tokens_per_s: 120, decode_tokens_per_s: 30, time_to_first_token_s: 0.05, time_per_output_token_s: 0.03 } } };
      },
    });
    const prompt = '<|fim_prefix|>def add(a, b):\n    <|fim_suffix|>\n<|fim_middle|>';
    const out = await engine.complete(prompt, { maxTokens: 32, temperature: 0.1, stop: ['\n\n'] }, never);
    expect(out).toEqual({ text: 'return a + b', finish_reason: 'stop', usage: { prompt_tokens: 12, completion_tokens: 3, total_tokens: 15 } });
    expect(fake.completionRequests[0]).toEqual({
      prompt,
      stream: true,
      stream_options: { include_usage: true },
      max_tokens: 32,
      temperature: 0.1,
      stop: ['\n\n'],
    });
  });
});

describe('countTokens', () => {
  it("uses the loaded pipeline's tokenizer, and estimates when web-llm's internals moved", async () => {
    const { engine, fake } = await loadedHarness('Qwen3-0.6B');
    expect(await engine.countTokens('one two three four five six seven')).toBe(Math.ceil(33 / 3.5));
    const tokenizer = { encode: (text: string) => new Int32Array(text.split(' ').length) };
    const pipelines = new Map([['Qwen3-0.6B-q4f16_1-MLC', { tokenizer }]]);
    Object.assign(fake, { loadedModelIdToPipeline: pipelines });
    expect(await engine.countTokens('one two three')).toBe(3);
  });
});

describe('browser cache', () => {
  const base = 'https://huggingface.co/mlc-ai/Qwen2.5-Coder-1.5B-Instruct-q4f16_1-MLC/resolve/main/';
  const other = 'https://huggingface.co/mlc-ai/Qwen3-0.6B-q4f16_1-MLC/resolve/main/';

  it('reports complete from hasModelInCache, partial from leftover shards, else none', async () => {
    const caches = fakeCaches({ 'webllm/model': [`${base}tensor-cache.json`, `${base}params_shard_0.bin`] });
    const complete = new Set(['Qwen3-0.6B-q4f16_1-MLC']);
    const h = await harness({}, { caches, hasModelInCache: async (id) => complete.has(id) });
    expect(h.model('Qwen3-0.6B').cached).toBe('complete');
    expect(h.model('Qwen2.5-Coder-1.5B-Instruct').cached).toBe('partial');
    expect(h.model('Llama-3.2-1B-Instruct').cached).toBe('none');
  });

  it('deleteModel calls deleteModelAllInfoInCache and sweeps what a half-finished download left', async () => {
    const caches = fakeCaches({
      'webllm/model': [`${base}params_shard_3.bin`, `${other}params_shard_0.bin`],
      'webllm/config': [`${base}mlc-chat-config.json`],
    });
    const deleted: { id: string; app: AppConfig }[] = [];
    const h = await harness(
      {},
      {
        caches,
        deleteModelAllInfoInCache: async (id, app) => {
          deleted.push({ id, app });
          throw new Error('tensor-cache.json is not cached'); // web-llm needs the manifest to find shards
        },
      },
    );
    const model = h.model('Qwen2.5-Coder-1.5B-Instruct');
    await h.engine.deleteModel(model);
    expect(deleted.map((d) => d.id)).toEqual(['Qwen2.5-Coder-1.5B-Instruct-q4f16_1-MLC']);
    expect(deleted[0]?.app.model_list.some((r) => r.model_id === 'Qwen2.5-Coder-1.5B-Instruct-q4f16_1-MLC')).toBe(true);
    expect(caches.entries).toEqual({ 'webllm/model': [`${other}params_shard_0.bin`], 'webllm/config': [] });
    expect(await h.engine.cacheState(model)).toBe('none');
  });

  it('deleteModel unloads the model first when it is the loaded one', async () => {
    const { engine, fake, loadedModel } = await loadedHarness('Qwen3-0.6B');
    await engine.deleteModel(loadedModel);
    expect(fake.unloads).toBe(1);
  });
});
