/**
 * What the agent keeps and shows beyond text: knowledge saved with
 * create_knowledge is found by the knowledge tool in a later chat (in the
 * app's IndexedDB, across a reload); Anthropic-style thinking blocks show as
 * reasoning; cat shows an image to a multimodal model as a data URL, and the
 * tool card shows the image.
 */
import type { Page } from '@playwright/test';
import { DONE, chunk, expect, test, textStream, toolCallStream, type OpenAiTestServer } from './support/openai-server';
import { send } from './support/chat-ui';
import { COMPLETIONS, openAgentChat, sentRequest, toolCallPairingProblems } from './support/agent-project';
import { seedOpfsProject, stubFolderPicker } from './support/opfs-project';

const lastAnswer = (page: Page) => page.getByTestId('msg-assistant').last();

test('create_knowledge in one chat; after a reload, the knowledge tool finds it in a new chat', async ({ page, openai }) => {
  await openAgentChat(page, openai, 'agent-knowledge-project', { 'Makefile': 'release:\n\t./scripts/release.sh\n' });
  const memory = 'Releases are made with `make release`, which runs scripts/release.sh.';
  openai.reply(
    COMPLETIONS,
    { stream: toolCallStream([{ id: 'call_save', name: 'create_knowledge', arguments: JSON.stringify({ knowledge_entry: memory, goal: 'making a release', tags: 'release, ops' }) }]) },
    { stream: textStream('Noted for next time.') },
  );
  await send(page, 'Remember how we make releases');
  await expect(lastAnswer(page).locator('.msg-text')).toHaveText('Noted for next time.', { timeout: 20_000 });
  await expect(page.locator('[data-tool="create_knowledge"]')).toHaveAttribute('data-status', 'done');

  await page.reload();
  await page.getByRole('button', { name: 'Chat', exact: true }).click();
  await page.getByRole('button', { name: 'New chat' }).click();
  await expect(page.getByTestId('msg-user')).toHaveCount(0);
  openai.reply(
    COMPLETIONS,
    { stream: toolCallStream([{ id: 'call_find', name: 'knowledge', arguments: JSON.stringify({ search_key: 'how do I make a release' }) }]) },
    { stream: textStream('Run make release.') },
  );
  await send(page, 'How do I make a release?');
  await expect(lastAnswer(page).locator('.msg-text')).toHaveText('Run make release.', { timeout: 20_000 });
  const card = page.locator('[data-tool="knowledge"]');
  await expect(card).toHaveAttribute('data-status', 'done');
  await card.locator('summary').click();
  await expect(card.locator('.tool-result')).toContainText(memory);

  // The new chat's requests: the prompt says knowledge exists, and the tool result carried the memory.
  const calls = openai.calls(COMPLETIONS);
  const first = sentRequest(openai, calls.length - 2).messages;
  expect(first.filter((m) => m.role === 'user').map((m) => m.content)).toEqual(['How do I make a release?']);
  expect(String(first[0]?.content)).toContain('Saved knowledge about this project exists');
  const result = sentRequest(openai, calls.length - 1).messages.find((m) => m.role === 'tool');
  expect(result?.tool_call_id).toBe('call_find');
  expect(String(result?.content)).toContain(memory);
});

test('thinking blocks stream in and show as collapsible reasoning, and are not sent back', async ({ page, openai }) => {
  await openAgentChat(page, openai, 'agent-thinking-project', { 'a.txt': 'a\n' }, 'NO_TOOLS');
  openai.reply(
    COMPLETIONS,
    {
      stream: [
        { data: chunk.role() },
        { data: chunk.thinking('The user wants a greeting. ') },
        { data: chunk.thinking('A short one will do.') },
        { data: chunk.thinking('', 'sig-abc') },
        { data: chunk.content('Hello!') },
        { data: chunk.finish('stop') },
        DONE,
      ],
    },
    { stream: textStream('Again: hello!') },
  );
  await send(page, 'Greet me');
  const answer = lastAnswer(page);
  await expect(answer.locator('.msg-text')).toHaveText('Hello!', { timeout: 20_000 });
  const reasoning = answer.locator('details.reasoning');
  await expect(reasoning.locator('summary')).toHaveText('Reasoning');
  await expect(reasoning.locator('.reasoning-text')).toBeHidden();
  await reasoning.locator('summary').click();
  await expect(reasoning.locator('.reasoning-text')).toHaveText('The user wants a greeting. A short one will do.');

  // Kept with the chat across a reload.
  await page.reload();
  await page.getByRole('button', { name: 'Chat', exact: true }).click();
  await lastAnswer(page).locator('details.reasoning summary').click();
  await expect(lastAnswer(page).locator('.reasoning-text')).toHaveText('The user wants a greeting. A short one will do.');
  await send(page, 'Once more');
  await expect(lastAnswer(page).locator('.msg-text')).toHaveText('Again: hello!', { timeout: 20_000 });
  expect(JSON.stringify(sentRequest(openai, 1).messages)).not.toContain('A short one will do.');
});

/** A 1x1 PNG. */
const PIXEL_PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

/** Adds the test server as a provider from a Refact providers.d file whose model can see images. */
async function importVisionProvider(page: Page, openai: OpenAiTestServer): Promise<void> {
  const yaml = [
    'api_key: sk-test-123',
    `chat_endpoint: ${openai.baseUrl}/chat/completions`,
    'chat_models:',
    '  vision-model: { n_ctx: 32000, supports_tools: true, supports_agent: true, supports_multimodality: true, enabled: true }',
    '',
  ].join('\n');
  await page.getByRole('button', { name: 'Models', exact: true }).click();
  await page.getByLabel('Import providers YAML').setInputFiles({ name: 'vision.yaml', mimeType: 'application/yaml', buffer: Buffer.from(yaml) });
  await expect(page.locator('.provider').filter({ hasText: 'vision' })).toContainText('vision-model');
  await page.getByRole('button', { name: 'Chat', exact: true }).click();
  await page.getByTestId('model-picker').selectOption({ label: 'vision-model (vision)' });
}

test('cat gives a multimodal model the image as a data URL, and the tool card shows it', async ({ page, openai }) => {
  const dir = 'agent-image-project';
  await stubFolderPicker(page, dir);
  await page.goto('/');
  await seedOpfsProject(page, dir, { 'logo.png': { bytes: [...Buffer.from(PIXEL_PNG, 'base64')] }, 'README.md': '# Logo\n' });
  await page.getByRole('button', { name: 'Open folder' }).click();
  await expect(page.getByTestId('workspace-name')).toHaveText(dir);
  await importVisionProvider(page, openai);
  await page.getByTestId('mode-picker').selectOption('AGENT');

  openai.reply(
    COMPLETIONS,
    { stream: toolCallStream([{ id: 'call_img', name: 'cat', arguments: JSON.stringify({ paths: 'logo.png' }) }]) },
    { stream: textStream('It is a single pixel.') },
  );
  await send(page, 'What is in logo.png?');
  await expect(lastAnswer(page).locator('.msg-text')).toHaveText('It is a single pixel.', { timeout: 20_000 });
  const card = page.locator('[data-tool="cat"]');
  await expect(card).toHaveAttribute('data-status', 'done');
  await card.locator('summary').click();
  const image = card.getByTestId('tool-image');
  await expect(image).toHaveAttribute('src', `data:image/png;base64,${PIXEL_PNG}`);
  await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(1);

  // The model got the image: the tool result as text, then the picture in a user message after it.
  const sent = sentRequest(openai, 1).messages;
  expect(toolCallPairingProblems(sent)).toEqual([]);
  const imageParts = sent.flatMap((m) => (Array.isArray(m.content) ? (m.content as { type: string; image_url?: { url: string } }[]) : []));
  expect(imageParts).toEqual([{ type: 'image_url', image_url: { url: `data:image/png;base64,${PIXEL_PNG}` } }]);
});
