import { describe, expect, it } from 'vitest';
import type { ChatChunk } from '../providers/types';
import { emptyDraft, finalizeDraft, mergeChunk, mergeThinkingBlocks } from './stream-merge';

const chunk = (delta: ChatChunk['choices'][0]['delta'], finish: ChatChunk['choices'][0]['finish_reason'] = null): ChatChunk => ({
  choices: [{ index: 0, delta, finish_reason: finish }],
});

describe('mergeChunk', () => {
  it('concatenates content and reasoning, and takes the last usage', () => {
    const chunks = [
      chunk({ role: 'assistant', reasoning_content: 'think ' }),
      chunk({ reasoning_content: 'more' }),
      chunk({ content: 'Hel' }),
      chunk({ content: 'lo' }),
      { ...chunk({}, 'stop'), usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 } },
    ];
    const draft = chunks.reduce(mergeChunk, emptyDraft());
    expect(draft).toEqual({
      role: 'assistant',
      content: 'Hello',
      reasoning_content: 'think more',
      finish_reason: 'stop',
      usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 },
    });
  });

  it('merges tool call fragments by index and generates missing ids', () => {
    const draft = [
      chunk({ tool_calls: [{ index: 0, id: 'a', type: 'function', function: { name: 'cat', arguments: '{"pa' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: 'th":"x"}' } }] }),
      chunk({ tool_calls: [{ index: 1, function: { name: 'tree', arguments: '{}' } }] }),
      chunk({}, 'tool_calls'),
    ].reduce(mergeChunk, emptyDraft());
    expect(draft.tool_calls).toHaveLength(2);
    expect(draft.tool_calls![0]).toEqual({ id: 'a', type: 'function', function: { name: 'cat', arguments: '{"path":"x"}' } });
    expect(draft.tool_calls![1]!.function).toEqual({ name: 'tree', arguments: '{}' });
    expect(draft.tool_calls![1]!.id).toMatch(/^call_/);
  });

  it('starts a new call when a server reuses index 0 with a new id and name', () => {
    const draft = [
      chunk({ tool_calls: [{ index: 0, id: 'a', function: { name: 'cat', arguments: '{}' } }] }),
      chunk({ tool_calls: [{ index: 0, id: 'b', function: { name: 'tree', arguments: '{}' } }] }),
    ].reduce(mergeChunk, emptyDraft());
    expect(draft.tool_calls!.map((c) => c.function.name)).toEqual(['cat', 'tree']);
  });
});

describe('thinking blocks', () => {
  it('fold every fragment into the first block, thinking and signature alike', () => {
    const withThinking = (blocks: unknown[]): ChatChunk => chunk({ thinking_blocks: blocks } as ChatChunk['choices'][0]['delta']);
    const draft = [withThinking([{ thinking: 'Let me ' }]), withThinking([{ thinking: 'think.', signature: 'ab' }]), withThinking([{ signature: 'cd' }, 'junk'])].reduce(
      mergeChunk,
      emptyDraft(),
    );
    expect(draft.thinking_blocks).toEqual([{ thinking: 'Let me think.', signature: 'abcd' }]);
    expect(mergeThinkingBlocks([{ thinking: 'a' }, { thinking: 'b' }], [{ thinking: 'c' }])).toEqual([{ thinking: 'ac' }, { thinking: 'b' }]);
  });
});

describe('finalizeDraft', () => {
  it('drops empty and repeated calls and server-executed ones, keeps malformed ones for the loop to answer', () => {
    const call = (id: string, name: string, args: string) => ({ id, type: 'function' as const, function: { name, arguments: args } });
    const draft = finalizeDraft({
      role: 'assistant',
      content: '',
      tool_calls: [call('a', 'cat', '{}'), call('a', 'cat', '{}'), call('b', '', ''), call('srvtoolu_1', 'web', '{}'), call('c', '', '{oops')],
    });
    expect(draft.tool_calls?.map((c) => c.id)).toEqual(['a', 'c']);
    expect(finalizeDraft({ role: 'assistant', content: 'x', tool_calls: [call('b', '', ' ')] })).toEqual({ role: 'assistant', content: 'x' });
  });
});
