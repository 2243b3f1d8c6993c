import type { ContextSnippet } from '../completion/backend';
import type { ChatChunk, ChatRequest, CodeCompletionRequest, FinishReason, Usage } from '../providers/types';

/** API of workers/llm.worker.ts: local model inference (web-llm on WebGPU, transformers.js). */

export interface GpuAdapterSummary {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
}

/** The adapter limits web-llm checks before it creates a device (tvmjs detectGPUDevice). */
export interface GpuLimits {
  maxBufferSize: number;
  maxStorageBufferBindingSize: number;
  /**
   * Optional only for reports built by hand (tests): every adapter states
   * them, and the probe always copies them. Absent means "not checked".
   */
  maxComputeWorkgroupStorageSize?: number;
  maxStorageBuffersPerShaderStage?: number;
}

/** What this browser/device can run, so the UI can offer models that fit. */
export interface DeviceReport {
  webgpu: boolean;
  /** Why WebGPU is unavailable, when `webgpu` is false. */
  reason?: string;
  adapter?: GpuAdapterSummary;
  /** Adapter features, sorted (e.g. 'shader-f16', 'timestamp-query'). */
  features: string[];
  /** f16 shaders: needed by the q4f16 model builds, which are smaller and faster. */
  shaderF16: boolean;
  limits?: GpuLimits;
  /** SharedArrayBuffer available (COOP/COEP), so WASM can run multi-threaded. */
  crossOriginIsolated: boolean;
  hardwareConcurrency: number;
}

export type EngineId = 'webllm' | 'transformers';

/** Whether a model can run here: the Models page shows this per device. */
export type ModelFit = 'fits' | 'too-big' | 'needs-f16' | 'needs-webgpu';

export type CacheState = 'none' | 'partial' | 'complete';

/** One local model the user can download and run. */
export interface LocalModelInfo {
  /** Unique across engines, e.g. "webllm:Qwen2.5-Coder-1.5B-Instruct-q4f32_1-MLC". */
  id: string;
  engine: EngineId;
  /** What the user reads: "Qwen2.5 Coder 1.5B Instruct (q4f32)". */
  label: string;
  /** Chat template and FIM token family: 'qwen2.5-coder', 'qwen3', 'llama-3.2', 'phi-3.5', 'smollm2', 'chatml'. */
  family: string;
  /** Bytes to download (weights, tokenizer, wasm). */
  downloadBytes: number;
  /** Memory the model needs when loaded (GPU for WebGPU engines). */
  memoryBytes: number;
  contextWindow: number;
  supportsTools: boolean;
  supportsFim: boolean;
  fit: ModelFit;
  /** Why it does not fit, in words, when fit !== 'fits'; with 'fits', why it still may not (memory unknown). */
  fitNote?: string;
  cached: CacheState;
  recommended?: boolean;
}

export interface LoadProgress {
  phase: 'download' | 'compile' | 'ready';
  loadedBytes: number;
  totalBytes: number;
  /** The engine's own words ("Fetching param cache[3/12]"). */
  text: string;
}

export interface GenerationStats {
  promptTokens: number;
  completionTokens: number;
  timeToFirstTokenMs: number;
  prefillTokensPerSec: number;
  decodeTokensPerSec: number;
}

export interface LocalChatResult {
  finish_reason: FinishReason;
  usage: Usage;
  stats: GenerationStats;
}

/** A completion request as the llm worker takes it: Refact's request plus what the core gathered. */
export interface FimWorkerRequest extends CodeCompletionRequest {
  requestId: string;
  /** AST context, nearest first; the worker keeps what fits its token budget. */
  context?: ContextSnippet[];
  /** The workspace's name, for repository-level prompts. */
  repoName?: string;
}

export interface FimWorkerResult {
  /** What the model wrote, before post-processing. */
  text: string;
  finish_reason: FinishReason;
  /** Set when nothing ran: the model is answering the chat (completion pauses until it is done). */
  busy?: 'chat';
  model: string;
  /** The context snippets that fit in the prompt. */
  context: ContextSnippet[];
  promptTokens: number;
  completionTokens: number;
  /** Time in the engine (prompt building excluded). */
  engineMs: number;
}

/** Pushed to the app: the worker reloaded its engine after the GPU device was lost, etc. */
export type LlmEvent =
  | { type: 'device-lost'; modelId: string | null; message: string }
  | { type: 'recovered'; modelId: string; message?: string }
  | { type: 'recovery-failed'; modelId: string; message: string }
  /** The completion-only model lost its GPU device; completion loads it again on the next keystroke. */
  | { type: 'completion-model-lost'; modelId: string; message: string };

/** Worker-wide settings the app pushes before loading (tests point these at fixtures). */
export interface LlmConfig {
  /** Where model files come from: the Hugging Face hub by default, or a mirror. */
  modelHost?: string;
  /** URL prefix of local model folders (transformers.js `localModelPath`). */
  localModelPath?: string;
  /** Extra ONNX models (Hugging Face repo ids) the user added by hand. */
  customModels?: { repo: string; label?: string; dtype: string; contextWindow?: number; family?: string }[];
  /** Force a transformers.js device: 'webgpu' or 'wasm' (default: webgpu when it fits). */
  transformersDevice?: 'webgpu' | 'wasm';
}

export interface LlmWorkerApi {
  probeDevice(): Promise<DeviceReport>;
  configure(config: LlmConfig): Promise<void>;
  /** Every model both engines offer, with fit and download state for this device. */
  listModels(): Promise<LocalModelInfo[]>;
  /** Downloads (if needed) and loads a model; progress arrives through `onProgress`. */
  load(modelId: string, onProgress: (p: LoadProgress) => void): Promise<{ modelId: string; contextWindow: number }>;
  /** Stops a running download/load; the half-finished files stay until `deleteModel`. */
  cancelLoad(): Promise<void>;
  /** Streams OpenAI-style chunks through `onChunk`; resolves when generation ends. */
  chat(request: ChatRequest & { requestId: string }, onChunk: (chunk: ChatChunk) => void): Promise<LocalChatResult>;
  /** Stops a running chat; what was streamed stays streamed. */
  abort(requestId: string): Promise<void>;
  /**
   * One fill-in-the-middle generation for the completion core (src/completion/), on the model
   * `request.model` names: the chat model when it is the same, else the completion model
   * loaded with `loadCompletionModel`. Returns the raw text (the core post-processes it).
   * While a chat generates on the same model it answers `busy` at once instead of waiting;
   * `abort(requestId)` stops it (the generation stops, not just the answer).
   */
  completeFim(request: FimWorkerRequest): Promise<FimWorkerResult>;
  /**
   * Loads a second model for completion only (its own engine instance, so completions never
   * wait for the chat or get cut by its Stop). Loading the chat's model here is a no-op: it is shared.
   */
  loadCompletionModel(modelId: string, onProgress: (p: LoadProgress) => void): Promise<{ modelId: string; shared: boolean }>;
  unloadCompletionModel(): Promise<void>;
  unload(): Promise<void>;
  /** Removes a model's files from the browser cache (also clears a half-finished download). */
  deleteModel(modelId: string): Promise<void>;
  /** The loaded model and the last generation's speed. */
  stats(): Promise<{ modelId: string | null; last: GenerationStats | null }>;
  /** Token counts with the loaded model's own tokenizer (the chat's context budget). */
  countTokens(texts: string[]): Promise<number[]>;
  /** Device-lost and recovery notices. */
  subscribe(listener: (event: LlmEvent) => void): Promise<void>;
}
