import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import type { FimFamily } from '../../inference/fim';
import { FIM_FAMILIES, FIM_FAMILY_LABELS, guessFimFamily, isFimFamily } from '../../providers/completion/fim-family';
import { PROVIDER_PRESETS, configFromPreset, takesRawFimPrompt, type PresetId, type ProviderConfig } from '../../providers/config';
import {
  addProvider,
  addProviderCompletionModel,
  addProviderModel,
  completionModelsOf,
  exportProvidersYaml,
  importProvidersYaml,
  initProviders,
  providerErrors,
  providers,
  providersBusy,
  refreshProviderModels,
  removeProvider,
  removeProviderCompletionModel,
  setCompletionModelFimFamily,
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
        Your own API keys or servers (OpenAI, any OpenAI-compatible endpoint, Ollama, LM Studio, vLLM, a llama.cpp server, a
        Refact server).
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
      <CompletionModels provider={p} />
    </div>
  );
}

/** A provider's code-completion models: a Refact server's from its caps, the others' added by name. */
function CompletionModels({ provider: p }: { provider: ProviderConfig }) {
  if (p.kind === 'refact') {
    const names = completionModelsOf(p.id);
    return (
      <div class="completion-models" data-testid={`completion-models-${p.id}`}>
        <strong>Completion models</strong>
        <span class="hint"> {names.length ? `${names.join(', ')} (from the server’s caps)` : 'none in the server’s caps yet'}</span>
      </div>
    );
  }
  const rawFim = takesRawFimPrompt(p.kind);
  return (
    <div class="completion-models" data-testid={`completion-models-${p.id}`}>
      <strong>Completion models</strong>
      {!rawFim && <span class="hint"> The server applies each model’s own fill-in-the-middle format.</span>}
      <ul>
        {Object.entries(p.completionModels).map(([name, m]) => (
          <li key={name} class="row">
            <span>{name}</span>
            {rawFim && (
              <FimFamilySelect
                label={`Fill-in-the-middle format of ${name}`}
                value={m.fim_family ?? guessFimFamily(name)}
                onChange={(family) => void setCompletionModelFimFamily(p.id, name, family)}
              />
            )}
            <button type="button" class="secondary" onClick={() => void removeProviderCompletionModel(p.id, name)}>
              Remove
            </button>
          </li>
        ))}
      </ul>
      <AddCompletionModelForm provider={p} rawFim={rawFim} />
    </div>
  );
}

function AddCompletionModelForm({ provider: p, rawFim }: { provider: ProviderConfig; rawFim: boolean }) {
  const name = useSignal('');
  // Follows the name's guess until the user picks a format.
  const picked = useSignal<FimFamily | undefined>(undefined);
  const family = picked.value ?? guessFimFamily(name.value);
  return (
    <form
      class="row"
      onSubmit={(e) => {
        e.preventDefault();
        const model = name.value.trim();
        if (model) void addProviderCompletionModel(p.id, model, rawFim ? family : undefined);
        name.value = '';
        picked.value = undefined;
      }}
    >
      <input
        aria-label={`Add a completion model to ${p.name}`}
        placeholder="completion model name"
        value={name.value}
        onInput={(e) => (name.value = e.currentTarget.value)}
      />
      {rawFim && <FimFamilySelect label={`Fill-in-the-middle format for ${p.name}`} value={family} onChange={(f) => (picked.value = f)} />}
      <button type="submit" class="secondary">
        Add completion model
      </button>
    </form>
  );
}

function FimFamilySelect(props: { label: string; value: FimFamily | undefined; onChange: (family: FimFamily | undefined) => void }) {
  return (
    <select
      aria-label={props.label}
      value={props.value ?? ''}
      onChange={(e) => {
        const v = e.currentTarget.value;
        props.onChange(isFimFamily(v) ? v : undefined);
      }}
    >
      <option value="">FIM format…</option>
      {FIM_FAMILIES.map((f) => (
        <option key={f} value={f}>
          {FIM_FAMILY_LABELS[f]}
        </option>
      ))}
    </select>
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
