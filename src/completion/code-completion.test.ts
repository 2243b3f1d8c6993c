import { describe, expect, it } from 'vitest';
import { ProviderError } from '../providers/types';
import type { CompletionBackend, FimInput, RawCompletion } from './backend';
import { CompletionCache } from './cache';
import { codeCompletion, type CompletionEnv } from './code-completion';
import type { CompletionRequest } from './types';

/*
 * A real model cannot run in Node (local models need WebGPU or the WASM engine
 * and hundreds of MB of weights; remote ones need a server), so the backend is
 * the boundary here: a script of raw model outputs that records its inputs.
 */
type Step = RawCompletion | ((input: FimInput, signal: AbortSignal) => Promise<RawCompletion>);

function scripted(steps: Step[], ownBudget = false): { backend: CompletionBackend; inputs: FimInput[] } {
  const inputs: FimInput[] = [];
  const backend: CompletionBackend = {
    label: 'scripted',
    ownBudget,
    async complete(input, signal) {
      inputs.push(input);
      const step = steps.shift();
      if (!step) throw new Error('the script has no more answers');
      return typeof step === 'function' ? step(input, signal) : step;
    },
  };
  return { backend, inputs };
}

function envWith(backend: CompletionBackend, nCtx = 4096): CompletionEnv {
  return { route: async () => ({ model: 'test/coder', backend, nCtx }), index: () => null, repoName: () => 'shop', cache: new CompletionCache() };
}

const says = (text: string, finish_reason: RawCompletion['finish_reason'] = 'stop'): RawCompletion => ({ text, finish_reason });

function request(text: string, line: number, character: number, multiline: boolean, extra: Partial<CompletionRequest> = {}): CompletionRequest {
  return { inputs: { sources: { 'shop/cart.py': text }, cursor: { file: 'shop/cart.py', line, character }, multiline }, ...extra };
}

const run = (req: CompletionRequest, env: CompletionEnv) => codeCompletion(req, new AbortController().signal, env);

const CART = 'def total(items):\n    return \n';
const AT_RETURN = request(CART, 1, 11, false);

describe('codeCompletion: rules first, no model asked', () => {
  it('skips when code stands right of the cursor', async () => {
    const { backend, inputs } = scripted([says('x')]);
    const response = await run(request('save_checkpoint(x, y)', 0, 5, false), envWith(backend));
    expect(response).toMatchObject({ skipped: 'right-of-cursor', choices: [{ code_completion: '' }] });
    expect(inputs).toHaveLength(0);
  });

  it('skips a document over the size limit', async () => {
    const { backend, inputs } = scripted([says('x')]);
    const response = await run(request('x = 1\n'.repeat(31_000), 31_000, 0, true), envWith(backend));
    expect(response).toMatchObject({ skipped: 'too-large', choices: [{ code_completion: '' }] });
    expect(inputs).toHaveLength(0);
  });

  it('asks when only closing punctuation follows', async () => {
    const { backend, inputs } = scripted([says('items)')]);
    const response = await run(request('print()', 0, 6, false), envWith(backend));
    expect(response.skipped).toBeUndefined();
    expect(inputs).toHaveLength(1);
  });

  it('passes on the reason when there is no model to ask', async () => {
    const env: CompletionEnv = { ...envWith(scripted([]).backend), route: async () => ({ skip: 'paused' }) };
    expect(await run(AT_RETURN, env)).toMatchObject({ skipped: 'paused', choices: [{ code_completion: '' }] });
  });

  it('rejects a cursor outside the file', async () => {
    const { backend } = scripted([]);
    await expect(run(request(CART, 9, 0, true), envWith(backend))).rejects.toMatchObject({ name: 'ProviderError', kind: 'bad-request' });
  });
});

describe.each([
  ['a remote backend', false],
  ['a local backend (own budget)', true],
])('codeCompletion: post-processing with %s', (_, ownBudget) => {
  const completes = async (raw: string, req: CompletionRequest) =>
    (await run(req, envWith(scripted([says(raw)], ownBudget).backend))).choices[0]!.code_completion;

  it('multiline: cuts at the first blank line', async () => {
    expect(await completes('total = 0\n    return total\n\ndef other():', request('def f():\n    \n', 1, 4, true))).toBe('total = 0\n    return total');
  });

  it('single line: cuts at the newline and strips the \\r', async () => {
    expect(await completes('1\r\ny = 2', request('x = \r\ny = 2\r\n', 0, 4, false))).toBe('1');
  });

  it('cuts at end-of-text tokens', async () => {
    expect(await completes('sum(items)<|endoftext|>junk', AT_RETURN)).toBe('sum(items)');
  });

  it('drops a repeat of the rest of the line', async () => {
    expect(await completes('items)', request('print()', 0, 6, false))).toBe('items');
    expect(await completes('hello_world():', request('def ():', 0, 4, false))).toBe('hello_world');
  });
});

describe('codeCompletion: the response', () => {
  it("has Refact's shape", async () => {
    const { backend } = scripted([says('sum(items)\n')]);
    const before = Date.now() / 1000;
    const response = await run(AT_RETURN, envWith(backend));
    expect(response).toMatchObject({
      choices: [{ index: 0, code_completion: 'sum(items)', finish_reason: 'stop' }],
      model: 'test/coder',
      context: [],
    });
    expect(response.snippet_telemetry_id).toEqual(expect.any(Number));
    expect(response.created).toBeGreaterThanOrEqual(before);
    expect(response.created).toBeLessThanOrEqual(Date.now() / 1000);
    expect(response.cached).toBeUndefined();
    expect(response.skipped).toBeUndefined();
  });

  it('answers the same request again from the cache, and typing along too', async () => {
    const { backend, inputs } = scripted([says('sum(items)')]);
    const env = envWith(backend);
    const first = await run(AT_RETURN, env);
    const second = await run(AT_RETURN, env);
    expect(second).toMatchObject({ cached: true, model: 'test/coder', choices: [{ code_completion: 'sum(items)', finish_reason: 'stop' }] });
    expect(second.snippet_telemetry_id).not.toBe(first.snippet_telemetry_id);
    const typed = await run(request('def total(items):\n    return sum(\n', 1, 15, false), env);
    expect(typed).toMatchObject({ cached: true, choices: [{ code_completion: 'items)' }] });
    expect(inputs).toHaveLength(1);
  });

  it('lists the context the backend used', async () => {
    const used = [{ path: 'shop/tax.py', text: 'def rate(region)', symbol: 'shop::tax::rate' }];
    const { backend } = scripted([{ ...says('rate()'), context: used }]);
    expect((await run(AT_RETURN, envWith(backend))).context).toEqual([{ file_name: 'shop/tax.py', symbol: 'shop::tax::rate' }]);
  });

  it("skips with 'busy' while the local model answers the chat, and caches nothing", async () => {
    const { backend, inputs } = scripted([{ ...says(''), busy: 'chat' }, says('sum(items)')]);
    const env = envWith(backend);
    expect(await run(AT_RETURN, env)).toMatchObject({ skipped: 'busy', choices: [{ code_completion: '' }] });
    expect((await run(AT_RETURN, env)).choices[0]!.code_completion).toBe('sum(items)');
    expect(inputs).toHaveLength(2);
  });

  it('rejects with an AbortError when aborted, and caches nothing', async () => {
    const controller = new AbortController();
    const waitsForAbort: Step = (_, signal) => {
      queueMicrotask(() => controller.abort());
      return new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason as Error)));
    };
    const answersAnyway: Step = async () => (controller.abort(), says('sum(items)'));
    for (const step of [waitsForAbort, answersAnyway]) {
      const env = envWith(scripted([step]).backend);
      await expect(codeCompletion(AT_RETURN, controller.signal, env)).rejects.toMatchObject({ name: 'AbortError' });
      expect(env.cache.size).toBe(0);
    }
  });

  it("turns a remote backend's own abort error into an AbortError (a superseded request is not a failure)", async () => {
    const controller = new AbortController();
    const remoteAbort: Step = (_, signal) =>
      new Promise((_, reject) => {
        signal.addEventListener('abort', () => reject(new ProviderError('aborted', 'The request was cancelled')));
        queueMicrotask(() => controller.abort());
      });
    const env = envWith(scripted([remoteAbort]).backend);
    await expect(codeCompletion(AT_RETURN, controller.signal, env)).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('does not ask the backend when already aborted', async () => {
    const { backend, inputs } = scripted([says('x')]);
    await expect(codeCompletion(AT_RETURN, AbortSignal.abort(), envWith(backend))).rejects.toMatchObject({ name: 'AbortError' });
    expect(inputs).toHaveLength(0);
  });

  it("passes on the backend's error", async () => {
    const failure = new ProviderError('server', 'HTTP 500 from http://localhost:11434');
    const env = envWith(scripted([() => Promise.reject(failure)]).backend);
    await expect(run(AT_RETURN, env)).rejects.toBe(failure);
    expect(env.cache.size).toBe(0);
  });
});

describe('codeCompletion: what the backend is given', () => {
  it('an own-budget backend gets the whole request and an empty prefix and suffix', async () => {
    const { backend, inputs } = scripted([says('x')], true);
    await run(AT_RETURN, envWith(backend));
    expect(inputs[0]).toMatchObject({ request: AT_RETURN, path: 'shop/cart.py', repoName: 'shop', prefix: '', suffix: '', context: [], multiline: false });
  });

  it('other backends get a small file whole, split at the cursor', async () => {
    const { backend, inputs } = scripted([says('x')]);
    await run(AT_RETURN, envWith(backend));
    expect(inputs[0]).toMatchObject({ prefix: 'def total(items):\n    return ', suffix: '\n' });
  });

  it('other backends get a big file cut around the cursor within the budget', async () => {
    const above = Array.from({ length: 1000 }, (_, i) => `a_${i} = ${i}\n`).join('');
    const below = Array.from({ length: 1000 }, (_, i) => `\nb_${i} = ${i}`).join('');
    const { backend, inputs } = scripted([says('x')]);
    await run(request(`${above}${below}`, 1000, 0, true), envWith(backend, 512));
    const { prefix, suffix } = inputs[0]!;
    // (512 context - 50 new tokens - 50 new tokens) x 3.2 characters per token, no AST context.
    expect(prefix.length + suffix.length).toBeLessThanOrEqual(1319);
    expect(prefix.length).toBeGreaterThan(500);
    expect(suffix.length).toBeGreaterThan(500);
    expect(above.endsWith(prefix)).toBe(true);
    expect(below.startsWith(suffix)).toBe(true);
  });

  it('stops at a newline only in single-line mode', async () => {
    const { backend, inputs } = scripted([says('x'), says('x')]);
    const env = envWith(backend);
    await run(AT_RETURN, env);
    await run(request(CART, 2, 0, true), env);
    expect(inputs[0]!.stop).toEqual(expect.arrayContaining(['\n', '\n\n', '<|endoftext|>']));
    expect(inputs[1]!.stop).toContain('\n\n');
    expect(inputs[1]!.stop).not.toContain('\n');
  });

  it('takes max_new_tokens and temperature from the request, with defaults', async () => {
    const { backend, inputs } = scripted([says('x'), says('x')]);
    const env = envWith(backend);
    await run(AT_RETURN, env);
    await run(request(CART, 2, 0, true, { parameters: { max_new_tokens: 20, temperature: 0.1 } }), env);
    expect(inputs.map((i) => [i.maxTokens, i.temperature])).toEqual([
      [50, 0.2],
      [20, 0.1],
    ]);
  });

  it('no_cache (a manual request) asks the model again, at a higher temperature', async () => {
    const { backend, inputs } = scripted([says('sum(items)'), says('len(items)'), says('max(items)')]);
    const env = envWith(backend);
    await run(AT_RETURN, env);
    const manual = await run({ ...AT_RETURN, no_cache: true, parameters: { temperature: 0.1 } }, env);
    expect(manual).toMatchObject({ choices: [{ code_completion: 'len(items)' }] });
    expect(manual.cached).toBeUndefined();
    await run({ ...AT_RETURN, no_cache: true, parameters: { temperature: 0.8 } }, env);
    expect(inputs.map((i) => i.temperature)).toEqual([0.2, 0.5, 0.8]);
  });
});
