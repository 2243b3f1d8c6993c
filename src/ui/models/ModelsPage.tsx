import { completionModel } from '../../state/completion-status';
import { useEffect } from 'preact/hooks';
import {
  cancelDownload,
  clearAndRetry,
  defaults,
  deleteModel,
  device,
  download,
  initModels,
  loadModel,
  loadedModel,
  localModels,
  modelsError,
  requestPersistence,
  setDefaultModel,
  storage,
} from '../../state/models';
import { completionModelChoices, initProviders } from '../../state/providers';
import { checkpointBytes, checkpointCleanup, cleanUpCheckpoints, refreshCheckpointUsage } from '../../state/checkpoint-storage';
import { formatBytes } from '../../workspace/format';
import type { LocalModelInfo, ModelFit } from '../../worker-api/llm';
import { AdvancedSection } from './AdvancedSection';
import { ProvidersSection } from './ProvidersSection';

const FIT_LABEL: Record<ModelFit, string> = {
  fits: 'fits',
  'too-big': 'too big',
  'needs-f16': 'needs f16',
  'needs-webgpu': 'needs WebGPU',
};

/** Local models that fit this device, downloads with progress, storage, defaults; then remote providers. */
export function ModelsPage() {
  useEffect(() => {
    void initModels();
    void initProviders();
  }, []);
  const models = localModels.value;
  const recommended = models.filter((m) => m.recommended);
  const others = models.filter((m) => !m.recommended);
  return (
    <div class="page models-page">
      <h1>Models</h1>
      <DeviceSummary />
      <CompletionModelPicker />
      <StorageSummary />
      {modelsError.value && (
        <p class="error" role="alert">
          {modelsError.value}
        </p>
      )}
      <DownloadCard />
      {recommended.length > 0 && <ModelTable title="Recommended for this device" models={recommended} />}
      {others.length > 0 && <ModelTable title="All local models" models={others} />}
      <AdvancedSection />
      <ProvidersSection />
    </div>
  );
}

function DeviceSummary() {
  const d = device.value;
  if (!d) return <p class="hint">Checking what this device can run…</p>;
  if (!d.webgpu) {
    return (
      <p class="card warn" data-testid="device-summary">
        This browser has no usable WebGPU ({d.reason}). Local models run on the CPU engine (WASM), which is much slower:
        pick a small model, or add a remote provider below.
      </p>
    );
  }
  const adapter = d.adapter?.description || [d.adapter?.vendor, d.adapter?.architecture].filter(Boolean).join(' ');
  return (
    <p class="hint" data-testid="device-summary">
      WebGPU on {adapter || 'this GPU'}
      {d.shaderF16 ? ', with f16 shaders (q4f16 models).' : ', without f16 shaders: models use q4f32 builds.'}
      {d.limits && ` Largest GPU buffer: ${formatBytes(d.limits.maxBufferSize)}.`}
    </p>
  );
}

/** The model the editor's code completion uses: any local FIM model or provider completion model, or Automatic (the caps' default). The status bar's switch pauses it. */
function CompletionModelPicker() {
  const choices = completionModelChoices.value;
  const current = defaults.value.completion ?? '';
  const listed = current === '' || choices.some((c) => c.key === current);
  // With no choice the editor still completes, with a model that needs no download: say which.
  const fallback = current === '' ? choices.find((c) => c.key === completionModel.value) : undefined;
  return (
    <p class="row completion-picker">
      <label class="field">
        Code completion model
        <select aria-label="Code completion model" value={current} onChange={(e) => void setDefaultModel('completion', e.currentTarget.value || null)}>
          <option value="">Automatic</option>
          {choices.map((c) => (
            <option key={c.key} value={c.key}>
              {c.label}
            </option>
          ))}
          {/* A provider's models may not be fetched yet; keep the choice visible instead of showing None. */}
          {!listed && <option value={current}>{current} (not available now)</option>}
        </select>
      </label>
      {current === '' && <span class="hint">{fallback ? `Completion uses ${fallback.label}.` : 'No model can complete code yet: download a coder model or add a provider completion model.'}</span>}
      <span class="hint">
        A local completion model that is also the chat's pauses while the chat answers; another (small) one runs beside the chat.
      </span>
    </p>
  );
}

function StorageSummary() {
  const s = storage.value;
  useEffect(() => {
    void refreshCheckpointUsage().catch(() => undefined);
  }, []);
  if (!s) return null;
  const cp = checkpointBytes.value;
  return (
    <>
    {cp && (
      <p class="hint" data-testid="checkpoint-usage">
        Checkpoints (undo history of the agent's edits): {formatBytes(cp.bytes)} in {cp.commits} snapshots.{' '}
        <button type="button" class="link" onClick={() => void cleanUpCheckpoints()}>
          Clean up old checkpoints
        </button>
        {checkpointCleanup.value && ` ${checkpointCleanup.value}`}
      </p>
    )}
    <p class="hint" data-testid="storage-summary">
      Browser storage: {formatBytes(s.usage)} used of {formatBytes(s.quota)} available.{' '}
      {s.persisted ? (
        'Downloaded models are kept even when space runs low.'
      ) : (
        <button type="button" class="link" onClick={() => void requestPersistence()}>
          Keep downloaded models when space runs low
        </button>
      )}
    </p>
    </>
  );
}

function DownloadCard() {
  const d = download.value;
  if (!d) return null;
  const model = localModels.value.find((m) => m.id === d.modelId);
  const { loadedBytes, totalBytes, phase, text } = d.progress;
  const percent = totalBytes > 0 ? Math.min(100, (loadedBytes / totalBytes) * 100) : 0;
  return (
    <div class="card download" data-testid="download">
      <strong>{model?.label ?? d.modelId}</strong>
      {d.error ? (
        <>
          <p class="error" role="alert">
            {d.error}
          </p>
          <div class="row">
            <button type="button" class="primary" onClick={() => void loadModel(d.modelId)}>
              Retry
            </button>
            <button type="button" class="secondary" onClick={() => void clearAndRetry(d.modelId)}>
              Clear the half-finished download and retry
            </button>
          </div>
        </>
      ) : (
        <>
          <progress max={100} value={percent} aria-label="Download progress" />
          <p class="hint" data-testid="download-status">
            {phase === 'compile' ? 'Preparing the model' : 'Downloading'}: {formatBytes(loadedBytes)}
            {totalBytes > 0 && ` of ${formatBytes(totalBytes)} (${percent.toFixed(0)}%)`}
            {d.rate > 0 && ` · ${formatBytes(d.rate)}/s`}
            {d.etaSeconds !== null && ` · about ${formatDuration(d.etaSeconds)} left`}
            {text && ` · ${text}`}
          </p>
          <button type="button" class="secondary" onClick={() => void cancelDownload()}>
            Cancel
          </button>
        </>
      )}
    </div>
  );
}

function formatDuration(seconds: number): string {
  if (seconds < 60) return `${Math.ceil(seconds)} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

function ModelTable({ title, models }: { title: string; models: LocalModelInfo[] }) {
  return (
    <section class="model-table">
      <h2>{title}</h2>
      <table>
        <thead>
          <tr>
            <th>Model</th>
            <th>Download</th>
            <th>Memory</th>
            <th>Context</th>
            <th>This device</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {models.map((m) => (
            <ModelRow key={m.id} model={m} />
          ))}
        </tbody>
      </table>
    </section>
  );
}

function ModelRow({ model }: { model: LocalModelInfo }) {
  const busy = download.value !== null && !download.value.error;
  const isLoaded = loadedModel.value?.modelId === model.id;
  const isDefaultChat = defaults.value.chat === model.id;
  const isDefaultCompletion = defaults.value.completion === model.id;
  return (
    <tr data-model={model.id}>
      <td>
        <div class="model-name">{model.label}</div>
        <div class="hint">
          {model.engine === 'webllm' ? 'WebGPU (web-llm)' : 'ONNX (transformers.js)'}
          {model.supportsTools && ' · tools'}
          {model.supportsFim && ' · code completion'}
          {model.cached === 'complete' && ' · downloaded'}
          {model.cached === 'partial' && ' · download incomplete'}
        </div>
      </td>
      <td>{model.downloadBytes ? `~${formatBytes(model.downloadBytes)}` : '—'}</td>
      <td>{model.memoryBytes ? formatBytes(model.memoryBytes) : '—'}</td>
      <td>{model.contextWindow.toLocaleString()}</td>
      <td>
        <span class={`fit fit-${model.fit}`} title={model.fitNote}>
          {FIT_LABEL[model.fit]}
        </span>
      </td>
      <td>
        <div class="actions">
        {isLoaded ? (
          <span class="badge">loaded</span>
        ) : (
          <button
            type="button"
            class={model.cached === 'complete' ? 'secondary' : 'primary'}
            disabled={busy || model.fit !== 'fits'}
            onClick={() => void loadModel(model.id)}
          >
            {model.cached === 'complete' ? 'Load' : 'Download'}
          </button>
        )}
        {model.cached !== 'none' && (
          <button type="button" class="secondary" disabled={busy} onClick={() => void deleteModel(model.id)}>
            Delete
          </button>
        )}
        <button
          type="button"
          class={isDefaultChat ? 'primary' : 'secondary'}
          aria-pressed={isDefaultChat}
          onClick={() => void setDefaultModel('chat', isDefaultChat ? null : model.id)}
        >
          Default chat
        </button>
        {model.supportsFim && (
          <button
            type="button"
            class={isDefaultCompletion ? 'primary' : 'secondary'}
            aria-pressed={isDefaultCompletion}
            onClick={() => void setDefaultModel('completion', isDefaultCompletion ? null : model.id)}
          >
            Default completion
          </button>
        )}
        </div>
      </td>
    </tr>
  );
}
