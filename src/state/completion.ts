/**
 * Code completion as the app runs it: which model completes (the default
 * completion model of the Models page, else the caps' default), getting it
 * ready (a local model other than the chat's is loaded on its own engine
 * instance), the AST index for context, the prefix cache, and a status the
 * status bar shows (model, state, last latency) with a switch to pause.
 *
 * How chat and completion share a local model: when the completion model is
 * the chat's model, completion pauses while the chat generates (the status
 * bar says so) and the chat first stops a running completion; when it is
 * another model, it runs beside the chat on its own engine instance.
 */
import { effect } from '@preact/signals';
import { CompletionCache } from '../completion/cache';
import { codeCompletion, type CompletionEnv, type CompletionRoute } from '../completion/code-completion';
import type { ContextIndex } from '../completion/context';
import { createLocalBackend } from '../completion/local-backend';
import type { CompletionRequest, CompletionResponse, SkipReason } from '../completion/types';
import { modelRoute } from '../providers/caps';
import { progressCallback } from '../worker-api/connect';
import type { LoadProgress } from '../worker-api/llm';
import { llmWorker } from '../worker-api/workers';
import { codeIndexFor } from './code-index';
import { completionEnabled, completionModel, completionStatus, loadCompletionEnabled, type CompletionStatus } from './completion-status';
import { initModels, loadedModel, localModels } from './models';
import { caps, completionBackendFor, initProviders, providers } from './providers';
import { workspace } from './workspace';


const cache = new CompletionCache();
let ready: { key: string; route: Promise<CompletionRoute> } | null = null;
let indexRef: { id: string; index: ContextIndex | null } | null = null;

let started = false;
/** Models, providers and the switch: read once, when an editor first opens. */
export async function initCompletion(): Promise<void> {
  if (started) return;
  started = true;
  await loadCompletionEnabled();
  await Promise.all([initModels().catch(() => undefined), initProviders().catch(() => undefined)]);
}

function setStatus(change: Partial<CompletionStatus>): void {
  completionStatus.value = { ...completionStatus.peek(), ...change };
}

function labelOf(key: string): string {
  const local = localModels.value.find((m) => m.id === key);
  if (local) return `${local.label} (local)`;
  const route = modelRoute(caps.value, key);
  const provider = route ? providers.value.find((p) => p.id === route.provider) : undefined;
  return route && provider ? `${route.model} (${provider.name})` : key;
}

/** Gets the model ready: a local model loaded (or shared with the chat), a provider's backend. */
async function prepare(key: string): Promise<CompletionRoute> {
  const nCtx = caps.value.completion_models[key]?.n_ctx ?? 4096;
  const local = localModels.value.find((m) => m.id === key);
  if (local) {
    const api = llmWorker().api;
    if (loadedModel.value?.modelId !== key) {
      if (local.cached !== 'complete') {
        throw new Error(`${local.label} is not downloaded: download it on the Models page (completion never downloads a model by itself)`);
      }
      setStatus({ state: 'loading', label: labelOf(key), detail: 'Loading the completion model…' });
      const onProgress = (p: LoadProgress) =>
        setStatus({ detail: p.totalBytes > 0 ? `Loading ${Math.round((100 * p.loadedBytes) / p.totalBytes)}%` : p.text });
      await api.loadCompletionModel(key, progressCallback(onProgress));
    }
    return { model: key, nCtx: local.contextWindow, backend: createLocalBackend(api, key, labelOf(key)) };
  }
  const backend = await completionBackendFor(key);
  if (!backend) throw new Error(`The completion model "${key}" is not configured any more; pick one on the Models page`);
  return { model: key, nCtx, backend };
}

function routeFor(key: string): Promise<CompletionRoute> {
  if (ready?.key !== key) {
    const route = prepare(key);
    ready = { key, route };
    route.catch(() => {
      if (ready?.route === route) ready = null; // the next keystroke tries again
    });
  }
  return ready.route;
}

/** The open folder's AST index once it has started; completion asks for it without waiting. */
function currentIndex(): ContextIndex | null {
  const ws = workspace.value;
  if (!ws) return null;
  if (indexRef?.id !== ws.id) {
    const ref: { id: string; index: ContextIndex | null } = { id: ws.id, index: null };
    indexRef = ref;
    codeIndexFor(ws).then(
      (index) => (ref.index = index),
      () => undefined,
    );
  }
  return indexRef.index;
}

const env: CompletionEnv = {
  cache,
  index: currentIndex,
  repoName: () => workspace.value?.name ?? 'workspace',
  async route(model) {
    if (!completionEnabled.value) return { skip: 'paused' };
    const key = model ?? completionModel.value;
    if (!key) {
      setStatus({ state: 'no-model', label: null, detail: 'Pick a completion model on the Models page' });
      return { skip: 'no-model' };
    }
    try {
      const route = await routeFor(key);
      return route;
    } catch (error) {
      setStatus({ state: 'error', label: labelOf(key), detail: describe(error) });
      return { skip: 'no-model' };
    }
  },
};

const SKIP_DETAIL: Partial<Record<SkipReason, string>> = {
  busy: 'Paused while the chat answers on the same model',
  'too-large': 'This file is too large for completion',
};

/** Asks for a completion and keeps the status bar current; rejects with AbortError when superseded. */
export async function requestCompletion(request: CompletionRequest, signal: AbortSignal): Promise<CompletionResponse> {
  const started = performance.now();
  try {
    const response = await codeCompletion({ client: 'editor', ...request }, signal, env);
    const key = response.model || completionModel.value;
    if (response.skipped === 'busy' || response.skipped === 'too-large') {
      setStatus({ state: response.skipped === 'busy' ? 'busy' : 'ready', label: key ? labelOf(key) : null, detail: SKIP_DETAIL[response.skipped] ?? null });
    } else if (!response.skipped) {
      setStatus({
        state: 'ready',
        label: labelOf(key ?? ''),
        detail: null,
        lastMs: performance.now() - started,
        lastCached: response.cached === true,
        lastEngineMs: response.timings?.engineMs ?? null,
      });
    }
    return response;
  } catch (error) {
    if ((error as Error).name !== 'AbortError') {
      setStatus({ state: 'error', detail: describe(error) });
      // Get the model ready again on the next keystroke (a local one may have been unloaded meanwhile).
      ready = null;
    }
    throw error;
  }
}

/** Forget cached completions (the model changed: its answers would differ). */
export function clearCompletionCache(): void {
  cache.clear();
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

// The status follows the switch and the chosen model; a new model starts from a clean cache.
effect(() => {
  const key = completionModel.value;
  const on = completionEnabled.value;
  if (ready && ready.key !== key) {
    ready = null;
    cache.clear();
  }
  if (!on) setStatus({ state: 'off', detail: 'Completion is paused' });
  else if (!key) setStatus({ state: 'no-model', label: null, detail: 'Pick a completion model on the Models page' });
  else if (['idle', 'off', 'no-model'].includes(completionStatus.peek().state)) {
    setStatus({ state: 'ready', label: labelOf(key), detail: null });
  }
});
