/**
 * Editor steps the specs share: open a seeded project, open a file in the
 * editor, put the caret at the end of a line, read the ghost text, and wait
 * for the editor's completion counters (data attributes on the pane).
 */
import type { Locator, Page } from '@playwright/test';
import { expect } from './privacy';
import { seedOpfsProject, stubFolderPicker, type SeedFile } from './opfs-project';

export async function openProject(page: Page, dir: string, files: Record<string, SeedFile>): Promise<void> {
  await stubFolderPicker(page, dir);
  await page.goto('/');
  await seedOpfsProject(page, dir, files);
  await page.getByRole('button', { name: 'Open folder' }).click();
  await expect(page.getByTestId('workspace-name')).toHaveText(dir);
}

export function editor(page: Page): Locator {
  return page.getByTestId('code-editor');
}

/** Opens `path` with Ctrl+P quick open and waits for its text. */
export async function openInEditor(page: Page, path: string): Promise<void> {
  await page.getByRole('button', { name: 'Files', exact: true }).click();
  await page.keyboard.press('Control+p');
  await page.getByLabel('File name').fill(path);
  await page.getByRole('option').filter({ hasText: path }).first().click();
  await expect(page.locator('.viewer-path')).toHaveText(path);
  await expect(editor(page).locator('.cm-content')).toBeVisible();
}

/** Puts the caret at the end of the 1-based `line`. */
export async function caretAtEndOf(page: Page, line: number): Promise<void> {
  await editor(page).locator('.cm-line').nth(line - 1).click();
  await page.keyboard.press('End');
}

export function ghost(page: Page): Locator {
  return editor(page).getByTestId('ghost-text');
}

/** How many completions the editor asked for so far. */
export async function completionRequests(page: Page): Promise<number> {
  return Number(await page.locator('.editor-pane').getAttribute('data-completion-requests'));
}

/** The editor's text as CodeMirror holds it (lines joined with \n). */
export function editorText(page: Page): Promise<string> {
  return editor(page)
    .locator('.cm-line')
    .evaluateAll((lines) => lines.map((l) => l.textContent ?? '').join('\n'));
}

/** Bytes of a file as OPFS has them now. */
export function readOpfsBytes(page: Page, dir: string, path: string): Promise<number[]> {
  return page.evaluate(
    async ({ dir, path }) => {
      let d = await (await navigator.storage.getDirectory()).getDirectoryHandle(dir);
      const parts = path.split('/');
      for (const p of parts.slice(0, -1)) d = await d.getDirectoryHandle(p);
      return [...new Uint8Array(await (await (await d.getFileHandle(parts.at(-1)!)).getFile()).arrayBuffer())];
    },
    { dir, path },
  );
}

/** Writes a file into OPFS from outside the app (another editor, git). */
export async function writeOpfsOutside(page: Page, dir: string, path: string, text: string): Promise<void> {
  await page.evaluate(
    async ({ dir, path, text }) => {
      let d = await (await navigator.storage.getDirectory()).getDirectoryHandle(dir);
      const parts = path.split('/');
      for (const p of parts.slice(0, -1)) d = await d.getDirectoryHandle(p, { create: true });
      const w = await (await d.getFileHandle(parts.at(-1)!, { create: true })).createWritable();
      await w.write(text);
      await w.close();
    },
    { dir, path, text },
  );
  // Tab focus is when users come back from another editor; it triggers a re-scan.
  await page.evaluate(() => window.dispatchEvent(new Event('focus')));
}

/** The syntax colour of keywords as the page resolves it now (its theme variables follow light or dark). */
export function keywordColour(page: Page): Promise<string> {
  return page.evaluate(() => {
    const probe = document.createElement('span');
    probe.style.color = 'var(--hl-keyword)';
    document.body.append(probe);
    const colour = getComputedStyle(probe).color;
    probe.remove();
    return colour;
  });
}
