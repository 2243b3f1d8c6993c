import { isRecord } from './errors';
import type { ChatChunk, ChatDelta, ChatMessage, ChatRequest, FinishReason, ThinkingBlockDelta, ToolCallDelta, Usage } from './types';

/**
 * The OpenAI chat wire format both ways: our ChatRequest as a request body,
 * and whatever an OpenAI-compatible server streams back as a ChatChunk.
 * Servers differ in small ways (reasoning vs reasoning_content, missing
 * tool-call indexes, arguments as objects, full `message` instead of
 * `delta`); this is the one place that knows.
 */

/** The JSON body for POST …/chat/completions. `model` is the provider's own name for it. */
export function chatRequestBody(request: ChatRequest, options: { streamOptions: boolean }): Record<string, unknown> {
  const body: Record<string, unknown> = {
    model: request.model,
    messages: request.messages.map(wireMessage),
    stream: true,
  };
  if (options.streamOptions) body.stream_options = { include_usage: true };
  // Some servers reject an empty tools array.
  if (request.tools && request.tools.length > 0) body.tools = request.tools;
  if (request.max_tokens !== undefined) body.max_tokens = request.max_tokens;
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.top_p !== undefined) body.top_p = request.top_p;
  if (request.stop && request.stop.length > 0) body.stop = request.stop;
  return body;
}

/**
 * OpenAI rejects unknown message fields, and DeepSeek rejects
 * reasoning_content sent back: the model's reasoning stays with us.
 */
function wireMessage(message: ChatMessage): Record<string, unknown> {
  const out: Record<string, unknown> = { role: message.role, content: message.content };
  if (message.tool_calls && message.tool_calls.length > 0) {
    out.tool_calls = message.tool_calls.map((c) => ({
      id: c.id,
      type: 'function',
      function: { name: c.function.name, arguments: c.function.arguments },
    }));
  }
  if (message.tool_call_id !== undefined) out.tool_call_id = message.tool_call_id;
  return out;
}

/**
 * One streamed object as a ChatChunk, or null when it carries nothing we use
 * (e.g. a server's own bookkeeping object). Never throws.
 */
export function normalizeChatChunk(raw: Record<string, unknown>): ChatChunk | null {
  const usage = normalizeUsage(raw.usage);
  if (!Array.isArray(raw.choices) && !usage) return null;
  const choices = Array.isArray(raw.choices)
    ? raw.choices.flatMap((choice: unknown, position) => {
        const c = normalizeChoice(choice, position);
        return c ? [c] : [];
      })
    : [];
  const chunk: ChatChunk = { choices };
  if (typeof raw.id === 'string' && raw.id) chunk.id = raw.id;
  if (typeof raw.model === 'string' && raw.model) chunk.model = raw.model;
  if (typeof raw.created === 'number') chunk.created = raw.created;
  if (usage) chunk.usage = usage;
  return chunk;
}

function normalizeChoice(raw: unknown, position: number): ChatChunk['choices'][number] | null {
  if (!isRecord(raw)) return null;
  // Streaming servers send `delta`; a server that ignored stream:true sends `message`.
  const source = isRecord(raw.delta) ? raw.delta : isRecord(raw.message) ? raw.message : {};
  return {
    index: typeof raw.index === 'number' ? raw.index : position,
    delta: normalizeDelta(source),
    finish_reason: normalizeFinishReason(raw.finish_reason),
  };
}

function normalizeDelta(raw: Record<string, unknown>): ChatDelta {
  const delta: ChatDelta = {};
  if (raw.role === 'assistant') delta.role = 'assistant';
  const content = textOf(raw.content);
  if (content) delta.content = content;
  // vLLM/DeepSeek say reasoning_content, Ollama/OpenRouter say reasoning; some send both (the same text).
  const reasoning = textOf(raw.reasoning_content) || textOf(raw.reasoning);
  if (reasoning) delta.reasoning_content = reasoning;
  if (Array.isArray(raw.thinking_blocks)) {
    const blocks = raw.thinking_blocks.flatMap((block: unknown) => {
      const b = normalizeThinkingBlock(block);
      return b ? [b] : [];
    });
    if (blocks.length > 0) delta.thinking_blocks = blocks;
  }
  if (Array.isArray(raw.tool_calls)) {
    const calls = raw.tool_calls.flatMap((call: unknown, position) => {
      const c = normalizeToolCallDelta(call, position);
      return c ? [c] : [];
    });
    if (calls.length > 0) delta.tool_calls = calls;
  }
  return delta;
}

/**
 * Anthropic's thinking as LiteLLM streams it: `{type: 'thinking', thinking, signature}`.
 * Redacted blocks carry no readable text (only `data`) and are left out.
 */
function normalizeThinkingBlock(raw: unknown): ThinkingBlockDelta | null {
  if (!isRecord(raw)) return null;
  const out: ThinkingBlockDelta = {};
  if (typeof raw.thinking === 'string' && raw.thinking) out.thinking = raw.thinking;
  if (typeof raw.signature === 'string' && raw.signature) out.signature = raw.signature;
  return out.thinking === undefined && out.signature === undefined ? null : out;
}

/** Content is a string, or (Mistral and others) an array of text parts. */
function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) {
    return value.map((p: unknown) => (isRecord(p) && typeof p.text === 'string' ? p.text : '')).join('');
  }
  return '';
}

/**
 * A tool-call fragment, kept as a fragment: merging by index (and making up
 * missing ids) is the chat's job. Gemini omits `index`; its position in the
 * array stands in.
 */
function normalizeToolCallDelta(raw: unknown, position: number): ToolCallDelta | null {
  if (!isRecord(raw)) return null;
  const index = typeof raw.index === 'number' && Number.isInteger(raw.index) && raw.index >= 0 ? raw.index : position;
  const out: ToolCallDelta = { index };
  if (typeof raw.id === 'string' && raw.id) out.id = raw.id;
  if (raw.type === 'function') out.type = 'function';
  if (isRecord(raw.function)) {
    const fn: { name?: string; arguments?: string } = {};
    if (typeof raw.function.name === 'string' && raw.function.name) fn.name = raw.function.name;
    const args = raw.function.arguments;
    if (typeof args === 'string') {
      if (args) fn.arguments = args;
    } else if (isRecord(args) || Array.isArray(args)) {
      fn.arguments = JSON.stringify(args);
    }
    if (fn.name !== undefined || fn.arguments !== undefined) out.function = fn;
  }
  if (out.id === undefined && out.function === undefined) return null;
  return out;
}

/** Finish reasons from every dialect, in our five words; null while the answer goes on. */
export function normalizeFinishReason(raw: unknown): FinishReason | null {
  if (typeof raw !== 'string' || raw === '') return null;
  switch (raw) {
    case 'stop':
    case 'length':
    case 'tool_calls':
    case 'abort':
    case 'error':
      return raw;
    case 'function_call':
    case 'tool_use':
      return 'tool_calls';
    case 'max_tokens':
    case 'model_length':
      return 'length';
    default:
      // 'eos', 'end_turn', 'stop_sequence', 'content_filter', …: the model stopped.
      return 'stop';
  }
}

function normalizeUsage(raw: unknown): Usage | undefined {
  if (!isRecord(raw)) return undefined;
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
  const prompt = num(raw.prompt_tokens);
  const completion = num(raw.completion_tokens);
  const total = num(raw.total_tokens);
  if (prompt === undefined && completion === undefined && total === undefined) return undefined;
  return {
    prompt_tokens: prompt ?? 0,
    completion_tokens: completion ?? 0,
    total_tokens: total ?? (prompt ?? 0) + (completion ?? 0),
  };
}
