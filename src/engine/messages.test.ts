import { describe, expect, it } from 'vitest';
import {
  isAssistantMessage,
  isContextFileMessage,
  isDiffMessage,
  isPlainTextMessage,
  isSystemMessage,
  isThreadMessage,
  isToolCallMessage,
  isToolMessage,
  isUserMessage,
  parseThread,
  textOf,
  type ThreadMessage,
} from './messages';

const valid: ThreadMessage[] = [
  { role: 'system', content: 'be brief' },
  { role: 'user', content: 'hi', checkpoints: [{ workspace_folder: 'proj', commit_hash: 'abc' }], compression_strength: 'weak' },
  { role: 'user', content: [{ type: 'text', text: 'look' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,AA' } }] },
  {
    role: 'assistant',
    content: '',
    reasoning_content: 'hmm',
    thinking_blocks: [{ thinking: 't', signature: 's' }],
    tool_calls: [{ id: 'c1', type: 'function', function: { name: 'cat', arguments: '{"paths":"a"}' } }],
    finish_reason: 'tool_calls',
    usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 },
  },
  { role: 'tool', content: { tool_call_id: 'c1', content: 'ok', tool_failed: false } },
  { role: 'tool', content: { tool_call_id: 'c2', content: [{ type: 'image_url', image_url: { url: 'data:,' } }] } },
  { role: 'diff', tool_call_id: 'c3', content: [{ file_name: 'a', file_action: 'M', line1: 1, line2: 2, chunks: '@@' }] },
  { role: 'context_file', content: [{ file_name: 'a', file_content: 'x\n', line1: 1, line2: 1 }] },
  { role: 'plain_text', content: 'note' },
];

describe('type guards', () => {
  it('accept every well-formed kind', () => {
    for (const m of valid) expect(isThreadMessage(m), JSON.stringify(m)).toBe(true);
    expect(isUserMessage(valid[1])).toBe(true);
    expect(isAssistantMessage(valid[3])).toBe(true);
    expect(isToolCallMessage(valid[3])).toBe(true);
    expect(isToolMessage(valid[4])).toBe(true);
    expect(isDiffMessage(valid[6])).toBe(true);
    expect(isContextFileMessage(valid[7])).toBe(true);
    expect(isPlainTextMessage(valid[8])).toBe(true);
    expect(isSystemMessage(valid[0])).toBe(true);
  });

  it('reject shapes that are almost right', () => {
    const bad: unknown[] = [
      null,
      'user',
      [],
      { role: 'user' },
      { role: 'user', content: 5 },
      { role: 'user', content: [{ type: 'video', url: 'x' }] },
      { role: 'user', content: 'x', compression_strength: 'huge' },
      { role: 'user', content: 'x', checkpoints: [{ commit_hash: 'a' }] },
      { role: 'assistant', content: null },
      { role: 'assistant', content: '', tool_calls: [{ id: 1, function: { name: 'x', arguments: '{}' } }] },
      { role: 'assistant', content: '', tool_calls: [{ id: 'a', function: { name: 'x', arguments: {} } }] },
      { role: 'assistant', content: '', finish_reason: 'maybe' },
      { role: 'assistant', content: '', usage: { prompt_tokens: -1, completion_tokens: 0, total_tokens: 0 } },
      { role: 'tool', content: 'flat string' },
      { role: 'tool', content: { content: 'no id' } },
      { role: 'diff', content: [{ file_name: 'a', file_action: 'X', line1: 1, line2: 1, chunks: '' }], tool_call_id: 'c' },
      { role: 'diff', content: [] },
      { role: 'context_file', content: [{ file_name: 'a', file_content: 'x', line1: '1', line2: 1 }] },
      { role: 'context_file', content: '[{"file_name":"a"}]' },
      { role: 'plain_text', content: ['x'] },
      { role: 'hacker', content: 'x' },
      { role: 'constructor', content: 'x' },
      { role: 'toString', content: 'x' },
    ];
    for (const value of bad) expect(isThreadMessage(value), JSON.stringify(value)).toBe(false);
  });

  it('parseThread keeps the good messages and counts the rest', () => {
    expect(parseThread([valid[0], { role: 'user' }, valid[1]])).toEqual({ messages: [valid[0], valid[1]], dropped: 1 });
    expect(parseThread('nope')).toEqual({ messages: [], dropped: 0 });
  });

  it('textOf joins text parts', () => {
    expect(textOf([{ type: 'text', text: 'a' }, { type: 'image_url', image_url: { url: 'u' } }, { type: 'text', text: 'b' }])).toBe('a\nb');
  });
});
