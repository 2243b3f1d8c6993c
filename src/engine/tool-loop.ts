/**
 * Tool-loop detection (seeds: checkForToolLoop): a model that keeps making
 * the same call and keeps getting the same answer is stuck. Counted since
 * the user's last message; arguments compare as JSON (key order and spacing
 * do not matter), results by their exact content.
 */
import type { ThreadMessage } from './messages';
import { answeredCallId, lastUserIndex } from './messages';

export interface ToolLoop {
  name: string;
  arguments: string;
  count: number;
}

export const DEFAULT_TOOL_LOOP_LIMIT = 3;

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export function canonicalArguments(text: string): string {
  try {
    return canonical(JSON.parse(text));
  } catch {
    return text.trim();
  }
}

/** The first call repeated `limit` times with the same result, or null. */
export function detectToolLoop(thread: readonly ThreadMessage[], limit = DEFAULT_TOOL_LOOP_LIMIT): ToolLoop | null {
  const recent = thread.slice(lastUserIndex(thread) + 1);
  const results = new Map<string, string>();
  for (const m of recent) {
    const id = answeredCallId(m);
    if (id === undefined) continue;
    // The result without its call id, which differs on every call.
    results.set(id, m.role === 'tool' ? JSON.stringify([m.content.content, m.content.tool_failed ?? false]) : JSON.stringify(m.content));
  }
  const counts = new Map<string, ToolLoop>();
  for (const m of recent) {
    if (m.role !== 'assistant') continue;
    for (const call of m.tool_calls ?? []) {
      const result = results.get(call.id);
      if (result === undefined) continue;
      const args = canonicalArguments(call.function.arguments);
      const key = `${call.function.name}\u0000${args}\u0000${result}`;
      const seen = counts.get(key) ?? { name: call.function.name, arguments: call.function.arguments, count: 0 };
      seen.count++;
      counts.set(key, seen);
      if (seen.count >= limit) return seen;
    }
  }
  return null;
}

export function toolLoopExplanation(loop: ToolLoop): string {
  return (
    `Stopped: the model called ${loop.name} with the same arguments ${loop.count} times and got the same result each time, ` +
    'so it was stuck in a loop. Rephrase the request or give more detail to continue.'
  );
}
