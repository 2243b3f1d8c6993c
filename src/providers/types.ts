/**
 * The wire shapes every model source speaks: OpenAI-style chat requests and
 * the SSE delta objects of Refact's /v1/chat (the seeds' "SSE Stream Format"),
 * Refact's caps, and Refact's /v1/code-completion. Local engines (in the llm
 * worker), OpenAI-compatible servers and a self-hosted Refact server all
 * produce these, so the chat and the model picker never care which one runs.
 */

export type Role = 'system' | 'user' | 'assistant' | 'tool';

export interface TextPart {
  type: 'text';
  text: string;
}
export interface ImagePart {
  type: 'image_url';
  image_url: { url: string };
}
export type ContentPart = TextPart | ImagePart;

export interface ToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export interface ChatMessage {
  role: Role;
  content: string | ContentPart[] | null;
  /** assistant: calls the model made. */
  tool_calls?: ToolCall[];
  /** tool: which call this answers. */
  tool_call_id?: string;
  /** assistant: the model's reasoning, kept apart from the answer. */
  reasoning_content?: string;
}

/** A tool the model may call (OpenAI "function" tool). */
export interface ToolSpec {
  type: 'function';
  function: { name: string; description?: string; parameters: Record<string, unknown> };
}

export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  tools?: ToolSpec[];
  max_tokens?: number;
  temperature?: number;
  top_p?: number;
  stop?: string[];
}

export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'abort' | 'error';

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

/** One tool call fragment; fragments with the same index belong together. */
export interface ToolCallDelta {
  index: number;
  id?: string;
  type?: 'function';
  function?: { name?: string; arguments?: string };
}

export interface ChatDelta {
  role?: 'assistant';
  content?: string;
  reasoning_content?: string;
  tool_calls?: ToolCallDelta[];
  /** Anthropic-style reasoning fragments (with a signature), as LiteLLM and Refact pass them through. */
  thinking_blocks?: ThinkingBlockDelta[];
}

/** A fragment of a thinking block; the chat folds them into whole blocks. */
export interface ThinkingBlockDelta {
  thinking?: string;
  signature?: string;
}

/** One SSE `data:` object: `{"choices":[{"delta":{...},"finish_reason":null}]}`. */
export interface ChatChunk {
  id?: string;
  model?: string;
  created?: number;
  choices: { index: number; delta: ChatDelta; finish_reason: FinishReason | null }[];
  usage?: Usage | null;
}

/** Per-model facts in Refact's caps. */
export interface ChatModelCaps {
  n_ctx: number;
  supports_tools?: boolean;
  supports_agent?: boolean;
  supports_multimodality?: boolean;
  default_temperature?: number | null;
  /** Where it runs: 'local' engines or a provider id. Ours, not Refact's. */
  provider?: string;
}

export interface CompletionModelCaps {
  n_ctx: number;
  provider?: string;
}

/** Refact's /v1/caps shape, merged from local engines and configured providers. */
export interface Caps {
  chat_models: Record<string, ChatModelCaps>;
  completion_models: Record<string, CompletionModelCaps>;
  embedding_model: string;
  chat_default_model: string;
  completion_default_model: string;
}

/** Refact's /v1/code-completion request. Lines and characters are 0-based. */
export interface CodeCompletionRequest {
  model?: string;
  inputs: {
    sources: Record<string, string>;
    cursor: { file: string; line: number; character: number };
    multiline: boolean;
  };
  parameters?: { max_new_tokens?: number; temperature?: number; stop?: string[] };
}

export interface CodeCompletionResponse {
  choices: { index: number; code_completion: string; finish_reason: FinishReason }[];
  model?: string;
}

/** Anything that can stream a chat completion. */
export interface ChatProvider {
  readonly id: string;
  /** Streams chunks until the model stops; throws ProviderError on failure. */
  streamChat(request: ChatRequest, signal: AbortSignal): AsyncIterable<ChatChunk>;
  codeCompletion?(request: CodeCompletionRequest, signal: AbortSignal): Promise<CodeCompletionResponse>;
}

export type ProviderErrorKind =
  | 'auth' // 401/403: key missing or wrong
  | 'rate-limit' // 429
  | 'server' // 5xx
  | 'bad-request' // other 4xx
  | 'network' // connection refused, dropped, CORS
  | 'protocol' // malformed SSE / JSON
  | 'aborted';

/** A failure the chat shows as a message, with whether retrying may help. */
export class ProviderError extends Error {
  override name = 'ProviderError';
  constructor(
    readonly kind: ProviderErrorKind,
    message: string,
    readonly status?: number,
    readonly retryable = kind === 'rate-limit' || kind === 'server' || kind === 'network',
  ) {
    super(message);
  }
}
