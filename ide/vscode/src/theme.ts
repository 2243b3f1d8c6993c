/** The editor's theme as the app's light/dark appearance (Refact's themeProps.appearance). */
import * as vscode from 'vscode';
import type { HostConfig } from '../../../src/host/protocol';

export function appearanceOf(kind: vscode.ColorThemeKind): HostConfig['themeProps']['appearance'] {
  // High-contrast themes keep their light or dark base.
  return kind === vscode.ColorThemeKind.Light || kind === vscode.ColorThemeKind.HighContrastLight ? 'light' : 'dark';
}

export function currentAppearance(): HostConfig['themeProps']['appearance'] {
  return appearanceOf(vscode.window.activeColorTheme.kind);
}
