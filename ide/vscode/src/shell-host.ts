/**
 * The shell tool where VS Code can run commands: desktop VS Code (a web
 * extension there still gets real terminals). The web workbench (vscode.dev,
 * our tests) has no terminal backend, so the capability is false there and
 * the app never offers the tool.
 */
import * as vscode from 'vscode';
import type { ChannelFeature } from './chat-view';
import { runShell, type ShellApi } from './shell-run';
import { HostError } from './wire';
import { toWorkspaceUri, workspaceRoot } from './workspace-path';

export function shellAvailable(): boolean {
  return vscode.env.uiKind === vscode.UIKind.Desktop && typeof vscode.window.createTerminal === 'function';
}

export const shellFeature: ChannelFeature = {
  attach(channel) {
    channel.onRequest('shell/run', (request, signal, stream) => {
      if (!shellAvailable()) throw new HostError('unsupported', 'this VS Code cannot run commands (no terminal)');
      return runShell(vscodeShellApi(), request, signal, stream);
    });
  },
};

function vscodeShellApi(): ShellApi {
  return {
    resolveCwd(cwd) {
      const root = workspaceRoot();
      if (!root) throw new HostError('unsupported', 'no folder is open in VS Code');
      return toWorkspaceUri(root, cwd);
    },
    async confirm(command, where) {
      const run = 'Run';
      const answer = await vscode.window.showWarningMessage(
        'Refact wants to run a command',
        { modal: true, detail: `${command}\n\nin ${where}` },
        run,
      );
      return answer === run;
    },
    createTerminal: (options) => vscode.window.createTerminal(options),
    onDidChangeTerminalShellIntegration: vscode.window.onDidChangeTerminalShellIntegration,
    onDidEndTerminalShellExecution: vscode.window.onDidEndTerminalShellExecution,
  };
}
