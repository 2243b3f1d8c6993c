/**
 * Privacy guard for every e2e test: "nothing leaves the tab".
 *
 * Import `test` / `expect` from here instead of '@playwright/test':
 *
 *   import { test, expect } from './support/privacy';
 *
 * For each test it
 *   1. records every request made in the browser context (page, iframes,
 *      dedicated workers, the service worker, WebSockets, shared workers),
 *   2. aborts every request that is not to the app's own origin (the
 *      `baseURL` from playwright.config.ts, http://127.0.0.1:4173) and is not
 *      data:/blob:/about:, and
 *   3. after the test fails it if any request went (or tried to go) anywhere
 *      else, listing the offenders.
 *
 * What Playwright 1.65 (with Chromium 156) sees — checked by experiment, with
 * a page making requests from every kind of context to an outside host:
 *
 * | request made by                           | context.on('request') | context.route('**\/*') |
 * | ----------------------------------------- | --------------------- | ---------------------- |
 * | page (fetch, <img>, sendBeacon)           | yes                   | yes                    |
 * | dedicated Worker (classic, module, blob:, | yes (request.frame()  | yes                    |
 * |   nested worker-in-worker)                |  = the owner page)    |                        |
 * | service worker: its script, its fetch()   | yes (request.serviceWorker() != null) | yes    |
 * | page request answered by the SW's fetch   | yes                   | NO (documented: routes |
 * |   handler (respondWith / cache)           |                       |  miss SW-handled reqs) |
 * | WebSocket                                 | NO                    | NO → context.routeWebSocket |
 * | SharedWorker's fetch() (its script: yes)  | NO                    | NO (Playwright detaches |
 * |                                           |                       |  from shared workers)  |
 * | data: / blob: URLs                        | no (not network)      | no                     |
 *
 * So: we record with context.on('request') (it also sees the SW-answered page
 * requests), block with context.route (it sees whatever really goes to the
 * network, including the SW's own fetches), handle WebSockets with
 * context.routeWebSocket, and — because nothing in Playwright's API sees a
 * SharedWorker's traffic — attach to shared workers over a browser-level CDP
 * session (Target.setDiscoverTargets + non-flattened Target.attachToTarget +
 * Network.enable) to *record* their requests. That last part is best effort:
 * requests a shared worker makes in the first moments after it starts, before
 * the attach lands, are missed (in the experiment: a fetch right after start
 * was missed, one 500 ms later was recorded), and none are blocked. Chromium refuses
 * browser-level auto-attach (which could pause the worker) unless the session
 * is flattened, which Playwright's CDPSession cannot address.
 *
 * Service workers stay enabled (the app is a PWA); this is why the SW-answered
 * request row matters.
 *
 * Options (test.use):
 *   privacyAllowedOrigins: extra origins a test may talk to (e.g. a mock
 *     server it starts itself). Default: none. Note that a request a test
 *     answers itself with page.route(...).fulfill() still fires 'request' and
 *     so still counts as an offender unless its origin is listed here.
 *   privacyEnforce: set false to skip the after-test assertion (the guard's own
 *     self-test uses it to inspect `network.offenders()` itself). Requests are
 *     still recorded and blocked.
 */
import {
  test as base,
  expect,
  type Browser,
  type BrowserContext,
  type CDPSession,
  type Request,
  type TestInfo,
} from '@playwright/test';

export { expect };

export type RequestSource = 'page' | 'service-worker' | 'shared-worker' | 'websocket';

export interface RecordedRequest {
  url: string;
  method: string;
  resourceType: string;
  source: RequestSource;
}

/** URL schemes that never touch the network. */
const LOCAL_SCHEMES = ['data:', 'blob:', 'about:'];

export class NetworkLog {
  readonly requests: RecordedRequest[] = [];
  /** Requests this guard aborted (subset of the offenders that hit routing). */
  readonly blocked: string[] = [];

  constructor(
    readonly origin: string,
    readonly allowedOrigins: readonly string[] = [],
  ) {}

  /** True if the URL stays on the app's origin (or an explicitly allowed one) or is local. */
  isAllowed(url: string): boolean {
    if (LOCAL_SCHEMES.some((s) => url.startsWith(s))) return true;
    let origin: string;
    try {
      // ws://host:port counts as the http://host:port origin (same server).
      const u = new URL(url);
      const scheme = u.protocol === 'ws:' ? 'http:' : u.protocol === 'wss:' ? 'https:' : u.protocol;
      origin = `${scheme}//${u.host}`;
    } catch {
      return false;
    }
    return origin === this.origin || this.allowedOrigins.includes(origin) || this.extraOrigins.includes(origin);
  }

  /** Lets a test allow a local server it started itself (e.g. an embedding host page). */
  allow(origin: string): void {
    this.extraOrigins.push(new URL(origin).origin);
  }

  private readonly extraOrigins: string[] = [];

  record(r: RecordedRequest): void {
    this.requests.push(r);
  }

  /** Every URL requested so far, in order (duplicates kept). */
  urls(): string[] {
    return this.requests.map((r) => r.url);
  }

  /** Requests that went, or tried to go, off the origin. */
  offenders(): RecordedRequest[] {
    return this.requests.filter((r) => !this.isAllowed(r.url));
  }
}

const logs = new WeakMap<BrowserContext, NetworkLog>();

/**
 * The URLs recorded so far in the given (guarded) browser context, e.g.
 * `recordedUrls(page.context())`. Throws if the context was not created by
 * this fixture.
 */
export function recordedUrls(context: BrowserContext): string[] {
  return networkLog(context).urls();
}

/** The full NetworkLog of a guarded browser context. */
export function networkLog(context: BrowserContext): NetworkLog {
  const log = logs.get(context);
  if (!log) throw new Error('This browser context is not guarded: import { test } from "./support/privacy"');
  return log;
}

function sourceOf(req: Request): RequestSource {
  return req.serviceWorker() ? 'service-worker' : 'page';
}

/**
 * Records the requests of SharedWorkers (invisible to Playwright) over a
 * browser-level CDP session. Best effort, see the header comment. Each
 * Playwright worker process runs one test at a time in its own browser, so
 * every shared worker that appears belongs to the current test's context.
 */
async function watchSharedWorkers(browser: Browser, log: NetworkLog): Promise<() => Promise<void>> {
  let cdp: CDPSession;
  try {
    cdp = await browser.newBrowserCDPSession();
  } catch {
    return async () => {}; // not Chromium
  }
  let nextId = 1;
  const attached = new Set<string>();
  cdp.on('Target.targetCreated', (e) => {
    const info = e.targetInfo;
    if (info.type !== 'shared_worker' || attached.has(info.targetId)) return;
    attached.add(info.targetId);
    log.record({ url: info.url, method: 'GET', resourceType: 'sharedworker', source: 'shared-worker' });
    void (async () => {
      try {
        // Non-flattened attach: Playwright's CDPSession cannot address child
        // sessions, so talk to the target through Target.sendMessageToTarget.
        const { sessionId } = await cdp.send('Target.attachToTarget', { targetId: info.targetId, flatten: false });
        for (const method of ['Network.enable', 'Runtime.runIfWaitingForDebugger']) {
          await cdp.send('Target.sendMessageToTarget', {
            sessionId,
            message: JSON.stringify({ id: nextId++, method, params: {} }),
          });
        }
      } catch {
        // The worker may already be gone.
      }
    })();
  });
  cdp.on('Target.receivedMessageFromTarget', (e) => {
    let msg: { method?: string; params?: { request?: { url: string; method: string }; type?: string } };
    try {
      msg = JSON.parse(e.message);
    } catch {
      return;
    }
    if (msg.method === 'Network.requestWillBeSent' && msg.params?.request) {
      const { url, method } = msg.params.request;
      log.record({ url, method, resourceType: (msg.params.type ?? 'other').toLowerCase(), source: 'shared-worker' });
    }
  });
  await cdp.send('Target.setDiscoverTargets', { discover: true });
  return async () => {
    await cdp.detach().catch(() => {});
  };
}

async function installGuard(context: BrowserContext, browser: Browser, log: NetworkLog) {
  logs.set(context, log);

  const onRequest = (req: Request) =>
    log.record({ url: req.url(), method: req.method(), resourceType: req.resourceType(), source: sourceOf(req) });
  context.on('request', onRequest);

  await context.route('**/*', async (route) => {
    const url = route.request().url();
    if (log.isAllowed(url)) return route.fallback();
    log.blocked.push(url);
    return route.abort('blockedbyclient');
  });

  await context.routeWebSocket(/.*/, (ws) => {
    const url = ws.url();
    log.record({ url, method: 'GET', resourceType: 'websocket', source: 'websocket' });
    if (log.isAllowed(url)) {
      ws.connectToServer();
    } else {
      log.blocked.push(url);
      ws.close({ code: 1008, reason: 'blocked by e2e privacy guard' });
    }
  });

  const stopShared = await watchSharedWorkers(browser, log);
  return async () => {
    context.off('request', onRequest);
    await stopShared();
  };
}

export function formatOffenders(offenders: readonly RecordedRequest[]): string {
  return offenders.map((r) => `  ${r.method} ${r.url}  [${r.resourceType}, from ${r.source}]`).join('\n');
}

function attachLog(testInfo: TestInfo, log: NetworkLog) {
  const offenders = log.offenders();
  testInfo.annotations.push({
    type: 'privacy',
    description: `${log.requests.length} requests recorded, ${offenders.length} off-origin, ${log.blocked.length} blocked`,
  });
  const shared = log.requests.filter((r) => r.resourceType === 'sharedworker').map((r) => r.url);
  if (shared.length > 0) {
    testInfo.annotations.push({
      type: 'privacy-warning',
      description: `SharedWorker(s) started (${shared.join(', ')}): their requests are recorded best effort only and not blocked`,
    });
  }
}

type PrivacyOptions = {
  /** Extra origins (e.g. 'http://127.0.0.1:5555') that are not offenders. */
  privacyAllowedOrigins: string[];
  /** Assert after the test that nothing left the origin (default true). */
  privacyEnforce: boolean;
};

type PrivacyFixtures = {
  /** The request log of this test's browser context. */
  network: NetworkLog;
};

export const test = base.extend<PrivacyOptions & PrivacyFixtures>({
  privacyAllowedOrigins: [[], { option: true }],
  privacyEnforce: [true, { option: true }],

  // Overriding `context` puts the guard in place before any page (and so any
  // worker or service worker) exists, for every test, whether or not it asks
  // for `network`.
  context: async ({ context, browser, baseURL, privacyAllowedOrigins, privacyEnforce }, use, testInfo) => {
    if (!baseURL) throw new Error('privacy guard needs use.baseURL (playwright.config.ts)');
    const log = new NetworkLog(new URL(baseURL).origin, privacyAllowedOrigins.map((o) => new URL(o).origin));
    const uninstall = await installGuard(context, browser, log);
    await use(context);
    // The `page` fixture depends on `context`, so the test body and the page
    // fixture are done here.
    await uninstall();
    attachLog(testInfo, log);
    const offenders = log.offenders();
    if (offenders.length > 0) {
      await testInfo.attach('privacy-offenders.txt', { body: formatOffenders(offenders), contentType: 'text/plain' });
    }
    if (privacyEnforce) {
      expect(
        offenders.map((r) => `${r.method} ${r.url} [${r.resourceType}, from ${r.source}]`),
        `requests left the app's origin ${log.origin}:\n${formatOffenders(offenders)}`,
      ).toEqual([]);
    }
  },

  network: async ({ context }, use) => {
    await use(networkLog(context));
  },
});
