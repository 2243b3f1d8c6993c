import { describe, expect, it } from 'vitest';
import type { ThreadMessage } from './messages';
import { canonicalArguments, detectToolLoop } from './tool-loop';

const step = (id: string, args: string, result: string): ThreadMessage[] => [
  { role: 'assistant', content: '', tool_calls: [{ id, type: 'function', function: { name: 'cat', arguments: args } }] },
  { role: 'tool', content: { tool_call_id: id, content: result } },
];

describe('detectToolLoop', () => {
  it('finds the same call with the same result N times since the last user message', () => {
    const thread: ThreadMessage[] = [
      { role: 'user', content: 'go' },
      ...step('1', '{"paths":"a"}', 'A'),
      ...step('2', '{ "paths" : "a" }', 'A'),
      ...step('3', '{"paths":"b"}', 'B'),
    ];
    expect(detectToolLoop(thread, 3)).toBeNull();
    const looped = [...thread, ...step('4', '{"paths":"a"}', 'A')];
    expect(detectToolLoop(looped, 3)).toEqual({ name: 'cat', arguments: '{"paths":"a"}', count: 3 });
  });

  it('does not count a different result, or calls before the user spoke again', () => {
    const thread: ThreadMessage[] = [
      ...step('1', '{}', 'A'),
      ...step('2', '{}', 'A'),
      { role: 'user', content: 'again' },
      ...step('3', '{}', 'A'),
      ...step('4', '{}', 'changed'),
    ];
    expect(detectToolLoop(thread, 2)).toBeNull();
  });

  it('compares arguments as JSON', () => {
    expect(canonicalArguments('{"b":1,"a":[1,{"d":2,"c":3}]}')).toBe(canonicalArguments('{"a":[1,{"c":3,"d":2}],"b":1}'));
    expect(canonicalArguments(' {not json ')).toBe('{not json');
  });
});
