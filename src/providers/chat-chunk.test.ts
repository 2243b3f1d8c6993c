import { describe, expect, it } from 'vitest';
import { emptyDraft, mergeChunk } from '../engine/stream-merge';
import { chatRequestBody, normalizeChatChunk, normalizeFinishReason } from './chat-chunk';

describe('chatRequestBody', () => {
  it('streams with usage, drops reasoning_content and empty tools/stop', () => {
    const body = chatRequestBody(
      {
        model: 'm',
        messages: [
          { role: 'user', content: 'hi' },
          {
            role: 'assistant',
            content: null,
            reasoning_content: 'secret thoughts',
            tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } }],
          },
          { role: 'tool', content: 'result', tool_call_id: 'c1' },
        ],
        tools: [],
        stop: [],
        temperature: 0.2,
      },
      { streamOptions: true },
    );
    expect(body).toEqual({
      model: 'm',
      stream: true,
      stream_options: { include_usage: true },
      temperature: 0.2,
      messages: [
        { role: 'user', content: 'hi' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } }] },
        { role: 'tool', content: 'result', tool_call_id: 'c1' },
      ],
    });
    expect(chatRequestBody({ model: 'm', messages: [] }, { streamOptions: false })).not.toHaveProperty('stream_options');
  });
});

describe('normalizeChatChunk', () => {
  it('keeps tool-call fragments as fragments with their index; missing ids stay missing', () => {
    const chunk = normalizeChatChunk({
      id: 'x',
      choices: [
        {
          index: 0,
          delta: {
            tool_calls: [
              { index: 1, function: { arguments: '{"a":' } },
              { index: 0, id: '', type: 'function', function: { name: 'f', arguments: '' } },
              { index: 2 },
            ],
          },
          finish_reason: null,
        },
      ],
    });
    expect(chunk).toEqual({
      id: 'x',
      choices: [
        {
          index: 0,
          delta: {
            tool_calls: [
              { index: 1, function: { arguments: '{"a":' } },
              { index: 0, type: 'function', function: { name: 'f' } },
            ],
          },
          finish_reason: null,
        },
      ],
    });
  });

  it('uses the array position when a server omits the index, and stringifies object arguments', () => {
    const chunk = normalizeChatChunk({
      choices: [{ delta: { tool_calls: [{ id: 'a', function: { name: 'f', arguments: { x: 1 } } }, { id: 'b' }] } }],
    });
    expect(chunk?.choices[0]?.delta.tool_calls).toEqual([
      { index: 0, id: 'a', function: { name: 'f', arguments: '{"x":1}' } },
      { index: 1, id: 'b' },
    ]);
  });

  it('maps reasoning (Ollama, OpenRouter) to reasoning_content, once when both are sent', () => {
    expect(normalizeChatChunk({ choices: [{ delta: { reasoning: 'r' } }] })?.choices[0]?.delta).toEqual({ reasoning_content: 'r' });
    expect(normalizeChatChunk({ choices: [{ delta: { reasoning: 'r', reasoning_content: 'r' } }] })?.choices[0]?.delta).toEqual({
      reasoning_content: 'r',
    });
  });

  it('keeps Anthropic-style thinking_blocks fragments, dropping redacted and malformed ones', () => {
    const delta = normalizeChatChunk({
      choices: [
        {
          delta: {
            thinking_blocks: [
              { type: 'thinking', thinking: 'Let me check ', signature: '' },
              { type: 'redacted_thinking', data: 'opaque' },
              'junk',
              { type: 'thinking', thinking: '', signature: 'sig-1' },
            ],
          },
        },
      ],
    })?.choices[0]?.delta;
    expect(delta).toEqual({ thinking_blocks: [{ thinking: 'Let me check ' }, { signature: 'sig-1' }] });
  });

  it('streamed thinking_blocks reach the assistant message folded into one block', () => {
    const events = [
      { choices: [{ delta: { role: 'assistant', thinking_blocks: [{ type: 'thinking', thinking: 'Read the ' }] } }] },
      { choices: [{ delta: { thinking_blocks: [{ type: 'thinking', thinking: 'file first.' }] } }] },
      { choices: [{ delta: { thinking_blocks: [{ type: 'thinking', signature: 'EqQB' }] } }] },
      { choices: [{ delta: { content: 'Done.' }, finish_reason: 'stop' }] },
    ];
    const draft = events.map((e) => normalizeChatChunk(e)!).reduce(mergeChunk, emptyDraft());
    expect(draft.thinking_blocks).toEqual([{ thinking: 'Read the file first.', signature: 'EqQB' }]);
    expect(draft.content).toBe('Done.');
  });

  it('reads content given as text parts, and a whole `message` instead of `delta`', () => {
    expect(normalizeChatChunk({ choices: [{ delta: { content: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }] } }] })?.choices[0]?.delta).toEqual({
      content: 'ab',
    });
    expect(
      normalizeChatChunk({ choices: [{ message: { role: 'assistant', content: 'whole' }, finish_reason: 'stop' }] })?.choices[0],
    ).toEqual({ index: 0, delta: { role: 'assistant', content: 'whole' }, finish_reason: 'stop' });
  });

  it('keeps a usage-only chunk and fills a missing total', () => {
    expect(normalizeChatChunk({ choices: [], usage: { prompt_tokens: 2, completion_tokens: 3 } })).toEqual({
      choices: [],
      usage: { prompt_tokens: 2, completion_tokens: 3, total_tokens: 5 },
    });
  });

  it('returns null for objects that are not chunks', () => {
    expect(normalizeChatChunk({ caps_version: 3 })).toBeNull();
  });

  it('maps every dialect of finish reason', () => {
    expect(['stop', 'length', 'tool_calls', 'function_call', 'tool_use', 'max_tokens', 'eos', 'content_filter', null, ''].map(normalizeFinishReason)).toEqual([
      'stop',
      'length',
      'tool_calls',
      'tool_calls',
      'tool_calls',
      'length',
      'stop',
      'stop',
      null,
      null,
    ]);
  });
});
