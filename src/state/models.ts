import { computed, signal } from '@preact/signals';
import { getSetting, setSetting } from '../storage/db';
import { progressCallback } from '../worker-api/connect';
import type { DeviceReport, LlmConfig, LlmEvent, LoadProgress, LocalModelInfo } from '../worker-api/llm';
import { llmWorker } from '../worker-api/workers';

/** Local models: what fits this device, downloads with progress, the loaded one, defaults. */

export const device = signal<DeviceReport | null>(null);
export const localModels = signal<LocalModelInfo[]>([]);
export const modelsError = signal<string | null>(null);
export const loadedModel = signal<{ modelId: string; contextWindow: number } | null>(null);
/** A notice from the worker (GPU device lost, recovered) for the chat to show. */
export const inferenceNotice = signal<string | null>(null);

export interface DownloadState {
  modelId: string;
  progress: LoadProgress;
  startedAt: number;
  /** Bytes per second, smoothed over the last few seconds. */
  rate: number;
  etaSeconds: number | null;
  error?: string;
}
export const download = signal<DownloadState | null>(null);

export interface StorageInfo {
  usage: number;
  quota: number;
  persisted: boolean;
}
export const storage = signal<StorageInfo | null>(null);

export interface ModelDefaults {
  chat: string | null;
  completion: string | null;
}
export const defaults = signal<ModelDefaults>({ chat: null, completion: null });

export const recommended = computed(() => localModels.value.filter((m) => m.recommended && m.fit === 'fits'));

const describe = (err: unknown) => (err instanceof Error ? err.message : String(err));
let started = false;

/** Worker settings the user chose: a model mirror, hand-added ONNX models, the engine's device. */
export const llmConfig = signal<LlmConfig>({});

async function workerConfig(): Promise<LlmConfig> {
  llmConfig.value = await getSetting<LlmConfig>('llm.config', {});
  return llmConfig.value;
}

export async function saveLlmConfig(change: Partial<LlmConfig>): Promise<void> {
  llmConfig.value = { ...llmConfig.value, ...change };
  await setSetting('llm.config', llmConfig.value);
  await llmWorker().api.configure(llmConfig.value);
  await refreshModels();
}

export async function initModels(): Promise<void> {
  if (started) return;
  started = true;
  const api = llmWorker().api;
  defaults.value = await getSetting<ModelDefaults>('models.defaults', { chat: null, completion: null });
  await api.configure(await workerConfig());
  await api.subscribe(progressCallback((event: LlmEvent) => onWorkerEvent(event)));
  device.value = await api.probeDevice();
  await Promise.all([refreshModels(), refreshStorage()]);
}

function onWorkerEvent(event: LlmEvent): void {
  switch (event.type) {
    case 'device-lost':
      inferenceNotice.value = `The GPU device was lost (${event.message}). Reloading the model…`;
      break;
    case 'recovered':
      inferenceNotice.value = `The model was reloaded after the GPU reset. You can continue the chat.${event.message ? ` ${event.message}` : ''}`;
      break;
    case 'recovery-failed':
      loadedModel.value = null;
      inferenceNotice.value = `The model could not be reloaded after the GPU reset: ${event.message}`;
      break;
  }
}

let refreshes = 0;

export async function refreshModels(): Promise<void> {
  // Settings changes refresh too; only the newest answer may land.
  const mine = ++refreshes;
  try {
    const models = await llmWorker().api.listModels();
    if (mine !== refreshes) return;
    localModels.value = models;
    modelsError.value = null;
  } catch (err) {
    if (mine === refreshes) modelsError.value = `Could not list local models: ${describe(err)}`;
  }
}

export async function refreshStorage(): Promise<void> {
  if (!navigator.storage?.estimate) return;
  const { usage = 0, quota = 0 } = await navigator.storage.estimate();
  const persisted = (await navigator.storage.persisted?.()) ?? false;
  storage.value = { usage, quota, persisted };
}

/** Asks the browser not to evict downloaded models under storage pressure. */
export async function requestPersistence(): Promise<void> {
  await navigator.storage?.persist?.();
  await refreshStorage();
}

/** Downloads (when needed) and loads a model, reporting bytes, %, rate and ETA. */
export async function loadModel(modelId: string): Promise<boolean> {
  const startedAt = performance.now();
  const samples: { t: number; bytes: number }[] = [];
  download.value = {
    modelId,
    startedAt,
    rate: 0,
    etaSeconds: null,
    progress: { phase: 'download', loadedBytes: 0, totalBytes: 0, text: 'Starting…' },
  };
  const onProgress = (progress: LoadProgress) => {
    const now = performance.now();
    samples.push({ t: now, bytes: progress.loadedBytes });
    while (samples.length > 2 && now - samples[0]!.t > 5000) samples.shift();
    const first = samples[0]!;
    const rate = now > first.t ? ((progress.loadedBytes - first.bytes) * 1000) / (now - first.t) : 0;
    const left = progress.totalBytes - progress.loadedBytes;
    download.value = {
      modelId,
      startedAt,
      progress,
      rate,
      etaSeconds: rate > 0 && left > 0 ? left / rate : null,
    };
  };
  try {
    loadedModel.value = null;
    loadedModel.value = await llmWorker().api.load(modelId, progressCallback(onProgress));
    download.value = null;
    return true;
  } catch (err) {
    const cancelled = (err as Error).name === 'AbortError' || /cancel/i.test(describe(err));
    download.value = cancelled ? null : { ...download.value!, error: describe(err) };
    return false;
  } finally {
    void refreshModels();
    void refreshStorage();
  }
}

export async function cancelDownload(): Promise<void> {
  await llmWorker().api.cancelLoad();
}

/** "Clear the half-finished download and retry". */
export async function clearAndRetry(modelId: string): Promise<void> {
  await llmWorker().api.deleteModel(modelId);
  await loadModel(modelId);
}

export async function deleteModel(modelId: string): Promise<void> {
  try {
    await llmWorker().api.deleteModel(modelId);
    if (loadedModel.value?.modelId === modelId) loadedModel.value = null;
    if (download.value?.modelId === modelId) download.value = null;
  } catch (err) {
    modelsError.value = `Could not delete the model: ${describe(err)}`;
  }
  await Promise.all([refreshModels(), refreshStorage()]);
}

export async function setDefaultModel(kind: keyof ModelDefaults, modelId: string | null): Promise<void> {
  defaults.value = { ...defaults.value, [kind]: modelId };
  await setSetting('models.defaults', defaults.value);
}
