/**
 * Driving the app inside VS Code's Refact panel and VS Code around it, for
 * the e2e specs that go through both UIs (e2e/vscode-agent.spec.ts,
 * e2e/vscode-completion.spec.ts):
 *
 *   import { test, expect, allowThisIde } from './support/vscode-app-ui';
 *   test('...', async ({ workbench, openai }) => {
 *     await workbench.open(SEED);
 *     await workbench.openRefactPanel();
 *     const app = await allowThisIde(workbench);     // the app's FrameLocator, connected
 *   });
 *
 * `test` is the workbench's (one VS Code per worker, privacy guard) plus the
 * scripted OpenAI-compatible server of ./openai-server.ts.
 */
import type { FrameLocator, Locator, Page } from '@playwright/test';
import { startOpenAiServer, type OpenAiTestServer } from './openai-server';
import { expect, test as workbenchTest, type Workbench } from './vscode-workbench';

export { expect };

export const test = workbenchTest.extend<{ openai: OpenAiTestServer }>({
  openai: async ({ network }, use) => {
    const server = await startOpenAiServer();
    network.allow(server.origin);
    await use(server);
    await server.close();
  },
});

/**
 * The app shows "Allow this IDE" for the test webview's origin
 * (http://<hash>.localhost:PORT is no known IDE host); one click connects it:
 * the workspace becomes VS Code's.
 */
export async function allowThisIde(workbench: Workbench): Promise<FrameLocator> {
  const app = workbench.appFrameLocator();
  const ask = app.getByTestId('untrusted-host');
  await expect(ask).toContainText(new URL(workbench.relayFrame().url()).origin);
  await ask.getByRole('button', { name: 'Allow this IDE' }).click();
  await expect(ask).toHaveCount(0);
  await expect(app.getByTestId('workspace-name')).toHaveText(/workspace/);
  return app;
}

/**
 * The chat-ui helpers take a Page; they only use locator methods a
 * FrameLocator has too (getByLabel, getByRole, getByTestId, locator).
 */
export function asPage(app: FrameLocator): Page {
  return app as unknown as Page;
}

// ---------------------------------------------------------------------------
// VS Code

/** The editor tab named `name` exactly (a string) or matching it (a RegExp). */
export function editorTab(page: Page, name: string | RegExp): Locator {
  return page.locator('.part.editor .tabs-container').getByRole('tab', { name, exact: typeof name === 'string' });
}

/** The caret's line and column as the status bar shows them ("Ln 4, Col 1"). */
export async function caretPosition(page: Page): Promise<{ line: number; column: number } | null> {
  const text = (await page.locator('.statusbar-item[id="status.editor.selection"]').textContent().catch(() => null)) ?? '';
  const match = /Ln (\d+), Col (\d+)/.exec(text);
  return match ? { line: Number(match[1]), column: Number(match[2]) } : null;
}

/** The active group's editor (in a diff, the last is the modified side), to click into and type in. */
export function activeEditor(page: Page): Locator {
  return page.locator('.part.editor .editor-group-container.active .monaco-editor').last();
}

/** Opens a file from the Explorer view (top-level files; the sidebar then shows the Explorer). */
export async function openFromExplorer(page: Page, name: string): Promise<void> {
  await page.locator('.part.activitybar').getByRole('tab', { name: /^Explorer/ }).click();
  await page.locator('.explorer-folders-view').getByRole('treeitem', { name, exact: true }).click();
  // Opened as a preview: its tab's name says so; the resource name does not.
  await expect(page.locator(`.part.editor .tabs-container .tab.active[data-resource-name="${name}"]`)).toBeVisible();
}

/**
 * Opens a workspace file in VS Code with Quick Open (Ctrl+P). The web
 * workbench has no file search for memfs: only files opened before are found.
 */
export async function quickOpen(page: Page, path: string): Promise<void> {
  await page.locator('.part.editor').click({ position: { x: 10, y: 10 } });
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await expect(input).toBeFocused();
  await input.fill(path);
  await expect(page.locator('.quick-input-list .monaco-list-row.focused')).toContainText(path.split('/').pop()!);
  await page.keyboard.press('Enter');
  await expect(editorTab(page, path.split('/').pop()!)).toHaveClass(/active/);
}
