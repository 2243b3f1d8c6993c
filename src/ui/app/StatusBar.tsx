import { signal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import type { DeviceReport } from '../../worker-api/llm';
import { indexStatus } from '../../state/code-index';
import { indexPhaseText } from './index-progress';
import { semanticStatus } from '../../state/semantic-index';
import { llmWorker } from '../../worker-api/workers';
import { CompletionStatus } from './CompletionStatus';

const device = signal<DeviceReport | null>(null);
const deviceError = signal<string | null>(null);

/** What this device offers the local models: asked of the llm worker, where inference will run. */
export function StatusBar() {
  useEffect(() => {
    if (device.value || deviceError.value) return;
    llmWorker()
      .api.probeDevice()
      .then(
        (report) => (device.value = report),
        (err: unknown) => (deviceError.value = err instanceof Error ? err.message : String(err)),
      );
  }, []);
  const d = device.value;
  return (
    <footer class="statusbar" data-testid="statusbar">
      {deviceError.value ? (
        <span class="warn">Inference worker failed to start: {deviceError.value}</span>
      ) : !d ? (
        <span>Checking this device…</span>
      ) : d.webgpu ? (
        <span data-testid="webgpu-status" title={d.adapter?.description}>
          WebGPU: {d.adapter?.description || [d.adapter?.vendor, d.adapter?.architecture].filter(Boolean).join(' ') || 'available'}
          {d.shaderF16 ? ' · f16' : ' · no f16 (q4f32 models)'}
        </span>
      ) : (
        <span data-testid="webgpu-status" class="warn">
          No WebGPU ({d.reason ?? 'unavailable'}): local models will use the CPU engine
        </span>
      )}
      {d && <span>{d.crossOriginIsolated ? `threads: ${d.hardwareConcurrency}` : 'single-threaded WASM'}</span>}
      <IndexProgress />
      <SemanticProgress />
      <CompletionStatus />
    </footer>
  );
}

/** The AST index's progress while it works, then what it holds. */
function IndexProgress() {
  const status = indexStatus.value;
  if (!status || status.state === 'disposed') return null;
  if (status.state === 'error') {
    return (
      <span class="warn" data-testid="index-status" title="Search shows the details; a change to the folder or “Index again” there retries">
        Code index stopped: {status.error}
      </span>
    );
  }
  if (status.state !== 'ready') {
    return (
      <span data-testid="index-status">
        Code index: {indexPhaseText(status)}{' '}
        <progress max={Math.max(1, status.total)} value={status.done} aria-label="Code index progress" />
      </span>
    );
  }
  return (
    <span data-testid="index-status" title={status.skippedCount ? `${status.skippedCount} files skipped` : undefined}>
      Code index: {status.files} files, {status.definitions} definitions
    </span>
  );
}

/** The semantic index while it downloads its model or embeds; quiet once ready (the Search page has the details). */
function SemanticProgress() {
  const status = semanticStatus.value;
  if (!status) return null;
  if (status.state === 'loading-model') return <span data-testid="semantic-status">Loading the embedding model…</span>;
  if (status.state === 'error') return <span class="warn" data-testid="semantic-status">Search by meaning stopped (see Search)</span>;
  if (status.state !== 'indexing') return null;
  return (
    <span data-testid="semantic-status">
      Embedding {status.done}/{status.total}{' '}
      <progress max={Math.max(1, status.total)} value={status.done} aria-label="Semantic index progress" />
    </span>
  );
}
