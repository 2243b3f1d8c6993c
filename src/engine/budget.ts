/**
 * The context budget: what is sent to the model must leave room for its
 * answer, so budget = n_ctx - max_new_tokens. When a thread is over, it is
 * compressed in stages, stopping as soon as it fits:
 *
 * 1. drop duplicate context files (a file shown again later keeps only the
 *    later copy) -> strength 'weak';
 * 2. stub old tool results (earlier turns, then earlier steps of this turn)
 *    -> 'strong';
 * 3. drop non-essential messages (old context files and plain text, old
 *    reasoning), then the oldest whole turns -> 'strong'.
 *
 * Only the copy sent to the model is compressed; the thread the user sees
 * keeps everything and shows the strength on the user message.
 */
import type { ChatMessage, ToolSpec } from '../providers/types';
import type { ChatContextFile, CompressionStrength, ThreadMessage } from './messages';
import { lastUserIndex } from './messages';
import { toProviderMessages } from './provider-messages';
import type { TokenCounter } from './token-counter';

export type CompressionStage = 'dedupe-context-files' | 'stub-tool-results' | 'drop-messages';

export interface BudgetOptions {
  nCtx: number;
  maxNewTokens: number;
  counter: TokenCounter;
  tools?: readonly ToolSpec[];
  systemPrompt?: string;
}

export interface BudgetResult {
  /** The thread to send: the input itself when it fit. */
  thread: ThreadMessage[];
  strength: CompressionStrength;
  tokens: number;
  budget: number;
  fits: boolean;
  stages: CompressionStage[];
}

export const STUBBED_RESULT = 'Result removed to fit the context window; call the tool again if you need it.';

/** OpenAI's accounting: a few tokens frame every message, and the reply is primed with a few more. */
const PER_MESSAGE = 4;
const PER_REQUEST = 3;
/** What a high-detail image costs at most on OpenAI; an estimate for other models. */
const PER_IMAGE = 765;

const caches = new WeakMap<TokenCounter, Map<string, number>>();

async function countText(counter: TokenCounter, text: string): Promise<number> {
  if (text === '') return 0;
  let cache = caches.get(counter);
  if (!cache) caches.set(counter, (cache = new Map()));
  const hit = cache.get(text);
  if (hit !== undefined) return hit;
  const n = await counter.count(text);
  if (cache.size > 5000) cache.clear();
  cache.set(text, n);
  return n;
}

export async function countMessageTokens(message: ChatMessage, counter: TokenCounter): Promise<number> {
  let n = PER_MESSAGE;
  const { content } = message;
  if (typeof content === 'string') n += await countText(counter, content);
  else if (content) for (const part of content) n += part.type === 'text' ? await countText(counter, part.text) : PER_IMAGE;
  for (const call of message.tool_calls ?? []) {
    n += 3 + (await countText(counter, call.function.name)) + (await countText(counter, call.function.arguments));
  }
  return n;
}

/** Tokens of a request: its messages and its tool definitions. */
export async function countRequestTokens(messages: readonly ChatMessage[], counter: TokenCounter, tools?: readonly ToolSpec[]): Promise<number> {
  let n = PER_REQUEST;
  for (const m of messages) n += await countMessageTokens(m, counter);
  if (tools && tools.length > 0) n += await countText(counter, JSON.stringify(tools));
  return n;
}

export async function countThreadTokens(thread: readonly ThreadMessage[], options: BudgetOptions): Promise<number> {
  const messages = toProviderMessages(thread, options.systemPrompt === undefined ? {} : { systemPrompt: options.systemPrompt });
  return countRequestTokens(messages, options.counter, options.tools);
}

// ---------------------------------------------------------------------------
// Stages: each returns a new thread, or the same one when it had nothing to do.

function covers(later: ChatContextFile, earlier: ChatContextFile): boolean {
  return later.file_name === earlier.file_name && later.line1 <= earlier.line1 && later.line2 >= earlier.line2;
}

export function dropDuplicateContextFiles(thread: readonly ThreadMessage[]): ThreadMessage[] {
  const later: ChatContextFile[] = [];
  const out: ThreadMessage[] = [];
  let changed = false;
  for (let i = thread.length - 1; i >= 0; i--) {
    const m = thread[i]!;
    if (m.role !== 'context_file') {
      out.push(m);
      continue;
    }
    const kept = m.content.filter((file) => !later.some((l) => covers(l, file)));
    later.push(...kept);
    if (kept.length === m.content.length) out.push(m);
    else {
      changed = true;
      if (kept.length > 0) out.push({ role: 'context_file', content: kept });
    }
  }
  return changed ? out.reverse() : [...thread];
}

/** Stubs tool results before index `before`. */
export function stubToolResults(thread: readonly ThreadMessage[], before: number): ThreadMessage[] {
  return thread.map((m, i): ThreadMessage => {
    if (i >= before) return m;
    if (m.role === 'tool' && m.content.compression_strength !== 'strong') {
      return { role: 'tool', content: { ...m.content, content: STUBBED_RESULT, compression_strength: 'strong' } };
    }
    if (m.role === 'diff') {
      const files = [...new Set(m.content.map((c) => c.file_name))].join(', ');
      return { role: 'tool', content: { tool_call_id: m.tool_call_id, content: `Changed ${files} (diff removed to fit the context window).`, compression_strength: 'strong' } };
    }
    return m;
  });
}

/** Drops old context files and plain text, and old reasoning, before index `before`. */
export function dropNonEssential(thread: readonly ThreadMessage[], before: number): ThreadMessage[] {
  const out: ThreadMessage[] = [];
  thread.forEach((m, i) => {
    if (i >= before) out.push(m);
    else if (m.role === 'context_file' || m.role === 'plain_text') return;
    else if (m.role === 'assistant' && (m.reasoning_content !== undefined || m.thinking_blocks !== undefined)) {
      const lean = { ...m };
      delete lean.reasoning_content;
      delete lean.thinking_blocks;
      out.push(lean);
    } else out.push(m);
  });
  return out;
}

/** Drops the oldest turn (a user message and everything up to the next one); system messages stay. */
export function dropOldestTurn(thread: readonly ThreadMessage[]): ThreadMessage[] | null {
  const users = thread.flatMap((m, i) => (m.role === 'user' ? [i] : []));
  if (users.length < 2) return null;
  const [from, to] = [users[0]!, users[1]!];
  return thread.filter((m, i) => i < from || i >= to || m.role === 'system');
}

/** Step starts (assistant messages with tool calls) of the current turn, oldest first. */
function stepStarts(thread: readonly ThreadMessage[]): number[] {
  const from = lastUserIndex(thread) + 1;
  const starts: number[] = [];
  for (let i = from; i < thread.length; i++) {
    const m = thread[i]!;
    if (m.role === 'assistant' && (m.tool_calls?.length ?? 0) > 0) starts.push(i);
  }
  return starts;
}

export async function fitToBudget(thread: readonly ThreadMessage[], options: BudgetOptions): Promise<BudgetResult> {
  const budget = Math.max(0, options.nCtx - options.maxNewTokens);
  const stages: CompressionStage[] = [];
  let current = [...thread];
  let tokens = await countThreadTokens(current, options);
  const result = (strength: CompressionStrength): BudgetResult => ({ thread: current, strength, tokens, budget, fits: tokens <= budget, stages });
  if (tokens <= budget) return result('absent');

  const attempt = async (stage: CompressionStage, next: ThreadMessage[]) => {
    if (next.length === current.length && next.every((m, i) => m === current[i])) return false;
    current = next;
    if (!stages.includes(stage)) stages.push(stage);
    tokens = await countThreadTokens(current, options);
    return tokens <= budget;
  };

  if (await attempt('dedupe-context-files', dropDuplicateContextFiles(current))) return result('weak');

  const turnStart = lastUserIndex(current);
  if (await attempt('stub-tool-results', stubToolResults(current, Math.max(0, turnStart)))) return result('strong');
  // Then this turn's earlier steps, oldest first, keeping the latest step's results.
  const steps = stepStarts(current);
  for (const start of steps.slice(1)) {
    if (await attempt('stub-tool-results', stubToolResults(current, start))) return result('strong');
  }

  if (await attempt('drop-messages', dropNonEssential(current, Math.max(0, lastUserIndex(current))))) return result('strong');
  for (let next = dropOldestTurn(current); next; next = dropOldestTurn(current)) {
    if (await attempt('drop-messages', next)) return result('strong');
  }
  return result('strong');
}
