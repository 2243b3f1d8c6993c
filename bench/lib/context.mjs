/**
 * What a suite's run(ctx) gets. Expensive parts (dev server, browser, the OPFS
 * copy of the corpus) start on first use and are shared by all suites.
 *
 *   ctx.corpus              on-disk corpus: { name, source, dir, files: [{path,size}], bytes, dirs }
 *   ctx.opfsCorpus()        copies the corpus into OPFS once: { dirName, files, bytes, ms }
 *   ctx.tsCorpus            the TypeScript corpus from node_modules (corpus.mjs), same shape as ctx.corpus
 *   ctx.opfsCorpus('ts-node-modules')  its OPFS copy (once); the argument defaults to ctx.corpus.name
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
import { TS_CORPUS_NAME, prepareCorpus, prepareTsCorpus } from './corpus.mjs';
import { startDevServer } from './server.mjs';
import { openBrowser } from './browser.mjs';
import { median, time, round } from './stats.mjs';

export const OPFS_CORPUS_DIR = 'bench-python-stdlib';
/** OPFS directory of each corpus other than the default one. */
const OPFS_DIRS = { [TS_CORPUS_NAME]: 'bench-ts-node-modules' };

export function createContext({ root, benchDir, suites, wants }) {
  const log = (...args) => console.log('  ' + args.join(' '));
  let corpus = null;
  let server = null;
  let browserPromise = null;
  let tsCorpus = null;
  const opfsCopies = new Map();
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

  const getTsCorpus = () => {
    if (!tsCorpus) {
      tsCorpus = prepareTsCorpus(benchDir, log);
      const x = tsCorpus.excluded;
      log(
        `corpus: ${tsCorpus.name}: ${tsCorpus.files.length} files, ${tsCorpus.dirs} dirs, ${(tsCorpus.bytes / 1e6).toFixed(1)} MB` +
          `${tsCorpus.copied ? ' (fresh copy)' : ' (cached copy)'}; left out: ${x.walkExcludedDirs} dist/build/... dirs, ` +
          `${x.minified} *.min.js, ${x.tooLarge} files of 1 MB or more`,
      );
    }
    return tsCorpus;
  };
  const corpusNamed = (name) => {
    if (name === getCorpus().name) return getCorpus();
    if (name === TS_CORPUS_NAME) return getTsCorpus();
    throw new Error(`no corpus named "${name}"`);
  };

  const browser = () => {
    browserPromise ??= (async () => {
      const c = getCorpus();
      const optimizeDeps = suites.flatMap((s) => s.optimizeDeps ?? []);
      const preload = [...new Set(suites.flatMap((s) => s.preload ?? []))];
      server = await startDevServer({ root, corpus: c, corpusNamed, optimizeDeps });
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
    get tsCorpus() {
      return getTsCorpus();
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
    opfsCorpus(name = getCorpus().name) {
      let copy = opfsCopies.get(name);
      if (!copy) {
        copy = (async () => {
          const c = corpusNamed(name);
          const isDefault = c === getCorpus();
          const dirName = isDefault ? OPFS_CORPUS_DIR : OPFS_DIRS[name];
          const b = await browser();
          const r = await b.evaluate(([dir, corpus]) => window.bench.copyCorpus(dir, { corpus }), [dirName, isDefault ? null : name]);
          log(`corpus copied into OPFS ${dirName}/: ${r.files} files, ${(r.bytes / 1e6).toFixed(1)} MB in ${(r.ms / 1000).toFixed(1)} s`);
          if (r.files !== c.files.length) throw new Error(`OPFS copy has ${r.files} files, corpus ${c.files.length}`);
          return { dirName, ...r };
        })();
        opfsCopies.set(name, copy);
      }
      return copy;
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
