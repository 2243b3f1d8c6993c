import { describe, expect, it } from 'vitest';
import { countThreadTokens, dropDuplicateContextFiles, fitToBudget, STUBBED_RESULT } from './budget';
import type { ThreadMessage } from './messages';
import type { TokenCounter } from './token-counter';

/** One token per word: easy to reason about. */
const words: TokenCounter = { count: (text) => text.split(/\s+/).filter(Boolean).length };
const file = (name: string, n: number, line1 = 1): ThreadMessage => ({
  role: 'context_file',
  content: [{ file_name: name, file_content: 'w '.repeat(n), line1, line2: line1 + 9 }],
});
const call = (id: string) => ({ id, type: 'function' as const, function: { name: 'cat', arguments: '{}' } });

describe('fitToBudget', () => {
  it('leaves a thread that fits alone', async () => {
    const thread: ThreadMessage[] = [{ role: 'user', content: 'hello there' }];
    const result = await fitToBudget(thread, { nCtx: 100, maxNewTokens: 10, counter: words });
    expect(result).toMatchObject({ strength: 'absent', fits: true, budget: 90, stages: [] });
    expect(result.thread).toEqual(thread);
  });

  it('stage 1: drops a context file shown again later (weak)', async () => {
    const thread: ThreadMessage[] = [file('a.py', 100), { role: 'user', content: 'q1' }, { role: 'assistant', content: 'a1' }, file('a.py', 100), { role: 'user', content: 'q2' }];
    const before = await countThreadTokens(thread, { nCtx: 0, maxNewTokens: 0, counter: words });
    const result = await fitToBudget(thread, { nCtx: before - 50, maxNewTokens: 0, counter: words });
    expect(result.strength).toBe('weak');
    expect(result.stages).toEqual(['dedupe-context-files']);
    expect(result.thread.filter((m) => m.role === 'context_file')).toHaveLength(1);
    expect(result.thread.findIndex((m) => m.role === 'context_file')).toBe(2); // the later copy, after q1/a1
  });

  it('stage 2: stubs old tool results, keeping the call/result pairs (strong)', async () => {
    const thread: ThreadMessage[] = [
      { role: 'user', content: 'q1' },
      { role: 'assistant', content: '', tool_calls: [call('c1')] },
      { role: 'tool', content: { tool_call_id: 'c1', content: 'w '.repeat(200) } },
      { role: 'assistant', content: 'a1' },
      { role: 'user', content: 'q2' },
      { role: 'assistant', content: '', tool_calls: [call('c2')] },
      { role: 'tool', content: { tool_call_id: 'c2', content: 'fresh result' } },
    ];
    const result = await fitToBudget(thread, { nCtx: 120, maxNewTokens: 20, counter: words });
    expect(result).toMatchObject({ strength: 'strong', fits: true, stages: ['stub-tool-results'] });
    expect(result.thread[2]).toEqual({ role: 'tool', content: { tool_call_id: 'c1', content: STUBBED_RESULT, compression_strength: 'strong' } });
    expect(result.thread[6]).toEqual(thread[6]);
  });

  it('stage 3: drops old context and then whole old turns', async () => {
    const thread: ThreadMessage[] = [
      { role: 'system', content: 'sys' },
      file('old.py', 300),
      { role: 'user', content: 'w '.repeat(100) },
      { role: 'assistant', content: 'w '.repeat(100), reasoning_content: 'w '.repeat(50) },
      { role: 'user', content: 'latest question' },
    ];
    const result = await fitToBudget(thread, { nCtx: 60, maxNewTokens: 10, counter: words });
    expect(result.fits).toBe(true);
    expect(result.stages).toContain('drop-messages');
    expect(result.thread).toEqual([{ role: 'system', content: 'sys' }, { role: 'user', content: 'latest question' }]);
  });

  it('says when even the last turn does not fit', async () => {
    const result = await fitToBudget([{ role: 'user', content: 'w '.repeat(500) }], { nCtx: 100, maxNewTokens: 10, counter: words });
    expect(result).toMatchObject({ fits: false, strength: 'strong' });
  });

  it('counts tool definitions and the system prompt', async () => {
    const thread: ThreadMessage[] = [{ role: 'user', content: 'hi' }];
    const bare = await countThreadTokens(thread, { nCtx: 0, maxNewTokens: 0, counter: words });
    const full = await countThreadTokens(thread, {
      nCtx: 0,
      maxNewTokens: 0,
      counter: words,
      systemPrompt: 'one two three',
      tools: [{ type: 'function', function: { name: 'cat', description: 'read files', parameters: {} } }],
    });
    expect(full - bare).toBe(3 + 4 + 2); // prompt words + its message frame + the tools JSON ("read files" is two words)
  });

  it('dropDuplicateContextFiles keeps ranges that are not covered', () => {
    const thread: ThreadMessage[] = [file('a', 5, 1), file('a', 5, 50), file('a', 5, 1)];
    expect(dropDuplicateContextFiles(thread)).toEqual([file('a', 5, 50), file('a', 5, 1)]);
  });
});
