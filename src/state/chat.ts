/**
 * The agent chat's store: the thread as one signal per message (a streamed
 * token touches only its message), the loop's status, the pending
 * confirmation, queued messages, and the history of chats in IndexedDB.
 *
 * The thread is saved while it streams (at most every 250 ms) and, on
 * pagehide, synchronously to sessionStorage, so a reload keeps everything
 * that was on screen; a run cut off by a reload is marked 'abort' and its
 * unfinished tool calls are never re-run.
 */
import { batch, computed, signal, type Signal } from '@preact/signals';
import {
  atCommandPreview,
  isChatMode,
  isChatPermissions,
  lastUserIndex,
  NO_PERMISSIONS,
  parseThread,
  runChat,
  textOf,
  type AtCommandContext,
  type ChatEvent,
  type ChatMode,
  type ChatPermissions,
  type CheckpointPort,
  type ConfirmDecision,
  type ContextFileMessage,
  type ShellPort,
  type LoopStatus,
  type PauseRequest,
  type ThreadMessage,
} from '../engine/index';
import { appKnowledgeStore } from '../engine/knowledge/app-db';
import { tokenCounterForModel, type TokenCounter } from '../engine/token-counter';
import { llmWorker } from '../worker-api/workers';
import { loadedModel } from './models';
import { caps } from './providers';
import type { ChatRecord } from '../storage/schema';
import { openAppDb, withStorageErrors } from '../storage/db';
import type { Workspace } from '../workspace/types';
import { streamChat, type ChatTarget } from './chat-targets';
import { agentIndexPort, lazyIndexPort } from './index-port';
import { workspace } from './workspace';
import { fileListOf } from './file-list';
import { hostChannel, hostConfig } from './host';
import { approveEditsInIde, ideShell } from '../host/ide-tools';
import { activeFile, attachActiveFile, attachByDefault, guardUnsavedEdits } from './editor-context';

export const MAX_CHATS = 100;

export interface ChatError {
  message: string;
  retryable: boolean;
}

/** What we store per chat beyond ChatRecord's fields. */
interface StoredChat extends ChatRecord {
  mode?: ChatMode;
  permissions?: ChatPermissions;
  /** Saved while a run was going: on load, the run was cut off by a reload. */
  running?: boolean;
  interruptedAt?: number | null;
  error?: ChatError | null;
}

export interface ChatSummary {
  id: string;
  title: string;
  updatedAt: number;
}

// ---------------------------------------------------------------------------
// State

export const chatId = signal<string>(newChatId());
export const chatCreatedAt = signal<number>(Date.now());
export const messages = signal<Signal<ThreadMessage>[]>([]);
export const mode = signal<ChatMode>('AGENT');
export const permissions = signal<ChatPermissions>(NO_PERMISSIONS);
/** Non-null while a run is going. */
export const loopStatus = signal<LoopStatus | null>(null);
export const running = computed(() => loopStatus.value !== null);
/** The confirmation the loop waits for. */
export const pause = signal<PauseRequest | null>(null);
export const chatError = signal<ChatError | null>(null);
/** The assistant message a reload cut off. */
export const interruptedAt = signal<number | null>(null);
/** Messages typed while a run was going; sent one by one when it ends. */
export const queued = signal<string[]>([]);
export const draft = signal('');
export const history = signal<ChatSummary[]>([]);

/** Tools need a folder: without one every chat runs as NO_TOOLS. */
export const effectiveMode = computed<ChatMode>(() => (workspace.value ? mode.value : 'NO_TOOLS'));

/** tool_call_id -> index of the tool or diff message answering it. Ids never change once appended. */
export const resultIndex = computed(() => {
  const map = new Map<string, number>();
  messages.value.forEach((m, i) => {
    const msg = m.peek();
    if (msg.role === 'tool') map.set(msg.content.tool_call_id, i);
    else if (msg.role === 'diff') map.set(msg.tool_call_id, i);
  });
  return map;
});

export const totalUsage = computed(() => {
  let prompt = 0;
  let completion = 0;
  for (const m of messages.value) {
    const msg = m.value;
    if (msg.role === 'assistant' && msg.usage) {
      prompt += msg.usage.prompt_tokens;
      completion += msg.usage.completion_tokens;
    }
  }
  return { prompt, completion };
});

let controller: AbortController | null = null;
let answerPause: ((decision: ConfirmDecision) => void) | null = null;

function newChatId(): string {
  return `chat-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

export function threadSnapshot(): ThreadMessage[] {
  return messages.value.map((m) => m.peek());
}

function titleOf(thread: readonly ThreadMessage[]): string {
  const first = thread.find((m) => m.role === 'user');
  return first ? textOf(first.content).slice(0, 80) || 'Chat' : 'New chat';
}

// ---------------------------------------------------------------------------
// Engine context for the open workspace


/** Checkpoints load on the first write (the shadow repository is not small). */
function checkpointPort(ws: Workspace): CheckpointPort {
  return {
    beforeWrite: async (id) => {
      const { createCheckpoint } = await import('../checkpoints/index');
      return (await createCheckpoint(ws, id)).checkpoint;
    },
  };
}

/**
 * The workspace the agent writes through: files with unsaved edits in the editor are refused
 * (README: the editor and the agent); inside an IDE that shows diffs, every edit is a diff there.
 */
function agentWorkspace(ws: Workspace, signal: AbortSignal): Workspace {
  const guarded = guardUnsavedEdits(ws);
  const channel = hostChannel();
  return channel && hostConfig.value?.capabilities?.diffs ? approveEditsInIde(guarded, channel, chatId.value, signal) : guarded;
}

/** The IDE's terminal, where the host has one. */
function hostShell(): ShellPort | null {
  const channel = hostChannel();
  return channel && hostConfig.value?.capabilities?.shell ? ideShell(channel) : null;
}

/** A stand-in for NO_TOOLS chats with no folder open: the prompt reads its name, nothing reads files. */
const NO_WORKSPACE: Workspace = {
  id: 'none',
  name: 'no folder open',
  source: 'host',
  listDir: async () => [],
  walk: async () => ({ files: [], errors: [], truncated: false }),
  stat: () => Promise.reject(new Error('No folder is open')),
  exists: async () => false,
  readBytes: () => Promise.reject(new Error('No folder is open')),
  readText: () => Promise.reject(new Error('No folder is open')),
  writeBytes: () => Promise.reject(new Error('No folder is open')),
  writeText: () => Promise.reject(new Error('No folder is open')),
  createDirectory: () => Promise.reject(new Error('No folder is open')),
  remove: () => Promise.reject(new Error('No folder is open')),
  move: () => Promise.reject(new Error('No folder is open')),
  isIgnored: async () => false,
  watch: () => () => undefined,
  refresh: async () => undefined,
};

export function atContext(): AtCommandContext | null {
  const ws = workspace.value;
  return ws ? { workspace: ws, files: fileListOf(ws), index: lazyIndexPort(ws) } : null;
}

// ---------------------------------------------------------------------------
// Saving and loading

let saveTimer: ReturnType<typeof setTimeout> | null = null;

function record(runningNow: boolean): StoredChat {
  const thread = threadSnapshot();
  return {
    id: chatId.value,
    title: titleOf(thread),
    createdAt: chatCreatedAt.value,
    updatedAt: Date.now(),
    messages: thread,
    mode: mode.value,
    permissions: permissions.value,
    running: runningNow,
    interruptedAt: interruptedAt.value,
    error: chatError.value,
  };
}

async function saveNow(): Promise<void> {
  if (saveTimer) clearTimeout(saveTimer);
  saveTimer = null;
  if (messages.value.length === 0) return;
  const rec = record(running.value);
  await withStorageErrors('save the chat', async () => {
    const db = await openAppDb();
    await db.put('history', rec);
    const keys = await db.getAllKeysFromIndex('history', 'by-updatedAt');
    // Oldest first: drop what is beyond the newest MAX_CHATS.
    for (const key of keys.slice(0, Math.max(0, keys.length - MAX_CHATS))) await db.delete('history', key);
  });
  localStorage.setItem(CURRENT_KEY, rec.id);
  // The saved chat is now the newest. Reading every stored chat back (refreshHistory) would
  // cost more with each chat kept, every 250 ms while an answer streams.
  history.value = [{ id: rec.id, title: rec.title, updatedAt: rec.updatedAt }, ...history.value.filter((h) => h.id !== rec.id)].slice(0, MAX_CHATS);
}

function scheduleSave(): void {
  saveTimer ??= setTimeout(() => {
    saveTimer = null;
    void saveNow().catch(() => undefined);
  }, 250);
}

const UNLOAD_KEY = 'refact.chat.unload';
const CURRENT_KEY = 'refact.chat.current';

if (typeof window !== 'undefined') {
  window.addEventListener('pagehide', () => {
    if (!running.value) return;
    try {
      sessionStorage.setItem(UNLOAD_KEY, JSON.stringify(record(true)));
    } catch {
      // Storage full or blocked: the IndexedDB copy (at most 250 ms old) remains.
    }
  });
}

function unloadSnapshot(): StoredChat | null {
  try {
    const raw = sessionStorage.getItem(UNLOAD_KEY);
    sessionStorage.removeItem(UNLOAD_KEY);
    const parsed: unknown = raw ? JSON.parse(raw) : null;
    if (parsed && typeof parsed === 'object' && typeof (parsed as { id?: unknown }).id === 'string') return parsed as StoredChat;
  } catch {
    // Unreadable: fall back to IndexedDB.
  }
  return null;
}

function isChatError(value: unknown): value is ChatError {
  return typeof value === 'object' && value !== null && typeof (value as ChatError).message === 'string' && typeof (value as ChatError).retryable === 'boolean';
}

/** Shows a stored chat; a run that a reload cut off is marked so it is never resumed. */
function show(rec: StoredChat): void {
  const thread = parseThread(rec.messages).messages;
  let cut: number | null = typeof rec.interruptedAt === 'number' ? rec.interruptedAt : null;
  if (rec.running) {
    const last = thread.length - 1;
    const m = thread[last];
    if (m?.role === 'assistant' && last > lastUserIndex(thread)) {
      thread[last] = { ...m, finish_reason: 'abort' };
      cut = last;
    }
  }
  batch(() => {
    chatId.value = rec.id;
    chatCreatedAt.value = rec.createdAt;
    messages.value = thread.map((m) => signal(m));
    mode.value = isChatMode(rec.mode) ? rec.mode : 'AGENT';
    permissions.value = isChatPermissions(rec.permissions) ? rec.permissions : NO_PERMISSIONS;
    interruptedAt.value = cut;
    chatError.value = isChatError(rec.error) ? rec.error : null;
    queued.value = [];
    pause.value = null;
  });
}

export async function refreshHistory(): Promise<void> {
  const db = await openAppDb();
  const all = (await db.getAllFromIndex('history', 'by-updatedAt')) as StoredChat[];
  history.value = all
    .reverse()
    .slice(0, MAX_CHATS)
    .map((r) => ({ id: r.id, title: r.title, updatedAt: r.updatedAt }));
}

let restored = false;

/** On start-up: the chat that was open (the newer of IndexedDB and the unload snapshot). */
export async function restoreChat(): Promise<void> {
  if (restored) return;
  restored = true;
  const unload = unloadSnapshot();
  await refreshHistory();
  const id = unload?.id ?? localStorage.getItem(CURRENT_KEY) ?? history.value[0]?.id;
  if (!id || messages.value.length > 0) return;
  const db = await openAppDb();
  const stored = (await db.get('history', id)) as StoredChat | undefined;
  const rec = unload && (!stored || unload.updatedAt >= stored.updatedAt) ? unload : stored;
  if (rec && messages.value.length === 0) {
    show(rec);
    if (rec.running) await saveNow().catch(() => undefined);
  }
}

export async function openChat(id: string): Promise<void> {
  if (running.value) return;
  const db = await openAppDb();
  const rec = (await db.get('history', id)) as StoredChat | undefined;
  if (!rec) return;
  show(rec);
  localStorage.setItem(CURRENT_KEY, id);
}

export function newChat(): void {
  if (running.value) stopChat();
  batch(() => {
    chatId.value = newChatId();
    chatCreatedAt.value = Date.now();
    messages.value = [];
    permissions.value = NO_PERMISSIONS;
    interruptedAt.value = null;
    chatError.value = null;
    queued.value = [];
  });
  localStorage.setItem(CURRENT_KEY, chatId.value);
}

export async function deleteChat(id: string): Promise<void> {
  if (id === chatId.value) newChat();
  const db = await openAppDb();
  await db.delete('history', id);
  await refreshHistory();
}

// ---------------------------------------------------------------------------
// Running

function onEvent(event: ChatEvent): void {
  if (event.type === 'status') {
    loopStatus.value = event.status;
    return;
  }
  const list = messages.value;
  const existing = list[event.index];
  if (existing) existing.value = event.message;
  else messages.value = [...list, signal(event.message)];
  scheduleSave();
}

function setThread(thread: readonly ThreadMessage[]): void {
  // Messages that did not change keep their signal, so their components do not render again (a send in a long thread).
  const old = messages.peek();
  messages.value = thread.map((m, i) => {
    const kept = old[i];
    return kept && kept.peek() === m ? kept : signal(m);
  });
}

/** Sends now, or queues when a run is going. */
export async function sendMessage(text: string, target: ChatTarget): Promise<void> {
  const content = text.trim();
  if (!content) return;
  if (running.value) {
    queued.value = [...queued.value, content];
    return;
  }
  loopStatus.value = { kind: 'waiting' };
  chatError.value = null;
  // @-commands may wait on an index's first pass: Stop (or Esc) cancels that too.
  const preparing = new AbortController();
  controller = preparing;
  try {
    const ctx = atContext();
    const attached = await activeFileContext();
    const context = ctx && content.includes('@') ? (await atCommandPreview(content, { ...ctx, signal: preparing.signal })).messages : [];
    if (preparing.signal.aborted) throw new DOMException('stopped', 'AbortError');
    setThread([...threadSnapshot(), ...attached, ...context, { role: 'user', content }]);
  } catch (error) {
    loopStatus.value = null;
    if (controller === preparing) controller = null;
    if (preparing.signal.aborted) {
      // Nothing was sent: the message goes back into the input.
      if (draft.value.trim() === '') draft.value = content;
      return;
    }
    chatError.value = { message: error instanceof Error ? error.message : String(error), retryable: false };
    return;
  }
  await run(target);
}

/**
 * The file open in the editor (or its selection), when the user attached it: like Refact's
 * active file and selected snippet. The editor's text as it is now, unsaved edits included.
 */
async function activeFileContext(): Promise<ContextFileMessage[]> {
  const file = activeFile.value;
  if (!file || !workspace.value || !(attachActiveFile.value || attachByDefault.value)) return [];
  attachActiveFile.value = false;
  const selected = file.selection !== '';
  const text = selected ? file.selection : await file.text();
  const line1 = selected ? file.line1 : 1;
  const line2 = selected ? file.line2 : Math.max(1, text.split('\n').length);
  return [{ role: 'context_file', content: [{ file_name: file.path, file_content: text, line1, line2 }] }];
}

/** Runs the model again after an error; an answer the error cut off is redone. */
export async function retryChat(target: ChatTarget): Promise<void> {
  if (running.value) return;
  const thread = threadSnapshot();
  const last = thread.at(-1);
  if (last?.role === 'assistant' && last.finish_reason === 'error') setThread(thread.slice(0, -1));
  chatError.value = null;
  await run(target);
}

/** The model's own tokenizer: the llm worker's for local models, tiktoken for the rest. */
const localCounter: TokenCounter = { count: async (text) => (await llmWorker().api.countTokens([text]))[0] ?? 0 };

/** n_ctx minus room for the answer; the engine compresses the thread to fit. */
async function budgetFor(target: ChatTarget): Promise<{ nCtx: number; maxNewTokens: number; counter: TokenCounter } | undefined> {
  const nCtx =
    target.kind === 'local' ? loadedModel.value?.contextWindow : caps.value.chat_models[`${target.providerId}/${target.model}`]?.n_ctx;
  if (!nCtx) return undefined;
  const counter = target.kind === 'local' ? localCounter : await tokenCounterForModel(target.model);
  return { nCtx, maxNewTokens: Math.min(4096, Math.floor(nCtx / 4)), counter };
}

/** Whether cat may send images: the caps say so for provider models; local models read text only. */
function supportsImages(target: ChatTarget): boolean {
  return target.kind !== 'local' && caps.value.chat_models[`${target.providerId}/${target.model}`]?.supports_multimodality === true;
}

async function run(target: ChatTarget): Promise<void> {
  controller = new AbortController();
  const signal = controller.signal;
  const ws = workspace.value;
  loopStatus.value = { kind: 'waiting' };
  chatError.value = null;
  try {
    const result = await runChat({
      chatId: chatId.value,
      thread: threadSnapshot(),
      mode: effectiveMode.value,
      model: target.model,
      stream: (request, sig, onChunk) => streamChat(target, request, sig, onChunk),
      context: ws
        ? {
            workspace: agentWorkspace(ws, signal),
            shell: hostShell(),
            files: fileListOf(ws),
            checkpoints: checkpointPort(ws),
            knowledge: appKnowledgeStore(ws.id),
            multimodal: supportsImages(target),
            index: effectiveMode.value === 'NO_TOOLS' ? null : agentIndexPort(ws),
          }
        : { workspace: NO_WORKSPACE },
      confirm: (request) =>
        new Promise<ConfirmDecision>((resolve) => {
          pause.value = request;
          answerPause = resolve;
        }),
      // Small local models have small windows and follow long prompts poorly: without tools they get none.
      ...(target.kind === 'local' && effectiveMode.value === 'NO_TOOLS' ? { systemPrompt: '' } : {}),
      budget: await budgetFor(target),
      permissions: permissions.value,
      onPermissionsChange: (p) => (permissions.value = p),
      onUpdate: onEvent,
      signal,
    });
    if (result.error) chatError.value = { message: result.error.message, retryable: result.error.retryable };
    if (result.stop === 'aborted') markStoppedBeforeTools();
  } catch (error) {
    chatError.value = { message: error instanceof Error ? error.message : String(error), retryable: true };
  } finally {
    batch(() => {
      loopStatus.value = null;
      pause.value = null;
    });
    answerPause = null;
    controller = null;
    await saveNow().catch(() => undefined);
  }
  const next = queued.value[0];
  if (next !== undefined && !signal.aborted) {
    queued.value = queued.value.slice(1);
    await sendMessage(next, target);
  }
}

/**
 * Stopped before any of the last answer's tool calls ran (at the confirmation,
 * say): the answer is marked 'abort' like one cut off mid-stream, so it shows
 * as stopped and its calls are never run or sent back as open calls.
 */
function markStoppedBeforeTools(): void {
  const thread = threadSnapshot();
  const at = thread.length - 1;
  const last = thread[at];
  if (last?.role !== 'assistant' || !last.tool_calls?.length || last.finish_reason === 'abort') return;
  messages.value[at]!.value = { ...last, finish_reason: 'abort' };
}

/** Stop: the answer so far stays, marked 'abort'; a pending confirmation is dropped. */
export function stopChat(): void {
  controller?.abort();
}

export function decide(decision: ConfirmDecision): void {
  const resolve = answerPause;
  answerPause = null;
  pause.value = null;
  resolve?.(decision);
}

export function setAutomaticPatch(on: boolean): void {
  permissions.value = { ...permissions.value, automaticPatch: on };
  scheduleSave();
}

export function setMode(next: ChatMode): void {
  mode.value = next;
  scheduleSave();
}

export function unqueue(index: number): void {
  queued.value = queued.value.filter((_, i) => i !== index);
}

/** Drops the user message at `index` and everything after it, with the @-context sent just before it. */
export function truncateAt(index: number): string {
  const thread = threadSnapshot();
  const user = thread[index];
  let from = index;
  while (from > 0 && thread[from - 1]?.role === 'context_file') from--;
  setThread(thread.slice(0, from));
  interruptedAt.value = interruptedAt.value !== null && interruptedAt.value >= from ? null : interruptedAt.value;
  chatError.value = null;
  void saveNow().catch(() => undefined);
  return user?.role === 'user' ? textOf(user.content) : '';
}

/** Edit and resend: the thread is cut at that message and runs again with the new text. */
export async function editAndResend(index: number, text: string, target: ChatTarget): Promise<void> {
  if (running.value) return;
  truncateAt(index);
  await sendMessage(text, target);
}
