import { useSignal } from '@preact/signals';
import type { SemanticIndexStatus } from '../../vecdb';
import { DEFAULT_EMBED_MODEL, EMBED_MODELS } from '../../vecdb/embed-models';
import type { EmbedModelSpec } from '../../worker-api/embed';
import { disableSemanticSearch, enableSemanticSearch, retrySemanticIndex, semanticConfig, semanticStatus } from '../../state/semantic-index';
import { formatBytes } from '../../workspace/format';

const OTHER = 'other';
const DTYPES: EmbedModelSpec['dtype'][] = ['q8', 'fp32', 'fp16', 'q4', 'q4f16'];

/** Search by meaning: turning it on (it downloads a model), then the semantic index's progress. */
export function SemanticPanel() {
  const config = semanticConfig.value;
  const busy = useSignal(false);
  const problem = useSignal<string | null>(null);
  if (!config) return <p class="hint">Loading…</p>;
  const act = (action: () => Promise<void>) => {
    busy.value = true;
    problem.value = null;
    action().then(
      () => (busy.value = false),
      (error: unknown) => {
        busy.value = false;
        problem.value = error instanceof Error ? error.message : String(error);
      },
    );
  };
  if (!config.enabled) return <EnableForm busy={busy.value} problem={problem.value} onEnable={(model) => act(() => enableSemanticSearch(model))} />;
  return (
    <div class="hint semantic-panel" data-testid="semantic-summary">
      <SemanticProgress status={semanticStatus.value} model={config.model} />
      <div class="row">
        <button type="button" class="link" disabled={busy.value} onClick={() => act(() => disableSemanticSearch())}>
          Turn off
        </button>
        <button type="button" class="link" disabled={busy.value} onClick={() => act(() => disableSemanticSearch({ forget: true }))}>
          Turn off and delete this folder’s vectors
        </button>
      </div>
      {problem.value && (
        <p class="error" role="alert">
          {problem.value}
        </p>
      )}
    </div>
  );
}

function SemanticProgress({ status, model }: { status: SemanticIndexStatus | null; model: EmbedModelSpec }) {
  if (!status || status.state === 'starting') return <span>Starting search by meaning with {model.label}…</span>;
  switch (status.state) {
    case 'loading-model': {
      const d = status.download;
      const total = d?.totalBytes ?? 0;
      return (
        <span>
          Loading {model.label}: {d?.text ?? ''} {total > 0 && `${formatBytes(d!.loadedBytes)} of ${formatBytes(total)}`}{' '}
          <progress max={Math.max(1, total)} value={d?.loadedBytes ?? 0} aria-label="Embedding model download" />
          {status.searchMode === 'keyword only' && ' · keyword search works meanwhile'}
        </span>
      );
    }
    case 'indexing':
      return (
        <span>
          Embedding {status.done}/{status.total} files ({status.chunks} chunks so far){' '}
          <progress max={Math.max(1, status.total)} value={status.done} aria-label="Semantic index progress" />
        </span>
      );
    case 'error':
      return (
        <span class="error" role="alert">
          Search by meaning stopped: {status.error}{' '}
          <button type="button" class="link" onClick={() => void retrySemanticIndex()}>
            Retry
          </button>
        </span>
      );
    case 'disposed':
      return null;
    case 'ready':
      return (
        <span>
          {status.chunks} chunks indexed by meaning with {model.label} · {status.embedded} embedded, {status.reused} reused from earlier
          {status.error ? ` · ${status.error}` : ''}
        </span>
      );
  }
}

function EnableForm({ busy, problem, onEnable }: { busy: boolean; problem: string | null; onEnable: (model: EmbedModelSpec) => void }) {
  const choice = useSignal(DEFAULT_EMBED_MODEL.id);
  const repo = useSignal('');
  const dtype = useSignal<EmbedModelSpec['dtype']>('q8');
  const dims = useSignal(384);
  const maxTokens = useSignal(256);
  const picked = EMBED_MODELS.find((m) => m.id === choice.value);
  const custom = (): EmbedModelSpec | null => {
    const id = repo.value.trim();
    if (!/^[\w.-]+\/[\w.-]+$/.test(id) || !Number.isInteger(dims.value) || dims.value <= 0 || !Number.isInteger(maxTokens.value) || maxTokens.value <= 0) return null;
    return { id: `${id}@${dtype.value}`, repo: id, dtype: dtype.value, dims: dims.value, maxTokens: maxTokens.value, label: id, sizeMB: 0 };
  };
  return (
    <form
      class="card semantic-enable"
      onSubmit={(e) => {
        e.preventDefault();
        const model = picked ?? custom();
        if (model) onEnable(model);
      }}
    >
      <h2>Search by meaning</h2>
      <p class="hint">
        Finds code from a description (“where are failed requests retried”) by comparing embeddings, fused with a keyword ranking over
        identifiers. It needs an embedding model, downloaded once from the model source set on the Models page and run on this device;
        your code never leaves it.
      </p>
      <label class="field">
        Model
        <select aria-label="Embedding model" value={choice.value} onChange={(e) => (choice.value = e.currentTarget.value)}>
          {EMBED_MODELS.map((m) => (
            <option key={m.id} value={m.id}>
              {m.label} — {m.sizeMB} MB, {m.dims} dims
            </option>
          ))}
          <option value={OTHER}>Another ONNX model from the Hub…</option>
        </select>
      </label>
      {!picked && (
        <div class="row">
          <label class="field">
            Repo id
            <input aria-label="Embedding model repo id" placeholder="owner/name" value={repo.value} onInput={(e) => (repo.value = e.currentTarget.value)} />
          </label>
          <label class="field">
            Weights
            <select aria-label="Embedding model weights" value={dtype.value} onChange={(e) => (dtype.value = e.currentTarget.value as EmbedModelSpec['dtype'])}>
              {DTYPES.map((d) => (
                <option key={d} value={d}>
                  {d}
                </option>
              ))}
            </select>
          </label>
          <label class="field">
            Dimensions
            <input type="number" min={1} aria-label="Embedding dimensions" value={dims.value} onInput={(e) => (dims.value = Number(e.currentTarget.value))} />
          </label>
          <label class="field">
            Token limit
            <input type="number" min={1} aria-label="Embedding token limit" value={maxTokens.value} onInput={(e) => (maxTokens.value = Number(e.currentTarget.value))} />
          </label>
        </div>
      )}
      <button type="submit" class="primary" disabled={busy || (!picked && custom() === null)}>
        Turn on search by meaning
      </button>
      {problem && (
        <p class="error" role="alert">
          {problem}
        </p>
      )}
    </form>
  );
}
