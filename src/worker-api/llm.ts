/** API of workers/llm.worker.ts: local model inference (web-llm on WebGPU, transformers.js). */

export interface GpuAdapterSummary {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
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
  limits?: { maxBufferSize: number; maxStorageBufferBindingSize: number };
  /** SharedArrayBuffer available (COOP/COEP), so WASM can run multi-threaded. */
  crossOriginIsolated: boolean;
  hardwareConcurrency: number;
}

export interface LlmWorkerApi {
  probeDevice(): Promise<DeviceReport>;

  // Added by the inference issue (callbacks are wrapped with progressCallback()):
  //   load(modelId: string, onProgress: (p: { phase: 'download' | 'compile'; loaded: number; total: number; text: string }) => void): Promise<{ modelId: string; contextWindow: number }>;
  //   chat(request: { requestId: string; messages: ChatMessage[]; tools?: ToolSpec[]; maxTokens?: number; temperature?: number },
  //        onDelta: (delta: ChatDelta) => void): Promise<{ finishReason: 'stop' | 'length' | 'tool_calls' | 'abort'; usage: TokenUsage }>;
  //   abort(requestId: string): Promise<void>;
  //   unload(): Promise<void>;
  //   stats(): Promise<{ modelId: string | null; prefillTokensPerSec: number; decodeTokensPerSec: number; gpuMemoryBytes?: number }>;
  //   completeFim(request: { prefix: string; suffix: string; maxTokens: number; stop?: string[] }): Promise<{ text: string }>;
}
