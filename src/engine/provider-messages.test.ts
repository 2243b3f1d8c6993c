import { describe, expect, it } from 'vitest';
import type { ThreadMessage } from './messages';
import { NOT_RUN_RESULT, toProviderMessages } from './provider-messages';

const call = (id: string, name = 'cat') => ({ id, type: 'function' as const, function: { name, arguments: '{}' } });

describe('toProviderMessages', () => {
  it('folds diff, context_file and plain_text as refact-lsp does, with one system message first', () => {
    const thread: ThreadMessage[] = [
      { role: 'system', content: 'Project rules.' },
      { role: 'context_file', content: [{ file_name: 'a.py', file_content: 'x = 1', line1: 1, line2: 1 }] },
      { role: 'user', content: 'fix it' },
      { role: 'assistant', content: '', reasoning_content: 'think', tool_calls: [call('c1', 'update_textdoc')] },
      { role: 'diff', tool_call_id: 'c1', content: [{ file_name: 'a.py', file_action: 'M', line1: 1, line2: 1, chunks: '@@ -1 +1 @@\n-x = 1\n+x = 2\n' }] },
      { role: 'assistant', content: 'Done.' },
      { role: 'plain_text', content: 'Stopped.' },
    ];
    expect(toProviderMessages(thread, { systemPrompt: 'You are Refact.' })).toEqual([
      { role: 'system', content: 'You are Refact.\n\nProject rules.' },
      { role: 'user', content: 'a.py:1-1\n```\nx = 1\n```' },
      { role: 'user', content: 'fix it' },
      { role: 'assistant', content: null, reasoning_content: 'think', tool_calls: [call('c1', 'update_textdoc')] },
      { role: 'tool', tool_call_id: 'c1', content: 'Modified a.py (lines 1-1):\n@@ -1 +1 @@\n-x = 1\n+x = 2' },
      { role: 'assistant', content: 'Done.' },
      { role: 'user', content: 'Stopped.' },
    ]);
  });

  it('keeps every tool result right after its calls: context files and images wait for the run to end', () => {
    const thread: ThreadMessage[] = [
      { role: 'user', content: 'read' },
      { role: 'assistant', content: 'ok', tool_calls: [call('c1'), call('c2')] },
      { role: 'tool', content: { tool_call_id: 'c1', content: [{ type: 'text', text: 'Paths found' }, { type: 'image_url', image_url: { url: 'data:x' } }] } },
      { role: 'context_file', content: [{ file_name: 'b', file_content: 'y\n', line1: 1, line2: 1 }] },
      { role: 'tool', content: { tool_call_id: 'c2', content: [{ type: 'image_url', image_url: { url: 'data:y' } }] } },
    ];
    expect(toProviderMessages(thread).map((m) => [m.role, m.content])).toEqual([
      ['user', 'read'],
      ['assistant', 'ok'],
      ['tool', 'Paths found'],
      ['tool', 'attached images below'],
      ['user', [{ type: 'image_url', image_url: { url: 'data:x' } }]],
      ['user', 'b:1-1\n```\ny\n```'],
      ['user', [{ type: 'image_url', image_url: { url: 'data:y' } }]],
    ]);
  });

  it('answers calls that never got a result, and drops results of no open call', () => {
    const thread: ThreadMessage[] = [
      { role: 'user', content: 'go' },
      { role: 'assistant', content: '', tool_calls: [call('c1'), call('c2')] },
      { role: 'tool', content: { tool_call_id: 'c2', content: 'two' } },
      { role: 'tool', content: { tool_call_id: 'zz', content: 'orphan' } },
      { role: 'user', content: 'again' },
    ];
    expect(toProviderMessages(thread).slice(2)).toEqual([
      { role: 'tool', tool_call_id: 'c2', content: 'two' },
      { role: 'tool', tool_call_id: 'c1', content: NOT_RUN_RESULT },
      { role: 'user', content: 'again' },
    ]);
  });

  it('leaves out the calls of an answer that was cut off', () => {
    const thread: ThreadMessage[] = [
      { role: 'user', content: 'go' },
      { role: 'assistant', content: 'Let me', tool_calls: [{ id: 'c1', type: 'function', function: { name: 'cat', arguments: '{"pa' } }], finish_reason: 'abort' },
      { role: 'user', content: 'stop that' },
    ];
    expect(toProviderMessages(thread)).toEqual([
      { role: 'user', content: 'go' },
      { role: 'assistant', content: 'Let me' },
      { role: 'user', content: 'stop that' },
    ]);
  });
});
