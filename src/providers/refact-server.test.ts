import { describe, expect, it } from 'vitest';
import type { FetchLike } from './http';
import { createRefactServerProvider, fetchRefactCaps, normalizeRefactBaseUrl } from './refact-server';

const CAPS = {
  cloud_name: 'Refact Self-Hosted',
  chat: { endpoint: '/v1/chat/completions', models: { chatty: { n_ctx: 4096, supports_tools: true } }, default_model: 'chatty' },
  completion: { endpoint: '/v1/completions', models: {}, default_model: '' },
};

/** Answers by URL; records every URL asked for. */
function routes(table: Record<string, () => Response>): FetchLike & { urls: string[] } {
  const urls: string[] = [];
  const fn = async (url: string) => {
    urls.push(url);
    const answer = table[url];
    return answer ? answer() : new Response('{"detail":"Not Found"}', { status: 404 });
  };
  return Object.assign(fn, { urls });
}

const json = (body: unknown, status = 200) => () =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

describe('normalizeRefactBaseUrl', () => {
  it('drops trailing slashes, /v1 and a pasted caps path', () => {
    expect(normalizeRefactBaseUrl('http://h:8008/')).toBe('http://h:8008');
    expect(normalizeRefactBaseUrl('http://h:8008/v1/')).toBe('http://h:8008');
    expect(normalizeRefactBaseUrl('http://h:8008/refact-caps')).toBe('http://h:8008');
  });
});

describe('fetchRefactCaps', () => {
  it('reads /refact-caps first', async () => {
    const fetch = routes({ 'http://h:8008/refact-caps': json(CAPS) });
    const caps = await fetchRefactCaps({ id: 'r', baseUrl: 'http://h:8008', fetch });
    expect(caps.caps.chat_default_model).toBe('chatty');
    expect(fetch.urls).toEqual(['http://h:8008/refact-caps']);
  });

  it('falls back to /v1/caps when /refact-caps is missing or not caps', async () => {
    const fetch = routes({
      'http://h/refact-caps': () => new Response('<!doctype html><p>spa</p>', { status: 200, headers: { 'Content-Type': 'text/html' } }),
      'http://h/v1/caps': json({ chat_models: { x: { n_ctx: 100 } }, chat_default_model: 'x' }),
    });
    const caps = await fetchRefactCaps({ id: 'r', baseUrl: 'http://h', fetch });
    expect(caps.capsUrl).toBe('http://h/v1/caps');
    expect(caps.caps.chat_default_model).toBe('x');
  });

  it('says what it tried when no path has caps', async () => {
    await expect(fetchRefactCaps({ id: 'r', baseUrl: 'http://h', fetch: routes({}) })).rejects.toMatchObject({
      kind: 'bad-request',
      message:
        'No Refact caps at http://h: tried /refact-caps (404), /v1/caps (404), /coding_assistant_caps.json (404). Is this the address of a Refact server?',
    });
  });

  it('stops at an authentication failure', async () => {
    const fetch = routes({ 'http://h/refact-caps': json({ detail: 'bad token' }, 401) });
    await expect(fetchRefactCaps({ id: 'r', baseUrl: 'http://h', apiKey: 'k', fetch })).rejects.toMatchObject({ kind: 'auth' });
    expect(fetch.urls).toHaveLength(1);
  });
});

describe('createRefactServerProvider', () => {
  it('chats at the caps chat endpoint, fetching caps once', async () => {
    const sse = () =>
      new Response('data: {"choices":[{"index":0,"delta":{"content":"hi"},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n', {
        headers: { 'Content-Type': 'text/event-stream' },
      });
    const fetch = routes({
      'http://h:8008/refact-caps': json({ ...CAPS, chat: { ...CAPS.chat, endpoint: '/v2/chat' } }),
      'http://h:8008/v2/chat': sse,
    });
    const provider = createRefactServerProvider({ id: 'refact', baseUrl: 'http://h:8008/v1', apiKey: 'k', fetch });
    for (let i = 0; i < 2; i++) {
      const text: string[] = [];
      for await (const c of provider.streamChat({ model: 'chatty', messages: [] }, new AbortController().signal)) {
        text.push(c.choices[0]?.delta.content ?? '');
      }
      expect(text.join('')).toBe('hi');
    }
    expect(fetch.urls).toEqual(['http://h:8008/refact-caps', 'http://h:8008/v2/chat', 'http://h:8008/v2/chat']);
  });

  it('falls back to {base}/v1/chat/completions when the server has no caps', async () => {
    const fetch = routes({
      'http://h/v1/chat/completions': () =>
        new Response('data: {"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\n', { headers: { 'Content-Type': 'text/event-stream' } }),
    });
    const provider = createRefactServerProvider({ id: 'refact', baseUrl: 'http://h', fetch });
    for await (const _ of provider.streamChat({ model: 'm', messages: [] }, new AbortController().signal)) void _;
    expect(fetch.urls.at(-1)).toBe('http://h/v1/chat/completions');
  });
});
