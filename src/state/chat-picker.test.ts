import { describe, expect, it, vi } from 'vitest';

const preloaded = vi.hoisted(() => [] as string[]);
vi.mock('../engine/token-counter', () => ({
  preloadTokenCounter: async (model: string) => void preloaded.push(model),
}));

const { providers } = await import('./providers');
const { selectedTarget, selectTarget } = await import('./chat-picker');
const { defaultChatModel } = await import('../providers/config');

describe('chat model picker', () => {
  it("starts loading a provider model's tokenizer when the model is picked, not on the first send", async () => {
    providers.value = [
      {
        id: 'acme',
        name: 'Acme',
        kind: 'openai-compatible',
        baseUrl: 'https://acme.example/v1',
        apiKey: '',
        chatModels: { 'gpt-4o-mini': defaultChatModel(128_000), 'gpt-4.1': defaultChatModel(128_000) },
        completionModels: {},
        enabled: true,
      },
    ];
    expect(selectedTarget.value?.kind).toBe('provider');
    const first = selectedTarget.value!.model;
    await vi.waitFor(() => expect(preloaded).toContain(first));
    const other = first === 'gpt-4.1' ? 'gpt-4o-mini' : 'gpt-4.1';
    selectTarget(`acme/${other}`);
    await vi.waitFor(() => expect(preloaded).toContain(other));
  });
});
