import type { ChatChunk, ChatRequest, FinishReason, Usage } from '../providers/types';
import type {
  CacheState,
  DeviceReport,
  EngineId,
  LlmConfig,
  LocalChatResult,
  LocalModelInfo,
  LoadProgress,
} from '../worker-api/llm';

/**
 * What each local inference engine (web-llm, transformers.js) implements. The
 * llm worker's service owns one engine at a time and routes requests to it.
 * Engines run inside the worker; nothing here touches the DOM.
 */
export interface LocalEngine {
  readonly id: EngineId;
  /** The models this engine offers, with fit for this device and cache state. */
  catalog(device: DeviceReport, config: LlmConfig): Promise<LocalModelInfo[]>;
  load(model: LocalModelInfo, onProgress: (p: LoadProgress) => void, signal: AbortSignal): Promise<void>;
  unload(): Promise<void>;
  /**
   * Streams a chat completion as OpenAI-style chunks. Tool calls come out as
   * `tool_calls` deltas whether the model has native tool support or writes
   * them in its chat template's format. An aborted signal ends generation
   * early with finish_reason 'abort'.
   */
  chat(request: ChatRequest, onChunk: (chunk: ChatChunk) => void, signal: AbortSignal): Promise<LocalChatResult>;
  /** A raw completion of `prompt` (no chat template), for FIM. */
  complete(
    prompt: string,
    options: { maxTokens: number; temperature: number; stop: string[] },
    signal: AbortSignal,
  ): Promise<{ text: string; finish_reason: FinishReason; usage?: Usage }>;
  /** Token count with the loaded model's tokenizer (FIM budgets, context limits). */
  countTokens(text: string): Promise<number>;
  cacheState(model: LocalModelInfo): Promise<CacheState>;
  deleteModel(model: LocalModelInfo): Promise<void>;
  /** Called when the GPU device is lost; the service reloads the model. */
  onDeviceLost?(listener: (message: string) => void): void;
}
