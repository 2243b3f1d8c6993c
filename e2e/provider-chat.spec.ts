/**
 * A remote provider through the UI: add it on the Models page (against the
 * scripted OpenAI-compatible server on 127.0.0.1, real HTTP), pick its model
 * in the chat, and see streaming, reasoning and every failure the way a user
 * would: a clear message, nothing already shown lost, Retry.
 */
import type { Page } from '@playwright/test';
import { DONE, awkwardCuts, chunk, expect, test, textStream, type OpenAiTestServer } from './support/openai-server';
import { addTestProviderAndPickModel, send } from './support/chat-ui';

async function addProvider(page: Page, openai: OpenAiTestServer): Promise<void> {
  await page.goto('/#/models');
  await addTestProviderAndPickModel(page, openai);
}

test('streams content and reasoning cut at awkward byte boundaries, with the key sent only there', async ({ page, openai }) => {
  await addProvider(page, openai);
  openai.reply('POST /v1/chat/completions', {
    stream: [
      { data: chunk.role() },
      { data: chunk.reasoning('Thinking about ') },
      { data: chunk.reasoning('café ☕…') },
      { data: chunk.content('Grüße, ') },
      { data: chunk.content('世界! ') },
      { data: chunk.content('Done.') },
      { data: chunk.finish('stop') },
      { data: chunk.usage(12, 7) },
      DONE,
    ],
    eol: '\r\n',
    splitAt: (bytes) => awkwardCuts.all(bytes),
  });
  await send(page, 'Hi');
  const answer = page.getByTestId('msg-assistant').last();
  await expect(answer.locator('.msg-text')).toHaveText('Grüße, 世界! Done.');
  await expect(answer.locator('details')).toContainText('Thinking about café ☕…');
  await expect(answer.locator('.meta')).toContainText('12 prompt + 7 completion tokens');
  const call = openai.calls('POST /v1/chat/completions')[0]!;
  expect(call.headers.authorization).toBe('Bearer sk-test-123');
  expect(call.body).toMatchObject({ model: 'test-model', stream: true });
  // Our system prompt first, then the conversation.
  const sent = (call.body as { messages: { role: string; content: unknown }[] }).messages;
  expect(sent[0]?.role).toBe('system');
  expect(sent.slice(1)).toEqual([{ role: 'user', content: 'Hi' }]);
});

test('401, 500, garbage and a dropped connection each say what happened; Retry recovers', async ({ page, openai }) => {
  await addProvider(page, openai);
  const answer = () => page.getByTestId('msg-assistant').last();

  openai.reply('POST /v1/chat/completions', { status: 401, json: { error: { message: 'Invalid API key' } } });
  await send(page, 'one');
  await expect(answer().getByRole('alert')).toContainText('401');
  await expect(answer().getByRole('alert')).toContainText('Invalid API key');

  openai.reply('POST /v1/chat/completions', { status: 500, json: { error: { message: 'model crashed' } } });
  openai.reply('POST /v1/chat/completions', { stream: textStream('Recovered after retry.') });
  await send(page, 'two');
  await expect(answer().getByRole('alert')).toContainText('model crashed');
  await answer().getByRole('button', { name: 'Retry' }).click();
  await expect(answer().locator('.msg-text')).toHaveText('Recovered after retry.');

  openai.reply('POST /v1/chat/completions', {
    stream: [{ data: chunk.role() }, { data: chunk.content('Partial ') }, { raw: 'data: {not json\n\n' }],
  });
  await send(page, 'three');
  await expect(answer().getByRole('alert')).toContainText('not JSON');
  await expect(answer().locator('.msg-text')).toHaveText('Partial');

  openai.reply('POST /v1/chat/completions', {
    stream: [{ data: chunk.role() }, { data: chunk.content('Half an answer ') }, { waitMs: 300 }, { drop: true }],
  });
  await send(page, 'four');
  await expect(answer().getByRole('alert')).toContainText('dropped');
  await expect(answer().locator('.msg-text')).toHaveText('Half an answer');

  // Nothing earlier was lost along the way.
  await expect(page.getByTestId('msg-user')).toHaveText(['one', 'two', 'three', 'four']);
  await page.reload();
  await expect(page.getByTestId('msg-user')).toHaveText(['one', 'two', 'three', 'four']);
  await expect(page.getByTestId('msg-assistant').filter({ hasText: 'Recovered after retry.' })).toHaveCount(1);
});
