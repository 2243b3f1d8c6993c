/**
 * The chat thread's message model, in the shapes of Refact's GUI (seeds: Type
 * Definitions): user, assistant, tool, diff, context_file, system, plain_text.
 * A thread is what the user sees and what history stores; `toProviderMessages`
 * (provider-messages.ts) turns it into what a model gets.
 *
 * Every kind has a type guard that checks the whole shape, because threads
 * come back from IndexedDB (an older version may have written them) and over
 * postMessage from an IDE host: untrusted until checked.
 */
import type { ContentPart, FinishReason, ToolCall, Usage } from '../providers/types';

export type CompressionStrength = 'absent' | 'weak' | 'strong';

/** A restore point made before the agent's first write of a turn (checkpoints issue). */
export interface Checkpoint {
  workspace_folder: string;
  commit_hash: string;
}

export interface UserMessage {
  role: 'user';
  content: string | ContentPart[];
  /** Restore points for the changes the agent made answering this message. */
  checkpoints?: Checkpoint[];
  /** Set when the context had to be compressed to fit the model; the UI shows it. */
  compression_strength?: CompressionStrength;
}

export interface ThinkingBlock {
  thinking: string;
  signature?: string;
}

export interface AssistantMessage {
  role: 'assistant';
  content: string;
  reasoning_content?: string;
  tool_calls?: ToolCall[];
  thinking_blocks?: ThinkingBlock[];
  finish_reason?: FinishReason | null;
  usage?: Usage;
  /** Which model wrote it (ours, for the UI). */
  model?: string;
}

export interface ToolResult {
  tool_call_id: string;
  content: string | ContentPart[];
  /** The call failed: bad arguments, a missing file, refused by the user... */
  tool_failed?: boolean;
  /** Set when the budget replaced the original result with a stub. */
  compression_strength?: CompressionStrength;
}

export interface ToolMessage {
  role: 'tool';
  content: ToolResult;
}

/** One hunk of a change the agent made, as a unified diff. */
export interface DiffChunk {
  file_name: string;
  file_action: 'A' | 'M' | 'D';
  /** 1-based first and last line of the hunk in the file after the change (before it, for 'D'). */
  line1: number;
  line2: number;
  /** Unified diff text of the hunk: an `@@ -a,b +c,d @@` header, then ' ', '-', '+' lines. */
  chunks: string;
  /** Set when the change is a rename: the new path. */
  file_name_rename?: string;
}

/** The result of a write tool: it stands in for the tool message of its call. */
export interface DiffMessage {
  role: 'diff';
  content: DiffChunk[];
  tool_call_id: string;
}

export interface ChatContextFile {
  file_name: string;
  file_content: string;
  /** 1-based, inclusive. */
  line1: number;
  line2: number;
}

export interface ContextFileMessage {
  role: 'context_file';
  content: ChatContextFile[];
}

export interface SystemMessage {
  role: 'system';
  content: string;
}

/** Text from the engine itself (e.g. why it stopped a tool loop); the model reads it as user text. */
export interface PlainTextMessage {
  role: 'plain_text';
  content: string;
}

export type ThreadMessage =
  | UserMessage
  | AssistantMessage
  | ToolMessage
  | DiffMessage
  | ContextFileMessage
  | SystemMessage
  | PlainTextMessage;

export type ThreadRole = ThreadMessage['role'];

// ---------------------------------------------------------------------------
// Type guards

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const isString = (value: unknown): value is string => typeof value === 'string';
const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value) && value >= 0;
const optional = <T>(value: unknown, guard: (v: unknown) => v is T): boolean => value === undefined || guard(value);
const arrayOf =
  <T>(guard: (v: unknown) => v is T) =>
  (value: unknown): value is T[] =>
    Array.isArray(value) && value.every(guard);

const COMPRESSION: readonly unknown[] = ['absent', 'weak', 'strong'];
const FINISH: readonly unknown[] = ['stop', 'length', 'tool_calls', 'abort', 'error', null];

export function isContentPart(value: unknown): value is ContentPart {
  if (!isObject(value)) return false;
  if (value.type === 'text') return isString(value.text);
  if (value.type === 'image_url') return isObject(value.image_url) && isString(value.image_url.url);
  return false;
}

const isContentParts = arrayOf(isContentPart);

export function isCheckpoint(value: unknown): value is Checkpoint {
  return isObject(value) && isString(value.workspace_folder) && isString(value.commit_hash);
}

export function isToolCall(value: unknown): value is ToolCall {
  return (
    isObject(value) &&
    isString(value.id) &&
    (value.type === undefined || value.type === 'function') &&
    isObject(value.function) &&
    isString(value.function.name) &&
    isString(value.function.arguments)
  );
}

export function isThinkingBlock(value: unknown): value is ThinkingBlock {
  return isObject(value) && isString(value.thinking) && optional(value.signature, isString);
}

export function isUsage(value: unknown): value is Usage {
  return isObject(value) && isCount(value.prompt_tokens) && isCount(value.completion_tokens) && isCount(value.total_tokens);
}

export function isDiffChunk(value: unknown): value is DiffChunk {
  return (
    isObject(value) &&
    isString(value.file_name) &&
    (value.file_action === 'A' || value.file_action === 'M' || value.file_action === 'D') &&
    isCount(value.line1) &&
    isCount(value.line2) &&
    isString(value.chunks) &&
    optional(value.file_name_rename, isString)
  );
}

export function isChatContextFile(value: unknown): value is ChatContextFile {
  return (
    isObject(value) &&
    isString(value.file_name) &&
    isString(value.file_content) &&
    isCount(value.line1) &&
    isCount(value.line2)
  );
}

export function isUserMessage(value: unknown): value is UserMessage {
  return (
    isObject(value) &&
    value.role === 'user' &&
    (isString(value.content) || isContentParts(value.content)) &&
    optional(value.checkpoints, arrayOf(isCheckpoint)) &&
    (value.compression_strength === undefined || COMPRESSION.includes(value.compression_strength))
  );
}

export function isAssistantMessage(value: unknown): value is AssistantMessage {
  return (
    isObject(value) &&
    value.role === 'assistant' &&
    isString(value.content) &&
    optional(value.reasoning_content, isString) &&
    optional(value.tool_calls, arrayOf(isToolCall)) &&
    optional(value.thinking_blocks, arrayOf(isThinkingBlock)) &&
    (value.finish_reason === undefined || FINISH.includes(value.finish_reason)) &&
    optional(value.usage, isUsage) &&
    optional(value.model, isString)
  );
}

/** An assistant message that asked for tools. */
export function isToolCallMessage(value: unknown): value is AssistantMessage & { tool_calls: ToolCall[] } {
  return isAssistantMessage(value) && (value.tool_calls?.length ?? 0) > 0;
}

export function isToolResult(value: unknown): value is ToolResult {
  return (
    isObject(value) &&
    isString(value.tool_call_id) &&
    (isString(value.content) || isContentParts(value.content)) &&
    optional(value.tool_failed, (v): v is boolean => typeof v === 'boolean') &&
    (value.compression_strength === undefined || COMPRESSION.includes(value.compression_strength))
  );
}

export function isToolMessage(value: unknown): value is ToolMessage {
  return isObject(value) && value.role === 'tool' && isToolResult(value.content);
}

export function isDiffMessage(value: unknown): value is DiffMessage {
  return isObject(value) && value.role === 'diff' && arrayOf(isDiffChunk)(value.content) && isString(value.tool_call_id);
}

export function isContextFileMessage(value: unknown): value is ContextFileMessage {
  return isObject(value) && value.role === 'context_file' && arrayOf(isChatContextFile)(value.content);
}

export function isSystemMessage(value: unknown): value is SystemMessage {
  return isObject(value) && value.role === 'system' && isString(value.content);
}

export function isPlainTextMessage(value: unknown): value is PlainTextMessage {
  return isObject(value) && value.role === 'plain_text' && isString(value.content);
}

const GUARDS: Record<ThreadRole, (value: unknown) => boolean> = {
  user: isUserMessage,
  assistant: isAssistantMessage,
  tool: isToolMessage,
  diff: isDiffMessage,
  context_file: isContextFileMessage,
  system: isSystemMessage,
  plain_text: isPlainTextMessage,
};

export function isThreadMessage(value: unknown): value is ThreadMessage {
  if (!isObject(value) || !isString(value.role) || !Object.hasOwn(GUARDS, value.role)) return false;
  return GUARDS[value.role as ThreadRole](value);
}

/**
 * Reads a stored or received thread. Messages that fail their guard are
 * dropped and counted, so one corrupt entry does not lose a whole chat.
 */
export function parseThread(value: unknown): { messages: ThreadMessage[]; dropped: number } {
  if (!Array.isArray(value)) return { messages: [], dropped: 0 };
  const messages = value.filter(isThreadMessage);
  return { messages, dropped: value.length - messages.length };
}

// ---------------------------------------------------------------------------
// Small helpers the loop, the budget and the UI share

/** The text of a user message or tool result, images left out. */
export function textOf(content: string | ContentPart[]): string {
  if (typeof content === 'string') return content;
  return content
    .filter((p): p is Extract<ContentPart, { type: 'text' }> => p.type === 'text')
    .map((p) => p.text)
    .join('\n');
}

/** The tool_call_id a tool or diff message answers, else undefined. */
export function answeredCallId(message: ThreadMessage): string | undefined {
  if (message.role === 'tool') return message.content.tool_call_id;
  if (message.role === 'diff') return message.tool_call_id;
  return undefined;
}

export function lastUserIndex(thread: readonly ThreadMessage[]): number {
  for (let i = thread.length - 1; i >= 0; i--) if (thread[i]!.role === 'user') return i;
  return -1;
}
