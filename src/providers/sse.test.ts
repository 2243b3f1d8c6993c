import { describe, expect, it } from 'vitest';
import { SseEventDecoder, SseObjectDecoder, readSseMessages, type SseMessage } from './sse';
import { ProviderError } from './types';
import { seededRandom } from '../engine/test-support/random';

const encode = (s: string) => new TextEncoder().encode(s);

/** What a decoder yields for these chunks, errors as plain data so runs compare with toEqual. */
function decodeAll(chunks: Uint8Array[]): unknown[] {
  const decoder = new SseObjectDecoder();
  const out: SseMessage[] = [];
  for (const c of chunks) out.push(...decoder.push(c));
  out.push(...decoder.end());
  return out.map((m) =>
    m.kind === 'error' ? { kind: 'error', errorKind: m.error.kind, message: m.error.message } : m,
  );
}

function splitAt(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [0, ...cuts.filter((c) => c > 0 && c < bytes.length).sort((a, b) => a - b), bytes.length];
  const out: Uint8Array[] = [];
  for (let i = 0; i + 1 < points.length; i++) out.push(bytes.subarray(points[i], points[i + 1]));
  return out;
}

function randomChunking(bytes: Uint8Array, seed: number): Uint8Array[] {
  const next = seededRandom(seed).next;
  const cuts: number[] = [];
  for (let i = 1; i < bytes.length; i++) if (next() < 0.3) cuts.push(i);
  return splitAt(bytes, cuts);
}

/** Every awkward feature in one stream: CRLF, LF and CR, comments, no-space data, multi-line data, 1–4 byte UTF-8. */
const RICH_STREAM = [
  ': keep-alive comment\r\n\r\n',
  'event: message\r\nid: 1\r\ndata: {"choices":[{"index":0,"delta":{"role":"assistant","content":"Héllo"},"finish_reason":null}]}\r\n\r\n',
  'data:{"choices":[{"index":0,"delta":{"content":" wörld — 你好 🎉"},"finish_reason":null}]}\n\n',
  'retry: 1000\n',
  'data: {"choices":[{"index":0,"delta":\r\n', // multi-line data: a "\r|\n" cut here must not end the event
  'data: {"reasoning_content":"ünï 🤔"},"finish_reason":null}]}\n\n',
  'data: \r\r', // keep-alive with CR-only line ends
  'data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_1","function":{"name":"read","arguments":"{\\"p\\":\\"ä"}}]},"finish_reason":null}]}\r\r',
  'data: {"choices":[],"usage":{"prompt_tokens":3,"completion_tokens":4,"total_tokens":7}}\n\n',
  'data: [DONE]\n\n',
  'data: {"after":"done is ignored"}\n\n',
].join('');

describe('SseEventDecoder', () => {
  it('follows the event-stream grammar', () => {
    const d = new SseEventDecoder();
    const events = [...d.push(encode('event: x\nid: 7\ndata: a\ndata:b\n: comment\nfoo: bar\n\ndata\n\n')), ...d.end()];
    expect(events).toEqual([
      { event: 'x', id: '7', data: 'a\nb' },
      { event: 'message', id: '7', data: '' },
    ]);
  });

  it('treats "\\r" then "\\n" in separate chunks as one line end', () => {
    const d = new SseEventDecoder();
    const events = [...d.push(encode('data: a\r')), ...d.push(encode('\n')), ...d.push(encode('\r')), ...d.push(encode('\n')), ...d.end()];
    expect(events).toEqual([{ event: 'message', data: 'a' }]);
  });

  it('delivers a last event that lacks its line end and blank line', () => {
    const d = new SseEventDecoder();
    expect([...d.push(encode('data: {"a":1}')), ...d.end()]).toEqual([{ event: 'message', data: '{"a":1}' }]);
  });

  it('decodes a UTF-8 character split across chunks, and drops a leading BOM', () => {
    const bytes = encode('\uFEFFdata: 🎉\n\n');
    const d = new SseEventDecoder();
    const events = [];
    for (const b of bytes) events.push(...d.push(new Uint8Array([b])));
    expect(events).toEqual([{ event: 'message', data: '🎉' }]);
  });
});

describe('SseObjectDecoder', () => {
  const expected = decodeAll([encode(RICH_STREAM)]);

  it('reads the rich stream', () => {
    expect(expected).toEqual([
      { kind: 'object', value: { choices: [{ index: 0, delta: { role: 'assistant', content: 'Héllo' }, finish_reason: null }] } },
      { kind: 'object', value: { choices: [{ index: 0, delta: { content: ' wörld — 你好 🎉' }, finish_reason: null }] } },
      { kind: 'object', value: { choices: [{ index: 0, delta: { reasoning_content: 'ünï 🤔' }, finish_reason: null }] } },
      {
        kind: 'object',
        value: {
          choices: [
            {
              index: 0,
              delta: { tool_calls: [{ index: 0, id: 'call_1', function: { name: 'read', arguments: '{"p":"ä' } }] },
              finish_reason: null,
            },
          ],
        },
      },
      { kind: 'object', value: { choices: [], usage: { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 } } },
      { kind: 'done' },
    ]);
  });

  it('yields the same objects when the stream is cut in two at every byte position', () => {
    const bytes = encode(RICH_STREAM);
    for (let i = 1; i < bytes.length; i++) {
      expect(decodeAll(splitAt(bytes, [i])), `cut at byte ${i}`).toEqual(expected);
    }
  });

  it('yields the same objects one byte at a time and for 200 random chunkings', () => {
    const bytes = encode(RICH_STREAM);
    expect(decodeAll(Array.from(bytes, (b) => new Uint8Array([b])))).toEqual(expected);
    for (let seed = 1; seed <= 200; seed++) {
      expect(decodeAll(randomChunking(bytes, seed)), `seed ${seed}`).toEqual(expected);
    }
  });

  it.each([
    ['[ERROR]', 'data: [ERROR]\n\n', 'server', 'The server reported an error mid-answer'],
    ['{"detail":…}', 'data: {"detail":"model is loading"}\n\n', 'server', 'model is loading'],
    ['{"error":{"message":…}}', 'data: {"error":{"message":"context too long","type":"invalid_request_error"}}\n\n', 'bad-request', 'context too long'],
    ['{"error":{"code":429}}', 'data: {"error":{"message":"slow down","code":429}}\n\n', 'rate-limit', 'slow down'],
    ['event: error', 'event: error\ndata: {"message":"overloaded"}\n\n', 'server', 'overloaded'],
    ['llama.cpp error: field', 'error: {"code":500,"message":"slot unavailable"}\n\n', 'server', 'slot unavailable'],
    ['a garbage line', 'data: <html>Bad Gateway</html>\n\n', 'protocol', 'not JSON: "data: <html>Bad Gateway</html>"'],
    ['a JSON non-object', 'data: 42\n\n', 'protocol', 'not a JSON object'],
  ])('turns %s into a ProviderError after the objects before it, at every chunking', (_name, bad, kind, message) => {
    const before = 'data: {"choices":[{"index":0,"delta":{"content":"kept ✓"},"finish_reason":null}]}\r\n\r\n';
    const bytes = encode(before + bad + 'data: {"choices":[{"index":0,"delta":{"content":"never"}}]}\n\n');
    const whole = decodeAll([bytes]);
    expect(whole).toHaveLength(2);
    expect(whole[0]).toMatchObject({ kind: 'object', value: { choices: [{ delta: { content: 'kept ✓' } }] } });
    expect(whole[1]).toMatchObject({ kind: 'error', errorKind: kind });
    expect((whole[1] as { message: string }).message).toContain(message);
    for (let i = 1; i < bytes.length; i++) expect(decodeAll(splitAt(bytes, [i])), `cut at ${i}`).toEqual(whole);
  });

  it('truncates a long garbage line in the message', () => {
    const [error] = decodeAll([encode(`data: ${'x'.repeat(5000)}\n\n`)]);
    expect((error as { message: string }).message.length).toBeLessThan(220);
  });

  it('accepts several JSON objects on consecutive data lines of one event', () => {
    expect(decodeAll([encode('data: {"a":1}\ndata: {"b":2}\n\n')])).toEqual([
      { kind: 'object', value: { a: 1 } },
      { kind: 'object', value: { b: 2 } },
    ]);
  });

  it('skips empty data (keep-alive) and ignores everything after [DONE]', () => {
    expect(decodeAll([encode('data:\n\ndata: \n\ndata: [DONE]\n\ndata: garbage\n\n')])).toEqual([{ kind: 'done' }]);
  });
});

describe('readSseMessages', () => {
  function body(chunks: string[]): ReadableStream<Uint8Array> {
    return new ReadableStream({
      start(controller) {
        for (const c of chunks) controller.enqueue(encode(c));
        controller.close();
      },
    });
  }

  it('yields objects then "done", and stops reading', async () => {
    const out = [];
    for await (const m of readSseMessages(body(['data: {"a":1}\n', '\ndata: [DONE]\n\n', 'data: x\n\n']))) out.push(m);
    expect(out).toEqual([{ a: 1 }, 'done']);
  });

  it('throws the ProviderError after yielding what came before', async () => {
    const out: unknown[] = [];
    const run = async () => {
      for await (const m of readSseMessages(body(['data: {"a":1}\n\ndata: nope\n\n']))) out.push(m);
    };
    await expect(run()).rejects.toBeInstanceOf(ProviderError);
    expect(out).toEqual([{ a: 1 }]);
  });

  it('cancels the body when the consumer stops early', async () => {
    let cancelled = false;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(encode('data: {"a":1}\n\n'));
      },
      cancel() {
        cancelled = true;
      },
    });
    for await (const _ of readSseMessages(stream)) break;
    expect(cancelled).toBe(true);
  });
});
