import { describe, expect, it, vi } from 'vitest';
import { parseToolCallArguments } from '../inference/tool-calls';
import { ProviderError } from '../providers/types';
import type { PauseRequest, RunChatOptions, ChatEvent } from './loop';
import { DECLINED_RESULT, runChat, unansweredCalls } from './loop';
import type { ThreadMessage, UserMessage } from './messages';
import { scriptedStream, type Turn } from './test-support/scripted-stream';
import { memoryWorkspace, RecordingCheckpoints } from './test-support/workspace';
import type { TokenCounter } from './token-counter';

const APP = 'def add(a, b):\n    return a - b\n';

async function setup(turns: Turn[], overrides: Partial<RunChatOptions> = {}) {
  const { workspace } = await memoryWorkspace({ 'src/app.py': APP, 'README.md': '# Calc\n', 'node_modules/x.js': '' });
  const checkpoints = new RecordingCheckpoints();
  const { stream, requests } = scriptedStream(turns);
  const events: ChatEvent[] = [];
  const pauses: PauseRequest[] = [];
  const options: RunChatOptions = {
    chatId: 'chat-1',
    thread: [{ role: 'user', content: 'Fix the bug in add' }],
    mode: 'AGENT',
    model: 'test-model',
    stream,
    context: { workspace, checkpoints },
    confirm: async (pause) => {
      pauses.push(pause);
      return 'allow-once';
    },
    onUpdate: (event) => events.push(event),
    ...overrides,
  };
  return { workspace, checkpoints, requests, events, pauses, options };
}

const text = async (workspace: Awaited<ReturnType<typeof memoryWorkspace>>['workspace'], path: string) => {
  const read = await workspace.readText(path);
  return read.kind === 'text' ? read.text : null;
};

describe('runChat in AGENT mode', () => {
  it('cat, then update_textdoc after confirmation: the file changes, a diff is recorded, the final answer streams', async () => {
    const { workspace, checkpoints, requests, events, pauses, options } = await setup([
      { text: 'Let me read it.', calls: [{ id: 'c1', name: 'cat', arguments: { paths: 'src/app.py' } }] },
      { text: '', calls: [{ id: 'c2', name: 'update_textdoc', arguments: { path: 'src/app.py', old_str: 'return a - b', replacement: 'return a + b' } }] },
      { text: 'Fixed: `add` now adds.' },
    ]);
    const result = await runChat(options);

    expect(result.stop).toBe('done');
    expect(await text(workspace, 'src/app.py')).toBe('def add(a, b):\n    return a + b\n');
    expect(pauses).toEqual([
      {
        pause: true,
        pause_reasons: [{ type: 'confirmation', command: 'update_textdoc', rule: 'update_textdoc', tool_call_id: 'c2', integr_config_path: null }],
        tool_calls: [expect.objectContaining({ id: 'c2' })],
      },
    ]);
    expect(checkpoints.calls).toEqual([{ chatId: 'chat-1', paths: ['src/app.py'] }]);

    const roles = result.thread.map((m) => m.role);
    expect(roles).toEqual(['user', 'assistant', 'tool', 'context_file', 'assistant', 'diff', 'assistant']);
    const user = result.thread[0] as UserMessage;
    expect(user.checkpoints).toEqual([{ workspace_folder: 'proj', commit_hash: 'c1' }]);
    expect(result.thread[3]).toEqual({ role: 'context_file', content: [{ file_name: 'src/app.py', file_content: APP, line1: 1, line2: 2 }] });
    expect(result.thread[5]).toEqual({
      role: 'diff',
      tool_call_id: 'c2',
      content: [{ file_name: 'src/app.py', file_action: 'M', line1: 1, line2: 2, chunks: '@@ -1,2 +1,2 @@\n def add(a, b):\n-    return a - b\n+    return a + b\n' }],
    });
    expect(result.thread[6]).toMatchObject({ role: 'assistant', content: 'Fixed: `add` now adds.', finish_reason: 'stop', model: 'test-model' });

    // The model saw: our system prompt with the tree, then the results in OpenAI's order.
    expect(requests).toHaveLength(3);
    const system = requests[0]!.messages[0]!;
    expect(system.role).toBe('system');
    expect(system.content).toContain('"proj"');
    expect(system.content).toContain('src/\n  app.py\nREADME.md');
    expect(system.content).not.toContain('node_modules');
    expect(requests[0]!.tools?.map((t) => t.function.name)).toContain('update_textdoc');
    expect(requests[1]!.messages.slice(2).map((m) => m.role)).toEqual(['assistant', 'tool', 'user']);
    expect(requests[1]!.messages.at(-1)!.content).toBe(`src/app.py:1-2\n\`\`\`\n${APP}\`\`\``);
    expect(requests[2]!.messages.at(-1)).toMatchObject({ role: 'tool', tool_call_id: 'c2' });

    // The stream arrived in pieces: one append and several updates for the first answer.
    const firstAnswer = events.filter((e) => (e.type === 'append' || e.type === 'update') && e.index === 1);
    expect(firstAnswer[0]!.type).toBe('append');
    expect(firstAnswer.length).toBeGreaterThan(5);
    expect(events.some((e) => e.type === 'status' && e.status.kind === 'paused')).toBe(true);
    expect(events.some((e) => e.type === 'status' && e.status.kind === 'running-tool' && e.status.name === 'update_textdoc')).toBe(true);
  });

  it('answers malformed arguments with the parse error and lets the model try again', async () => {
    const { workspace, requests, options } = await setup([
      { text: '', calls: [{ id: 'bad', name: 'update_textdoc', arguments: '{"path": "src/app.py", "old_str": "return a - b"' }] },
      { text: '', calls: [{ id: 'good', name: 'update_textdoc', arguments: { path: 'src/app.py', old_str: 'a - b', replacement: 'a + b' } }] },
      { text: 'Done.' },
    ]);
    const result = await runChat(options);
    expect(result.stop).toBe('done');
    const failed = result.thread[2];
    expect(failed).toMatchObject({ role: 'tool', content: { tool_call_id: 'bad', tool_failed: true } });
    const parsed = parseToolCallArguments('{"path": "src/app.py", "old_str": "return a - b"');
    expect(failed?.role === 'tool' && failed.content.content).toBe(parsed.ok ? '' : parsed.error);
    expect(String(failed?.role === 'tool' ? failed.content.content : '')).toMatch(/^tool call arguments were not valid JSON: .+; call it again with valid JSON$/);
    expect(requests[1]!.messages.at(-1)).toMatchObject({ role: 'tool', tool_call_id: 'bad' });
    expect(await text(workspace, 'src/app.py')).toContain('a + b');
  });

  it('stops a tool loop with a plain_text explanation', async () => {
    const same = { text: '', calls: [{ name: 'cat', arguments: { paths: 'README.md' } }] };
    const { requests, options } = await setup([same, same, same, same, { text: 'never' }]);
    const result = await runChat(options);
    expect(result.stop).toBe('tool-loop');
    expect(requests).toHaveLength(3);
    expect(result.thread.at(-1)).toEqual({
      role: 'plain_text',
      content: expect.stringContaining('Stopped: the model called cat with the same arguments 3 times and got the same result each time'),
    });
  });

  it('keeps the partial answer when aborted mid-stream', async () => {
    const controller = new AbortController();
    const { options } = await setup([{ text: 'Hello, I am thinking about', hang: true }], {
      signal: controller.signal,
      onUpdate: (event) => {
        if (event.type === 'update' && event.message.role === 'assistant' && event.message.content.length >= 12) controller.abort();
      },
    });
    const result = await runChat(options);
    expect(result.stop).toBe('aborted');
    const last = result.thread.at(-1);
    expect(last).toMatchObject({ role: 'assistant', finish_reason: 'abort' });
    expect(last?.role === 'assistant' && last.content.startsWith('Hello, I am')).toBe(true);
  });

  it('Stop in the confirmation leaves the file alone and tells the model it was declined', async () => {
    const { workspace, options } = await setup(
      [{ text: '', calls: [{ id: 'w', name: 'update_textdoc', arguments: { path: 'src/app.py', old_str: 'a - b', replacement: 'a + b' } }] }],
      { confirm: async () => 'stop' },
    );
    const result = await runChat(options);
    expect(result.stop).toBe('stopped-by-user');
    expect(await text(workspace, 'src/app.py')).toBe(APP);
    expect(result.thread.at(-1)).toEqual({ role: 'tool', content: { tool_call_id: 'w', content: DECLINED_RESULT, tool_failed: true } });
  });

  it('"Allow for this chat" stops asking for that tool', async () => {
    const edit = (from: string, to: string) => ({ text: '', calls: [{ name: 'update_textdoc', arguments: { path: 'src/app.py', old_str: from, replacement: to } }] });
    const confirm = vi.fn(async () => 'allow-chat' as const);
    const onPermissionsChange = vi.fn();
    const { workspace, options } = await setup([edit('a - b', 'a + b'), edit('def add', 'def plus'), { text: 'ok' }], { confirm, onPermissionsChange });
    const result = await runChat(options);
    expect(confirm).toHaveBeenCalledTimes(1);
    expect(onPermissionsChange).toHaveBeenCalledWith({ automaticPatch: false, allowedForChat: ['update_textdoc'] });
    expect(result.permissions.allowedForChat).toEqual(['update_textdoc']);
    expect(await text(workspace, 'src/app.py')).toBe('def plus(a, b):\n    return a + b\n');
  });

  it('aborting while the confirmation is open ends the run without running the tool', async () => {
    const controller = new AbortController();
    const { workspace, options } = await setup(
      [{ text: '', calls: [{ name: 'rm', arguments: { path: 'README.md' } }] }],
      {
        signal: controller.signal,
        confirm: () => {
          controller.abort();
          return new Promise(() => {});
        },
      },
    );
    const result = await runChat(options);
    expect(result.stop).toBe('aborted');
    expect(await workspace.exists('README.md')).toBe(true);
  });

  it('keeps what arrived and reports the error when the provider fails', async () => {
    const { options } = await setup([{ text: 'Partial ans', hang: true, error: new ProviderError('network', 'The connection dropped') }]);
    const result = await runChat(options);
    expect(result.stop).toBe('error');
    expect(result.error?.message).toBe('The connection dropped');
    expect(result.thread.at(-1)).toMatchObject({ role: 'assistant', content: 'Partial ans', finish_reason: 'error' });
    // A retry does not run calls from the failed answer.
    expect(unansweredCalls(result.thread)).toEqual([]);
  });

  it('stops at the step limit', async () => {
    const call = (p: string) => ({ text: '', calls: [{ name: 'cat', arguments: { paths: p } }] });
    const { requests, options } = await setup([call('README.md'), call('src/app.py'), call('README.md:1')], { maxSteps: 2 });
    const result = await runChat(options);
    expect(result.stop).toBe('max-steps');
    expect(requests).toHaveLength(2);
    expect(result.thread.at(-1)).toMatchObject({ role: 'plain_text', content: expect.stringContaining('Stopped after 2 model calls') });
    // The last call was still answered, so the thread is valid to continue.
    expect(unansweredCalls(result.thread)).toEqual([]);
  });

  it('resumes a thread that ends with unanswered calls', async () => {
    const thread: ThreadMessage[] = [
      { role: 'user', content: 'read the readme' },
      { role: 'assistant', content: '', tool_calls: [{ id: 'r', type: 'function', function: { name: 'cat', arguments: '{"paths":"README.md"}' } }] },
    ];
    const { requests, options } = await setup([{ text: 'It is a calculator.' }], { thread });
    const result = await runChat(options);
    expect(result.thread.map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'context_file', 'assistant']);
    expect(requests).toHaveLength(1);
  });

  it('sets the compression strength on the user message when the budget compresses', async () => {
    const long: ThreadMessage[] = [
      { role: 'context_file', content: [{ file_name: 'README.md', file_content: 'word '.repeat(400), line1: 1, line2: 1 }] },
      { role: 'user', content: 'old question' },
      { role: 'assistant', content: 'old answer' },
      { role: 'context_file', content: [{ file_name: 'README.md', file_content: 'word '.repeat(400), line1: 1, line2: 1 }] },
      { role: 'user', content: 'new question' },
    ];
    const counter: TokenCounter = { count: (t) => t.split(/\s+/).filter(Boolean).length };
    const { requests, options } = await setup([{ text: 'answer' }], {
      thread: long,
      mode: 'NO_TOOLS',
      budget: { nCtx: 700, maxNewTokens: 100, counter },
    });
    const result = await runChat(options);
    expect((result.thread[4] as UserMessage).compression_strength).toBe('weak');
    expect(requests[0]!.messages.filter((m) => typeof m.content === 'string' && m.content.startsWith('README.md:'))).toHaveLength(1);
    expect(requests[0]!.max_tokens).toBe(100);
    expect(result.thread).toHaveLength(6); // the user's thread keeps both copies
  });
});

describe('runChat modes', () => {
  it('NO_TOOLS sends no tools and no tree', async () => {
    const { requests, options } = await setup([{ text: 'Hi!' }], { mode: 'NO_TOOLS' });
    const result = await runChat(options);
    expect(result.stop).toBe('done');
    expect(requests[0]!.tools).toBeUndefined();
    expect(requests[0]!.messages[0]!.content).not.toContain('app.py');
  });

  it('EXPLORE offers only read tools and refuses a write the model asks for anyway', async () => {
    const { workspace, requests, options } = await setup(
      [{ text: '', calls: [{ id: 'x', name: 'rm', arguments: { path: 'README.md' } }] }, { text: 'I cannot delete in this mode.' }],
      { mode: 'EXPLORE' },
    );
    const result = await runChat(options);
    expect(requests[0]!.tools?.map((t) => t.function.name)).toEqual(['tree', 'cat', 'search_pattern']);
    expect(result.thread[2]).toMatchObject({ role: 'tool', content: { tool_call_id: 'x', tool_failed: true, content: expect.stringContaining('unknown tool "rm"; available tools: tree, cat, search_pattern') } });
    expect(await workspace.exists('README.md')).toBe(true);
  });
});
