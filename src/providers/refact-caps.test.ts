import { describe, expect, it } from 'vitest';
import { parseRefactCaps } from './refact-caps';
import { ProviderError } from './types';

const WHERE = { capsUrl: 'http://gpu.lan:8008/refact-caps', baseUrl: 'http://gpu.lan:8008' };

/** What the self-hosted server's /refact-caps returns (refact-server's _caps_data). */
const SELF_HOSTED = {
  cloud_name: 'Refact Self-Hosted',
  completion: {
    endpoint: '/v1/completions',
    models: { 'qwen2.5/coder/1.5b/base': { n_ctx: 4096, supports_scratchpads: { FIM: {} } } },
    default_model: 'qwen2.5/coder/1.5b/base',
    default_multiline_model: 'qwen2.5/coder/1.5b/base',
  },
  chat: {
    endpoint: '/v1/chat/completions',
    models: {
      'qwen2.5/coder/32b/instruct': { n_ctx: 32768, supports_tools: true, supports_agent: true, default_temperature: 0.2 },
      'llama3.1/8b/instruct': { n_ctx: 8192, supports_tools: false },
    },
    default_model: 'qwen2.5/coder/32b/instruct',
  },
  embedding: { endpoint: 'v1/embeddings', models: { 'thenlper/gte-base': { n_ctx: 512, size: 768 } }, default_model: 'thenlper/gte-base' },
  telemetry_endpoints: { telemetry_basic_endpoint: '/stats/telemetry-basic' },
  tokenizer_endpoints: {},
  caps_version: 1717,
};

describe('parseRefactCaps', () => {
  it('reads the self-hosted server shape', () => {
    const parsed = parseRefactCaps(SELF_HOSTED, WHERE);
    expect(parsed).toEqual({
      cloudName: 'Refact Self-Hosted',
      capsUrl: WHERE.capsUrl,
      capsVersion: 1717,
      chatEndpoint: 'http://gpu.lan:8008/v1/chat/completions',
      completionEndpoint: 'http://gpu.lan:8008/v1/completions',
      warnings: [],
      caps: {
        chat_models: {
          'qwen2.5/coder/32b/instruct': {
            n_ctx: 32768,
            supports_tools: true,
            supports_agent: true,
            supports_multimodality: false,
            default_temperature: 0.2,
          },
          'llama3.1/8b/instruct': { n_ctx: 8192, supports_tools: false, supports_agent: false, supports_multimodality: false },
        },
        completion_models: { 'qwen2.5/coder/1.5b/base': { n_ctx: 4096 } },
        embedding_model: 'thenlper/gte-base',
        chat_default_model: 'qwen2.5/coder/32b/instruct',
        completion_default_model: 'qwen2.5/coder/1.5b/base',
      },
    });
  });

  it('reads the flat shape (refact-lsp /v1/caps, older servers) with aliases and models_dict_patch', () => {
    const parsed = parseRefactCaps(
      {
        cloud_name: 'Refact',
        endpoint_chat_passthrough: 'v1/chat/completions',
        endpoint_template: '/v1/completions',
        code_chat_models: { 'gpt-4o': { n_ctx: 4096 }, off: { n_ctx: 1, enabled: false } },
        code_completion_models: { starcoder: {} },
        code_chat_default_model: 'gpt-4o',
        models_dict_patch: { 'gpt-4o': { n_ctx: 128000, supports_tools: true } },
        embedding_model: { name: 'emb' },
      },
      { capsUrl: 'http://h/prefix/refact-caps', baseUrl: 'http://h/prefix' },
    );
    expect(parsed.chatEndpoint).toBe('http://h/prefix/v1/chat/completions');
    expect(parsed.completionEndpoint).toBe('http://h/v1/completions');
    expect(parsed.caps.chat_models).toEqual({
      'gpt-4o': { n_ctx: 128000, supports_tools: true, supports_agent: false, supports_multimodality: false },
    });
    expect(parsed.caps.completion_models).toEqual({ starcoder: { n_ctx: 2048 } });
    expect(parsed.caps.embedding_model).toBe('emb');
    expect(parsed.caps.chat_default_model).toBe('gpt-4o');
    expect(parsed.warnings).toEqual(['caps model code_completion_models["starcoder"] has no valid n_ctx; assuming 2048']);
  });

  it('keeps $MODEL in endpoint templates', () => {
    const parsed = parseRefactCaps({ chat: { endpoint: '/v1/$MODEL/chat', models: {} } }, WHERE);
    expect(parsed.chatEndpoint).toBe('http://gpu.lan:8008/v1/$MODEL/chat');
  });

  it('refuses endpoints on another host (the key would go there) and says so', () => {
    const parsed = parseRefactCaps({ ...SELF_HOSTED, chat: { ...SELF_HOSTED.chat, endpoint: 'https://elsewhere.example/v1/chat/completions' } }, WHERE);
    expect(parsed.chatEndpoint).toBe('http://gpu.lan:8008/v1/chat/completions');
    expect(parsed.warnings[0]).toContain('another host (https://elsewhere.example)');
  });

  it('survives odd records: skips non-objects, defaults n_ctx, repairs a default that is not listed', () => {
    const parsed = parseRefactCaps(
      { chat: { models: { a: 'nope', b: { n_ctx: -1 }, c: { n_ctx: 10 } }, default_model: 'gone' }, completion: { models: [] } },
      WHERE,
    );
    expect(Object.keys(parsed.caps.chat_models)).toEqual(['b', 'c']);
    expect(parsed.caps.chat_models.b?.n_ctx).toBe(8192);
    expect(parsed.caps.chat_default_model).toBe('b');
    expect(parsed.caps.completion_models).toEqual({});
    expect(parsed.warnings).toEqual([
      'caps model chat.models["a"] is not an object; skipped',
      'caps model chat.models["b"] has no valid n_ctx; assuming 8192',
      'caps field completion.models is not a map of models; ignored',
      'caps default chat model "gone" is not among its chat models; using "b"',
    ]);
  });

  it('rejects JSON that is not caps', () => {
    expect(() => parseRefactCaps({ object: 'list', data: [] }, WHERE)).toThrow(ProviderError);
    expect(() => parseRefactCaps([1], WHERE)).toThrow(/expected a JSON object/);
  });
});
