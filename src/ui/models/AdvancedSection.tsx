import { useSignal } from '@preact/signals';
import { familyForModelId } from '../../inference/model-family';
import { llmConfig, saveLlmConfig } from '../../state/models';

const DEFAULT_HOST = 'https://huggingface.co';

/** Chat template (and fill-in-the-middle tokens) of a hand-added model; Qwen2.5-Coder's also completes code. */
const FORMAT_LABEL: Record<string, string> = {
  chatml: 'ChatML',
  'qwen2.5-coder': 'Qwen2.5-Coder (chat and code completion)',
  'qwen2.5': 'Qwen2.5',
  qwen3: 'Qwen3',
  'llama-3.2': 'Llama 3.2',
  smollm2: 'SmolLM2',
};

/** Where models download from, extra ONNX models by repo id, and the ONNX engine's device. */
export function AdvancedSection() {
  const config = llmConfig.value;
  const repo = useSignal('');
  const dtype = useSignal('q4');
  const format = useSignal<string>('auto');
  const host = useSignal(config.modelHost ?? '');
  const custom = config.customModels ?? [];
  return (
    <details class="card advanced">
      <summary>Advanced: model source, custom ONNX models, CPU engine</summary>
      <form
        class="row"
        onSubmit={(e) => {
          e.preventDefault();
          void saveLlmConfig({ modelHost: host.value.trim() || undefined });
        }}
      >
        <label class="field">
          Download models from
          <input
            type="url"
            placeholder={DEFAULT_HOST}
            value={host.value}
            onInput={(e) => (host.value = e.currentTarget.value)}
            aria-label="Model download host"
          />
        </label>
        <button type="submit" class="secondary">
          Save
        </button>
      </form>
      <label class="field">
        ONNX engine runs on
        <select
          aria-label="ONNX engine device"
          value={config.transformersDevice ?? 'auto'}
          onChange={(e) => {
            const v = e.currentTarget.value;
            void saveLlmConfig({ transformersDevice: v === 'webgpu' || v === 'wasm' ? v : undefined });
          }}
        >
          <option value="auto">WebGPU when available, else CPU</option>
          <option value="webgpu">WebGPU</option>
          <option value="wasm">CPU (WASM)</option>
        </select>
      </label>
      <form
        class="row"
        onSubmit={(e) => {
          e.preventDefault();
          const id = repo.value.trim();
          if (!/^[\w.-]+\/[\w.-]+$/.test(id)) return;
          const family = format.value === 'auto' ? familyForModelId(id) : format.value;
          void saveLlmConfig({ customModels: [...custom.filter((m) => m.repo !== id), { repo: id, dtype: dtype.value, family }] });
          repo.value = '';
        }}
      >
        <label class="field">
          Add an ONNX chat model (Hugging Face repo id)
          <input
            placeholder="onnx-community/Qwen2.5-Coder-0.5B-Instruct"
            pattern="[\w.\-]+/[\w.\-]+"
            value={repo.value}
            onInput={(e) => (repo.value = e.currentTarget.value)}
            aria-label="ONNX model repo id"
          />
        </label>
        <label class="field">
          Weights
          <select aria-label="ONNX weights" value={dtype.value} onChange={(e) => (dtype.value = e.currentTarget.value)}>
            <option value="q4">q4</option>
            <option value="q4f16">q4f16 (needs f16)</option>
            <option value="q8">q8</option>
            <option value="fp16">fp16</option>
            <option value="fp32">fp32</option>
          </select>
        </label>
        <label class="field">
          Prompt format
          <select aria-label="ONNX prompt format" value={format.value} onChange={(e) => (format.value = e.currentTarget.value)}>
            <option value="auto">From the name ({FORMAT_LABEL[familyForModelId(repo.value)] ?? 'ChatML'})</option>
            {Object.entries(FORMAT_LABEL).map(([id, label]) => (
              <option key={id} value={id}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" class="secondary">
          Add model
        </button>
      </form>
      {custom.length > 0 && (
        <ul class="custom-models">
          {custom.map((m) => (
            <li key={m.repo}>
              {m.repo} ({m.dtype}, {FORMAT_LABEL[m.family ?? 'chatml'] ?? m.family}){' '}
              <button
                type="button"
                class="icon"
                aria-label={`Remove ${m.repo}`}
                onClick={() => void saveLlmConfig({ customModels: custom.filter((c) => c.repo !== m.repo) })}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
    </details>
  );
}
