/**
 * The agent's shell tool on the host's side (`shell/run`): ask the user, run
 * the command in a terminal in the workspace folder, stream its output back,
 * stop it at the timeout.
 *
 * Output is read through the terminal's shell integration
 * (`shellIntegration.executeCommand` + `execution.read()`, exit code from
 * `onDidEndTerminalShellExecution`): a terminal without it cannot report
 * output or an exit code, so the request is refused rather than answered
 * with nothing.
 *
 * Written against the slice of the vscode API it uses (ShellApi), with no
 * runtime import of 'vscode', so it is unit-tested against a fake
 * (shell-run.test.ts); shell-host.ts gives it the real API.
 */
import type * as vscode from 'vscode';
import type { ShellRequest, ShellResult } from '../../../src/host/protocol';
import { HostError } from './wire';

export interface ShellExecution {
  read(): AsyncIterable<string>;
}

export interface ShellIntegration {
  executeCommand(commandLine: string): ShellExecution;
}

export interface ShellTerminal {
  readonly shellIntegration: ShellIntegration | undefined;
  sendText(text: string, shouldExecute?: boolean): void;
  show(preserveFocus?: boolean): void;
  dispose(): void;
}

/** What runShell needs of VS Code. */
export interface ShellApi {
  /** The folder to run in, inside the workspace; throws HostError 'bad-request' for a path leaving it. */
  resolveCwd(cwd: string): vscode.Uri;
  /** Asks the user (a modal: Run / Cancel); true to run. */
  confirm(command: string, where: string): Thenable<boolean>;
  createTerminal(options: { name: string; cwd: vscode.Uri; isTransient: boolean }): ShellTerminal;
  onDidChangeTerminalShellIntegration: vscode.Event<{ terminal: ShellTerminal; shellIntegration: ShellIntegration }>;
  onDidEndTerminalShellExecution: vscode.Event<{ execution: ShellExecution; exitCode: number | undefined }>;
}

/** How long a new terminal may take to start its shell integration. */
export const SHELL_INTEGRATION_WAIT_MS = 10_000;
/** What the result keeps of a long output: the end, where errors and summaries are. */
export const MAX_OUTPUT_CHARS = 200_000;
const MIN_TIMEOUT_MS = 1_000;
const MAX_TIMEOUT_MS = 30 * 60_000;
/** After the output ends, how long the exit code may take to arrive. */
const EXIT_GRACE_MS = 2_000;

// CSI (colours, cursor moves), OSC (titles, shell-integration marks, ended by BEL or ST) and lone ESC pairs.
const ANSI = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u001b[@-Z\\-_]/g;

/** Terminal output as text: escape sequences removed, CRLF as LF. */
export function plainOutput(data: string): string {
  return data.replace(ANSI, '').replace(/\r\n/g, '\n');
}

export async function runShell(api: ShellApi, request: ShellRequest, signal: AbortSignal, stream: (part: string) => void): Promise<ShellResult> {
  const cwd = api.resolveCwd(request.cwd ?? '');
  if (!(await api.confirm(request.command, request.cwd || 'the workspace folder'))) return { exitCode: null, declined: true, output: '' };
  if (signal.aborted) throw new HostError('cancelled', 'cancelled before it ran');

  const terminal = api.createTerminal({ name: 'Refact', cwd, isTransient: true });
  const subscriptions: vscode.Disposable[] = [];
  try {
    terminal.show(true);
    const integration = terminal.shellIntegration ?? (await waitForIntegration(api, terminal, signal));
    if (!integration) {
      throw new HostError('unsupported', "the terminal's shell has no shell integration, so its output cannot be read (bash, zsh, fish and PowerShell have it)");
    }

    let execution: ShellExecution | undefined;
    let exited!: (code: number | undefined) => void;
    const exit = new Promise<number | undefined>((resolve) => (exited = resolve));
    // Listened to before the command starts: a quick command may end before executeCommand returns.
    subscriptions.push(api.onDidEndTerminalShellExecution((e) => e.execution === execution && exited(e.exitCode)));
    execution = integration.executeCommand(request.command);
    // Read at once: read() gives only what is written after its first call.
    const chunks = execution.read();

    let output = '';
    const reading = (async () => {
      for await (const data of chunks) {
        const text = plainOutput(data);
        if (text === '') continue;
        output = (output + text).slice(-MAX_OUTPUT_CHARS);
        stream(text);
      }
    })();

    const timeoutMs = Math.min(Math.max(request.timeoutMs, MIN_TIMEOUT_MS), MAX_TIMEOUT_MS);
    const outcome = await new Promise<'done' | 'timeout' | 'cancelled'>((resolve) => {
      const timer = setTimeout(() => resolve('timeout'), timeoutMs);
      const onAbort = () => resolve('cancelled');
      signal.addEventListener('abort', onAbort, { once: true });
      subscriptions.push({
        dispose: () => {
          clearTimeout(timer);
          signal.removeEventListener('abort', onAbort);
        },
      });
      // The output ends when the command does; the exit code follows (or came first).
      void reading.then(
        () => resolve('done'),
        () => resolve('done'),
      );
      void exit.then(() => resolve('done'));
    });

    if (outcome !== 'done') {
      terminal.sendText('\u0003', false); // Ctrl+C, then the terminal goes anyway
      if (outcome === 'cancelled') throw new HostError('cancelled', 'cancelled by the app');
      return { exitCode: null, timedOut: true, output };
    }
    const exitCode = await Promise.race([exit, delay(EXIT_GRACE_MS).then(() => undefined)]);
    // The exit event may come before the last output: take what is left, briefly.
    await Promise.race([reading, delay(EXIT_GRACE_MS)]);
    return { exitCode: exitCode ?? null, output };
  } finally {
    for (const s of subscriptions) s.dispose();
    terminal.dispose();
  }
}

function waitForIntegration(api: ShellApi, terminal: ShellTerminal, signal: AbortSignal): Promise<ShellIntegration | undefined> {
  return new Promise((resolve) => {
    const done = (value: ShellIntegration | undefined) => {
      clearTimeout(timer);
      listener.dispose();
      signal.removeEventListener('abort', onAbort);
      resolve(value);
    };
    const onAbort = () => done(undefined);
    const timer = setTimeout(() => done(undefined), SHELL_INTEGRATION_WAIT_MS);
    const listener = api.onDidChangeTerminalShellIntegration((e) => {
      if (e.terminal === terminal) done(e.shellIntegration);
    });
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
