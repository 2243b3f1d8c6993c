/**
 * Chat UI steps shared by the e2e specs: add the scripted OpenAI-compatible
 * test server as a provider on the Models page and pick its model in the
 * chat, and send a message.
 */
import type { Page } from '@playwright/test';
import { expect, type OpenAiTestServer } from './openai-server';

/** From the Models page: adds the test server as 'Test server', then picks its 'test-model' in the chat. */
export async function addTestProviderAndPickModel(page: Page, openai: OpenAiTestServer): Promise<void> {
  await page.getByLabel('Provider kind').selectOption('openai');
  await page.getByLabel('Provider name').fill('Test server');
  await page.getByLabel('Provider address').fill(openai.baseUrl);
  await page.getByLabel('API key').fill('sk-test-123');
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  await expect(page.locator('.provider').filter({ hasText: 'Test server' })).toContainText('test-model');
  await page.getByRole('button', { name: 'Chat', exact: true }).click();
  await page.getByTestId('model-picker').selectOption({ label: 'test-model (Test server)' });
}

/** Types `text` into the message box and sends it with Enter. */
export async function send(page: Page, text: string): Promise<void> {
  await page.getByLabel('Message').fill(text);
  await page.getByLabel('Message').press('Enter');
}
