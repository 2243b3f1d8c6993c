/**
 * How an AGENT run ends when it does not end by itself: a model stuck calling
 * the same tool is stopped with an explanation; the user's Stop (while the
 * answer streams, and while a write waits for confirmation) keeps what
 * arrived and writes nothing; a reload mid-run keeps what was on screen and
 * leaves nothing running. Each time the chat goes on with the next message.
 */
import type { Page } from '@playwright/test';
import { DONE, chunk, expect, test, textStream, toolCallStream, type OpenAiTestServer } from './support/openai-server';
import { send } from './support/chat-ui';
import { COMPLETIONS, openAgentChat, readOpfs, sentRequest, toolCallPairingProblems } from './support/agent-project';

const DIR = 'agent-runs-project';
const HELLO = 'def greet():\n    return "hello"\n';

test.beforeEach(async ({ page, openai }) => {
  await openAgentChat(page, openai, DIR, { 'src/hello.py': HELLO, 'README.md': '# Demo\n' });
});

const composerStop = (page: Page) => page.locator('.composer').getByRole('button', { name: 'Stop', exact: true });
const lastAnswer = (page: Page) => page.getByTestId('msg-assistant').last();

/** Nothing is running: Send (not Queue) is offered, Stop is gone, no answer is streaming. */
async function expectIdle(page: Page): Promise<void> {
  await expect(composerStop(page)).toHaveCount(0);
  await expect(page.locator('[data-streaming="true"]')).toHaveCount(0);
  await page.getByLabel('Message').fill('x');
  await expect(page.locator('.composer').getByRole('button', { name: 'Send', exact: true })).toBeEnabled();
  await page.getByLabel('Message').fill('');
}

/** The next message gets an answer: the chat is usable. */
async function expectNextMessageWorks(page: Page, openai: OpenAiTestServer): Promise<void> {
  openai.reply(COMPLETIONS, { stream: textStream('Still here, ready for more.') });
  await send(page, 'Are you still there?');
  await expect(lastAnswer(page).locator('.msg-text')).toHaveText('Still here, ready for more.', { timeout: 20_000 });
  await expectIdle(page);
}

test('a model calling the same tool with the same arguments is stopped with an explanation; the chat goes on', async ({ page, openai }) => {
  const sameCat = (id: string) => ({ stream: toolCallStream([{ id, name: 'cat', arguments: JSON.stringify({ paths: 'src/hello.py' }) }]) });
  // A loop that is not caught makes a 4th request, which the server answers with an error.
  openai.reply(COMPLETIONS, sameCat('call_1'), sameCat('call_2'), sameCat('call_3'));
  await send(page, 'What does greet return?');

  const explanation = page.getByTestId('msg-plain_text');
  await expect(explanation).toContainText('called cat with the same arguments 3 times', { timeout: 20_000 });
  await expect(explanation).toContainText('stuck in a loop');
  await expect(page.locator('[data-tool="cat"][data-status="done"]')).toHaveCount(3);
  await expectIdle(page);
  expect(openai.calls(COMPLETIONS)).toHaveLength(3);
  await expect(page.getByTestId('msg-assistant').getByRole('alert')).toHaveCount(0);

  await expectNextMessageWorks(page, openai);
});

test('Stop while the answer streams keeps the partial answer, marked stopped; the next message works', async ({ page, openai }) => {
  openai.reply(COMPLETIONS, {
    stream: [{ data: chunk.role() }, { data: chunk.content('The function greet returns') }, { hold: 'rest' }, { data: chunk.content(' "hello".') }, { data: chunk.finish('stop') }, DONE],
  });
  await send(page, 'What does greet return?');
  await expect(lastAnswer(page).locator('.msg-text')).toHaveText('The function greet returns', { timeout: 20_000 });
  await expect(lastAnswer(page)).toHaveAttribute('data-streaming', 'true');

  await composerStop(page).click();
  await expect(lastAnswer(page).locator('.meta')).toContainText('stopped');
  await expect(lastAnswer(page).locator('.msg-text')).toHaveText('The function greet returns');
  await expectIdle(page);
  // The request was really cut: the browser closed the connection.
  await expect.poll(() => openai.calls(COMPLETIONS)[0]?.clientClosed).toBe(true);
  openai.release('rest');

  await expectNextMessageWorks(page, openai);
  // The model sees the part it had said before the stop.
  const second = sentRequest(openai, 1).messages;
  expect(second.filter((m) => m.role === 'assistant').map((m) => m.content)).toEqual(['The function greet returns']);
  // A reload does not bring back "stopped" as a running answer.
  await page.reload();
  await page.getByRole('button', { name: 'Chat', exact: true }).click();
  await expect(page.getByTestId('msg-assistant').first().locator('.meta')).toContainText('stopped');
});

test('Stop while a write waits for confirmation: nothing is written, the answer so far stays, the next message works', async ({ page, openai }) => {
  openai.reply(COMPLETIONS, {
    stream: toolCallStream(
      [{ id: 'call_edit', name: 'update_textdoc', arguments: JSON.stringify({ path: 'src/hello.py', old_str: '"hello"', replacement: '"bye"' }) }],
      { content: 'I will change the greeting.' },
    ),
  });
  await send(page, 'Make greet say bye');
  const pausePanel = page.getByTestId('pause-panel');
  await expect(pausePanel).toContainText('update_textdoc', { timeout: 20_000 });

  await composerStop(page).click();
  await expect(pausePanel).toHaveCount(0);
  await expect(lastAnswer(page).locator('.msg-text')).toHaveText('I will change the greeting.');
  await expect(lastAnswer(page).locator('.meta')).toContainText('stopped');
  await expect(page.locator('[data-tool="update_textdoc"]')).toHaveAttribute('data-status', 'not run');
  await expectIdle(page);
  expect(await readOpfs(page, DIR, 'src/hello.py')).toBe(HELLO);
  await expect(page.getByTestId('msg-diff')).toHaveCount(0);

  await expectNextMessageWorks(page, openai);
  // The unrun call is not sent back as an open call a real provider would reject.
  const second = sentRequest(openai, 1).messages;
  expect(toolCallPairingProblems(second)).toEqual([]);
  expect(JSON.stringify(second)).toContain('I will change the greeting.');
  expect(await readOpfs(page, DIR, 'src/hello.py')).toBe(HELLO);
});

test('a reload mid-run keeps the partial answer and the tool cards, leaves nothing running, and the chat goes on', async ({ page, openai }) => {
  openai.reply(
    COMPLETIONS,
    { stream: toolCallStream([{ id: 'call_cat', name: 'cat', arguments: JSON.stringify({ paths: 'src/hello.py' }) }], { content: 'Reading the file.' }) },
    { stream: [{ data: chunk.role() }, { data: chunk.content('greet() returns the') }, { hold: 'never' }, { data: chunk.finish('stop') }, DONE] },
  );
  await send(page, 'What does greet return?');
  await expect(page.locator('[data-tool="cat"]')).toHaveAttribute('data-status', 'done', { timeout: 20_000 });
  await expect(lastAnswer(page).locator('.msg-text')).toHaveText('greet() returns the', { timeout: 20_000 });
  await expect(lastAnswer(page)).toHaveAttribute('data-streaming', 'true');

  await page.reload();
  await page.getByRole('button', { name: 'Chat', exact: true }).click();
  await expect(page.getByTestId('msg-user')).toHaveText(['What does greet return?']);
  const answers = page.getByTestId('msg-assistant');
  await expect(answers).toHaveCount(2);
  await expect(answers.first().locator('.msg-text')).toHaveText('Reading the file.');
  await expect(page.locator('[data-tool="cat"]')).toHaveAttribute('data-status', 'done');
  await expect(page.getByTestId('msg-context_file')).toContainText('src/hello.py');
  await expect(answers.last().locator('.msg-text')).toHaveText('greet() returns the');
  await expect(answers.last().locator('.meta')).toContainText('interrupted by a reload');
  await expectIdle(page);
  // Only the two requests of the run: the reload did not resume or re-run anything.
  expect(openai.calls(COMPLETIONS)).toHaveLength(2);

  await expectNextMessageWorks(page, openai);
  const third = sentRequest(openai, 2).messages;
  expect(toolCallPairingProblems(third)).toEqual([]);
  expect(JSON.stringify(third)).toContain('greet() returns the');
  // And a second reload shows the same settled chat.
  await page.reload();
  await page.getByRole('button', { name: 'Chat', exact: true }).click();
  await expect(page.getByTestId('msg-assistant').last().locator('.msg-text')).toHaveText('Still here, ready for more.');
  await expectIdle(page);
});
