/** What the extension tells the app about itself and its settings (`config/update`, `currentProjectInfo/...`). */
import * as vscode from 'vscode';
import { PROTOCOL_VERSION, type HostToAppEvents, type ProjectInfo } from '../../../src/host/protocol';
import { shellAvailable } from './shell-host';
import { currentAppearance } from './theme';
import { workspaceRoot } from './workspace-path';

/** Partial by design: what this host does not know (e.g. `features`) is left to the app's defaults. */
export function hostConfig(extension: vscode.Extension<unknown>): HostToAppEvents['config/update'] {
  const settings = vscode.workspace.getConfiguration('refact');
  const version: unknown = (extension.packageJSON as { version?: unknown }).version;
  return {
    host: 'vscode',
    protocolVersion: PROTOCOL_VERSION,
    hostVersion: typeof version === 'string' ? version : 'unknown',
    themeProps: { appearance: currentAppearance() },
    currentWorkspaceName: vscode.workspace.name,
    capabilities: {
      workspace: workspaceRoot() !== undefined,
      diffs: true,
      completion: true,
      // Only where VS Code can run commands: the app never offers the shell tool elsewhere.
      shell: workspaceRoot() !== undefined && shellAvailable(),
    },
    completion: {
      enabled: settings.get<boolean>('completion.enabled', true),
      model: settings.get<string>('completion.model', '') || undefined,
      maxTokens: settings.get<number>('completion.maxTokens', 50),
    },
  };
}

export function projectInfo(): ProjectInfo {
  return {
    name: vscode.workspace.name ?? '',
    workspaceRoots: (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.toString()),
  };
}
