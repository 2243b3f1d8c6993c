import { describe, expect, it } from 'vitest';
import { localCaps, mergeCaps, modelKey, modelRoute } from './caps';
import { configFromPreset, defaultChatModel, type ProviderConfig } from './config';
import type { Caps } from './types';
import type { LocalModelInfo } from '../worker-api/llm';

function local(id: string, over: Partial<LocalModelInfo> = {}): LocalModelInfo {
  return {
    id,
    engine: 'webllm',
    label: id,
    family: 'qwen2.5-coder',
    downloadBytes: 1,
    memoryBytes: 1,
    contextWindow: 4096,
    supportsTools: true,
    supportsFim: true,
    fit: 'fits',
    cached: 'none',
    ...over,
  };
}

const ollama: ProviderConfig = configFromPreset('ollama', {
  chatModels: { 'qwen2.5-coder:7b': { ...defaultChatModel(32768), supports_tools: true } },
});
const lmstudio: ProviderConfig = configFromPreset('lmstudio', {
  chatModels: { 'qwen2.5-coder:7b': defaultChatModel(4096), other: defaultChatModel(2048) },
});
const refactCaps: Caps = {
  chat_models: { 'qwen2.5/coder/32b/instruct': { n_ctx: 32768, supports_tools: true }, 'llama/8b': { n_ctx: 8192 } },
  completion_models: { 'qwen2.5/coder/1.5b/base': { n_ctx: 4096 } },
  embedding_model: 'gte',
  chat_default_model: 'llama/8b',
  completion_default_model: 'qwen2.5/coder/1.5b/base',
};
const refact = configFromPreset('refact', { id: 'gpu' });

describe('localCaps', () => {
  it('lists models that fit; defaults to a downloaded one, recommended first', () => {
    const caps = localCaps(
      [
        local('webllm:a', { cached: 'complete' }),
        local('webllm:b', { cached: 'complete', recommended: true }),
        local('webllm:big', { fit: 'too-big', cached: 'complete' }),
        local('transformers:chat-only', { supportsFim: false }),
      ],
      'transformers:emb',
    );
    expect(Object.keys(caps.chat_models)).toEqual(['webllm:a', 'webllm:b', 'transformers:chat-only']);
    expect(Object.keys(caps.completion_models)).toEqual(['webllm:a', 'webllm:b']);
    expect(caps.chat_models['webllm:a']).toEqual({
      n_ctx: 4096,
      supports_tools: true,
      supports_agent: true,
      supports_multimodality: false,
      provider: 'local',
    });
    expect(caps).toMatchObject({ chat_default_model: 'webllm:b', completion_default_model: 'webllm:b', embedding_model: 'transformers:emb' });
    expect(localCaps([local('webllm:a')]).chat_default_model).toBe('');
  });
});

describe('mergeCaps', () => {
  const localOnly = localCaps([local('webllm:a', { cached: 'complete' })]);

  it('namespaces provider models so equal names do not clash; local ids stay as they are', () => {
    const caps = mergeCaps(localOnly, [{ config: ollama }, { config: lmstudio }, { config: refact, caps: refactCaps }]);
    expect(Object.keys(caps.chat_models)).toEqual([
      'webllm:a',
      'ollama/qwen2.5-coder:7b',
      'lmstudio/qwen2.5-coder:7b',
      'lmstudio/other',
      'gpu/qwen2.5/coder/32b/instruct',
      'gpu/llama/8b',
    ]);
    expect(caps.chat_models['ollama/qwen2.5-coder:7b']).toMatchObject({ n_ctx: 32768, supports_tools: true, provider: 'ollama' });
    expect(caps.chat_models['lmstudio/qwen2.5-coder:7b']).toMatchObject({ n_ctx: 4096, supports_tools: false, provider: 'lmstudio' });
    expect(Object.keys(caps.completion_models)).toEqual(['webllm:a', 'gpu/qwen2.5/coder/1.5b/base']);
    expect(caps.embedding_model).toBe('');
  });

  it('routes a key back to its provider and the provider\'s own name, slashes and all', () => {
    const caps = mergeCaps(localOnly, [{ config: ollama }, { config: refact, caps: refactCaps }]);
    expect(modelRoute(caps, 'gpu/qwen2.5/coder/32b/instruct')).toEqual({ provider: 'gpu', model: 'qwen2.5/coder/32b/instruct' });
    expect(modelRoute(caps, 'ollama/qwen2.5-coder:7b')).toEqual({ provider: 'ollama', model: 'qwen2.5-coder:7b' });
    expect(modelRoute(caps, 'webllm:a')).toEqual({ provider: 'local', model: 'webllm:a' });
    expect(modelRoute(caps, 'nope/x')).toBeUndefined();
    expect(modelKey('local', 'webllm:a')).toBe('webllm:a');
  });

  it('applies the user\'s per-model settings over fetched caps, and leaves out what they disabled', () => {
    const config: ProviderConfig = {
      ...refact,
      chatModels: { 'llama/8b': { ...defaultChatModel(2000), enabled: false }, 'qwen2.5/coder/32b/instruct': { ...defaultChatModel(16000), default_temperature: 0.1 } },
      completionModels: { 'qwen2.5/coder/1.5b/base': { n_ctx: 1024, enabled: true } },
    };
    const caps = mergeCaps(localOnly, [{ config, caps: refactCaps }]);
    expect(caps.chat_models['gpu/llama/8b']).toBeUndefined();
    expect(caps.chat_models['gpu/qwen2.5/coder/32b/instruct']).toMatchObject({ n_ctx: 16000, supports_tools: false, default_temperature: 0.1 });
    expect(caps.completion_models['gpu/qwen2.5/coder/1.5b/base']).toEqual({ n_ctx: 1024, provider: 'gpu' });
  });

  it('leaves out disabled providers', () => {
    const caps = mergeCaps(localOnly, [{ config: { ...ollama, enabled: false } }]);
    expect(Object.keys(caps.chat_models)).toEqual(['webllm:a']);
    expect(caps.chat_default_model).toBe('webllm:a');
  });

  it('picks defaults: the user\'s choice, else the first provider\'s own default, else local, else the first model', () => {
    const sources = [{ config: refact, caps: refactCaps }, { config: ollama }];
    expect(mergeCaps(localOnly, sources, { chatDefaultModel: 'ollama/qwen2.5-coder:7b' }).chat_default_model).toBe('ollama/qwen2.5-coder:7b');
    expect(mergeCaps(localOnly, sources, { chatDefaultModel: 'removed/model' }).chat_default_model).toBe('gpu/llama/8b');
    expect(mergeCaps(localOnly, [{ config: { ...ollama, chatDefaultModel: 'missing' } }]).chat_default_model).toBe('ollama/qwen2.5-coder:7b');
    expect(mergeCaps(localOnly, sources).completion_default_model).toBe('gpu/qwen2.5/coder/1.5b/base');
    expect(mergeCaps(localOnly, [{ config: configFromPreset('vllm') }]).chat_default_model).toBe('webllm:a');
    const noneCached = localCaps([local('webllm:z')]);
    expect(mergeCaps(noneCached, []).chat_default_model).toBe('webllm:z');
    expect(mergeCaps(localCaps([]), []).chat_default_model).toBe('');
  });
});
