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
import { completionStatus } from '/src/state/completion-status.ts';
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
    const bytes = new TextEncoder().encode(`${header}\n${body}`);
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
function keywordColoured(h) {
  for (const span of h.querySelectorAll('.cm-content .cm-line span')) {
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
    keydownAt: null,
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
    if (a.keydownAt === null) a.keydownAt = e.timeStamp;
  };
  el.addEventListener('keydown', onKey, true);
  const seen = () => {
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
  return {
    kind: a.kind,
    keydownAt: a.keydownAt,
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

/** The ghost on screen now (text), or null. */
export function ghostNow() {
  return ghostNode()?.textContent ?? null;
}

/** Esc: dismiss any ghost; leave no request pending. */
export async function quiet() {
  const view = currentView();
  view.dispatch({ selection: EditorSelection.cursor(view.state.selection.main.head) });
  await nextFrame();
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
 * Caret at the end of `line`; then, for every keydown on the editor (capture):
 * a requestAnimationFrame scheduled from it, and inside that a setTimeout(0),
 * i.e. the first task after the frame that shows the key's effect has been
 * produced (painted). Latency = that task's start - keydown's event.timeStamp.
 * Long tasks (PerformanceObserver 'longtask') and Event Timing entries for
 * keydowns of 16 ms or more are collected alongside.
 */
export async function startTyping({ line }) {
  const view = currentView();
  const at = view.state.doc.line(line).to;
  view.dispatch({ selection: EditorSelection.cursor(at), scrollIntoView: true });
  view.focus();
  await nextFrame();
  await sleep(700);
  const el = host();
  const t = { samples: [], longTasks: [], events: [], counts: { ...ghostCounts.peek() }, startAt: performance.now() };
  t.onKey = (e) => {
    const ts = e.timeStamp;
    const key = e.key;
    requestAnimationFrame(() => setTimeout(() => t.samples.push({ key, ms: performance.now() - ts, at: ts }), 0));
  };
  el.addEventListener('keydown', t.onKey, true);
  t.po = new PerformanceObserver((list) => t.longTasks.push(...list.getEntries().map((e) => ({ at: e.startTime, ms: e.duration }))));
  t.po.observe({ type: 'longtask' });
  t.eo = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if (e.name === 'keydown') t.events.push(e.duration);
  });
  t.eo.observe({ type: 'event', durationThreshold: 16 });
  typing = t;
  return { ok: true };
}

export async function stopTyping() {
  const t = typing;
  typing = null;
  await sleep(300);
  host().removeEventListener('keydown', t.onKey, true);
  t.po.disconnect();
  t.eo.disconnect();
  const c = ghostCounts.peek();
  return {
    samples: t.samples,
    longTasks: t.longTasks,
    slowKeydownEvents: t.events,
    spanMs: performance.now() - t.startAt,
    requests: c.requests - t.counts.requests,
    answered: c.answered - t.counts.answered,
    shown: c.shown - t.counts.shown,
    status: completionStatus.peek().state,
  };
}
