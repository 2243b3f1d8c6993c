import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFromPreset, type ProviderConfig } from '../providers/config';
import { fimInput, replyJson, startTestServer, type TestServer } from '../providers/completion/test-server.test-support';
import { setSetting } from '../storage/db';
import { freshIndexedDb } from '../storage/test-support';
import { defaults, setDefaultModel } from './models';
import {
  addProviderCompletionModel,
  completionBackendFor,
  completionModelChoices,
  completionModelsOf,
  providers,
  removeProviderCompletionModel,
  setCompletionModelFimFamily,
} from './providers';

/**
 * Provider completion models as the state keeps them, and the backend the
 * editor gets for a `<provider>/<model>` key. Storage is fake-indexeddb; the
 * one completion goes to a real server on 127.0.0.1.
 */

let server: TestServer;
beforeAll(async () => {
  await freshIndexedDb();
  server = await startTestServer();
  const stored: ProviderConfig[] = [
    configFromPreset('ollama', {
      baseUrl: `${server.origin}/v1`,
      completionModels: { 'qwen2.5-coder:1.5b': { n_ctx: 2048, enabled: true }, off: { n_ctx: 2048, enabled: false } },
    }),
    configFromPreset('vllm', { id: 'gpu', name: 'GPU box', baseUrl: `${server.origin}/v1` }),
    configFromPreset('refact', { baseUrl: server.origin }),
    configFromPreset('lmstudio', { enabled: false, completionModels: { m: { n_ctx: 2048, enabled: true } } }),
  ];
  await setSetting('providers', stored);
  // Reads the stored configs, as the editor's first call does.
  await completionBackendFor('none');
});
afterAll(() => server.close());

describe('completionBackendFor', () => {
  it('returns the backend for a provider completion model, which completes against the server', async () => {
    const backend = await completionBackendFor('ollama/qwen2.5-coder:1.5b');
    expect(backend?.label).toBe('ollama/qwen2.5-coder:1.5b');
    server.answer((_req, res) => replyJson(res, 200, { response: ' a + b', done_reason: 'stop' }));
    expect(await backend!.complete(fimInput(), new AbortController().signal)).toEqual({ text: ' a + b', finish_reason: 'stop' });
    expect(server.requests.at(-1)?.path).toBe('/api/generate');
    expect(await completionBackendFor('ollama/qwen2.5-coder:1.5b')).toBe(backend);
  });

  it('is null for local models, unknown or disabled providers, and models the provider does not list', async () => {
    for (const key of [
      'webllm:Qwen2.5-Coder-0.5B-Instruct-q4f16_1-MLC',
      'transformers:onnx-community/Qwen2.5-Coder-0.5B',
      'nobody/model',
      'lmstudio/m',
      'ollama/off',
      'ollama/not-added',
      'gpu/starcoder2',
      'ollama/',
      '/x',
    ]) {
      expect(await completionBackendFor(key), key).toBeNull();
    }
  });

  it("trusts a Refact server's key before its caps arrive", async () => {
    expect((await completionBackendFor('refact/starcoder2/3b'))?.label).toBe('refact/starcoder2/3b');
  });
});

describe('provider completion models', () => {
  it('adds with a FIM format, changes it, lists it with a readable label, and removes it (clearing the default)', async () => {
    await addProviderCompletionModel('gpu', 'my-finetune', 'starcoder');
    expect(providers.value.find((p) => p.id === 'gpu')?.completionModels).toEqual({
      'my-finetune': { n_ctx: 2048, enabled: true, fim_family: 'starcoder' },
    });
    expect(completionModelsOf('gpu')).toEqual(['my-finetune']);
    expect(completionModelChoices.value).toContainEqual({ key: 'gpu/my-finetune', label: 'my-finetune (GPU box)' });

    await setCompletionModelFimFamily('gpu', 'my-finetune', 'codellama');
    expect(providers.value.find((p) => p.id === 'gpu')?.completionModels['my-finetune']?.fim_family).toBe('codellama');
    await setCompletionModelFimFamily('gpu', 'my-finetune', undefined);
    expect(providers.value.find((p) => p.id === 'gpu')?.completionModels['my-finetune']).toEqual({ n_ctx: 2048, enabled: true });

    await setDefaultModel('completion', 'gpu/my-finetune');
    expect(await completionBackendFor('gpu/my-finetune')).not.toBeNull();
    await removeProviderCompletionModel('gpu', 'my-finetune');
    expect(completionModelsOf('gpu')).toEqual([]);
    expect(defaults.value.completion).toBeNull();
    expect(await completionBackendFor('gpu/my-finetune')).toBeNull();
  });
});
