/**
 * In-page side of the editor suite (bench/suites/editor.mjs), imported into a
 * page of its own on /bench/harness.html: the real EditorPane (Preact, the
 * app's theme and editor CSS, CodeMirror 6, ghost text, the completion state)
 * mounted as the Files page mounts it, over the Python-stdlib corpus in OPFS
 * (`workspace.value` = a HandleWorkspace over the OPFS dir). Files open with
 * `openFile(path)` from src/state/files.ts, as a click in the file tree does.
 *
 * Keys are real: the suite presses them with page.keyboard (trusted events
 * through CDP); this module arms the observers before each key and reads the
 * result after. Page times are performance.now() (event.timeStamp shares its
 * origin).
 */
import { h, render } from 'preact';
import { EditorSelection } from '@codemirror/state';
import '/src/ui/app/theme.css';
import EditorPane from '/src/ui/editor/EditorPane.tsx';
import { workspace } from '/src/state/workspace.ts';
import { openFile } from '/src/state/files.ts';
import { HandleWorkspace } from '/src/workspace/handle-workspace.ts';
import { currentView, tabs, activePath } from '/src/editor/tabs.ts';
import { ghostCounts } from '/src/editor/session.ts';
import { completionStatus, setCompletionEnabled } from '/src/state/completion-status.ts';
import { device, download, loadModel, loadedModel, localModels, saveLlmConfig, setDefaultModel } from '/src/state/models.ts';
import { addProvider, addProviderCompletionModel, initProviders } from '/src/state/providers.ts';
import { codeIndexFor } from '/src/state/code-index.ts';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const nextFrame = () => new Promise((r) => requestAnimationFrame(() => r()));

/** Resolves at the frame after now: in its rAF callback, with style and layout forced (the frame's own work, counted). */
const framePaint = () =>
  new Promise((resolve) =>
    requestAnimationFrame(() => {
      void document.body.offsetHeight;
      resolve(performance.now());
    }),
  );

let env = null;

async function waitFor(check, what, timeoutMs = 60_000) {
  const t0 = performance.now();
  for (;;) {
    const v = check();
    if (v) return v;
    if (performance.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

const host = () => document.querySelector('[data-testid=code-editor]');
const ghostNode = () => host()?.querySelector('[data-testid=ghost-text]') ?? null;

/** Ghost counts and their change times: each change of the pane's counters, time-stamped. */
const countLog = [];

/**
 * The llm worker's completeFim calls, time-stamped at four points: the page
 * posts the Comlink APPLY message (before its structured clone), the worker
 * receives it, the worker posts the reply, the page's message event fires (a
 * listener added before Comlink's). Bench instrumentation only: in this page
 * the Worker constructor is wrapped before the app starts its workers, and
 * the app's llm worker (name 'llm') starts on bench/editor/llm-probe.worker.js,
 * which imports workers/llm.worker.ts unchanged after registering its probes.
 */
const fimLog = [];
function instrumentLlmWorker() {
  const NativeWorker = window.Worker;
  window.Worker = class extends NativeWorker {
    constructor(url, options) {
      const llm = options?.name === 'llm';
      super(llm ? new URL('/bench/editor/llm-probe.worker.js', location.href) : url, options);
      if (!llm) return;
      const post = this.postMessage.bind(this);
      this.postMessage = (msg, transfer) => {
        if (msg?.type === 'APPLY' && msg.path?.[0] === 'completeFim') fimLog.push({ id: msg.id, postAt: performance.now(), replyAt: null, workerInMs: null, workerMs: null });
        return post(msg, transfer);
      };
      this.addEventListener('message', (ev) => {
        const probe = ev.data?.__probe;
        const id = probe?.id ?? ev.data?.id;
        if (!id) return;
        const e = fimLog.find((x) => x.id === id);
        if (!e) return;
        if (probe) {
          // Epoch times from the worker, turned into this page's clock.
          e.workerArrivedAt = probe.arrivedAt - performance.timeOrigin;
          e.workerReplyAt = probe.replyAt - performance.timeOrigin;
        } else if (e.replyAt === null) e.replyAt = performance.now();
      });
    }
  };
}

/** Mounts EditorPane on the OPFS corpus. */
export async function setup({ dirName }) {
  if (env) return env.info;
  document.getElementById('status')?.remove();
  document.body.style.margin = '0';
  // The Files page's layout (src/ui/app/App.tsx): .app > main.workbench > section.editor > the pane.
  const app = document.createElement('div');
  app.className = 'app';
  app.style.height = '100vh';
  const main = document.createElement('main');
  main.className = 'workbench';
  const section = document.createElement('section');
  section.className = 'editor';
  main.append(section);
  app.append(main);
  document.body.append(app);

  instrumentLlmWorker();
  const root = await window.bench.opfsDir(dirName);
  workspace.value = new HandleWorkspace({ id: 'bench-editor', name: 'python-stdlib', source: 'opfs', root });
  render(h(EditorPane, {}), section);
  let last = ghostCounts.peek();
  ghostCounts.subscribe((c) => {
    const at = performance.now();
    for (const k of ['requests', 'answered', 'shown', 'accepted']) if (c[k] !== last[k]) countLog.push({ kind: k, at });
    last = c;
  });
  // The pane starts the completion state (models, providers) on mount: let it finish before we configure.
  await waitFor(() => device.value !== null, 'the llm worker device probe', 120_000);
  await initProviders();
  await sleep(300);
  env = { info: { chromium: navigator.userAgent.match(/Chrom(e|ium)\/([\d.]+)/)?.[2] ?? null, isolated: self.crossOriginIsolated } };
  return env.info;
}

// ---------------------------------------------------------------------------
// editor.open_1mb_ms

/** Writes `count` copies of `body` to OPFS <dirName>/<folder>/big-<i>.py, each with its own first line. */
export async function writeBigFiles({ dirName, folder, count, body }) {
  const root = await window.bench.opfsDir(dirName);
  const dir = await root.getDirectoryHandle(folder, { create: true });
  const out = [];
  for (let i = 0; i < count; i++) {
    const header = `# big-${i}.py: Python standard library sources concatenated for the editor bench (copy ${i})`;
    // A definition right below: the syntax mode's first keyword colour on screen (`def`).
    const bytes = new TextEncoder().encode(`${header}\ndef bench_copy_${i}():\n    return ${i}\n\n\n${body}`);
    const handle = await dir.getFileHandle(`big-${i}.py`, { create: true });
    const w = await handle.createWritable();
    await w.write(bytes);
    await w.close();
    out.push({ path: `${folder}/big-${i}.py`, header, bytes: bytes.byteLength });
  }
  return out;
}

export async function removeBigFiles({ dirName, folder }) {
  const root = await window.bench.opfsDir(dirName);
  await root.removeEntry(folder, { recursive: true }).catch((err) => {
    if (err.name !== 'NotFoundError') throw err;
  });
}

/** A `def` on screen in the keyword colour (the syntax mode applied). */
function keywordColoured(el) {
  for (const span of el.querySelectorAll('.cm-content .cm-line span')) {
    if (span.textContent !== 'def') continue;
    const line = span.closest('.cm-line');
    if (getComputedStyle(span).color !== getComputedStyle(line).color) return true;
  }
  return false;
}

/**
 * openFile(path) -> the frame after the file's first line is in .cm-content
 * (MutationObserver on the editor host, then the next rAF with layout forced);
 * and -> the frame after a `def` shows in the keyword colour.
 */
export async function openBig({ path, header }) {
  const el = host();
  if (!el) throw new Error('no editor host');
  const result = await new Promise((resolve, reject) => {
    let t0 = 0;
    let textAt = null;
    let textPaint = null;
    let done = false;
    const timer = setTimeout(() => finish(), 15_000);
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      mo.disconnect();
      if (textPaint === null) reject(new Error(`the first line of ${path} never showed (tab: ${JSON.stringify(tabs.peek().find((t) => t.path === path))})`));
      else resolve({ textMs: textPaint - t0, domMs: textAt - t0, highlightMs: null });
    };
    const check = () => {
      if (done) return;
      if (textAt === null) {
        const first = el.querySelector('.cm-content .cm-line');
        if (first && first.textContent === header) {
          textAt = performance.now();
          void framePaint().then((t) => {
            textPaint = t;
            check();
          });
        }
      } else if (textPaint !== null && keywordColoured(el)) {
        done = true;
        clearTimeout(timer);
        mo.disconnect();
        const hlAt = performance.now();
        void framePaint().then((t) => resolve({ textMs: textPaint - t0, domMs: textAt - t0, highlightMs: t - t0, highlightDomMs: hlAt - t0 }));
      }
    };
    const mo = new MutationObserver(check);
    mo.observe(el, { subtree: true, childList: true, characterData: true, attributes: true });
    t0 = performance.now();
    void openFile(path);
  });
  const view = currentView();
  return { ...result, lines: view?.state.doc.lines ?? 0, chars: view?.state.doc.length ?? 0 };
}

/** Closes the tab of `path` with its close button (a clean tab closes without asking). */
export async function closeTab({ path }) {
  const button = [...document.querySelectorAll('.tab-bar button')].find((b) => b.getAttribute('aria-label') === `Close ${path}`);
  if (!button) throw new Error(`no tab for ${path}`);
  button.click();
  await waitFor(() => !tabs.peek().some((t) => t.path === path), `the tab of ${path} to close`);
  await nextFrame();
}

// ---------------------------------------------------------------------------
// completion.*: models

export const LOCAL_MODEL = 'transformers:tiny-llama';

/** The tiny fixture model in the real llm worker on WASM, as the completion model (the app's own state calls). */
export async function useLocalModel() {
  await saveLlmConfig({
    localModelPath: '/e2e/fixtures/models/',
    transformersDevice: 'wasm',
    customModels: [{ repo: 'tiny-llama', dtype: 'q8', label: 'Tiny', family: 'qwen2.5-coder' }],
  });
  const t0 = performance.now();
  if (loadedModel.value?.modelId !== LOCAL_MODEL) {
    const ok = await loadModel(LOCAL_MODEL);
    if (!ok) throw new Error(`loading ${LOCAL_MODEL} failed: ${download.value?.error ?? 'cancelled'}`);
  }
  await setDefaultModel('completion', LOCAL_MODEL);
  const info = localModels.value.find((m) => m.id === LOCAL_MODEL);
  return { loadMs: performance.now() - t0, contextWindow: info?.contextWindow ?? null, family: info?.family ?? null };
}

/** A provider whose OpenAI-compatible /v1/completions the suite's node:http server answers at once. */
export async function useRemoteModel({ baseUrl, model }) {
  const id = 'bench-fim';
  const problem = await addProvider({ id, name: 'Bench FIM server', kind: 'openai-compatible', baseUrl, apiKey: '', chatModels: {}, completionModels: {}, enabled: true });
  if (problem) throw new Error(`addProvider: ${problem}`);
  await addProviderCompletionModel(id, model);
  await setDefaultModel('completion', `${id}/${model}`);
  return { key: `${id}/${model}` };
}

/** Starts the AST index (completion does on its first request) and waits for its first pass. */
export async function indexIdle() {
  const t0 = performance.now();
  const index = await codeIndexFor(workspace.value);
  const s = await index.whenIdle();
  return { files: s.files, state: s.state, ms: performance.now() - t0 };
}

// ---------------------------------------------------------------------------
// completion.*: keystrokes

/** Opens a corpus file (as the tree does) and waits for its text. */
export async function openText({ path }) {
  await openFile(path);
  await waitFor(() => activePath.peek() === path && tabs.peek().find((t) => t.path === path)?.status === 'text', `${path} to open`);
  await waitFor(() => currentView()?.state.doc.length > 0 && host()?.querySelector('.cm-line'), `${path} on screen`);
  await sleep(300);
  const view = currentView();
  return { lines: view.state.doc.lines, chars: view.state.doc.length };
}

/**
 * Lines to type at, spread over the file: not blank, not comments, ending in
 * an identifier character or a closing bracket, at most 100 characters, under
 * no other line's 5,000-character prefix window twice (every position new).
 */
export function candidateLines({ count, skip = 0 }) {
  const doc = currentView().state.doc;
  const ok = [];
  for (let n = 20; n <= doc.lines - 5; n++) {
    const text = doc.line(n).text;
    const t = text.trim();
    if (t.length < 12 || text.length > 100 || t.startsWith('#') || /^("""|''')/.test(t) || !/[\w)\]]$/.test(t)) continue;
    ok.push(n);
  }
  const stride = Math.max(1, Math.floor(ok.length / (count + skip)));
  const picked = [];
  for (let i = skip; picked.length < count && i * stride < ok.length; i++) picked.push(ok[i * stride]);
  return { lines: picked, candidates: ok.length };
}

let armed = null;

/**
 * Puts the caret at the end of `line` (no ghost, nothing pending) and arms the
 * observers for the next key: its keydown (capture, on the editor host), the
 * ghost text node added (MutationObserver), and the frame after.
 *   kind 'fresh': a ghost appears where there was none (a model call).
 *   kind 'along': the shown ghost turns into `expect` (typing along it).
 */
export async function arm({ kind, line, expect }) {
  const view = currentView();
  if (kind === 'fresh') {
    const at = view.state.doc.line(line).to;
    view.dispatch({ selection: EditorSelection.cursor(at), scrollIntoView: true });
    view.focus();
    await nextFrame();
    await nextFrame();
    if (ghostNode()) throw new Error('a ghost is still on screen after the caret moved');
  } else if (!ghostNode()) {
    throw new Error('no ghost to type along');
  }
  const el = host();
  const a = {
    kind,
    expect,
    armAt: performance.now(),
    keydownAt: null,
    keydownHandledAt: null,
    typedDomAt: null,
    ghostDomAt: null,
    ghostPaintAt: null,
    ghostText: null,
    countsBefore: { ...ghostCounts.peek() },
    logFrom: countLog.length,
    statusBefore: completionStatus.peek(),
    resolve: null,
  };
  a.done = new Promise((r) => (a.resolve = r));
  const onKey = (e) => {
    if (a.keydownAt !== null) return;
    a.keydownHandledAt = performance.now();
    a.keydownAt = e.timeStamp;
  };
  el.addEventListener('keydown', onKey, true);
  const content = el.querySelector('.cm-content');
  const seen = (records) => {
    // The key's own change handled: the first mutation in .cm-content after the keydown (CodeMirror's
    // observer was created first, so by now it has read the change and dispatched it).
    if (a.keydownAt !== null && a.typedDomAt === null && records?.some((r) => content.contains(r.target))) a.typedDomAt = performance.now();
    if (a.ghostDomAt !== null) return;
    const g = ghostNode();
    if (!g) return;
    if (kind === 'along' && g.textContent !== expect) return;
    a.ghostDomAt = performance.now();
    a.ghostText = g.textContent;
    void framePaint().then((t) => {
      a.ghostPaintAt = t;
      a.resolve();
    });
  };
  const mo = new MutationObserver(seen);
  mo.observe(el, { subtree: true, childList: true, characterData: true });
  a.cleanup = () => {
    el.removeEventListener('keydown', onKey, true);
    mo.disconnect();
  };
  armed = a;
  return { ok: true };
}

/** After the key: waits for the ghost (or an answer without one) and returns what happened, in page ms. */
export async function collect({ timeoutMs = 20_000 }) {
  const a = armed;
  armed = null;
  if (!a) throw new Error('collect without arm');
  const t0 = performance.now();
  const answered = () => ghostCounts.peek().answered > a.countsBefore.answered;
  for (;;) {
    if (a.ghostPaintAt !== null) break;
    if (a.kind === 'fresh' && answered()) {
      // A ghost is dispatched right after the answer; give the frame a chance, then call it empty.
      await Promise.race([a.done, sleep(200)]);
      break;
    }
    if (a.kind === 'along' && performance.now() - t0 > 1000) break;
    if (performance.now() - t0 > timeoutMs) break;
    await sleep(5);
  }
  a.cleanup();
  const counts = ghostCounts.peek();
  const log = countLog.slice(a.logFrom);
  const first = (kind) => log.find((e) => e.kind === kind)?.at ?? null;
  const status = completionStatus.peek();
  const modelCall = status !== a.statusBefore && status.lastCached === false && typeof status.lastMs === 'number';
  const fims = fimLog.filter((x) => x.postAt >= a.armAt);
  return {
    kind: a.kind,
    keydownAt: a.keydownAt,
    keydownHandledAt: a.keydownHandledAt,
    typedDomAt: a.typedDomAt,
    fimCalls: fims.length,
    fimPostAt: fims[0]?.postAt ?? null,
    fimReplyAt: fims[0]?.replyAt ?? null,
    workerArrivedAt: fims[0]?.workerArrivedAt ?? null,
    workerReplyAt: fims[0]?.workerReplyAt ?? null,
    ghostDomAt: a.ghostDomAt,
    ghostPaintAt: a.ghostPaintAt,
    ghostText: a.ghostText,
    requestAt: first('requests'),
    answeredAt: first('answered'),
    shownAt: first('shown'),
    requests: counts.requests - a.countsBefore.requests,
    answered: counts.answered - a.countsBefore.answered,
    shown: counts.shown - a.countsBefore.shown,
    modelCall,
    lastMs: modelCall ? status.lastMs : null,
    lastEngineMs: modelCall ? (status.lastEngineMs ?? null) : null,
    state: status.state,
    detail: status.detail,
  };
}

// ---------------------------------------------------------------------------
// Where the overhead goes: the same steps timed alone

/**
 * For fresh positions: requestCompletion (the editor's call, src/state/completion.ts)
 * with its own timings (context etc. before the backend, backend, engine), the
 * AST context gathering alone, the llm worker's completeFim called directly
 * (round trip vs the engine's time: prompt building with the tokenizer plus the
 * two messages), and a bare worker round trip.
 */
export async function breakdown({ lines }) {
  const { requestAt } = await import('/src/editor/completion-source.ts');
  const { requestCompletion } = await import('/src/state/completion.ts');
  const { gatherContext } = await import('/src/completion/context.ts');
  const { CHARS_PER_TOKEN } = await import('/src/completion/prompt-cut.ts');
  const { llmWorker } = await import('/src/worker-api/workers.ts');
  const { CompletionCache } = await import('/src/completion/cache.ts');
  const { postProcessCompletion } = await import('/src/inference/fim.ts');
  const { offsetAt } = await import('/src/completion/rules.ts');
  const index = await codeIndexFor(workspace.value);
  const api = llmWorker().api;
  const view = currentView();
  const path = activePath.peek();
  const out = [];
  const time = async (fn) => {
    const t0 = performance.now();
    const value = await fn();
    return { ms: performance.now() - t0, value };
  };
  for (const n of lines) {
    const state = view.state;
    const pos = state.doc.line(n).to;
    const request = requestAt(state, pos, path, false);
    if (!request) continue;
    const text = request.inputs.sources[path];
    const call = await time(() => requestCompletion(request, new AbortController().signal));
    const t = call.value.timings ?? {};
    const ctx = await time(() => gatherContext(index, { path, text, line: request.inputs.cursor.line, budgetChars: 512 * CHARS_PER_TOKEN }));
    const fim = await time(() =>
      api.completeFim({
        ...request,
        model: LOCAL_MODEL,
        requestId: `bench-${n}`,
        context: ctx.value,
        repoName: workspace.value.name,
        parameters: { max_new_tokens: 50, temperature: 0.2 },
      }),
    );
    const ping = await time(() => api.stats());
    // The prefix cache's fill after an answer (every prefix of the completion, keyed by the last
    // 5,000 characters), on a cache at its 500-entry capacity as the editor's is after a while.
    const completion = call.value.choices[0]?.code_completion || fim.value.text.split('\n')[0] || 'x'.repeat(40);
    const before = text.slice(0, offsetAt(text, request.inputs.cursor.line, request.inputs.cursor.character));
    const cache = new CompletionCache();
    for (let i = 0; i < 500; i++) cache.fill(`${i}${before}`, false, { completion: '', finish_reason: 'stop', model: 'm' });
    const fill = await time(() => cache.fill(before, false, { completion, finish_reason: 'stop', model: LOCAL_MODEL }));
    const lookup = await time(() => cache.get(before + 'q', false));
    const post = await time(() => postProcessCompletion(fim.value.text, request));
    const docString = await time(() => state.doc.toString());
    out.push({
      line: n,
      totalMs: call.ms,
      beforeBackendMs: (t.totalMs ?? NaN) - (t.backendMs ?? NaN),
      backendMs: t.backendMs ?? null,
      engineMs: t.engineMs ?? null,
      skipped: call.value.skipped ?? null,
      contextMs: ctx.ms,
      contextSnippets: ctx.value.length,
      contextChars: ctx.value.reduce((a, c) => a + c.text.length, 0),
      fimRoundTripMs: fim.ms,
      fimEngineMs: fim.value.engineMs,
      promptTokens: fim.value.promptTokens,
      completionTokens: fim.value.completionTokens,
      pingMs: ping.ms,
      cacheFillMs: fill.ms,
      cacheGetMs: lookup.ms,
      completionChars: completion.length,
      rawChars: fim.value.text.length,
      postProcessMs: post.ms,
      docToStringMs: docString.ms,
      docChars: text.length,
    });
  }
  return out;
}

// ---------------------------------------------------------------------------
// editor.keystroke_p95_ms

let typing = null;

/**
 * Arms the per-key latency probe. For every keydown on the target (capture):
 * a requestAnimationFrame scheduled from the listener, and inside that a
 * setTimeout(0), i.e. the first task after the frame that shows the key's
 * effect (input handled, rendered, painted). Latency = that task's start -
 * the keydown's event.timeStamp. Main-thread long tasks (PerformanceObserver
 * 'longtask') are collected alongside.
 *
 * target 'editor': the caret at the end of `line` of the open file; with
 * `completion: false` the app's completion switch is off meanwhile (a
 * baseline). target 'textarea': a bare <textarea> over the page, nothing
 * else listening (the floor of this browser and input path).
 */
export async function startTyping({ line, target = 'editor', completion = true }) {
  let el;
  if (target === 'textarea') {
    el = document.createElement('textarea');
    el.style.cssText = 'position:fixed;left:40px;top:40px;width:600px;height:300px;z-index:50';
    document.body.append(el);
    el.focus();
  } else {
    if (!completion) await setCompletionEnabled(false);
    const view = currentView();
    const at = view.state.doc.line(line).to;
    view.dispatch({ selection: EditorSelection.cursor(at), scrollIntoView: true });
    view.focus();
    el = host();
  }
  await nextFrame();
  await sleep(700);
  const t = { el, target, completion, samples: [], longTasks: [], counts: { ...ghostCounts.peek() }, startAt: performance.now(), dispatches: [], updates: [] };
  if (target === 'editor') {
    // Where a key's main-thread time goes: CodeMirror reads the DOM change and calls view.dispatch,
    // which the app's EditorHost turns into view.update (CodeMirror: state, plugins, DOM) plus its
    // own bookkeeping (tab state, dirty flag, what the chat sees, autosave). Instance methods wrap
    // the prototype's for this run only.
    const view = currentView();
    const dispatch = view.dispatch;
    const update = view.update;
    view.dispatch = function (...args) {
      const t0 = performance.now();
      try {
        return dispatch.apply(this, args);
      } finally {
        t.dispatches.push(performance.now() - t0);
      }
    };
    view.update = function (...args) {
      const t0 = performance.now();
      try {
        return update.apply(this, args);
      } finally {
        t.updates.push(performance.now() - t0);
      }
    };
    const own = { dispatch: Object.hasOwn(view, 'dispatch'), update: Object.hasOwn(view, 'update') };
    t.unwrap = () => {
      // CodeMirror binds dispatch on the instance: put the very same function back.
      if (own.dispatch) view.dispatch = dispatch;
      else delete view.dispatch;
      if (own.update) view.update = update;
      else delete view.update;
    };
  }
  t.onKey = (e) => {
    const ts = e.timeStamp;
    const key = e.key;
    const handledAt = performance.now();
    requestAnimationFrame(() => {
      const rafAt = performance.now();
      setTimeout(() => t.samples.push({ key, ms: performance.now() - ts, lagMs: handledAt - ts, rafMs: rafAt - ts }), 0);
    });
  };
  el.addEventListener('keydown', t.onKey, true);
  t.po = new PerformanceObserver((list) => t.longTasks.push(...list.getEntries().map((e) => ({ at: e.startTime, ms: e.duration }))));
  t.po.observe({ type: 'longtask' });
  typing = t;
  return { ok: true };
}

export async function stopTyping() {
  const t = typing;
  typing = null;
  await sleep(300);
  t.el.removeEventListener('keydown', t.onKey, true);
  t.po.disconnect();
  if (t.target === 'textarea') t.el.remove();
  t.unwrap?.();
  if (!t.completion) await setCompletionEnabled(true);
  const c = ghostCounts.peek();
  return {
    samples: t.samples,
    longTasks: t.longTasks,
    dispatches: t.dispatches,
    updates: t.updates,
    spanMs: performance.now() - t.startAt,
    requests: c.requests - t.counts.requests,
    answered: c.answered - t.counts.answered,
    shown: c.shown - t.counts.shown,
    status: completionStatus.peek().state,
  };
}

// ---------------------------------------------------------------------------
// What-ifs (logged, never recorded): the live editor state changed from the bench

/**
 * `blink: false` appends drawSelection({ cursorBlinkRate: 0 }) to the open
 * tab's state (CodeMirror takes the smallest rate: no blink animation).
 * `debounce: 0` replaces the ghost plugin's adaptive debounce with one that
 * always says 0 ms (the plugin instance found among the view's plugins);
 * `debounce: 'microtask'` also starts the request in a microtask right after
 * the key's update instead of a setTimeout (Chromium runs timers queued by an
 * input only after that input's frame). Both last for this tab's state only.
 */
export async function whatIf({ blink = true, debounce = null }) {
  const view = currentView();
  const { StateEffect } = await import('@codemirror/state');
  const { drawSelection } = await import('@codemirror/view');
  if (!blink) view.dispatch({ effects: StateEffect.appendConfig.of(drawSelection({ cursorBlinkRate: 0 })) });
  let patched = 0;
  if (debounce !== null) {
    for (const inst of view.plugins ?? []) {
      const v = inst.value;
      if (v && v.debounce && typeof v.debounce.keystroke === 'function') {
        v.debounce = { keystroke: () => 0 };
        if (debounce === 'microtask') {
          const schedule = v.schedule.bind(v);
          v.schedule = (manual, delay) => {
            if (delay > 0) return schedule(manual, delay);
            v.cancel();
            queueMicrotask(() => void v.ask(manual));
          };
        }
        patched++;
      }
    }
    if (!patched) throw new Error('no ghost-text plugin with a debounce found');
  }
  await nextFrame();
  return { patched };
}

/** Back to the local model (after the remote reference). */
export async function useLocalAgain() {
  await setDefaultModel('completion', LOCAL_MODEL);
  return { ok: true };
}

/** CSS/Web animations running in the page now (a running one keeps frames coming at the display's rate). */
export function runningAnimations() {
  return document.getAnimations().map((a) => `${a.animationName ?? a.constructor.name} on .${String(a.effect?.target?.className ?? '').split(' ').join('.')} (${a.playState})`);
}
