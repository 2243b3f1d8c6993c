import { describe, expect, it } from 'vitest';
import { PROVIDER_PRESETS, configFromPreset, providerIdProblem, slugProviderId } from './config';
import { parseProvidersYaml, toProvidersYaml, type ProviderConfig } from './providers-yaml';

/** The example from the self-hosting guide ("Custom Provider Configuration"). */
const GUIDE_EXAMPLE = `api_key: your-api-key
chat_endpoint: https://api.example.com/v1/chat/completions
completion_endpoint: https://api.example.com/v1/chat/completions
enabled: true
chat_models:
  your-model:
    n_ctx: 128000
    tokenizer: /path/to/tiktoken/tokenizer.json  # tiktoken support!
    enabled: true
    supports_tools: true
    supports_agent: true
    default_temperature: 0.3
completion_models: {}
`;

function parseOk(text: string, file = 'custom.yaml'): { config: ProviderConfig; warnings: string[] } {
  const result = parseProvidersYaml(text, file);
  if (!result.ok) throw new Error(result.errors.join('\n'));
  return result;
}

function errorsOf(text: string, file = 'custom.yaml'): string[] {
  const result = parseProvidersYaml(text, file);
  if (result.ok) throw new Error('expected errors');
  return result.errors;
}

describe('parseProvidersYaml', () => {
  it('reads the guide\'s example', () => {
    const { config, warnings } = parseOk(GUIDE_EXAMPLE);
    expect(warnings).toEqual([]);
    expect(config).toEqual({
      id: 'custom',
      name: 'custom',
      kind: 'openai-compatible',
      baseUrl: 'https://api.example.com/v1',
      apiKey: 'your-api-key',
      completionEndpoint: 'https://api.example.com/v1/chat/completions',
      enabled: true,
      chatModels: {
        'your-model': {
          n_ctx: 128000,
          supports_tools: true,
          supports_agent: true,
          supports_multimodality: false,
          default_temperature: 0.3,
          enabled: true,
          tokenizer: '/path/to/tiktoken/tokenizer.json',
        },
      },
      completionModels: {},
    });
  });

  it('round-trips: parse -> export -> parse gives the same config', () => {
    const rich = `${GUIDE_EXAMPLE.replace('completion_models: {}\n', '')}
chat_default_model: your-model
completion_models:
  "qwen2.5-coder:1.5b":
    n_ctx: 4096
    scratchpad: FIM-PSM
embedding_model: text-embedding-3-small
running_models: [your-model]
`;
    for (const [text, file] of [
      [GUIDE_EXAMPLE, 'custom.yaml'],
      [rich, 'my-box.yml'],
      ['chat_endpoint: http://127.0.0.1:11434/v1/chat/completions\nchat_models:\n  "qwen2.5-coder:7b": {n_ctx: 32768}\n', 'ollama.yaml'],
      ['api_key: k\nchat_endpoint: https://my.azure.example/openai/deployments/gpt/chat?api-version=2024\nenabled: false\n', 'azure.yaml'],
    ] as const) {
      const first = parseOk(text, file).config;
      const exported = toProvidersYaml(first);
      const second = parseOk(exported, file);
      expect(second.config, exported).toEqual(first);
      expect(second.warnings).toEqual([]);
    }
  });

  it('keeps fields it does not use, for the way back', () => {
    const { config } = parseOk(`chat_endpoint: https://x.example/v1/chat/completions
embedding_model: emb
chat_models:
  m: { n_ctx: 10, supports_reasoning: openai }
`);
    expect(config.yamlExtras).toEqual({ embedding_model: 'emb' });
    expect(config.chatModels.m?.extra).toEqual({ supports_reasoning: 'openai' });
    expect(toProvidersYaml(config)).toContain('supports_reasoning: openai');
  });

  it('takes the kind and missing endpoint from a preset file name, and warns about $ENV keys and guesses', () => {
    const { config, warnings } = parseOk('api_key: $OPENAI_API_KEY\nchat_models:\n  gpt-4o: {}\n  typo: {n_ctxx: 5}\n', 'openai.yaml');
    expect(config).toMatchObject({ id: 'openai', name: 'OpenAI', baseUrl: 'https://api.openai.com/v1' });
    expect(config.chatModels['gpt-4o']?.n_ctx).toBe(8192);
    expect(warnings).toEqual([
      'openai.yaml: api_key "$OPENAI_API_KEY" names an environment variable, which a browser cannot read; enter the key itself',
      'openai.yaml: chat_models["gpt-4o"].n_ctx is missing; assuming 8192 tokens',
      'openai.yaml: chat_models["typo"].n_ctx is missing; assuming 8192 tokens',
      'openai.yaml: chat_models["typo"] has an unknown field "n_ctxx", kept as it is',
    ]);
    expect(parseOk('chat_endpoint: http://gpu:8008/v1/chat/completions\n', 'refact.yaml').config).toMatchObject({
      kind: 'refact',
      baseUrl: 'http://gpu:8008',
    });
  });

  it('names every bad field', () => {
    expect(
      errorsOf(`api_key: 12345
chat_endpoint: ftp://nope
enabled: "yes"
chat_models:
  good: {n_ctx: 100}
  bad:
    n_ctx: big
    supports_tools: maybe
    default_temperature: 9
  list: [1, 2]
completion_models: nope
`),
    ).toEqual([
      'custom.yaml: api_key must be text, got 12345 (put it in quotes)',
      'custom.yaml: enabled must be true or false, got "yes"',
      'custom.yaml: chat_endpoint must be an http:// or https:// URL, got "ftp://nope"',
      'custom.yaml: chat_models["bad"].n_ctx must be a positive whole number of tokens, got "big"',
      'custom.yaml: chat_models["bad"].supports_tools must be true or false, got "maybe"',
      'custom.yaml: chat_models["bad"].default_temperature must be a number from 0 to 2, got 9',
      'custom.yaml: chat_models["list"] must be a map of settings (n_ctx, …), got a list',
      'custom.yaml: completion_models must map model names to their settings, got "nope"',
    ]);
  });

  it('reports YAML syntax errors with their line, empty files, and missing endpoints', () => {
    expect(errorsOf('api_key: a\nchat_models:\n  m: {n_ctx: 1\n')[0]).toMatch(/^custom\.yaml:\d+: /);
    expect(errorsOf('api_key: a\napi_key: b\n')).toEqual(['custom.yaml:2: Map keys must be unique at line 2, column 1']);
    expect(errorsOf('')).toEqual(['custom.yaml: the file is empty']);
    expect(errorsOf('- a\n- b\n')).toEqual(['custom.yaml: expected fields (api_key, chat_endpoint, …), got a list']);
    expect(errorsOf('api_key: a\n')).toEqual([
      'custom.yaml: chat_endpoint is missing (e.g. chat_endpoint: https://api.example.com/v1/chat/completions)',
    ]);
    expect(errorsOf('chat_endpoint: x', 'local.yaml')[0]).toContain('reserved');
  });

  it('exports without the key when asked', () => {
    const config = configFromPreset('openai', { apiKey: 'sk-secret' });
    expect(toProvidersYaml(config)).toContain('api_key: sk-secret');
    expect(toProvidersYaml(config, { includeApiKey: false })).not.toContain('sk-secret');
  });

  it("keeps a completion model's FIM format both ways and names a bad one", () => {
    const config = configFromPreset('vllm', {
      completionModels: { 'my-coder': { n_ctx: 4096, enabled: true, fim_family: 'starcoder' } },
    });
    const back = parseOk(toProvidersYaml(config), 'vllm.yaml');
    expect(back.config.completionModels).toEqual({ 'my-coder': { n_ctx: 4096, enabled: true, fim_family: 'starcoder' } });
    expect(back.warnings).toEqual([]);
    const bad = `chat_endpoint: http://h/v1/chat/completions\ncompletion_models:\n  m: {n_ctx: 100, fim_family: qwen}\n`;
    expect(errorsOf(bad)).toEqual([expect.stringContaining('fim_family must be one of qwen2.5-coder, starcoder')]);
  });

  it('reads a llamacpp.yaml as a llama.cpp server', () => {
    expect(parseOk('chat_endpoint: http://127.0.0.1:8080/v1/chat/completions\n', 'llamacpp.yaml').config).toMatchObject({
      kind: 'llamacpp',
      name: 'llama.cpp server',
      baseUrl: 'http://127.0.0.1:8080/v1',
    });
  });
});

describe('presets and ids', () => {
  it('offers the local servers and OpenAI at their usual addresses', () => {
    expect(PROVIDER_PRESETS.ollama.baseUrl).toBe('http://127.0.0.1:11434/v1');
    expect(PROVIDER_PRESETS.lmstudio.baseUrl).toBe('http://127.0.0.1:1234/v1');
    expect(PROVIDER_PRESETS.vllm.baseUrl).toBe('http://127.0.0.1:8000/v1');
    expect(PROVIDER_PRESETS.openai.baseUrl).toBe('https://api.openai.com/v1');
    expect(PROVIDER_PRESETS.llamacpp).toMatchObject({ kind: 'llamacpp', baseUrl: 'http://127.0.0.1:8080/v1' });
    expect(configFromPreset('ollama')).toEqual({
      id: 'ollama',
      name: 'Ollama',
      kind: 'ollama',
      baseUrl: 'http://127.0.0.1:11434/v1',
      apiKey: '',
      chatModels: {},
      completionModels: {},
      enabled: true,
    });
  });

  it('makes ids from names and explains bad ones', () => {
    expect(slugProviderId('My vLLM box!')).toBe('my_vllm_box');
    expect(providerIdProblem('ok-id_1')).toBeUndefined();
    expect(providerIdProblem('a/b')).toContain('cannot be a provider id');
    expect(providerIdProblem('local')).toContain('reserved');
  });
});
