import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { PROVIDER_PRESETS, configFromPreset, type PresetId } from '../../providers/config';
import {
  addProvider,
  addProviderModel,
  exportProvidersYaml,
  importProvidersYaml,
  initProviders,
  providerErrors,
  providers,
  providersBusy,
  refreshProviderModels,
  removeProvider,
  setProviderEnabled,
  uniqueProviderId,
} from '../../state/providers';

/** Remote providers: add from a preset or a providers.d YAML file, list their models, export. */
export function ProvidersSection() {
  useEffect(() => {
    void initProviders();
  }, []);
  return (
    <section class="providers">
      <h2>Remote providers</h2>
      <p class="hint">
        Your own API keys or servers (OpenAI, any OpenAI-compatible endpoint, Ollama, LM Studio, vLLM, a Refact server).
        Keys stay in this browser; requests go only to the address you enter.
      </p>
      {providers.value.map((p) => (
        <ProviderCard key={p.id} id={p.id} />
      ))}
      <AddProviderForm />
    </section>
  );
}

function ProviderCard({ id }: { id: string }) {
  const p = providers.value.find((x) => x.id === id)!;
  const error = providerErrors.value.get(id);
  const model = useSignal('');
  const models = Object.keys(p.chatModels);
  return (
    <div class="card provider" data-provider={id}>
      <div class="row">
        <strong>{p.name}</strong>
        <span class="hint">{p.baseUrl}</span>
        <span class="spacer" />
        <label class="row">
          <input type="checkbox" checked={p.enabled} onChange={(e) => void setProviderEnabled(id, e.currentTarget.checked)} />
          enabled
        </label>
      </div>
      <div class="hint">
        {p.kind === 'refact' ? 'Models from the server’s caps.' : models.length ? `Chat models: ${models.join(', ')}` : 'No models yet.'}
      </div>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <div class="row">
        <button type="button" class="secondary" disabled={providersBusy.value} onClick={() => void refreshProviderModels(id)}>
          Fetch models
        </button>
        <form
          class="row"
          onSubmit={(e) => {
            e.preventDefault();
            if (model.value.trim()) void addProviderModel(id, model.value.trim(), 8192);
            model.value = '';
          }}
        >
          <input
            aria-label={`Add a model to ${p.name}`}
            placeholder="model name"
            value={model.value}
            onInput={(e) => (model.value = e.currentTarget.value)}
          />
          <button type="submit" class="secondary">
            Add model
          </button>
        </form>
        <button type="button" class="secondary" onClick={() => exportProvidersYaml(id)}>
          Export YAML
        </button>
        <button type="button" class="secondary" onClick={() => void removeProvider(id)}>
          Remove
        </button>
      </div>
    </div>
  );
}

function AddProviderForm() {
  const preset = useSignal<PresetId>('ollama');
  const name = useSignal(PROVIDER_PRESETS.ollama.name);
  const baseUrl = useSignal(PROVIDER_PRESETS.ollama.baseUrl);
  const apiKey = useSignal('');
  const problem = useSignal<string | null>(null);
  const choose = (id: PresetId) => {
    preset.value = id;
    name.value = PROVIDER_PRESETS[id].name;
    baseUrl.value = PROVIDER_PRESETS[id].baseUrl;
  };
  return (
    <form
      class="card add-provider"
      onSubmit={async (e) => {
        e.preventDefault();
        const config = configFromPreset(preset.value, {
          id: uniqueProviderId(name.value),
          name: name.value.trim() || PROVIDER_PRESETS[preset.value].name,
          baseUrl: baseUrl.value.trim(),
          apiKey: apiKey.value.trim(),
        });
        problem.value = await addProvider(config);
        if (!problem.value) apiKey.value = '';
      }}
    >
      <strong>Add a provider</strong>
      <div class="row">
        <label class="field">
          Kind
          <select aria-label="Provider kind" value={preset.value} onChange={(e) => choose(e.currentTarget.value as PresetId)}>
            {(Object.keys(PROVIDER_PRESETS) as PresetId[]).map((id) => (
              <option key={id} value={id}>
                {PROVIDER_PRESETS[id].name}
              </option>
            ))}
          </select>
        </label>
        <label class="field">
          Name
          <input aria-label="Provider name" value={name.value} onInput={(e) => (name.value = e.currentTarget.value)} />
        </label>
        <label class="field">
          Address
          <input
            aria-label="Provider address"
            type="url"
            required
            value={baseUrl.value}
            onInput={(e) => (baseUrl.value = e.currentTarget.value)}
          />
        </label>
        <label class="field">
          API key
          <input
            aria-label="API key"
            type="password"
            autocomplete="off"
            placeholder={PROVIDER_PRESETS[preset.value].apiKeyRequired ? 'required' : 'optional'}
            value={apiKey.value}
            onInput={(e) => (apiKey.value = e.currentTarget.value)}
          />
        </label>
        <button type="submit" class="primary" disabled={providersBusy.value}>
          Add
        </button>
      </div>
      {problem.value && (
        <p class="error" role="alert">
          {problem.value}
        </p>
      )}
      <label class="field">
        Or import a Refact providers.d file
        <input
          type="file"
          accept=".yaml,.yml"
          aria-label="Import providers YAML"
          onChange={async (e) => {
            const file = e.currentTarget.files?.[0];
            if (file) problem.value = await importProvidersYaml(file);
            e.currentTarget.value = '';
          }}
        />
      </label>
    </form>
  );
}
