import { afterEach, describe, expect, it, vi } from 'vitest';
import type * as vscode from 'vscode';
import { splitWorkspacePath } from './path-rules';
import { plainOutput, runShell, SHELL_INTEGRATION_WAIT_MS, type ShellApi, type ShellExecution, type ShellIntegration, type ShellTerminal } from './shell-run';

type Listener<T> = (e: T) => unknown;

/** An event as VS Code's: subscribe, get a disposable. */
function emitter<T>() {
  const listeners = new Set<Listener<T>>();
  const event = ((listener: Listener<T>) => {
    listeners.add(listener);
    return { dispose: () => listeners.delete(listener) };
  }) as unknown as vscode.Event<T>;
  return { event, fire: (e: T) => [...listeners].forEach((l) => l(e)), get count() { return listeners.size; } };
}

/** A command's run: output pushed by the test, ended by it. */
class FakeExecution implements ShellExecution {
  private readonly queue: string[] = [];
  private ended = false;
  private wake: (() => void) | null = null;
  constructor(readonly commandLine: string) {}
  push(data: string) {
    this.queue.push(data);
    this.wake?.();
  }
  end() {
    this.ended = true;
    this.wake?.();
  }
  async *read(): AsyncIterable<string> {
    for (;;) {
      while (this.queue.length) yield this.queue.shift()!;
      if (this.ended) return;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }
}

class FakeTerminal implements ShellTerminal {
  shellIntegration: ShellIntegration | undefined;
  readonly executions: FakeExecution[] = [];
  readonly sent: string[] = [];
  disposed = false;
  shown = false;
  constructor(readonly cwd: unknown, integrated: boolean) {
    if (integrated) this.shellIntegration = this.integration();
  }
  integration(): ShellIntegration {
    return {
      executeCommand: (commandLine) => {
        const execution = new FakeExecution(commandLine);
        this.executions.push(execution);
        return execution;
      },
    };
  }
  sendText(text: string) {
    this.sent.push(text);
  }
  show() {
    this.shown = true;
  }
  dispose() {
    this.disposed = true;
  }
}

function fakeVscode({ answer = true, integrated = true } = {}) {
  const integrationChanged = emitter<{ terminal: ShellTerminal; shellIntegration: ShellIntegration }>();
  const executionEnded = emitter<{ execution: ShellExecution; exitCode: number | undefined }>();
  const terminals: FakeTerminal[] = [];
  const asked: string[] = [];
  const api: ShellApi = {
    // The real rule, over a made-up root.
    resolveCwd: (cwd) => ({ path: ['/root', ...splitWorkspacePath(cwd)].join('/') }) as unknown as vscode.Uri,
    confirm: async (command, where) => (asked.push(`${command} @ ${where}`), answer),
    createTerminal: (options) => {
      const terminal = new FakeTerminal(options.cwd, integrated);
      terminals.push(terminal);
      return terminal;
    },
    onDidChangeTerminalShellIntegration: integrationChanged.event,
    onDidEndTerminalShellExecution: executionEnded.event,
  };
  return { api, terminals, asked, integrationChanged, executionEnded };
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

afterEach(() => {
  vi.useRealTimers();
});

describe('runShell', () => {
  it('asks first; declined runs nothing', async () => {
    const vs = fakeVscode({ answer: false });
    const result = await runShell(vs.api, { command: 'rm -rf build', timeoutMs: 5000 }, new AbortController().signal, () => undefined);
    expect(result).toEqual({ exitCode: null, declined: true, output: '' });
    expect(vs.asked).toEqual(['rm -rf build @ the workspace folder']);
    expect(vs.terminals).toEqual([]);
  });

  it("refuses a folder outside the workspace before asking", async () => {
    const vs = fakeVscode();
    await expect(runShell(vs.api, { command: 'ls', cwd: '../etc', timeoutMs: 5000 }, new AbortController().signal, () => undefined)).rejects.toMatchObject({
      code: 'bad-request',
    });
    expect(vs.asked).toEqual([]);
  });

  it('runs in the folder, streams the output as text, answers the exit code, closes the terminal', async () => {
    const vs = fakeVscode();
    const parts: string[] = [];
    const running = runShell(vs.api, { command: 'npm test', cwd: 'pkg', timeoutMs: 5000 }, new AbortController().signal, (p) => parts.push(p));
    await flush();
    const terminal = vs.terminals[0]!;
    expect(terminal.cwd).toEqual({ path: '/root/pkg' });
    expect(terminal.shown).toBe(true);
    const execution = terminal.executions[0]!;
    expect(execution.commandLine).toBe('npm test');
    execution.push('\u001b[32mok\u001b[0m 1\r\n');
    execution.push('\u001b]633;D;0\u0007done\n');
    await flush();
    expect(parts).toEqual(['ok 1\n', 'done\n']);
    execution.end();
    vs.executionEnded.fire({ execution, exitCode: 3 });
    expect(await running).toEqual({ exitCode: 3, output: 'ok 1\ndone\n' });
    expect(terminal.disposed).toBe(true);
    expect(vs.executionEnded.count).toBe(0);
  });

  it('waits for shell integration to start; without it, says why', async () => {
    const vs = fakeVscode({ integrated: false });
    const running = runShell(vs.api, { command: 'make', timeoutMs: 5000 }, new AbortController().signal, () => undefined);
    await flush();
    const terminal = vs.terminals[0]!;
    const integration = terminal.integration();
    vs.integrationChanged.fire({ terminal, shellIntegration: integration });
    await flush();
    const execution = terminal.executions[0]!;
    execution.end();
    vs.executionEnded.fire({ execution, exitCode: 0 });
    expect(await running).toMatchObject({ exitCode: 0 });

    vi.useFakeTimers();
    const never = fakeVscode({ integrated: false });
    const refused = runShell(never.api, { command: 'make', timeoutMs: 5000 }, new AbortController().signal, () => undefined);
    const check = expect(refused).rejects.toMatchObject({ code: 'unsupported', message: expect.stringContaining('shell integration') });
    await vi.advanceTimersByTimeAsync(SHELL_INTEGRATION_WAIT_MS + 1);
    await check;
    expect(never.terminals[0]!.disposed).toBe(true);
  });

  it('stops at the timeout: Ctrl+C, timedOut, the output so far', async () => {
    vi.useFakeTimers();
    const vs = fakeVscode();
    const running = runShell(vs.api, { command: 'sleep 100', timeoutMs: 2000 }, new AbortController().signal, () => undefined);
    await vi.advanceTimersByTimeAsync(0);
    vs.terminals[0]!.executions[0]!.push('started\n');
    await vi.advanceTimersByTimeAsync(2001);
    expect(await running).toEqual({ exitCode: null, timedOut: true, output: 'started\n' });
    expect(vs.terminals[0]!.sent).toEqual(['\u0003']);
    expect(vs.terminals[0]!.disposed).toBe(true);
  });

  it('a cancel from the app stops the command', async () => {
    const vs = fakeVscode();
    const abort = new AbortController();
    const running = runShell(vs.api, { command: 'sleep 100', timeoutMs: 60_000 }, abort.signal, () => undefined);
    await flush();
    abort.abort();
    await expect(running).rejects.toMatchObject({ code: 'cancelled' });
    expect(vs.terminals[0]!.sent).toEqual(['\u0003']);
    expect(vs.terminals[0]!.disposed).toBe(true);
  });
});

describe('plainOutput', () => {
  it('drops colours, titles and shell-integration marks; CRLF becomes LF', () => {
    expect(plainOutput('\u001b[1;31merror\u001b[0m\r\n\u001b]0;title\u0007\u001b]633;A\u001b\\x')).toBe('error\nx');
  });
});
