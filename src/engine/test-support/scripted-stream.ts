/**
 * A scripted model for loop tests: each call of the stream function plays
 * the next turn's chunks, cutting text and arguments into small pieces as a
 * real server would, and records the request it got.
 */
import type { ChatChunk, ChatRequest } from '../../providers/types';
import type { StreamFn } from '../loop';

export interface ScriptedCall {
  id?: string;
  name: string;
  /** An object is sent as JSON; a string is sent as is (malformed JSON included). */
  arguments: Record<string, unknown> | string;
}

export type Turn =
  | { text: string; calls?: ScriptedCall[]; finish?: 'stop' | 'length' }
  /** Streams `text`, then waits for the abort signal (or throws `error` when given). */
  | { text: string; hang: true; error?: Error };

function pieces(text: string, size = 3): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

const chunk = (delta: ChatChunk['choices'][0]['delta'], finish: ChatChunk['choices'][0]['finish_reason'] = null): ChatChunk => ({
  choices: [{ index: 0, delta, finish_reason: finish }],
});

export function turnChunks(turn: Extract<Turn, { calls?: ScriptedCall[] }>): ChatChunk[] {
  const chunks: ChatChunk[] = [chunk({ role: 'assistant' })];
  for (const piece of pieces(turn.text)) chunks.push(chunk({ content: piece }));
  (turn.calls ?? []).forEach((call, index) => {
    const args = typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments);
    chunks.push(chunk({ tool_calls: [{ index, id: call.id ?? `call_${index}`, type: 'function', function: { name: call.name, arguments: '' } }] }));
    for (const piece of pieces(args, 7)) chunks.push(chunk({ tool_calls: [{ index, function: { arguments: piece } }] }));
  });
  const finish = turn.finish ?? ((turn.calls?.length ?? 0) > 0 ? 'tool_calls' : 'stop');
  chunks.push({ ...chunk({}, finish), usage: { prompt_tokens: 100, completion_tokens: 10, total_tokens: 110 } });
  return chunks;
}

export function scriptedStream(turns: Turn[]): { stream: StreamFn; requests: ChatRequest[] } {
  const requests: ChatRequest[] = [];
  let next = 0;
  const stream: StreamFn = async (request, signal, onChunk) => {
    requests.push(structuredClone(request));
    const turn = turns[next++];
    if (!turn) throw new Error(`the script has no turn ${next}`);
    if ('hang' in turn) {
      onChunk(chunk({ role: 'assistant' }));
      for (const piece of pieces(turn.text)) {
        await Promise.resolve();
        onChunk(chunk({ content: piece }));
      }
      if (turn.error) throw turn.error;
      await new Promise<void>((_, reject) => {
        if (signal.aborted) reject(signal.reason);
        signal.addEventListener('abort', () => reject(signal.reason), { once: true });
      });
      return;
    }
    for (const c of turnChunks(turn)) {
      if (signal.aborted) throw signal.reason;
      await Promise.resolve();
      onChunk(c);
    }
  };
  return { stream, requests };
}
