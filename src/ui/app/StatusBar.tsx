import { signal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import type { DeviceReport } from '../../worker-api/llm';
import { llmWorker } from '../../worker-api/workers';

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
    </footer>
  );
}
