/**
 * Steps the agent-chat specs share: open a project seeded into OPFS through
 * the stubbed folder picker, add the scripted server as a provider and pick
 * AGENT mode, read a file back from OPFS, and look at what the model was sent.
 */
import type { Page } from '@playwright/test';
import { addTestProviderAndPickModel } from './chat-ui';
import { expect, type OpenAiTestServer } from './openai-server';
import { seedOpfsProject, stubFolderPicker, type SeedFile } from './opfs-project';

export const COMPLETIONS = 'POST /v1/chat/completions';

/** Seeds `files` under OPFS `dir`, opens it as the project, adds the test provider and picks `mode`. */
export async function openAgentChat(
  page: Page,
  openai: OpenAiTestServer,
  dir: string,
  files: Record<string, SeedFile>,
  mode: 'AGENT' | 'EXPLORE' | 'NO_TOOLS' = 'AGENT',
): Promise<void> {
  await stubFolderPicker(page, dir);
  await page.goto('/');
  await seedOpfsProject(page, dir, files);
  await page.getByRole('button', { name: 'Open folder' }).click();
  await expect(page.getByTestId('workspace-name')).toHaveText(dir);
  await page.getByRole('button', { name: 'Models', exact: true }).click();
  await addTestProviderAndPickModel(page, openai);
  await page.getByTestId('mode-picker').selectOption(mode);
}

/** A file's text as it is in OPFS now (what the agent's writes really changed). */
export function readOpfs(page: Page, dir: string, path: string): Promise<string> {
  return page.evaluate(
    async ({ dir, path }) => {
      let d = await (await navigator.storage.getDirectory()).getDirectoryHandle(dir);
      const parts = path.split('/');
      for (const p of parts.slice(0, -1)) d = await d.getDirectoryHandle(p);
      return (await (await d.getFileHandle(parts.at(-1)!)).getFile()).text();
    },
    { dir, path },
  );
}

export interface SentMessage {
  role: string;
  content?: unknown;
  tool_call_id?: string;
  tool_calls?: { id: string; function: { name: string; arguments: string } }[];
}

export interface SentRequest {
  messages: SentMessage[];
  tools?: unknown[];
  max_tokens?: number;
}

/** The body of the n-th chat completion request the server received. */
export function sentRequest(openai: OpenAiTestServer, n: number): SentRequest {
  const call = openai.calls(COMPLETIONS)[n];
  if (!call) throw new Error(`no completion request #${n}: the server got ${openai.calls(COMPLETIONS).length}`);
  return call.body as SentRequest;
}

/**
 * What an OpenAI-style API insists on: every tool call of an assistant
 * message is answered by a tool message before anything else comes. Returns
 * the problems found (none for a request a real provider would accept).
 */
export function toolCallPairingProblems(messages: readonly SentMessage[]): string[] {
  const problems: string[] = [];
  messages.forEach((m, i) => {
    const ids = (m.tool_calls ?? []).map((c) => c.id);
    const answers = messages.slice(i + 1, i + 1 + ids.length).map((n) => (n.role === 'tool' ? n.tool_call_id : `(${n.role})`));
    if (ids.join() !== answers.join()) problems.push(`message ${i}: calls ${ids.join()} answered by ${answers.join()}`);
  });
  return problems;
}
