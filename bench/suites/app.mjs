/**
 * app.*: the production build, as users get it.
 *
 * Both metrics use a fresh production build of the working tree, made by this
 * suite into a temporary directory bench/.cache/dist-XXXXXX (removed at the end;
 * the repo's dist/ is never touched): `vite build --outDir <tmp> --emptyOutDir
 * --manifest` run as a child process with the project's vite.config.ts (a child,
 * because Vite sets process.env.NODE_ENV=production in the process that builds,
 * which would turn the walk suite's dev server into a production one).
 * vite-plugin-pwa writes sw.js/workbox-*.js into that outDir like into dist/;
 * its globIgnores (bench/**) are relative to the outDir, so the precache list is
 * the same as dist/'s. --manifest adds .vite/manifest.json (a dot-dir: not
 * precached) which is only used to cross-check the import graph below.
 *
 * app.shell_js_gz_kb: the JavaScript a first paint waits for. From the built
 * index.html: every <script src> (the entry, type=module) and every
 * <link rel="modulepreload">, plus, recursively, the chunks those import
 * statically (`import{..}from"./x.js"` / `import"./x.js"` / `export..from`).
 * import() chunks (highlight.js languages, the *.service chunks, workbox-window)
 * and workers (new Worker(new URL(...))) are not counted. Each file is gzipped
 * separately with node:zlib at level 9 (files travel separately); the value is
 * the sum in KB = 1000 bytes (the unit Vite's build report uses). The closure is
 * checked against Vite's build manifest (`imports` of the entry, recursively): a
 * chunk the manifest lists and the scan missed is an error. The log also says
 * where the minified bytes come from, by package / src directory (from the
 * .js.map sourcemaps, which the build emits: build.sourcemap is on).
 *
 * app.cold_load_ms: reload to interactive, served by the service worker. The
 * temporary build is served by `vite preview` (programmatic, vite.config.ts
 * applies, so COOP/COEP headers are sent) on a free port on 127.0.0.1, in the
 * system Chromium with the e2e flags, fresh profile. First visit: load, wait
 * for the toast "Ready to work offline." (workbox-window 'installed': the
 * install event, i.e. precaching, finished) and navigator.serviceWorker.ready.
 * Then RELOADS reloads, each timed in Node
 * from just before page.reload() to the moment the "Open folder" button
 * (Welcome screen; fresh profile, so no folder to restore) is in the DOM,
 * rendered and enabled. An init script watches the DOM with a
 * MutationObserver and sets a flag; Node waits for it with rAF polling. After
 * each reload the same button is checked with getByRole('button', { name:
 * 'Open folder' }) + toBeEnabled, and the reload must have been served by the
 * SW: the navigation Response's fromServiceWorker() and
 * navigator.serviceWorker.controller !== null (a reload that is not is an
 * error). Value: the median. The SW stays running between these reloads, as
 * after a recent visit; RELOADS more reloads with the SW stopped first (CDP
 * ServiceWorker.stopAllWorkers, as after the browser idled) are logged, not
 * recorded. The log adds the in-page view (ms since navigation start: SW
 * response, DOMContentLoaded, first contentful paint, interactive) and which
 * JS the reloaded page fetched and from where.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { spawnSync } from 'node:child_process';
import { freePort } from '../lib/server.mjs';
import { launchChromium } from '../lib/browser.mjs';

const RELOADS = 7;
const KB = 1000;
const SHELL_GOAL = '<= 250';
const COLD_GOAL = '< 1000';

// ---- build --------------------------------------------------------------------

function buildInto(root, outDir, log) {
  const viteBin = path.join(root, 'node_modules', 'vite', 'bin', 'vite.js');
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [viteBin, 'build', '--outDir', outDir, '--emptyOutDir', '--manifest', '--logLevel', 'warn'], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, NODE_ENV: 'production' },
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error || r.status !== 0) throw new Error(`vite build failed (${r.error ?? `exit ${r.status}`}):\n${r.stderr}\n${r.stdout}`);
  const warnings = (r.stderr + r.stdout).trim();
  log(`vite build -> ${path.relative(root, outDir)}/ in ${((performance.now() - t0) / 1000).toFixed(1)} s` + (warnings ? `; output:\n    ${warnings.split('\n').join('\n    ')}` : ''));
  for (const f of ['index.html', 'sw.js', '.vite/manifest.json']) {
    if (!fs.existsSync(path.join(outDir, f))) throw new Error(`the build has no ${f}`);
  }
}

// ---- shell JS -----------------------------------------------------------------

const attr = (tag, name) => new RegExp(`\\b${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s"'>]+))`, 'i').exec(tag)?.slice(1).find((v) => v !== undefined);

/** Entry scripts and modulepreloads of the built index.html, as outDir-relative paths. */
function htmlShellScripts(html) {
  const found = [];
  for (const [tag] of html.replace(/<!--[\s\S]*?-->/g, '').matchAll(/<script\b[^>]*>/gi)) {
    const src = attr(tag, 'src');
    if (src) found.push({ url: src, how: `<script${/type\s*=\s*["']?module/i.test(tag) ? ' type=module' : ''}>` });
  }
  for (const [tag] of html.matchAll(/<link\b[^>]*>/gi)) {
    if ((attr(tag, 'rel') ?? '').toLowerCase().split(/\s+/).includes('modulepreload')) found.push({ url: attr(tag, 'href'), how: '<link rel=modulepreload>' });
  }
  return found;
}

/** The outDir-relative path of `spec` imported from `fromRel` ('' = the HTML page at /). */
function resolveLocal(spec, fromRel) {
  if (/^[a-z][a-z0-9+.-]*:/i.test(spec) || spec.startsWith('//')) return null; // absolute URL: not ours
  const base = new URL(fromRel ? `/${fromRel}` : '/', 'http://x/');
  return decodeURIComponent(new URL(spec, base).pathname.slice(1));
}

/**
 * Static import/export-from specifiers of a minified ES module chunk. rolldown
 * hoists them to the top of the chunk: `import{a as b}from"./x.js";import"./y.js";`.
 * `import(` (dynamic) and `import.meta` never match: the clause before `from`
 * may not contain a parenthesis, quote, semicolon or dot.
 */
function staticImports(code) {
  const out = [];
  // One character class, no alternation inside the repeat: the earlier `(?:[...]|\bas\b)*?\s*` backtracked
  // exponentially on a 440 KB entry chunk (the bench hung). `as` is covered by \w and \s.
  const re = /(?:^|[;}\n])\s*(?:import|export)\s*(?:[\w$*{}\s,]*?\bfrom\s*)?(["'`])([^"'`\n]+)\1/g;
  for (const m of code.matchAll(re)) out.push(m[2]);
  return out;
}

function shellClosure(outDir) {
  const html = fs.readFileSync(path.join(outDir, 'index.html'), 'utf8');
  const roots = htmlShellScripts(html);
  if (!roots.some((r) => r.how.includes('module'))) throw new Error('built index.html has no <script type="module" src>');
  const files = new Map(); // rel path -> { how, from }
  const queue = [];
  for (const r of roots) {
    const rel = resolveLocal(r.url, '');
    if (rel && !files.has(rel)) {
      files.set(rel, { how: r.how });
      queue.push(rel);
    }
  }
  while (queue.length) {
    const rel = queue.shift();
    const file = path.join(outDir, rel);
    if (!fs.existsSync(file)) throw new Error(`index.html loads ${rel}, which the build lacks`);
    for (const spec of staticImports(fs.readFileSync(file, 'utf8'))) {
      const dep = resolveLocal(spec, rel);
      if (!dep || files.has(dep)) continue;
      files.set(dep, { how: `static import from ${rel}` });
      queue.push(dep);
    }
  }
  return { files, html };
}

/** The same closure from Vite's manifest: the HTML entry and its `imports`, recursively. */
function manifestClosure(outDir) {
  const manifest = JSON.parse(fs.readFileSync(path.join(outDir, '.vite', 'manifest.json'), 'utf8'));
  const entries = Object.entries(manifest).filter(([k, v]) => v.isEntry && k.endsWith('.html'));
  const out = new Set();
  const visit = (key) => {
    const chunk = manifest[key];
    if (!chunk || out.has(chunk.file)) return;
    out.add(chunk.file);
    for (const k of chunk.imports ?? []) visit(k);
  };
  for (const [k] of entries) visit(k);
  return out;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_VALUE = Object.fromEntries([...B64].map((c, i) => [c, i]));

/** Generated bytes per original source, from a v3 sourcemap's `mappings`. */
function bytesBySource(code, map) {
  const lines = code.split('\n');
  const counts = new Map();
  const add = (src, n) => n > 0 && counts.set(src, (counts.get(src) ?? 0) + n);
  let srcIdx = 0;
  const mapped = map.mappings.split(';');
  for (let li = 0; li < lines.length; li++) {
    const line = lines[li];
    const segs = [];
    let col = 0;
    for (const seg of (mapped[li] ?? '').split(',')) {
      if (!seg) continue;
      const vals = [];
      let value = 0;
      let shift = 0;
      for (const ch of seg) {
        const d = B64_VALUE[ch];
        value += (d & 31) << shift;
        if (d & 32) shift += 5;
        else {
          vals.push(value & 1 ? -(value >>> 1) : value >>> 1);
          value = 0;
          shift = 0;
        }
      }
      col += vals[0];
      if (vals.length >= 4) srcIdx += vals[1];
      // later fields (original line/column/name) are deltas we do not need here
      segs.push({ col, src: vals.length >= 4 ? srcIdx : -1 });
    }
    if (!segs.length) add(-1, line.length + 1);
    else add(-1, segs[0].col);
    for (let i = 0; i < segs.length; i++) add(segs[i].src, (i + 1 < segs.length ? segs[i + 1].col : line.length + 1) - segs[i].col);
  }
  const named = new Map();
  for (const [idx, n] of counts) {
    const name = idx < 0 ? '(unmapped: bundler runtime, glue)' : map.sources[idx];
    named.set(name, (named.get(name) ?? 0) + n);
  }
  return named;
}

/** 'node_modules/preact/hooks/dist/x.js' -> 'preact'; '../../src/ui/app/App.tsx' -> 'src/ui/app/'. */
function groupOf(source) {
  const s = source.replace(/^(\.\.\/)+/, '').replace(/^\/+/, '');
  const nm = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(s);
  if (nm) return nm[1];
  const i = s.search(/(?:^|\/)src\//);
  if (i >= 0) return s.slice(s.indexOf('src/', i), s.lastIndexOf('/') + 1);
  return s;
}

function measureShell(ctx, outDir) {
  const { files } = shellClosure(outDir);
  const fromManifest = manifestClosure(outDir);
  const ours = [...files.keys()].filter((f) => f.endsWith('.js') || f.endsWith('.mjs'));
  const missing = [...fromManifest].filter((f) => !files.has(f));
  const extra = ours.filter((f) => !fromManifest.has(f));
  // Missing chunks mean the import scan is broken; extra files can be legitimate
  // (a script from public/ in index.html is not in the manifest), so only logged.
  if (missing.length) throw new Error(`the static-import scan missed chunks Vite's manifest lists for index.html: ${missing.join(', ')}`);

  let raw = 0;
  let gz = 0;
  let gz6 = 0;
  const groups = new Map();
  for (const rel of ours) {
    const buf = fs.readFileSync(path.join(outDir, rel));
    const g = zlib.gzipSync(buf, { level: 9 }).length;
    raw += buf.length;
    gz += g;
    gz6 += zlib.gzipSync(buf).length;
    ctx.log(`shell: ${rel} (${files.get(rel).how}): ${(buf.length / KB).toFixed(1)} kB, gzip ${(g / KB).toFixed(1)} kB`);
    const mapFile = path.join(outDir, rel + '.map');
    if (fs.existsSync(mapFile)) {
      const map = JSON.parse(fs.readFileSync(mapFile, 'utf8'));
      for (const [src, n] of bytesBySource(buf.toString('utf8'), map)) {
        const key = groupOf(src);
        groups.set(key, (groups.get(key) ?? 0) + n);
      }
    }
  }
  ctx.log(
    `shell: ${ours.length} JS file(s), ${(raw / KB).toFixed(1)} kB minified, ${(gz / KB).toFixed(1)} kB gzip (level 9, per file, KB = 1000 bytes; ` +
      `${(gz6 / KB).toFixed(1)} kB at zlib's default level 6); ` +
      (extra.length ? `beyond Vite's build manifest: ${extra.join(', ')}` : `same set as Vite's build manifest`),
  );
  if (groups.size) {
    const top = [...groups].sort((a, b) => b[1] - a[1]);
    ctx.log(`shell: minified bytes by origin (sourcemaps), top ${Math.min(12, top.length)} of ${top.length}:`);
    for (const [k, n] of top.slice(0, 12)) ctx.log(`  ${(n / KB).toFixed(1).padStart(7)} kB  ${((100 * n) / raw).toFixed(1).padStart(5)}%  ${k}`);
  }
  return { value: gz / KB, raw, count: ours.length };
}

// ---- cold load ----------------------------------------------------------------

/** Runs in the page before its scripts: records when "Open folder" is rendered and enabled. */
function watchInteractive() {
  const ready = (b) => b.textContent.trim() === 'Open folder' && !b.disabled && !b.closest('[hidden],[inert]') && b.getClientRects().length > 0 && getComputedStyle(b).visibility !== 'hidden';
  const check = () => {
    if (window.__benchInteractiveAt !== undefined) return;
    for (const b of document.getElementsByTagName('button')) {
      if (ready(b)) {
        window.__benchInteractiveAt = performance.now();
        observer.disconnect();
        return;
      }
    }
  };
  const observer = new MutationObserver(check);
  observer.observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
}

async function measureColdLoad(ctx, outDir) {
  const { preview } = await import('vite');
  const { expect } = await import('@playwright/test');
  const host = '127.0.0.1';
  const port = await freePort(host);
  // preview() resolves its config in this process with mode production and sets
  // process.env.NODE_ENV=production when unset; put it back for later suites.
  const nodeEnv = process.env.NODE_ENV;
  let server;
  try {
    server = await preview({
      root: ctx.root, // configFile: <root>/vite.config.ts, so preview.headers (COOP/COEP) apply
      logLevel: process.env.BENCH_VERBOSE ? 'info' : 'warn',
      clearScreen: false,
      build: { outDir },
      preview: { host, port, strictPort: true, open: false },
    });
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }
  const origin = `http://${host}:${port}`;
  ctx.log(`vite preview of the build at ${origin}`);
  let browser;
  try {
    browser = await launchChromium();
    ctx.log(`Chromium ${browser.version()} (system, e2e flags), fresh profile`);
    const context = await browser.newContext();
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    page.on('pageerror', (err) => ctx.log(`  [page error] ${err.message}`));
    page.on('console', (msg) => {
      if (msg.type() === 'error' || process.env.BENCH_VERBOSE) ctx.log(`  [page ${msg.type()}] ${msg.text()}`);
    });
    await page.addInitScript(watchInteractive);
    let requests = [];
    page.on('requestfinished', (req) => requests.push(req));
    const openFolder = page.getByRole('button', { name: 'Open folder' });
    const waitInteractive = () => page.waitForFunction(() => window.__benchInteractiveAt !== undefined, null, { polling: 'raf' });

    // First visit: network, no service worker yet.
    const t0 = performance.now();
    const first = await page.goto(`${origin}/`);
    await waitInteractive();
    const firstMs = performance.now() - t0;
    const headers = first.headers();
    if (headers['cross-origin-embedder-policy'] !== 'require-corp' || headers['cross-origin-opener-policy'] !== 'same-origin')
      throw new Error(`vite preview did not send COOP/COEP (got ${JSON.stringify(headers)})`);
    await expect(page.getByRole('status').filter({ hasText: 'Ready to work offline.' })).toBeVisible({ timeout: 30_000 });
    await page.evaluate(() => navigator.serviceWorker.ready);
    const offlineMs = performance.now() - t0;
    const firstJs = requests.filter((r) => r.resourceType() === 'script' || /\.m?js$/.test(new URL(r.url()).pathname));
    ctx.log(
      `first visit (network, no SW): interactive after ${firstMs.toFixed(0)} ms, "Ready to work offline." + serviceWorker.ready after ` +
        `${offlineMs.toFixed(0)} ms; crossOriginIsolated=${await page.evaluate(() => self.crossOriginIsolated)}; ` +
        `${requests.length} requests (${firstJs.length} page scripts)`,
    );

    // Reloads, served by the service worker: the metric with the SW left running
    // (as after a recent visit), then the same with the SW stopped before each
    // reload (CDP ServiceWorker.stopAllWorkers; as after the browser idled it), log only.
    const cdp = await context.newCDPSession(page);
    let swStarts = 0;
    const swStatus = new Map(); // versionId -> runningStatus; the event repeats unchanged statuses
    cdp.on('ServiceWorker.workerVersionUpdated', ({ versions }) => {
      for (const v of versions) {
        if (v.runningStatus === 'starting' && swStatus.get(v.versionId) !== 'starting') swStarts++;
        swStatus.set(v.versionId, v.runningStatus);
      }
    });
    await cdp.send('ServiceWorker.enable');
    const reloads = async (stopWorker) => {
      const samples = [];
      const inPage = [];
      const sources = { sw: 0, network: 0 };
      const startsBefore = swStarts;
      let scripts = [];
      for (let i = 0; i < RELOADS; i++) {
        if (stopWorker) await cdp.send('ServiceWorker.stopAllWorkers');
        requests = [];
        const t0 = performance.now();
        const res = await page.reload({ waitUntil: 'commit' });
        await waitInteractive();
        samples.push(performance.now() - t0);
        await expect(openFolder).toBeEnabled({ timeout: 5_000 });
        const state = await page.evaluate(() => {
          const nav = performance.getEntriesByType('navigation')[0];
          const fcp = performance.getEntriesByName('first-contentful-paint')[0];
          return {
            controlled: navigator.serviceWorker.controller !== null,
            isolated: self.crossOriginIsolated,
            interactive: window.__benchInteractiveAt,
            workerStart: nav?.workerStart || null,
            responseStart: nav?.responseStart ?? null,
            dcl: nav?.domContentLoadedEventEnd ?? null,
            fcp: fcp?.startTime ?? null,
          };
        });
        if (!res?.fromServiceWorker() || !state.controlled)
          throw new Error(`reload ${i + 1} was not served by the service worker (fromServiceWorker=${res?.fromServiceWorker()}, controller=${state.controlled})`);
        inPage.push(state);
        // Requests finished by now (interactive + one evaluate): the start-up set.
        for (const r of requests) {
          if ((await r.response())?.fromServiceWorker()) sources.sw++;
          else sources.network++;
        }
        scripts = requests.filter((r) => /\.m?js$/.test(new URL(r.url()).pathname)).map((r) => new URL(r.url()).pathname.replace(/^\/assets\//, ''));
      }
      const med = (k) => {
        const v = inPage.map((s) => s[k]).filter((x) => x !== null && x !== undefined);
        return v.length ? ctx.median(v).toFixed(0) : '-';
      };
      const label = stopWorker ? 'SW stopped before each reload (log only)' : 'SW running (the metric)';
      ctx.log(
        `${RELOADS} reloads, ${label}: median ${ctx.median(samples).toFixed(0)} ms (runs: ${samples.map((x) => x.toFixed(0)).join(', ')}); ` +
          `every navigation response fromServiceWorker() and navigator.serviceWorker.controller set; ` +
          `crossOriginIsolated=${inPage.every((x) => x.isolated)}; requests: ${sources.sw} from the SW, ${sources.network} from the network; ` +
          `SW started ${swStarts - startsBefore} times`,
      );
      ctx.log(
        `  in the page (median ms since navigation start): workerStart ${med('workerStart')}, response ${med('responseStart')}, ` +
          `DOMContentLoaded ${med('dcl')}, first contentful paint ${med('fcp')}, "Open folder" enabled ${med('interactive')}`,
      );
      return { samples, scripts };
    };
    const { samples, scripts } = await reloads(false);
    ctx.log(`  scripts a reload fetched before interactive: ${scripts.join(', ') || '(none)'}`);
    await reloads(true);
    return { value: ctx.median(samples), samples };
  } finally {
    await browser?.close().catch(() => undefined);
    await server.close();
  }
}

export default {
  name: 'app',
  metrics: ['app.shell_js_gz_kb', 'app.cold_load_ms'],

  async run(ctx) {
    const cacheDir = path.join(ctx.benchDir, '.cache');
    fs.mkdirSync(cacheDir, { recursive: true });
    // A directory of its own per run: two bench runs at once must not empty each other's build.
    const outDir = fs.mkdtempSync(path.join(cacheDir, 'dist-'));
    const metrics = {};
    try {
      buildInto(ctx.root, outDir, ctx.log);
      if (ctx.wants('app.shell_js_gz_kb')) {
        const shell = measureShell(ctx, outDir);
        metrics['app.shell_js_gz_kb'] = { value: shell.value, unit: 'KB', goal: SHELL_GOAL };
      }
      if (ctx.wants('app.cold_load_ms')) {
        const cold = await measureColdLoad(ctx, outDir);
        metrics['app.cold_load_ms'] = { value: cold.value, unit: 'ms', goal: COLD_GOAL };
      }
    } finally {
      fs.rmSync(outDir, { recursive: true, force: true });
    }
    return metrics;
  },
};
