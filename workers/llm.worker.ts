import * as Comlink from 'comlink';
import { createLlmService } from './llm.service';

// Each engine's library (web-llm, transformers.js + onnxruntime-web) loads the
// first time the Models page or a chat needs it, not when the worker starts.
Comlink.expose(
  createLlmService({
    engines: {
      webllm: () => import('../src/inference/webllm-engine').then((m) => m.createWebLlmEngine()),
      transformers: () => import('../src/inference/transformers-engine').then((m) => new m.TransformersEngine()),
    },
  }),
);
