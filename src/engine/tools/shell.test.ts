import { describe, expect, it } from 'vitest';
import { toolContext } from '../test-support/workspace';
import { availableTools, BUILTIN_TOOLS, toolsForMode } from './index';
import { shell } from './shell';
import type { ShellPort } from './types';

// The IDE host's terminal is the boundary: a scripted ShellPort stands in for it
// (the web workbench in the e2e has no terminal, so the real one cannot run here).
function scriptedShell(answer: Awaited<ReturnType<ShellPort['run']>>): ShellPort & { calls: unknown[] } {
  const calls: unknown[] = [];
  return {
    calls,
    async run(request, onOutput) {
      calls.push(request);
      onOutput(answer.output);
      return answer;
    },
  };
}

describe('shell', () => {
  it('is offered only where the host can run commands, and only in AGENT mode', async () => {
    const { ctx: plain } = await toolContext({});
    expect(availableTools(toolsForMode('AGENT', BUILTIN_TOOLS), plain).map((t) => t.name)).not.toContain('shell');
    const { ctx: withShell } = await toolContext({}, { shell: scriptedShell({ exitCode: 0, output: '' }) });
    expect(availableTools(toolsForMode('AGENT', BUILTIN_TOOLS), withShell).map((t) => t.name)).toContain('shell');
    expect(availableTools(toolsForMode('EXPLORE', BUILTIN_TOOLS), withShell).map((t) => t.name)).not.toContain('shell');
    expect(shell.kind).toBe('write'); // asks first, like every write
  });

  it('runs in the folder asked for and reports the exit code and output', async () => {
    const port = scriptedShell({ exitCode: 1, output: 'FAILED test_cart.py::test_total\n' });
    const { ctx } = await toolContext({}, { shell: port });
    const out = await shell.run({ command: 'pytest -q', workdir: 'shop' }, ctx);
    expect(port.calls).toEqual([{ command: 'pytest -q', cwd: 'shop', timeoutMs: 120_000 }]);
    expect(out.content).toBe('$ pytest -q\nFAILED test_cart.py::test_total\n[exit code 1]');
  });

  it('says when the user declined, when it timed out, and clips long output in the middle', async () => {
    const { ctx: declined } = await toolContext({}, { shell: scriptedShell({ exitCode: null, output: '', declined: true }) });
    await expect(shell.run({ command: 'rm -rf build' }, declined)).rejects.toThrow('the user declined to run "rm -rf build"');
    const { ctx: slow } = await toolContext({}, { shell: scriptedShell({ exitCode: null, output: 'x'.repeat(30_000), timedOut: true }) });
    const out = String((await shell.run({ command: 'sleep 999' }, slow)).content);
    expect(out).toMatch(/characters left out/);
    expect(out.length).toBeLessThan(21_000);
    expect(out).toMatch(/\[stopped after 120 s \(timeout\)\]$/);
  });

  it('refuses an empty command', async () => {
    const { ctx } = await toolContext({}, { shell: scriptedShell({ exitCode: 0, output: '' }) });
    await expect(shell.run({ command: '   ' }, ctx)).rejects.toThrow('the command is empty');
  });
});
