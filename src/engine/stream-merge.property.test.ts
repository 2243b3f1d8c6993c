/**
 * Property: the thread does not depend on how the stream was cut. The same
 * answer is split into chunks at every position (exhaustively for short
 * fields, seeded-random for the whole stream) and at the byte level through
 * the SSE parser; every cut must merge to the same assistant message.
 */
import { describe, expect, it } from 'vitest';
import { normalizeChatChunk } from '../providers/chat-chunk';
import { readSseMessages } from '../providers/sse';
import type { ChatChunk, ChatDelta, ToolCallDelta } from '../providers/types';
import { emptyDraft, mergeChunk, type AssistantDraft } from './stream-merge';
import { seededRandom, type SeededRandom } from './test-support/random';

interface Answer {
  reasoning: string;
  content: string;
  calls: { id?: string; name: string; arguments: string }[];
}

const ANSWER: Answer = {
  reasoning: 'The user wants ✓ a fix; "quotes" and \\ slashes\nand lines.',
  content: 'Let me look — at `src/app.ts` 👀 first.\n\n```ts\nconst x = 1;\n```',
  calls: [
    { id: 'call_a', name: 'cat', arguments: '{"paths": "src/app.ts, README.md:1-20"}' },
    { id: 'call_b', name: 'update_textdoc', arguments: '{"path":"src/app.ts","old_str":"const x = 1;","replacement":"const x = 2; // ✓ ünïcode"}' },
  ],
};

/** Cuts `text` at the given sorted positions. */
function cut(text: string, positions: readonly number[]): string[] {
  const parts: string[] = [];
  let from = 0;
  for (const p of positions) {
    parts.push(text.slice(from, p));
    from = p;
  }
  parts.push(text.slice(from));
  return parts.filter((p) => p !== '');
}

function randomCuts(random: SeededRandom, text: string): string[] {
  const positions = new Set<number>();
  const n = random.int(0, Math.min(12, text.length));
  for (let i = 0; i < n; i++) positions.add(random.int(1, Math.max(1, text.length - 1)));
  return cut(text, [...positions].sort((a, b) => a - b));
}

/** The answer as deltas, each field cut into pieces by `split`. */
function deltasOf(answer: Answer, split: (text: string) => string[]): ChatDelta[] {
  const deltas: ChatDelta[] = [{ role: 'assistant' }];
  for (const piece of split(answer.reasoning)) deltas.push({ reasoning_content: piece });
  for (const piece of split(answer.content)) deltas.push({ content: piece });
  answer.calls.forEach((call, index) => {
    const head: ToolCallDelta = { index, type: 'function', function: { name: call.name, arguments: '' } };
    if (call.id) head.id = call.id;
    deltas.push({ tool_calls: [head] });
    for (const piece of split(call.arguments)) deltas.push({ tool_calls: [{ index, function: { arguments: piece } }] });
  });
  return deltas;
}

function chunksOf(deltas: ChatDelta[], random?: SeededRandom): ChatChunk[] {
  // Sometimes several deltas' worth of fields ride in one chunk: merge neighbours of different kinds.
  const chunks: ChatChunk[] = deltas.map((delta) => ({ choices: [{ index: 0, delta, finish_reason: null }] }));
  if (random) {
    for (let i = chunks.length - 1; i > 0; i--) {
      const a = chunks[i - 1]!.choices[0]!.delta;
      const b = chunks[i]!.choices[0]!.delta;
      const disjoint = Object.keys(b).every((k) => !(k in a));
      if (disjoint && random.next() < 0.3) {
        chunks[i - 1]!.choices[0]!.delta = { ...a, ...b };
        chunks.splice(i, 1);
      }
    }
  }
  chunks.push({ choices: [{ index: 0, delta: {}, finish_reason: 'tool_calls' }] });
  chunks.push({ choices: [], usage: { prompt_tokens: 10, completion_tokens: 20, total_tokens: 30 } });
  return chunks;
}

const merge = (chunks: readonly ChatChunk[]): AssistantDraft => chunks.reduce(mergeChunk, emptyDraft());

const expected: AssistantDraft = {
  role: 'assistant',
  content: ANSWER.content,
  reasoning_content: ANSWER.reasoning,
  tool_calls: ANSWER.calls.map((c) => ({ id: c.id!, type: 'function', function: { name: c.name, arguments: c.arguments } })),
  finish_reason: 'tool_calls',
  usage: { prompt_tokens: 10, completion_tokens: 20, total_tokens: 30 },
};

describe('stream merge: any re-chunking gives the same message', () => {
  it('every single cut position of every field', () => {
    const fields = [ANSWER.reasoning, ANSWER.content, ...ANSWER.calls.map((c) => c.arguments)];
    for (const [f, field] of fields.entries()) {
      for (let p = 1; p < field.length; p++) {
        const split = (text: string) => (text === field ? cut(text, [p]) : [text]);
        expect(merge(chunksOf(deltasOf(ANSWER, split))), `field ${f} cut at ${p}`).toEqual(expected);
      }
    }
  });

  it('every pair of cut positions in a tool call\'s arguments', () => {
    const args = ANSWER.calls[0]!.arguments;
    for (let p = 1; p < args.length; p++) {
      for (let q = p + 1; q < args.length; q++) {
        const split = (text: string) => (text === args ? cut(text, [p, q]) : [text]);
        expect(merge(chunksOf(deltasOf(ANSWER, split)))).toEqual(expected);
      }
    }
  });

  it('1000 seeded random cuttings of the whole stream, with chunks that carry several fields', () => {
    const random = seededRandom(20240601);
    for (let round = 0; round < 1000; round++) {
      const chunks = chunksOf(deltasOf(ANSWER, (text) => randomCuts(random, text)), random);
      expect(merge(chunks), `round ${round}`).toEqual(expected);
    }
  });

  it('calls without ids get generated ones, and are otherwise the same at any cutting', () => {
    const anonymous: Answer = { ...ANSWER, calls: ANSWER.calls.map(({ name, arguments: a }) => ({ name, arguments: a })) };
    const random = seededRandom(99);
    for (let round = 0; round < 200; round++) {
      const draft = merge(chunksOf(deltasOf(anonymous, (text) => randomCuts(random, text)), random));
      expect(draft.tool_calls?.map((c) => c.function)).toEqual(expected.tool_calls!.map((c) => c.function));
      expect(new Set(draft.tool_calls?.map((c) => c.id)).size).toBe(2);
    }
  });

  it('byte-level: the SSE text cut at random bytes (even inside UTF-8 characters) parses and merges the same', async () => {
    const chunks = chunksOf(deltasOf(ANSWER, (text) => [text]));
    const sse = chunks.map((c) => `data: ${JSON.stringify(c)}\n\n`).join('') + 'data: [DONE]\n\n';
    const bytes = new TextEncoder().encode(sse);
    const random = seededRandom(5);
    for (let round = 0; round < 100; round++) {
      const pieces = cut('x'.repeat(bytes.length), [...new Set(Array.from({ length: random.int(1, 40) }, () => random.int(1, bytes.length - 1)))].sort((a, b) => a - b));
      let at = 0;
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          for (const piece of pieces) {
            controller.enqueue(bytes.slice(at, at + piece.length));
            at += piece.length;
          }
          controller.close();
        },
      });
      let draft = emptyDraft();
      for await (const message of readSseMessages(body)) {
        if (message === 'done') break;
        const chunk = normalizeChatChunk(message);
        if (chunk) draft = mergeChunk(draft, chunk);
      }
      expect(draft, `round ${round}`).toEqual(expected);
    }
  });
});
