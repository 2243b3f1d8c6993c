import * as Comlink from 'comlink';
import { afterEach, describe, expect, expectTypeOf, it, vi } from 'vitest';
import { createAstService } from '../../workers/ast.service';
import type { AstWorkerApi } from './ast';
import {
  WorkerStoppedError,
  connectWorker,
  inProcess,
  progressCallback,
  sendToCallback,
  type WorkerClient,
  type WorkerEndpoint,
} from './connect';

interface Item {
  text: string;
  tags: string[];
}

interface TestApi {
  add(a: number, b: number): Promise<number>;
  echo(item: Item): Promise<Item>;
  fail(message: string): Promise<never>;
  count(to: number, onStep: (step: number) => void): Promise<number>;
  hang(): Promise<void>;
}

class CustomError extends Error {
  override name = 'CustomError';
}

function createTestService(): TestApi {
  return {
    add: async (a, b) => a + b,
    echo: async (item) => ({ ...item, tags: [...item.tags, 'seen'] }),
    fail: async (message) => {
      throw new CustomError(message);
    },
    count: async (to, onStep) => {
      for (let step = 1; step <= to; step++) sendToCallback(onStep, step);
      return to;
    },
    hang: () => new Promise<void>(() => {}),
  };
}

const openPorts: MessagePort[] = [];

/** A "worker" made of a real MessageChannel: the service is exposed on the far port. */
function channelWorker<Api extends object>(service: Api): MessagePort & WorkerEndpoint & { terminated: boolean } {
  const { port1, port2 } = new MessageChannel();
  openPorts.push(port1, port2);
  Comlink.expose(service, port2);
  const endpoint = Object.assign(port1, {
    terminated: false,
    terminate() {
      endpoint.terminated = true;
      port1.close();
      port2.close();
    },
  });
  return endpoint;
}

afterEach(() => {
  for (const port of openPorts.splice(0)) port.close();
});

describe('connectWorker over a real MessageChannel', () => {
  it('round-trips typed calls', async () => {
    const client = connectWorker<TestApi>(channelWorker(createTestService()), 'test');
    expectTypeOf(client.api.add).toEqualTypeOf<(a: number, b: number) => Promise<number>>();
    // @ts-expect-error the argument types are checked across the boundary
    void client.api.add('1', 2).catch(() => {});

    expect(await client.api.add(2, 3)).toBe(5);
    expect(await client.api.echo({ text: 'hi', tags: ['a'] })).toEqual({ text: 'hi', tags: ['a', 'seen'] });
    client.dispose();
  });

  it('carries a real service the same way', async () => {
    const client: WorkerClient<AstWorkerApi> = connectWorker(channelWorker(createAstService()), 'ast');
    expect(await client.api.languageForPath('src/app.tsx')).toBe('typescriptreact');
    expect(await client.api.status()).toEqual({ ready: false, languages: [] });
    client.dispose();
  });

  it('propagates errors thrown in the worker with their message and name', async () => {
    const client = connectWorker<TestApi>(channelWorker(createTestService()), 'test');
    const error = await client.api.fail('model not found: qwen').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ name: 'CustomError', message: 'model not found: qwen' });
    // The worker is still usable afterwards.
    expect(await client.api.add(1, 1)).toBe(2);
    client.dispose();
  });

  it('passes progress callbacks by reference', async () => {
    const client = connectWorker<TestApi>(channelWorker(createTestService()), 'test');
    const steps: number[] = [];
    expect(await client.api.count(3, progressCallback((step) => steps.push(step)))).toBe(3);
    await vi.waitFor(() => expect(steps).toEqual([1, 2, 3]));
    client.dispose();
  });

  it('rejects pending and later calls when the worker dies, naming the worker', async () => {
    const worker = channelWorker(createTestService());
    const client = connectWorker<TestApi>(worker, 'llm');
    const pending = client.api.hang();
    expect(await client.api.add(1, 2)).toBe(3); // the channel is live

    // What a module worker whose script 404s gets: a bare 'error' Event.
    worker.dispatchEvent(new Event('error'));

    const error = await pending.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkerStoppedError);
    expect((error as Error).message).toMatch(/^hang\(\) failed: the "llm" worker failed to start or crashed/);
    expect(client.stopped).toBeInstanceOf(WorkerStoppedError);
    expect(worker.terminated).toBe(true);
    await expect(client.api.add(1, 2)).rejects.toThrow('add() failed: the "llm" worker failed to start');
  });

  it('includes the message and location of an uncaught worker error', async () => {
    const worker = channelWorker(createTestService());
    const client = connectWorker<TestApi>(worker, 'embed');
    const pending = client.api.hang();
    worker.dispatchEvent(
      Object.assign(new Event('error'), {
        message: 'Uncaught ReferenceError: ort is not defined',
        filename: 'embed.worker.js',
        lineno: 12,
      }),
    );
    await expect(pending).rejects.toThrow(
      'hang() failed: the "embed" worker crashed: Uncaught ReferenceError: ort is not defined (embed.worker.js:12)',
    );
  });

  it('dispose terminates the worker and rejects what was pending', async () => {
    const worker = channelWorker(createTestService());
    const client = connectWorker<TestApi>(worker, 'ast');
    const pending = client.api.hang();
    client.dispose();
    await expect(pending).rejects.toThrow('hang() failed: the "ast" worker was disposed');
    expect(worker.terminated).toBe(true);
    expect(client.stopped?.why).toBe('was disposed');
  });
});

describe('inProcess', () => {
  it('gives the same promise-returning shape', async () => {
    const client = inProcess(createTestService(), 'test');
    expectTypeOf(client).toEqualTypeOf<WorkerClient<TestApi>>();
    expect(await client.api.add(2, 2)).toBe(4);
    await expect(client.api.fail('nope')).rejects.toMatchObject({ name: 'CustomError', message: 'nope' });
    const steps: number[] = [];
    await client.api.count(2, progressCallback((step) => steps.push(step)));
    expect(steps).toEqual([1, 2]);
  });

  it('accepts a promised service (lazy import)', async () => {
    const client = inProcess<TestApi>(Promise.resolve(createTestService()));
    expect(await client.api.add(1, 1)).toBe(2);
  });

  it('refuses a callback a real worker could not receive', async () => {
    const client = inProcess(createTestService(), 'test');
    await expect(client.api.count(1, () => {})).rejects.toThrow(/argument 1 is a function; wrap it with progressCallback/);
  });

  it('rejects after dispose', async () => {
    const client = inProcess(createTestService(), 'test');
    client.dispose();
    await expect(client.api.add(1, 1)).rejects.toBeInstanceOf(WorkerStoppedError);
  });

  it('is not mistaken for a promise', async () => {
    const client = inProcess(createTestService());
    expect(await Promise.resolve(client.api)).toBe(client.api);
  });
});
