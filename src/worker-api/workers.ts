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

let llm: WorkerClient<LlmWorkerApi> | undefined;
let ast: WorkerClient<AstWorkerApi> | undefined;
let embed: WorkerClient<EmbedWorkerApi> | undefined;

export function llmWorker(): WorkerClient<LlmWorkerApi> {
  if (!llm || llm.stopped) {
    llm = start(
      'llm',
      () => new Worker(new URL('../../workers/llm.worker.ts', import.meta.url), { type: 'module', name: 'llm' }),
      () => import('../../workers/llm.service').then((m) => m.createLlmService()),
    );
  }
  return llm;
}

export function astWorker(): WorkerClient<AstWorkerApi> {
  if (!ast || ast.stopped) {
    ast = start(
      'ast',
      () => new Worker(new URL('../../workers/ast.worker.ts', import.meta.url), { type: 'module', name: 'ast' }),
      () => import('../../workers/ast.service').then((m) => m.createAstService()),
    );
  }
  return ast;
}

export function embedWorker(): WorkerClient<EmbedWorkerApi> {
  if (!embed || embed.stopped) {
    embed = start(
      'embed',
      () => new Worker(new URL('../../workers/embed.worker.ts', import.meta.url), { type: 'module', name: 'embed' }),
      () => import('../../workers/embed.service').then((m) => m.createEmbedService()),
    );
  }
  return embed;
}

/** Terminates every started worker (e.g. before unloading a model-heavy page). */
export function disposeWorkers(): void {
  for (const client of [llm, ast, embed]) client?.dispose();
  llm = ast = embed = undefined;
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
