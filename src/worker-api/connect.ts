import * as Comlink from 'comlink';

/**
 * The worker pattern: each worker's API is an interface in src/worker-api/ that
 * both ends import. The worker side builds it with `createXService()` and
 * `Comlink.expose`s it; the app side gets a `WorkerClient<Api>` from
 * `connectWorker` (real worker) or `inProcess` (Node tests, or a browser where the
 * worker cannot start). Both have the same shape: `client.api.probeDevice()` returns
 * a promise, `client.dispose()` ends the worker, `client.stopped` says why it ended.
 */

type Method = (...args: never[]) => unknown;

/** Api's methods as the app calls them: every call returns a promise. */
export type RemoteApi<Api> = {
  readonly [K in keyof Api as Api[K] extends Method ? K : never]: Api[K] extends (
    ...args: infer Args
  ) => infer Result
    ? (...args: Args) => Promise<Awaited<Result>>
    : never;
};

/** The app's handle on a worker. */
export interface WorkerClient<Api> {
  /** The worker's name, as used in error messages. */
  readonly name: string;
  /** The worker's API; every method returns a promise. */
  readonly api: RemoteApi<Api>;
  /** Why the worker can no longer take calls (crash, failed start, dispose); null while usable. */
  readonly stopped: WorkerStoppedError | null;
  /** Terminates the worker; pending and later calls reject with WorkerStoppedError. */
  dispose(): void;
}

/** The worker crashed, failed to start, or was disposed; `method` is the call it cut short. */
export class WorkerStoppedError extends Error {
  override name = 'WorkerStoppedError';
  constructor(
    readonly worker: string,
    readonly why: string,
    readonly method?: string,
    options?: ErrorOptions,
  ) {
    super(`${method === undefined ? '' : `${method}() failed: `}the "${worker}" worker ${why}`, options);
  }
}

/** What `connectWorker` needs of a Worker: a Comlink endpoint that can be terminated. */
export type WorkerEndpoint = Comlink.Endpoint & { terminate(): void };

/** Wraps a started worker whose script calls `Comlink.expose(createXService())`. */
export function connectWorker<Api extends object>(worker: WorkerEndpoint, name: string): WorkerClient<Api> {
  const remote = Comlink.wrap(worker) as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
  const onError = (event: Event): void => {
    stop(new WorkerStoppedError(name, describeWorkerError(event)));
  };
  worker.addEventListener('error', onError);
  const { client, stop } = createClient<Api>(
    name,
    (method, args) => {
      const fn = remote[method];
      if (!fn) return Promise.reject(new TypeError(`${method}() failed: no such method on "${name}"`));
      return fn(...args);
    },
    () => {
      worker.removeEventListener('error', onError);
      worker.terminate();
    },
  );
  return client;
}

/**
 * The same client over an object in this thread. `impl` may be a promise (e.g. a
 * dynamic import of the service). Like a real worker, it refuses callbacks that were
 * not wrapped with `progressCallback`, so Node tests catch what would fail in a browser.
 */
export function inProcess<Api extends object>(impl: Api | PromiseLike<Api>, name = 'in-process'): WorkerClient<Api> {
  const ready = Promise.resolve(impl);
  ready.catch(() => {}); // Reported to each caller instead.
  const { client } = createClient<Api>(
    name,
    async (method, args) => {
      const target = (await ready) as Record<string, unknown>;
      const fn = target[method];
      if (typeof fn !== 'function') throw new TypeError(`${method}() failed: no such method on "${name}"`);
      args.forEach((arg, i) => {
        if (typeof arg === 'function' && !(Comlink.proxyMarker in arg)) {
          throw new TypeError(
            `${method}() on "${name}": argument ${i} is a function; wrap it with progressCallback() so it can cross to a worker`,
          );
        }
      });
      return (fn as (...args: unknown[]) => unknown).apply(target, args);
    },
    () => {},
  );
  return client;
}

/**
 * Marks a callback (progress, streamed tokens) to cross to the worker by reference;
 * functions cannot be structured-cloned. In the worker, calling it posts a message
 * back and returns a promise: use `sendToCallback` to fire and forget safely.
 */
export function progressCallback<Args extends unknown[]>(fn: (...args: Args) => void): (...args: Args) => void {
  return Comlink.proxy(fn);
}

/** Worker side: calls a callback from the app without waiting, ignoring a closed app. */
export function sendToCallback<Args extends unknown[]>(callback: (...args: Args) => void, ...args: Args): void {
  try {
    void Promise.resolve(callback(...args) as unknown).catch(() => {});
  } catch {
    // The app side has gone away; nobody is listening.
  }
}

function describeWorkerError(event: Event): string {
  const { message, filename, lineno } = event as Partial<ErrorEvent>;
  if (typeof message === 'string' && message !== '') {
    return `crashed: ${message}${filename ? ` (${filename}:${lineno ?? '?'})` : ''}`;
  }
  // A module worker that fails to load gets a bare Event with no details.
  return 'failed to start or crashed (its script did not load or threw while loading; see the browser console)';
}

function createClient<Api>(
  name: string,
  invoke: (method: string, args: unknown[]) => Promise<unknown>,
  teardown: () => void,
): { client: WorkerClient<Api>; stop(reason: WorkerStoppedError): void } {
  let stopped: WorkerStoppedError | null = null;
  const pending = new Set<(reason: WorkerStoppedError) => void>();

  const perCall = (reason: WorkerStoppedError, method: string) =>
    new WorkerStoppedError(name, reason.why, method, { cause: reason });

  const call = (method: string, args: unknown[]): Promise<unknown> => {
    if (stopped) return Promise.reject(perCall(stopped, method));
    return new Promise((resolve, reject) => {
      const abandon = (reason: WorkerStoppedError) => reject(perCall(reason, method));
      pending.add(abandon);
      invoke(method, args).then(
        (value) => {
          pending.delete(abandon);
          resolve(value);
        },
        (error: unknown) => {
          pending.delete(abandon);
          reject(error);
        },
      );
    });
  };

  const stop = (reason: WorkerStoppedError): void => {
    if (stopped) return;
    stopped = reason;
    for (const abandon of pending) abandon(reason);
    pending.clear();
    teardown();
  };

  const methods = new Map<string, (...args: unknown[]) => Promise<unknown>>();
  const api = new Proxy(
    {},
    {
      get(_target, property) {
        // Not thenable (so `await client.api` is safe) and no symbol lookups.
        if (typeof property !== 'string' || property === 'then') return undefined;
        let method = methods.get(property);
        if (!method) {
          method = (...args: unknown[]) => call(property, args);
          methods.set(property, method);
        }
        return method;
      },
    },
  ) as RemoteApi<Api>;

  const client: WorkerClient<Api> = {
    name,
    api,
    get stopped() {
      return stopped;
    },
    dispose() {
      stop(new WorkerStoppedError(name, 'was disposed'));
    },
  };
  return { client, stop };
}
