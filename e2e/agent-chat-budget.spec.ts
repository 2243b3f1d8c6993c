/**
 * The context budget with a provider model whose window is small (the server
 * reports max_model_len): when the thread outgrows n_ctx - max_tokens, what
 * is sent is compressed to fit, the thread on screen keeps everything, and
 * the user message shows the compression hint. Token counts are checked with
 * the app's own accounting (js-tiktoken, cl100k_base for a non-OpenAI name).
 */
import { expect, test, textStream, toolCallStream } from './support/openai-server';
import { send } from './support/chat-ui';
import { COMPLETIONS, openAgentChat, sentRequest } from './support/agent-project';
import { countRequestTokens } from '../src/engine/budget';
import type { ChatMessage, ToolSpec } from '../src/providers/types';
import { tiktokenCounter } from '../src/engine/token-counter';

const DIR = 'agent-budget-project';
/** About 4,700 tokens, the prompt and tools about 1,750: one copy fits the 8,775-token budget with room to spare, two do not. */
const BIG = Array.from({ length: 250 }, (_, i) => `value_${i} = compute(${i}, scale=${i * 7})  # step ${i}\n`).join('');
const N_CTX = 11_700;

test('over the budget the request is compressed to fit, and the user message shows the hint', async ({ page, openai }) => {
  openai.models = { object: 'list', data: [{ id: 'test-model', object: 'model', created: 1, owned_by: 'test', max_model_len: N_CTX }] };
  await openAgentChat(page, openai, DIR, { 'big.py': BIG });
  const counter = await tiktokenCounter('cl100k_base');
  const tokensOf = (n: number) => {
    const body = sentRequest(openai, n);
    return countRequestTokens(body.messages as ChatMessage[], counter, body.tools as ToolSpec[]);
  };
  const fileTokens = await counter.count(BIG);

  // Turn 1: one copy of the file fits.
  openai.reply(
    COMPLETIONS,
    { stream: toolCallStream([{ id: 'call_cat_1', name: 'cat', arguments: JSON.stringify({ paths: 'big.py' }) }]) },
    { stream: textStream('I read big.py.') },
  );
  await send(page, 'Read big.py');
  await expect(page.getByTestId('msg-assistant').last().locator('.msg-text')).toHaveText('I read big.py.', { timeout: 30_000 });

  // Turn 2: the model reads it again; two copies do not fit, the older one is dropped from what is sent.
  openai.reply(
    COMPLETIONS,
    { stream: toolCallStream([{ id: 'call_cat_2', name: 'cat', arguments: JSON.stringify({ paths: 'big.py' }) }]) },
    { stream: textStream('Read it again.') },
  );
  await send(page, 'Read big.py once more');
  await expect(page.getByTestId('msg-assistant').last().locator('.msg-text')).toHaveText('Read it again.', { timeout: 30_000 });

  const maxTokens = sentRequest(openai, 3).max_tokens;
  expect(maxTokens).toBeGreaterThan(0);
  const budget = N_CTX - maxTokens!;
  const counts = await Promise.all([0, 1, 2, 3].map(tokensOf));
  // Each request the server received fits the window, with room for the answer.
  for (const n of counts) expect(n).toBeLessThanOrEqual(budget);
  // The setup really needs compression: the last request plus the dropped copy would not fit.
  expect(counts[3]! + fileTokens).toBeGreaterThan(budget);
  const fileCopies = (n: number) => sentRequest(openai, n).messages.filter((m) => typeof m.content === 'string' && m.content.includes('value_249 = compute')).length;
  expect(fileCopies(1)).toBe(1);
  expect(fileCopies(3)).toBe(1);

  // On screen nothing is lost; the hint sits on the second message only.
  await expect(page.getByTestId('msg-context_file')).toHaveCount(2);
  const hints = page.locator('.msg-user-row .compressed');
  await expect(hints).toHaveCount(1);
  await expect(page.locator('.msg-user-row').nth(1).locator('.compressed')).toHaveAttribute('aria-label', /compressed .* to fit the model/);
  await expect(page.locator('.msg-user-row').nth(0).locator('.compressed')).toHaveCount(0);
});
