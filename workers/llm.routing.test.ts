import { describe, expect, it } from 'vitest';
import type { LocalEngine } from '../src/inference/engine';
import type { ChatChunk } from '../src/providers/types';
import type { LlmEvent, LocalModelInfo, LoadProgress } from '../src/worker-api/llm';
import { createLlmService } from './llm.service';

// A scripted engine at the LocalEngine boundary: the real engines need a
// browser and model files; here only the service's routing is under test.
function fakeEngine(models: Partial<LocalModelInfo>[], options: { completeMs?: number } = {}) {
  let lost: ((m: string) => void) | undefined;
  const calls: string[] = [];
  const prompts: string[] = [];
  const engine: LocalEngine = {
    id: 'transformers',
    async catalog() {
      return models.map((m) => ({
        id: 'transformers:x',
        engine: 'transformers',
        label: 'X',
        family: 'qwen2.5-coder',
        downloadBytes: 100,
        memoryBytes: 100,
        contextWindow: 4096,
        supportsTools: true,
        supportsFim: true,
        fit: 'fits',
        cached: 'none',
        ...m,
      })) as LocalModelInfo[];
    },
    async load(model, onProgress) {
      calls.push(`load ${model.id}`);
      onProgress({ phase: 'download', loadedBytes: 50, totalBytes: 100, text: 'half' });
    },
    async unload() {
      calls.push('unload');
    },
    async chat(request, onChunk, signal) {
      calls.push(`chat ${request.messages.length}`);
      for (const word of ['a', 'b', 'c', 'd']) {
        if (signal.aborted) break;
        onChunk({ choices: [{ index: 0, delta: { content: word }, finish_reason: null }] });
        await new Promise((r) => setTimeout(r, 5));
      }
      const finish = signal.aborted ? 'abort' : 'stop';
      onChunk({ choices: [{ index: 0, delta: {}, finish_reason: finish }] });
      const usage = { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 };
      return {
        finish_reason: finish,
        usage,
        stats: { promptTokens: 3, completionTokens: 4, timeToFirstTokenMs: 1, prefillTokensPerSec: 1, decodeTokensPerSec: 1 },
      };
    },
    async complete(prompt, options, signal) {
      calls.push(`complete ${JSON.stringify(options.stop)}`);
      prompts.push(prompt);
      // Generates for completeMs unless aborted, like a real engine polling its interrupt flag.
      const end = Date.now() + (options.maxTokens > 0 ? (completeMs ?? 0) : 0);
      while (Date.now() < end && !signal.aborted) await new Promise((r) => setTimeout(r, 2));
      const finish = signal.aborted ? 'abort' : 'stop';
      calls.push(`complete-end ${finish}`);
      return { text: `${prompt.includes('<|fim_middle|>') ? 'return a + b' : '?'}\n\nrest`, finish_reason: finish };
    },
    async countTokens(text) {
      return Math.ceil(text.length / 4);
    },
    async cacheState() {
      return 'none';
    },
    async deleteModel(model) {
      calls.push(`delete ${model.id}`);
    },
    onDeviceLost(listener) {
      lost = listener;
    },
  };
  const completeMs = options.completeMs;
  return { engine, calls, prompts, loseDevice: (m: string) => lost?.(m) };
}

const noGpu = { gpu: undefined, crossOriginIsolated: false, hardwareConcurrency: 2 };

describe('llm service routing', () => {
  it('loads with progress, streams chunks, and refuses models that do not fit', async () => {
    const fake = fakeEngine([{}, { id: 'transformers:big', fit: 'too-big', fitNote: 'needs 9 GB' }]);
    const llm = createLlmService({ env: noGpu, engines: { transformers: async () => fake.engine } });
    const progress: LoadProgress[] = [];
    await expect(llm.load('transformers:x', (p) => progress.push(p))).resolves.toEqual({ modelId: 'transformers:x', contextWindow: 4096 });
    await new Promise((r) => setTimeout(r, 0));
    expect(progress.map((p) => p.phase)).toEqual(['download', 'ready']);
    await expect(llm.load('transformers:big', () => {})).rejects.toThrow('X cannot run here: needs 9 GB');

    const chunks: ChatChunk[] = [];
    const result = await llm.chat({ requestId: 'r1', model: 'transformers:x', messages: [{ role: 'user', content: 'hi' }] }, (c) => chunks.push(c));
    await new Promise((r) => setTimeout(r, 0));
    expect(result.finish_reason).toBe('stop');
    expect(chunks.map((c) => c.choices[0]!.delta.content ?? '').join('')).toBe('abcd');
    expect((await llm.stats()).modelId).toBe('transformers:x');
  });

  it('abort stops a running chat and keeps what was sent', async () => {
    const fake = fakeEngine([{}]);
    const llm = createLlmService({ env: noGpu, engines: { transformers: async () => fake.engine } });
    await llm.load('transformers:x', () => {});
    const chunks: ChatChunk[] = [];
    const running = llm.chat({ requestId: 'r2', model: 'transformers:x', messages: [] }, (c) => chunks.push(c));
    await new Promise((r) => setTimeout(r, 7));
    await llm.abort('r2');
    const result = await running;
    expect(result.finish_reason).toBe('abort');
    expect(chunks.length).toBeGreaterThan(1);
  });

  const fimRequest = (requestId: string, model?: string) => ({
    requestId,
    ...(model ? { model } : {}),
    inputs: { sources: { 'a.py': 'def add(a, b):\n    \n' }, cursor: { file: 'a.py', line: 1, character: 4 }, multiline: true },
    parameters: { max_new_tokens: 20 },
    context: [{ path: 'b.py', text: 'def helper()' }],
    repoName: 'shop',
  });

  it('runs a FIM prompt with the repository header and context, and returns the raw text', async () => {
    const fake = fakeEngine([{}]);
    const llm = createLlmService({ env: noGpu, engines: { transformers: async () => fake.engine } });
    await llm.load('transformers:x', () => {});
    const result = await llm.completeFim(fimRequest('c1'));
    expect(result).toMatchObject({ text: 'return a + b\n\nrest', finish_reason: 'stop', model: 'transformers:x' });
    expect(result.context.map((c) => c.path)).toEqual(['b.py']);
    expect(fake.prompts[0]).toMatch(/^<\|repo_name\|>shop\n<\|file_sep\|>b\.py\ndef helper\(\)\n<\|file_sep\|>a\.py\n<\|fim_prefix\|>/);
    expect(fake.calls.some((c) => c.startsWith('complete') && c.includes('\\n\\n'))).toBe(true);
  });

  it('answers busy at once while a chat generates on the same model, and a chat first stops a running completion', async () => {
    const fake = fakeEngine([{}], { completeMs: 200 });
    const llm = createLlmService({ env: noGpu, engines: { transformers: async () => fake.engine } });
    await llm.load('transformers:x', () => {});
    const chatting = llm.chat({ requestId: 'r', model: 'transformers:x', messages: [] }, () => {});
    const t0 = performance.now();
    await expect(llm.completeFim(fimRequest('c2'))).resolves.toMatchObject({ busy: 'chat', text: '' });
    expect(performance.now() - t0).toBeLessThan(15);
    await chatting;

    const completing = llm.completeFim(fimRequest('c3'));
    await new Promise((r) => setTimeout(r, 5));
    const chat = await llm.chat({ requestId: 'r2', model: 'transformers:x', messages: [] }, () => {});
    expect(chat.finish_reason).toBe('stop'); // never cut by the completion's abort
    await expect(completing).resolves.toMatchObject({ finish_reason: 'abort' });
    expect(fake.calls.indexOf('chat 0', fake.calls.indexOf('complete-end abort'))).toBeGreaterThan(0);
  });

  it('a new completion supersedes the running one, and abort(requestId) stops a completion', async () => {
    const fake = fakeEngine([{}], { completeMs: 200 });
    const llm = createLlmService({ env: noGpu, engines: { transformers: async () => fake.engine } });
    await llm.load('transformers:x', () => {});
    const first = llm.completeFim(fimRequest('c4'));
    await new Promise((r) => setTimeout(r, 5));
    const second = llm.completeFim(fimRequest('c5'));
    await expect(first).resolves.toMatchObject({ finish_reason: 'abort' });
    await new Promise((r) => setTimeout(r, 5));
    await llm.abort('c5');
    await expect(second).resolves.toMatchObject({ finish_reason: 'abort' });
  });

  it('loads a different completion model on its own engine instance; the chat model is shared', async () => {
    const instances: ReturnType<typeof fakeEngine>[] = [];
    const models = [{}, { id: 'transformers:small', label: 'Small' }];
    const llm = createLlmService({
      env: noGpu,
      engines: {
        transformers: async () => {
          const f = fakeEngine(models, { completeMs: 100 });
          instances.push(f);
          return f.engine;
        },
      },
    });
    await llm.load('transformers:x', () => {});
    await expect(llm.loadCompletionModel('transformers:x', () => {})).resolves.toEqual({ modelId: 'transformers:x', shared: true });
    await expect(llm.loadCompletionModel('transformers:small', () => {})).resolves.toEqual({ modelId: 'transformers:small', shared: false });
    expect(instances).toHaveLength(2);
    // A chat on the first instance does not make completion on the second busy.
    const chatting = llm.chat({ requestId: 'r', model: 'transformers:x', messages: [] }, () => {});
    const result = await llm.completeFim(fimRequest('c6', 'transformers:small'));
    expect(result).toMatchObject({ model: 'transformers:small', finish_reason: 'stop' });
    expect(result.busy).toBeUndefined();
    await chatting;
    await expect(llm.completeFim(fimRequest('c7', 'transformers:other'))).rejects.toThrow('"transformers:other" is not loaded');

    // The completion model's GPU device is lost: the chat is not told to reload anything; completion loads it again.
    const events: LlmEvent[] = [];
    await llm.subscribe((e) => events.push(e));
    instances[1]!.loseDevice('GPU reset');
    await new Promise((r) => setTimeout(r, 0));
    expect(events).toEqual([{ type: 'completion-model-lost', modelId: 'transformers:small', message: 'GPU reset' }]);
    await expect(llm.completeFim(fimRequest('c8', 'transformers:small'))).rejects.toThrow('is not loaded');
    await llm.loadCompletionModel('transformers:small', () => {});
    await expect(llm.completeFim(fimRequest('c9', 'transformers:small'))).resolves.toMatchObject({ finish_reason: 'stop' });
  });

  it('reloads the model after the GPU device is lost and tells the app', async () => {
    const fake = fakeEngine([{}]);
    const llm = createLlmService({ env: noGpu, engines: { transformers: async () => fake.engine } });
    const events: LlmEvent[] = [];
    await llm.subscribe((e) => events.push(e));
    await llm.load('transformers:x', () => {});
    fake.loseDevice('GPU reset');
    await new Promise((r) => setTimeout(r, 10));
    expect(events).toEqual([
      { type: 'device-lost', modelId: 'transformers:x', message: 'GPU reset' },
      { type: 'recovered', modelId: 'transformers:x' },
    ]);
    expect(fake.calls.filter((c) => c.startsWith('load'))).toHaveLength(2);
  });

  it('unload stops every chat on the model, also one a second chat queued behind, before the engine unloads', async () => {
    const fake = fakeEngine([{}]);
    const llm = createLlmService({ env: noGpu, engines: { transformers: async () => fake.engine } });
    await llm.load('transformers:x', () => {});
    const first = llm.chat({ requestId: 'q1', model: 'transformers:x', messages: [] }, () => {});
    const second = llm.chat({ requestId: 'q2', model: 'transformers:x', messages: [{ role: 'user', content: 'hi' }] }, () => {});
    await new Promise((r) => setTimeout(r, 2));
    await llm.unload();
    await expect(first).resolves.toMatchObject({ finish_reason: 'abort' });
    await expect(second).resolves.toMatchObject({ finish_reason: 'abort' });
    expect(fake.calls.slice(1)).toEqual(['chat 0', 'chat 1', 'unload']);
  });

  it('says plainly when no model is loaded', async () => {
    const llm = createLlmService({ env: noGpu, engines: {} });
    await expect(llm.chat({ requestId: 'r', model: 'm', messages: [] }, () => {})).rejects.toThrow('No local model is loaded');
  });
});
