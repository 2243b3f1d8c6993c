import { connectWorker, inProcess, type WorkerClient } from './connect';
import type { AstWorkerApi } from './ast';
import type { EmbedWorkerApi } from './embed';
import type { LlmWorkerApi } from './llm';

/*
 * The app's workers: created on first use, one of each. A worker that crashed or
 * was disposed is replaced by a fresh one on the next call to its factory. Where a
 * module worker cannot be constructed at all, the same service runs in this thread.
 *
 * Each `new Worker(new URL(...), ...)` must stay literal: that is how Vite finds
 * and bundles the worker entry.
 */

const disposers: (() => void)[] = [];

/** A getter that starts the worker on first use and restarts it after a crash or dispose. */
function lazyWorker<Api extends object>(
  name: string,
  spawn: () => Worker,
  inThisThread: () => Promise<Api>,
): () => WorkerClient<Api> {
  let client: WorkerClient<Api> | undefined;
  disposers.push(() => {
    client?.dispose();
    client = undefined;
  });
  return () => {
    if (!client || client.stopped) client = start(name, spawn, inThisThread);
    return client;
  };
}

export const llmWorker = lazyWorker<LlmWorkerApi>(
  'llm',
  () => new Worker(new URL('../../workers/llm.worker.ts', import.meta.url), { type: 'module', name: 'llm' }),
  () => import('../../workers/llm.service').then((m) => m.createLlmService()),
);

export const astWorker = lazyWorker<AstWorkerApi>(
  'ast',
  () => new Worker(new URL('../../workers/ast.worker.ts', import.meta.url), { type: 'module', name: 'ast' }),
  () => import('../../workers/ast.service').then((m) => m.createAstService()),
);

export const embedWorker = lazyWorker<EmbedWorkerApi>(
  'embed',
  () => new Worker(new URL('../../workers/embed.worker.ts', import.meta.url), { type: 'module', name: 'embed' }),
  () => import('../../workers/embed.service').then((m) => m.createEmbedService()),
);

/** Terminates every started worker (e.g. before unloading a model-heavy page). */
export function disposeWorkers(): void {
  for (const dispose of disposers) dispose();
}

function start<Api extends object>(
  name: string,
  spawn: () => Worker,
  inThisThread: () => Promise<Api>,
): WorkerClient<Api> {
  let worker: Worker;
  try {
    worker = spawn();
  } catch (error) {
    console.warn(`The "${name}" worker could not start; running it in the page instead.`, error);
    return inProcess(inThisThread(), name);
  }
  return connectWorker<Api>(worker, name);
}
