import type { AstWorkerApi, ParseRequest } from '../worker-api/ast';
import { WorkerStoppedError, connectWorker, inProcess, type WorkerClient } from '../worker-api/connect';
import { originGrammarLocator } from './grammar-urls';
import type { AstPool } from './types';

export type { AstPool };

export interface AstPoolOptions {
  /** Workers; default hardwareConcurrency - 1 (the page keeps a core), at least 1. */
  size?: number;
  /** Starts worker number `index` (tests pass in-process services). */
  spawn?: (index: number) => WorkerClient<AstWorkerApi>;
}

export function defaultPoolSize(): number {
  const cores = typeof navigator === 'undefined' ? undefined : navigator.hardwareConcurrency;
  return Math.max(1, (cores || 2) - 1);
}

/** A module worker running workers/ast.worker.ts, or the same service in the page if workers cannot start. */
export function spawnAstWorker(index: number): WorkerClient<AstWorkerApi> {
  const name = `ast-${index + 1}`;
  let worker: Worker;
  try {
    // Must stay a literal `new Worker(new URL(...))`: that is how Vite finds the worker entry.
    worker = new Worker(new URL('../../workers/ast.worker.ts', import.meta.url), { type: 'module', name });
  } catch (error) {
    console.warn(`The "${name}" worker could not start; parsing in the page instead.`, error);
    return inProcess(
      import('../../workers/ast.service').then((m) => m.createAstService({ locate: originGrammarLocator() })),
      name,
    );
  }
  return connectWorker<AstWorkerApi>(worker, name);
}

interface Lane {
  index: number;
  client: WorkerClient<AstWorkerApi> | null;
  /** UTF-16 units queued on this worker. */
  load: number;
}

export function createAstPool(options: AstPoolOptions = {}): AstPool {
  const size = Math.max(1, Math.floor(options.size ?? defaultPoolSize()));
  const spawn = options.spawn ?? spawnAstWorker;
  const lanes: Lane[] = Array.from({ length: size }, (_, index) => ({ index, client: null, load: 0 }));
  let disposed = false;

  const clientOf = (lane: Lane): WorkerClient<AstWorkerApi> => {
    if (!lane.client || lane.client.stopped) lane.client = spawn(lane.index);
    return lane.client;
  };

  const refuse = (method: string) => new Error(`${method}() failed: the AST worker pool was disposed`);

  /** Runs one batch on the least busy worker; a worker that dies gets one more try on a fresh one, then `lost` answers. */
  const run = async <R>(
    method: 'parse' | 'tag',
    files: ParseRequest[],
    call: (api: AstWorkerApi) => Promise<R[]>,
    lost: (file: ParseRequest, why: string) => R,
  ): Promise<R[]> => {
    if (disposed) throw refuse(method);
    if (files.length === 0) return [];
    const weight = files.reduce((n, f) => n + f.text.length, 0) + 1;
    const lane = lanes.reduce((best, l) => (l.load < best.load ? l : best));
    lane.load += weight;
    try {
      return await call(clientOf(lane).api);
    } catch (error) {
      if (disposed || !(error instanceof WorkerStoppedError)) throw error;
      // The worker died (maybe on one of these files): one more try on a fresh worker.
      try {
        return await call(clientOf(lane).api);
      } catch (again) {
        if (disposed || !(again instanceof WorkerStoppedError)) throw again;
        return files.map((f) => lost(f, again.message));
      }
    } finally {
      lane.load -= weight;
    }
  };

  return {
    size,
    parse: (files) =>
      run('parse', files, (api) => api.parseFiles(files), (f, why) => ({
        ok: false as const,
        path: f.path,
        reason: 'error' as const,
        message: `${f.path}: the AST worker stopped while parsing it twice (${why})`,
      })),
    // A tagger that kills its worker leaves those files to the parse, like a language without one.
    tag: (files) => run('tag', files, (api) => api.tagFiles(files), (f) => ({ path: f.path, definitions: null })),
    prepare(languages) {
      if (disposed) return;
      // Failures surface again, with the file names, when those files are parsed.
      for (const lane of lanes) void clientOf(lane).api.loadGrammars(languages).catch(() => {});
    },
    dispose() {
      disposed = true;
      for (const lane of lanes) lane.client?.dispose();
    },
  };
}
