/**
 * In-page side of the chat suite (bench/suites/chat.mjs), imported into a
 * page of its own on /bench/harness.html: the real ChatPage (Preact, the
 * app's theme and chat CSS) mounted on the Python-stdlib corpus in OPFS,
 * talking to the suite's scripted provider (bench/chat/scripted-provider.mjs)
 * through the app's own provider code. Messages are sent the way a user sends
 * them: text typed into the "Message" box (input events), then Enter.
 */
import { h, render } from 'preact';
import { signal } from '@preact/signals';
import '/src/ui/app/theme.css';
import { ChatPage } from '/src/ui/chat/ChatPage.tsx';
import { messages, running, newChat, atContext, chatError, loopStatus, draft, history, refreshHistory } from '/src/state/chat.ts';
import { selectedTarget } from '/src/state/chat-picker.ts';
import { addProvider } from '/src/state/providers.ts';
import { workspace } from '/src/state/workspace.ts';
import { codeIndexFor } from '/src/state/code-index.ts';
import { HandleWorkspace } from '/src/workspace/handle-workspace.ts';
import { parseThread } from '/src/engine/index.ts';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const nextFrame = () => new Promise((r) => requestAnimationFrame(() => r()));

let env = null;

/** Calls of fetch() to the chat endpoint, with the page time of each call. */
const chatFetches = [];

export async function setup({ dirName, baseUrl, model }) {
  if (env) return env.info;
  const realFetch = window.fetch.bind(window);
  window.fetch = (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (url.endsWith('/chat/completions')) chatFetches.push(performance.now());
    return realFetch(input, init);
  };

  document.getElementById('status')?.remove();
  document.body.style.margin = '0';
  const frame = document.createElement('div');
  frame.style.cssText = 'height:100vh;display:flex;flex-direction:column';
  const scroller = document.createElement('div');
  scroller.className = 'scroll';
  frame.append(scroller);
  document.body.append(frame);

  const root = await window.bench.opfsDir(dirName);
  workspace.value = new HandleWorkspace({ id: 'bench-chat', name: 'python-stdlib', source: 'opfs', root });
  render(h(ChatPage, {}), scroller);

  const problem = await addProvider({
    id: 'bench',
    name: 'Bench server',
    kind: 'openai-compatible',
    baseUrl,
    apiKey: 'sk-bench',
    chatModels: {},
    completionModels: {},
    enabled: true,
  });
  if (problem) throw new Error(`addProvider: ${problem}`);
  // Pick the model in the real picker, as a user does.
  const picker = await waitFor(() => {
    const el = document.querySelector('[data-testid=model-picker]');
    return el && [...el.options].some((o) => o.value === `bench/${model}`) ? el : null;
  }, 'the bench model in the picker');
  picker.value = `bench/${model}`;
  picker.dispatchEvent(new Event('change', { bubbles: true }));
  await waitFor(() => selectedTarget.value?.id === `bench/${model}`, 'the picked model');
  const mode = document.querySelector('[data-testid=mode-picker]')?.value;
  env = { baseUrl, model, scroller, info: { mode } };
  return env.info;
}

async function waitFor(check, what, timeoutMs = 60_000) {
  const t0 = performance.now();
  for (;;) {
    const v = check();
    if (v) return v;
    if (performance.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}; ${chatState()}`);
    await sleep(10);
  }
}

function chatState() {
  return JSON.stringify({
    running: running.value,
    status: loopStatus.value,
    error: chatError.value,
    draft: draft.value.slice(0, 80),
    roles: messages.value.map((m) => m.peek().role).slice(-8),
    requests: chatFetches.length,
  });
}

function textarea() {
  const el = document.querySelector('textarea[aria-label=Message]');
  if (!el) throw new Error('no Message box');
  return el;
}

/** Types `text` (one input event, as a paste), lets the Composer's @-preview and completion settle. */
async function type(text) {
  const el = textarea();
  el.focus();
  el.value = text;
  el.setSelectionRange(text.length, text.length);
  el.dispatchEvent(new Event('input', { bubbles: true }));
  await sleep(700); // the @-preview waits 300 ms after typing stops, then runs
  await nextFrame();
}

/** Presses Enter in the Message box; returns the page time just before. */
function pressEnter() {
  const t0 = performance.now();
  textarea().dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', code: 'Enter', bubbles: true, cancelable: true }));
  return t0;
}

async function waitForRunEnd() {
  await waitFor(() => !running.value, 'the run to end', 120_000);
}

async function postScript(tokens, ratePerS) {
  const r = await fetch(`${env.baseUrl.replace(/\/v1$/, '')}/script`, { method: 'POST', body: JSON.stringify({ tokens, ratePerS }) });
  if (!r.ok) throw new Error(`script: HTTP ${r.status}`);
}

/** Offset (ms) to add to page epoch time to get the server's clock: from the ping with the shortest round trip. */
async function serverClockOffset(pings = 12) {
  let best = null;
  for (let i = 0; i < pings; i++) {
    const t1 = performance.timeOrigin + performance.now();
    const { now } = await (await fetch(`${env.baseUrl.replace(/\/v1$/, '')}/clock`, { cache: 'no-store' })).json();
    const t2 = performance.timeOrigin + performance.now();
    if (!best || t2 - t1 < best.rtt) best = { rtt: t2 - t1, offset: now - (t1 + t2) / 2 };
  }
  return best;
}

async function arrivals() {
  return (await fetch(`${env.baseUrl.replace(/\/v1$/, '')}/arrivals`, { cache: 'no-store' })).json();
}

// ---------------------------------------------------------------------------
// chat.send_to_request_ms

/** The timed message. It ends in plain words: Enter on a line ending in "@tree" would accept the completion popup instead of sending. */
const sendText = (file) => `@tree\nExplain what @file ${file} does, and where it sits in the tree above.`;

/**
 * For each file: New chat, a first plain message (answered), then the timed
 * message "@file <file> @tree": Enter -> the chat request's arrival at the
 * server (mapped onto the page clock), and Enter -> fetch() called.
 */
export async function measureSend({ files, warmup }) {
  await waitFor(() => env, 'setup');
  const out = [];
  for (let i = 0; i < files.length; i++) {
    [...document.querySelectorAll('.chat-toolbar button')].find((b) => b.textContent === 'New chat')?.click();
    await type('Hello! Short answer please.');
    pressEnter();
    await sleep(50);
    await waitForRunEnd();
    const clock = await serverClockOffset();
    const before = chatFetches.length;
    await type(sendText(files[i]));
    const t0 = pressEnter();
    await waitFor(() => chatFetches.length > before, 'the chat request', 60_000);
    await waitForRunEnd();
    const arrived = (await arrivals()).filter((a) => !a.preflight && a.at - clock.offset >= performance.timeOrigin + t0);
    const preflights = (await arrivals()).filter((a) => a.preflight && a.at - clock.offset >= performance.timeOrigin + t0).length;
    if (arrived.length !== 1) throw new Error(`expected 1 chat request after Enter, saw ${arrived.length}`);
    const thread = messages.value.map((m) => m.peek());
    const sentContext = thread.filter((m) => m.role === 'context_file' || m.role === 'plain_text').length;
    if (sentContext < 2) throw new Error(`the @file/@tree context did not reach the thread (${sentContext} context messages)`);
    out.push({
      file: files[i],
      warmup: i < warmup,
      toRequestMs: arrived[0].at - clock.offset - (performance.timeOrigin + t0),
      toFetchMs: chatFetches[before] - t0,
      requestBytes: arrived[0].bytes,
      rttMs: clock.rtt,
      preflights,
    });
  }
  return out;
}

/**
 * Where a warm send's time goes: the same steps the send path takes, each
 * timed alone right after the runs (same state, fresh inputs).
 */
export async function sendBreakdown({ file }) {
  const { atCommandPreview, fitToBudget, toolSpecs, BUILTIN_TOOLS, toolsForMode } = await import('/src/engine/index.ts');
  const { tokenCounterForModel } = await import('/src/engine/token-counter.ts');
  // The run starts the code index without waiting for it (agentIndexPort, src/state/index-port.ts).
  const { agentIndexPort } = await import('/src/state/index-port.ts');
  const time = async (fn) => {
    const t0 = performance.now();
    const value = await fn();
    return { ms: performance.now() - t0, value };
  };
  const text = sendText(file);
  const ctx = atContext();
  const preview = await time(() => atCommandPreview(text, ctx));
  const counter = await tokenCounterForModel(env.model);
  const fileText = preview.value.messages.find((m) => m.role === 'context_file')?.content[0]?.file_content ?? '';
  const treeText = preview.value.messages.find((m) => m.role === 'plain_text')?.content ?? '';
  const countFile = await time(() => counter.count(fileText + ' ')); // a string the cache has not seen
  const countTree = await time(() => counter.count(treeText + ' '));
  const index = await time(() => agentIndexPort(workspace.value));
  const thread = messages.value.map((m) => m.peek());
  const budget = await time(() =>
    fitToBudget(thread, { nCtx: 128_000, maxNewTokens: 4096, counter, tools: toolSpecs(toolsForMode('AGENT', BUILTIN_TOOLS)), systemPrompt: 'x' }),
  );
  const rerender = await time(async () => {
    messages.value = thread.map((m) => signal(m));
    await nextFrame();
  });
  return {
    atCommandPreviewMs: preview.ms,
    countFileMs: countFile.ms,
    fileChars: fileText.length,
    countTreeMs: countTree.ms,
    treeChars: treeText.length,
    agentIndexPortMs: index.ms,
    fitToBudgetWarmMs: budget.ms,
    threadRerenderMs: rerender.ms,
  };
}

/** Waits for the code index's first pass, so it does not compete with the timed runs. */
export async function indexIdle() {
  const index = await codeIndexFor(workspace.value);
  const s = await index.whenIdle();
  return { files: s.files, state: s.state };
}

// ---------------------------------------------------------------------------
// chat.render_ratio

const MARKER = 'zq7endmarker';

/** ~4-character pieces, the size of an average token, split after whitespace. */
function toTokens(text) {
  const out = [];
  for (const word of text.split(/(?<=\s)/)) {
    for (let i = 0; i < word.length; i += 6) out.push(word.slice(i, i + 6));
  }
  return out;
}

/** A long answer: paragraphs, lists, inline code and fenced Python, ending with the marker. */
export function answerTokens(count) {
  const parts = [];
  let n = 0;
  for (let i = 0; n < count; i++) {
    const piece =
      i % 3 === 0
        ? `The function \`parse_args_${i}\` reads **the options** and returns a namespace; see [the docs](https://docs.python.org/3/library/argparse.html) for details on how defaults interact with sub-parsers.\n\n`
        : i % 3 === 1
          ? `- step ${i}: open the file and read it\n- then split it into lines and strip each\n- finally return the _non-empty_ ones\n\n`
          : '```python\n' + `def step_${i}(path):\n    with open(path) as f:\n        return [l.strip() for l in f if l.strip()]\n` + '```\n\n';
    const tokens = toTokens(piece);
    parts.push(...tokens);
    n += tokens.length;
  }
  parts.length = Math.min(parts.length, count - 1);
  parts.push(`\n\nDone: ${MARKER}`);
  return parts;
}

/** 500 messages of a long agent chat: questions, markdown answers with code, tool calls and their results. */
export function longThread(count) {
  const thread = [];
  for (let i = 0; thread.length < count; i++) {
    const id = `call_${i}`;
    thread.push({ role: 'user', content: `Question ${i}: how does module_${i}.py handle errors when the input file is missing?` });
    thread.push({
      role: 'assistant',
      content: `Let me look at \`module_${i}.py\` first.`,
      tool_calls: [{ id, type: 'function', function: { name: 'cat', arguments: JSON.stringify({ paths: `Lib/module_${i}.py` }) } }],
      finish_reason: 'tool_calls',
      model: 'gpt-4o-mini',
    });
    thread.push({ role: 'tool', content: { tool_call_id: id, content: `Lib/module_${i}.py\n` + 'import os\n\ndef load(path):\n    if not os.path.exists(path):\n        raise FileNotFoundError(path)\n'.repeat(3) } });
    thread.push({
      role: 'assistant',
      content:
        `It raises **FileNotFoundError** early (line ${i + 4}), before opening anything:\n\n` +
        '```python\n' +
        `def load(path):\n    if not os.path.exists(path):\n        raise FileNotFoundError(path)  # ${i}\n` +
        '```\n\n' +
        `1. the caller in \`cli_${i}.py\` catches it\n2. and prints a one-line message\n\nSo a missing file never reaches \`open()\`.`,
      finish_reason: 'stop',
      model: 'gpt-4o-mini',
      usage: { prompt_tokens: 1000 + i, completion_tokens: 80, total_tokens: 1080 + i },
    });
  }
  thread.length = count;
  const parsed = parseThread(thread);
  if (parsed.messages.length !== count) throw new Error(`the bench thread did not parse: ${JSON.stringify(parsed).slice(0, 300)}`);
  return parsed.messages;
}

function scrollToBottom() {
  env.scroller.scrollTop = env.scroller.scrollHeight;
}

/** Resolves with the page time of the first frame after `MARKER` is in the DOM of the thread. */
function whenMarkerPainted() {
  const list = document.querySelector('.messages');
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      observer.disconnect();
      const last = messages.value.at(-1)?.peek();
      const shown = [...document.querySelectorAll('[data-testid=msg-assistant]')].at(-1)?.textContent ?? '';
      reject(new Error(`the last token never showed: ${chatState()}; last message ends ${JSON.stringify(String(last?.content ?? '').slice(-60))}, on screen ${JSON.stringify(shown.slice(-60))}`));
    }, 60_000);
    const seen = () => {
      clearTimeout(timer);
      observer.disconnect();
      const domAt = performance.now();
      // The next frame shows it: its rAF callbacks, then style and layout (forced here, so they
      // are counted; the frame reuses them), then paint. Tasks after that frame (e.g. highlighting
      // the finished answer's code) are not the token's paint and are not counted.
      requestAnimationFrame(() => {
        void document.body.offsetHeight;
        resolve({ domAt, paintAt: performance.now() });
      });
    };
    const observer = new MutationObserver((records) => {
      for (const r of records) {
        const node = r.type === 'characterData' ? r.target.parentNode : r.target;
        if (node?.textContent?.includes(MARKER)) return seen();
      }
    });
    observer.observe(list, { childList: true, subtree: true, characterData: true });
  });
}

/** Main-thread tasks over 50 ms while `fn` runs. */
async function withLongTasks(fn) {
  const tasks = [];
  const po = new PerformanceObserver((l) => tasks.push(...l.getEntries().map((e) => e.duration)));
  po.observe({ type: 'longtask' });
  try {
    const value = await fn();
    return { value, longTasks: tasks.length, longTaskMs: tasks.reduce((a, b) => a + b, 0), maxTaskMs: Math.max(0, ...tasks) };
  } finally {
    po.disconnect();
  }
}

/** Sets the thread to `count` messages (new chat) and waits for it to be on screen. */
export async function loadThread({ count }) {
  newChat();
  const thread = longThread(count);
  const t0 = performance.now();
  messages.value = thread.map((m) => signal(m));
  await nextFrame();
  await nextFrame();
  const renderMs = performance.now() - t0;
  scrollToBottom();
  await sleep(300);
  return { renderMs, dom: document.querySelectorAll('.messages > *').length };
}

/** One streamed answer through the chat: fetch() of the chat request -> the last token painted. */
export async function renderOurs({ tokens, ratePerS }) {
  const stream = answerTokens(tokens);
  await postScript(stream, ratePerS);
  await type('Continue, please.');
  scrollToBottom();
  const before = chatFetches.length;
  const painted = whenMarkerPainted();
  const { value, longTasks, longTaskMs, maxTaskMs } = await withLongTasks(async () => {
    const enterAt = pressEnter();
    const { paintAt, domAt } = await painted;
    return { enterAt, paintAt, domAt };
  });
  const fetchAt = chatFetches[before];
  if (fetchAt === undefined) throw new Error('the chat request was never sent');
  await waitForRunEnd();
  const last = messages.value.at(-1)?.peek();
  if (last?.role !== 'assistant' || !last.content.endsWith(MARKER)) throw new Error('the streamed answer did not end up in the thread');
  return { tokens: stream.length, ms: value.paintAt - fetchAt, sendMs: fetchAt - value.enterAt, domToPaintMs: value.paintAt - value.domAt, longTasks, longTaskMs, maxTaskMs };
}

/** The same stream read with fetch + an SSE split + JSON.parse, no UI: request -> last token parsed. */
export async function renderRaw({ tokens, ratePerS }) {
  const stream = answerTokens(tokens);
  await postScript(stream, ratePerS);
  const t0 = performance.now();
  const res = await fetch(`${env.baseUrl}/chat/completions`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: 'Bearer sk-bench' },
    body: JSON.stringify({ model: env.model, stream: true, messages: [{ role: 'user', content: 'Continue, please.' }] }),
  });
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let text = '';
  let endAt = null;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let cut;
    while ((cut = buffer.indexOf('\n\n')) >= 0) {
      const event = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      const data = event.slice('data: '.length);
      if (data === '[DONE]') continue;
      const delta = JSON.parse(data).choices[0]?.delta?.content;
      if (delta) text += delta;
      if (endAt === null && delta?.includes(MARKER)) endAt = performance.now();
    }
  }
  if (endAt === null || !text.endsWith(MARKER)) throw new Error('the raw stream did not end with the marker');
  return { tokens: stream.length, ms: endAt - t0 };
}

/** What re-reading the chat history costs now (the chat does it after each save, every 250 ms while an answer streams). */
export async function historyCost() {
  const t0 = performance.now();
  await refreshHistory();
  return { ms: performance.now() - t0, chats: history.value.length };
}
