/**
 * Search by meaning end to end: the user turns it on from the Search page
 * (an embedding model downloads — the tiny fixture, from the stand-in hub),
 * the folder is chunked and embedded in the embed worker, the search box
 * finds code by description and by identifier, and the agent gets the same
 * index through @search and the search_semantic tool. A reload reuses every
 * stored vector. Real transformers.js, real workers, real IndexedDB.
 */
import type { Page } from '@playwright/test';
import { COMPLETIONS, openAgentChat, sentRequest } from './support/agent-project';
import { send } from './support/chat-ui';
import { serveFixtureModels } from './support/model-hub';
import { expect, test, textStream, toolCallStream } from './support/openai-server';

const DIR = 'semantic-project';
const FILES = {
  'billing/invoice.py': [
    'def compute_tax_total(items, rate):',
    '    """Sum of the items with tax applied."""',
    '    return sum(i.price for i in items) * (1 + rate)',
    '',
    '',
    'class InvoicePrinter:',
    '    def render(self, invoice):',
    '        return f"Invoice {invoice.number}"',
    '',
  ].join('\n'),
  'net/retry.ts': [
    'export async function retryRequest(url: string, attempts = 3): Promise<Response> {',
    '  for (let i = 0; ; i++) {',
    '    try {',
    '      return await fetch(url);',
    '    } catch (error) {',
    '      if (i + 1 >= attempts) throw error;',
    '    }',
    '  }',
    '}',
    '',
  ].join('\n'),
  'docs/guide.md': '# Guide\n\nHow to deploy.\n\n## Deploying\n\nRun make deploy on the server.\n',
};

async function turnOnWithTinyModel(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await page.getByRole('radio', { name: 'Meaning' }).click();
  await page.getByLabel('Embedding model', { exact: true }).selectOption({ label: 'Another ONNX model from the Hub…' });
  await page.getByLabel('Embedding model repo id').fill('refact-test/tiny-embed');
  await page.getByLabel('Embedding model weights').selectOption('q8');
  await page.getByLabel('Embedding dimensions').fill('64');
  await page.getByLabel('Embedding token limit').fill('256');
  await page.getByRole('button', { name: 'Turn on search by meaning' }).click();
}

test('turn on search by meaning; the search box, @search and search_semantic find code; a reload reuses the vectors', async ({ page, context, network, openai }) => {
  // The model loads twice (before and after the reload), each time compiling its shaders on SwiftShader (the CPU).
  test.setTimeout(300_000);
  const served = await serveFixtureModels(context, network);
  await openAgentChat(page, openai, DIR, FILES, 'EXPLORE');
  await turnOnWithTinyModel(page);
  const summary = page.getByTestId('semantic-summary');
  await expect(summary).toContainText('chunks indexed by meaning', { timeout: 120_000 });
  expect(served.some((p) => p.startsWith('/refact-test/tiny-embed/'))).toBe(true);
  const embedded = Number(/(\d+) embedded/.exec((await summary.textContent()) ?? '')?.[1]);
  expect(embedded).toBeGreaterThan(2);

  // An identifier: the keyword ranking puts its chunk first.
  await page.getByRole('searchbox', { name: 'Search query' }).fill('retryRequest');
  const hits = page.getByTestId('search-hit');
  await expect(hits.first()).toContainText('net/retry.ts:1-9', { timeout: 30_000 });
  await expect(hits.first()).toContainText('bm25');
  // A heading of the markdown is its own chunk.
  await page.getByRole('searchbox', { name: 'Search query' }).fill('deploying server');
  await expect(hits.first()).toContainText('docs/guide.md', { timeout: 30_000 });

  // The agent: @search attaches what the index found; search_semantic answers the model.
  openai.reply(
    COMPLETIONS,
    { stream: toolCallStream([{ id: 'call_sem', name: 'search_semantic', arguments: JSON.stringify({ queries: 'compute_tax_total' }) }]) },
    { stream: textStream('Found it.') },
  );
  await page.getByRole('button', { name: 'Chat', exact: true }).click();
  await send(page, '@search compute tax total\nwhere is tax computed?');
  await expect(page.getByTestId('msg-assistant').last().locator('.msg-text')).toHaveText('Found it.', { timeout: 60_000 });
  const first = sentRequest(openai, 0);
  expect(JSON.stringify(first.tools)).toContain('search_semantic');
  expect(JSON.stringify(first.messages)).toContain('billing/invoice.py'); // @search's context file
  const answer = sentRequest(openai, 1).messages.find((m) => m.role === 'tool');
  expect(JSON.stringify(answer?.content)).toContain('billing/invoice.py:1-');

  // After a reload nothing is embedded again.
  await page.reload();
  await expect(page.getByTestId('workspace-name')).toHaveText(DIR);
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await page.getByRole('radio', { name: 'Meaning' }).click();
  // Restored from IndexedDB: searchable by keyword at once, before the model is back.
  await page.getByRole('searchbox', { name: 'Search query' }).fill('retryRequest');
  await expect(hits.first()).toContainText('net/retry.ts', { timeout: 30_000 });
  await expect(summary).toContainText('chunks indexed by meaning', { timeout: 120_000 });
  await expect(summary).toContainText('0 embedded');
});
