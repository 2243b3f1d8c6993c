/**
 * The bench's stand-in for workers/llm.worker.ts (llm.pipeline_ratio_*): the
 * transformers.js engine in a module worker, exposed with Comlink, streaming
 * chunks back through a Comlink-proxied callback with sendToCallback (fire and
 * forget), which is the product's path from the llm worker to the UI.
 *
 * Started by bench/suites/llm.mjs with
 *   connectWorker(new Worker('/bench/llm-engine.worker.js', { type: 'module' }), 'bench-llm')
 * (JavaScript, like harness.js, so tsconfig.node.json's `bench` include does not
 * type-check src/ under Node's types.)
 */
import * as Comlink from 'comlink';
import { TransformersEngine } from '../src/inference/transformers-engine.ts';
import { sendToCallback } from '../src/worker-api/connect.ts';

const engine = new TransformersEngine();

const api = {
  /** Plans the catalog with `config` on `device` and loads `modelId`. */
  async load(device, config, modelId) {
    const model = (await engine.catalog(device, config)).find((m) => m.id === modelId);
    if (!model) throw new Error(`${modelId} is not in the catalog`);
    await engine.load(model, () => {}, new AbortController().signal);
    return engine.current;
  },
  /** The engine's result, plus how long the call took inside the worker (the page times the whole trip). */
  async chat(request, onChunk) {
    const t0 = performance.now();
    const result = await engine.chat(request, (chunk) => sendToCallback(onChunk, chunk), new AbortController().signal);
    return { ...result, workerMs: performance.now() - t0 };
  },
  unload() {
    return engine.unload();
  },
};

Comlink.expose(api);
