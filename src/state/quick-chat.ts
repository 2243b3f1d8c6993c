import { batch, signal, type Signal } from '@preact/signals';
import { emptyDraft, mergeChunk, type AssistantDraft } from '../engine/stream-merge';
import type { ChatChunk, ChatMessage, Usage } from '../providers/types';
import { ProviderError } from '../providers/types';
import { openAppDb, withStorageErrors } from '../storage/db';
import { streamChat, type ChatTarget } from './chat-targets';

/**
 * A minimal chat box that streams from the selected model (local or remote).
 * The full agent chat replaces it; what it keeps: one signal per message so a
 * token touches only its message, and the thread saved as it streams so a
 * reload mid-answer loses nothing already shown.
 */

export interface QuickMessage {
  role: 'user' | 'assistant';
  content: string;
  reasoning?: string;
  model?: string;
  usage?: Usage;
  /** Still arriving. After a reload this means the answer was cut off. */
  streaming?: boolean;
  interrupted?: boolean;
  error?: { message: string; retryable: boolean };
  stopped?: boolean;
}

const CHAT_ID = 'quick-chat';
export const thread = signal<Signal<QuickMessage>[]>([]);
export const sending = signal(false);
let controller: AbortController | null = null;
let saveTimer: ReturnType<typeof setTimeout> | null = null;

function snapshot(): QuickMessage[] {
  return thread.value.map((m) => m.value);
}

async function saveNow(): Promise<void> {
  const messages = snapshot();
  const first = messages.find((m) => m.role === 'user');
  await withStorageErrors('save the chat', async () => {
    const db = await openAppDb();
    await db.put('history', {
      id: CHAT_ID,
      title: first?.content.slice(0, 80) ?? 'Chat',
      createdAt: Date.now(),
      updatedAt: Date.now(),
      messages,
    });
  });
}

/** Saves at most every 250 ms while tokens stream in. */
function scheduleSave(): void {
  saveTimer ??= setTimeout(() => {
    saveTimer = null;
    void saveNow().catch(() => undefined);
  }, 250);
}

/**
 * IndexedDB writes are asynchronous and may not finish when the tab unloads,
 * so the last tokens on screen are also written synchronously to
 * sessionStorage on pagehide (which a reload fires). Restore takes the newer.
 */
const UNLOAD_KEY = 'refact.quick-chat.unload';

if (typeof window !== 'undefined') {
  window.addEventListener('pagehide', () => {
    if (!sending.value) return;
    try {
      sessionStorage.setItem(UNLOAD_KEY, JSON.stringify({ savedAt: Date.now(), messages: snapshot() }));
    } catch {
      // Storage full or blocked: the IndexedDB copy (at most 250 ms old) remains.
    }
  });
}

function unloadSnapshot(): { savedAt: number; messages: QuickMessage[] } | null {
  try {
    const raw = sessionStorage.getItem(UNLOAD_KEY);
    sessionStorage.removeItem(UNLOAD_KEY);
    const parsed: unknown = raw ? JSON.parse(raw) : null;
    if (parsed && typeof parsed === 'object' && Array.isArray((parsed as { messages?: unknown }).messages)) {
      return parsed as { savedAt: number; messages: QuickMessage[] };
    }
  } catch {
    // Unreadable: fall back to IndexedDB.
  }
  return null;
}

export async function restoreQuickChat(): Promise<void> {
  const db = await openAppDb();
  const record = await db.get('history', CHAT_ID);
  const unload = unloadSnapshot();
  if (thread.value.length) return;
  const messages =
    unload && (!record || unload.savedAt >= record.updatedAt) ? unload.messages : ((record?.messages ?? []) as QuickMessage[]);
  thread.value = messages.map((m) => signal(m.streaming ? { ...m, streaming: false, interrupted: true } : m));
}

export async function clearQuickChat(): Promise<void> {
  stopQuickChat();
  thread.value = [];
  await saveNow();
}

export function stopQuickChat(): void {
  controller?.abort();
}

function toRequestMessages(messages: QuickMessage[]): ChatMessage[] {
  return messages
    .filter((m) => !(m.role === 'assistant' && m.error && !m.content))
    .map((m) => ({ role: m.role, content: m.content }));
}

export async function sendQuickChat(text: string, target: ChatTarget): Promise<void> {
  const content = text.trim();
  if (!content || sending.value) return;
  thread.value = [...thread.value, signal<QuickMessage>({ role: 'user', content })];
  await answer(target);
}

/** Runs the model again on the thread as it stands (after an error). */
export async function retryQuickChat(target: ChatTarget): Promise<void> {
  const last = thread.value.at(-1);
  if (last?.value.role === 'assistant' && last.value.error && !last.value.content) {
    thread.value = thread.value.slice(0, -1);
  }
  await answer(target);
}

async function answer(target: ChatTarget): Promise<void> {
  const history = toRequestMessages(snapshot());
  const message = signal<QuickMessage>({ role: 'assistant', content: '', model: target.label, streaming: true });
  batch(() => {
    thread.value = [...thread.value, message];
    sending.value = true;
  });
  controller = new AbortController();
  let draft: AssistantDraft = emptyDraft();
  const onChunk = (chunk: ChatChunk) => {
    draft = mergeChunk(draft, chunk);
    message.value = {
      ...message.value,
      content: draft.content,
      reasoning: draft.reasoning_content,
      usage: draft.usage ?? message.value.usage,
    };
    scheduleSave();
  };
  try {
    await streamChat(target, { model: target.model, messages: history, max_tokens: 512 }, controller.signal, onChunk);
    message.value = { ...message.value, streaming: false, stopped: controller.signal.aborted || draft.finish_reason === 'abort' };
  } catch (err) {
    const aborted = controller.signal.aborted || (err instanceof ProviderError && err.kind === 'aborted');
    message.value = {
      ...message.value,
      streaming: false,
      stopped: aborted,
      error: aborted
        ? undefined
        : {
            message: err instanceof Error ? err.message : String(err),
            retryable: err instanceof ProviderError ? err.retryable : true,
          },
    };
  } finally {
    sending.value = false;
    controller = null;
    await saveNow().catch(() => undefined);
  }
}

export type { ChatTarget };
