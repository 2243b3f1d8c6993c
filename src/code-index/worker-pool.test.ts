import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AstWorkerApi, ParseRequest, ParseResult } from '../worker-api/ast';
import { WorkerStoppedError, inProcess, type WorkerClient } from '../worker-api/connect';
import { createAstPool, defaultPoolSize } from './worker-pool';

/** A fake worker that answers with the path it parsed and which worker it was. */
function fakeWorker(index: number, log: string[], behaviour: (files: ParseRequest[], crash: () => never) => void = () => {}): WorkerClient<AstWorkerApi> {
  // Like a real worker's client: a crash leaves it stopped, so the pool must start another.
  const crash = (): never => {
    client.dispose();
    throw new WorkerStoppedError(`fake-${index}`, 'crashed: out of memory');
  };
  const api: AstWorkerApi = {
    languageForPath: async () => null,
    status: async () => ({ ready: true, languages: [] }),
    loadGrammars: async (languages) => {
      log.push(`load ${index} ${languages.join(',')}`);
      return { ready: true, languages };
    },
    parseFiles: async (files) => {
      behaviour(files, crash);
      await new Promise((r) => setTimeout(r, 5));
      return files.map(
        (f): ParseResult => ({
          ok: true,
          file: { path: f.path, language: `worker-${index}`, definitions: [], usages: [], hasErrors: false, ms: 0 },
        }),
      );
    },
    tagFiles: async (files) => {
      behaviour(files, crash);
      return files.map((f) => ({ path: f.path, definitions: [] }));
    },
  };
  const client = inProcess(api, `fake-${index}`);
  return client;
}

describe('createAstPool', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('sizes itself hardwareConcurrency - 1, at least 1', () => {
    vi.stubGlobal('navigator', { hardwareConcurrency: 8 });
    expect(defaultPoolSize()).toBe(7);
    vi.stubGlobal('navigator', { hardwareConcurrency: 1 });
    expect(defaultPoolSize()).toBe(1);
    expect(createAstPool({ size: 0, spawn: (i) => fakeWorker(i, []) }).size).toBe(1);
  });

  it('spreads concurrent batches over its workers and warms them all up', async () => {
    const log: string[] = [];
    const pool = createAstPool({ size: 3, spawn: (i) => fakeWorker(i, log) });
    pool.prepare(['python']);
    const batches = await Promise.all(
      [0, 1, 2].map((b) => pool.parse([{ path: `f${b}.py`, text: 'x'.repeat(100) }])),
    );
    const workers = batches.map(([r]) => (r?.ok ? r.file.language : 'failed'));
    expect(new Set(workers)).toEqual(new Set(['worker-0', 'worker-1', 'worker-2']));
    expect(log.sort()).toEqual(['load 0 python', 'load 1 python', 'load 2 python']);
    pool.dispose();
    await expect(pool.parse([{ path: 'x.py', text: '' }])).rejects.toThrow(/disposed/);
  });

  it('replaces a worker that died and retries once; twice dead reports the files as errors', async () => {
    let spawned = 0;
    const crashing = (times: number) => (i: number) => {
      spawned++;
      return fakeWorker(i, [], (_files, crash) => {
        if (spawned <= times) crash();
      });
    };
    const once = createAstPool({ size: 1, spawn: crashing(1) });
    expect((await once.parse([{ path: 'a.py', text: '' }]))[0]).toMatchObject({ ok: true });
    expect(spawned).toBe(2);

    spawned = 0;
    const always = createAstPool({ size: 1, spawn: crashing(99) });
    expect((await always.parse([{ path: 'a.py', text: '' }]))[0]).toMatchObject({
      ok: false,
      reason: 'error',
      message: expect.stringContaining('stopped while parsing it twice'),
    });
    // A tagger crash leaves the file to the parse (no definitions yet), it is not an error.
    expect(await always.tag([{ path: 'a.py', text: '' }])).toEqual([{ path: 'a.py', definitions: null }]);
  });
});
