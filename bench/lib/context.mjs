/**
 * What a suite's run(ctx) gets. Expensive parts (dev server, browser, the OPFS
 * copy of the corpus) start on first use and are shared by all suites.
 *
 *   ctx.corpus              on-disk corpus: { name, source, dir, files: [{path,size}], bytes, dirs }
 *   ctx.opfsCorpus()        copies the corpus into OPFS once: { dirName, files, bytes, ms }
 *   ctx.page()              the shared Playwright Page on /bench/harness.html
 *   ctx.evaluate(fn, arg)   page.evaluate, retried once if Vite reloaded the page
 *   ctx.median(samples)     median of numbers
 *   ctx.time(fn, runs, { warmup })  wall-clock ms of fn: { median, min, max, samples, last }
 *   ctx.which(cmd)          first line of `cmd --version`, or null when not installed
 *   ctx.wants(id)           whether this run records metric `id` (skip work otherwise)
 *   ctx.log(...)            indented progress output
 *   ctx.root, ctx.benchDir, ctx.cpus
 */
import os from 'node:os';
import { spawnSync } from 'node:child_process';
import { prepareCorpus } from './corpus.mjs';
import { startDevServer } from './server.mjs';
import { openBrowser } from './browser.mjs';
import { median, time, round } from './stats.mjs';

export const OPFS_CORPUS_DIR = 'bench-python-stdlib';

export function createContext({ root, benchDir, suites, wants }) {
  const log = (...args) => console.log('  ' + args.join(' '));
  let corpus = null;
  let server = null;
  let browserPromise = null;
  let opfsPromise = null;
  const env = { browser: null, isolated: null };

  const getCorpus = () => {
    if (!corpus) {
      corpus = prepareCorpus(benchDir, log);
      log(
        `corpus: ${corpus.name} from ${corpus.source}: ${corpus.files.length} files, ${corpus.dirs} dirs, ` +
          `${(corpus.bytes / 1e6).toFixed(1)} MB${corpus.copied ? ' (fresh copy)' : ' (cached copy)'}; ` +
          `excluded from the copy: ${corpus.excludedFromCopy.join(', ')} dirs (${corpus.skipped.excludedDirs} skipped); ` +
          `symlinks copied as their targets (${corpus.skipped.symlinks} dir/broken links skipped)`,
      );
    }
    return corpus;
  };

  const browser = () => {
    browserPromise ??= (async () => {
      const c = getCorpus();
      const optimizeDeps = suites.flatMap((s) => s.optimizeDeps ?? []);
      const preload = [...new Set(suites.flatMap((s) => s.preload ?? []))];
      server = await startDevServer({ root, corpus: c, optimizeDeps });
      log(`vite dev server at ${server.origin}`);
      const b = await openBrowser({
        origin: server.origin,
        preload,
        log,
        waitIdle: async () => {
          // Vite >= 5.3: resolves when the static-import crawl has finished.
          await server.server.waitForRequestsIdle?.().catch(() => undefined);
        },
      });
      env.browser = b.version;
      env.isolated = b.isolated;
      log(`Chromium ${b.version}, crossOriginIsolated=${b.isolated}`);
      return b;
    })();
    return browserPromise;
  };

  const ctx = {
    root,
    benchDir,
    cpus: os.cpus().length,
    get corpus() {
      return getCorpus();
    },
    median,
    time,
    round,
    log,
    wants,
    async page() {
      return (await browser()).page;
    },
    async evaluate(fn, arg) {
      return (await browser()).evaluate(fn, arg);
    },
    opfsCorpus() {
      opfsPromise ??= (async () => {
        const b = await browser();
        const r = await b.evaluate((dirName) => window.bench.copyCorpus(dirName), OPFS_CORPUS_DIR);
        log(`corpus copied into OPFS ${OPFS_CORPUS_DIR}/: ${r.files} files, ${(r.bytes / 1e6).toFixed(1)} MB in ${(r.ms / 1000).toFixed(1)} s`);
        if (r.files !== getCorpus().files.length) throw new Error(`OPFS copy has ${r.files} files, corpus ${getCorpus().files.length}`);
        return { dirName: OPFS_CORPUS_DIR, ...r };
      })();
      return opfsPromise;
    },
    which(cmd, args = ['--version']) {
      const r = spawnSync(cmd, args, { encoding: 'utf8' });
      if (r.error || r.status !== 0) return null;
      return (r.stdout || r.stderr).split('\n')[0].trim();
    },
    environment: () => ({ ...env }),
    async close() {
      if (browserPromise) await (await browserPromise.catch(() => null))?.close();
      if (server) await server.close();
    },
  };
  return ctx;
}
