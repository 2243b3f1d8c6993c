import { describe, expect, it } from 'vitest';
import type { ChatDelta, ChatMessage, ToolSpec } from '../providers/types';
import {
  createToolCallStream,
  flattenContent,
  parseToolCallArguments,
  templateJson,
  toolMessagesToText,
  toolsSystemPrompt,
  type MalformedToolCall,
  type ToolCallFormat,
  type ToolCallStreamOptions,
} from './tool-calls';

/** What a reader of the deltas ends up with: runs of one kind merged, calls assembled. */
type Item =
  | { content: string }
  | { reasoning: string }
  | { call: { index: number; id: string; name: string; arguments: string } };

function merge(deltas: ChatDelta[]): Item[] {
  const items: Item[] = [];
  for (const delta of deltas) {
    const kinds = [delta.content, delta.reasoning_content, delta.tool_calls].filter((k) => k !== undefined);
    check(kinds.length === 1, `one kind per delta: ${JSON.stringify(delta)}`);
    const last = items.at(-1);
    if (delta.content !== undefined) {
      check(delta.content !== '', 'no empty content deltas');
      if (last && 'content' in last) last.content += delta.content;
      else items.push({ content: delta.content });
    } else if (delta.reasoning_content !== undefined) {
      if (last && 'reasoning' in last) last.reasoning += delta.reasoning_content;
      else items.push({ reasoning: delta.reasoning_content });
    } else {
      for (const call of delta.tool_calls ?? []) {
        if (call.id !== undefined) {
          check(call.type === 'function', 'a call header has type "function"');
          items.push({ call: { index: call.index, id: call.id, name: call.function?.name ?? '', arguments: call.function?.arguments ?? '' } });
        } else {
          // A continuation must follow its own header directly.
          check(last !== undefined && 'call' in last && last.call.index === call.index, 'an arguments fragment follows its call');
          if (last && 'call' in last) last.call.arguments += call.function?.arguments ?? '';
        }
      }
    }
  }
  return items;
}

/** Plain throw: these run for every split, and expect() is slow at that volume. */
function check(condition: boolean, what: string): void {
  if (!condition) throw new Error(`broken delta stream: ${what}`);
}

interface Run {
  items: Item[];
  finishReason: 'stop' | 'tool_calls';
  malformed: MalformedToolCall[];
}

function run(pieces: string[], options: ToolCallStreamOptions): Run {
  const stream = createToolCallStream({ idPrefix: 'call_t', ...options });
  const deltas = pieces.flatMap((piece) => stream.push(piece));
  const end = stream.end();
  check(JSON.stringify(stream.malformed) === JSON.stringify(end.malformed), 'stream.malformed matches end().malformed');
  return { items: merge([...deltas, ...end.deltas]), finishReason: end.finishReason, malformed: end.malformed };
}

/** Every way to cut `text` in 2 and 3 pieces, and one character at a time. */
function* splits(text: string): Generator<string[]> {
  for (let i = 0; i <= text.length; i++) yield [text.slice(0, i), text.slice(i)];
  for (let i = 1; i < text.length; i++) {
    for (let j = i; j < text.length; j++) yield [text.slice(0, i), text.slice(i, j), text.slice(j)];
  }
  yield [...text];
}

function expectSplitInvariant(text: string, options: ToolCallStreamOptions): Run {
  const whole = run([text], options);
  let checked = 0;
  for (const pieces of splits(text)) {
    const split = run(pieces, options);
    if (JSON.stringify(split) !== JSON.stringify(whole)) {
      expect(split, `split ${JSON.stringify(pieces)}`).toEqual(whole);
    }
    checked++;
  }
  expect(checked).toBeGreaterThan(text.length);
  return whole;
}

const call = (index: number, name: string, args: string) => ({ call: { index, id: `call_t${index}`, name, arguments: args } });

interface Case {
  name: string;
  format: ToolCallFormat;
  text: string;
  options?: Partial<ToolCallStreamOptions>;
  items: Item[];
  finishReason: 'stop' | 'tool_calls';
  /** Names and errors (matched loosely) of the malformed calls. */
  malformed?: { index: number; name: string; arguments: string; error: RegExp }[];
}

const CASES: Case[] = [
  {
    name: 'plain text',
    format: 'hermes',
    text: 'Sure! Here it is:\n\n```ts\nconst ok = 1 < 2;\n```\n',
    items: [{ content: 'Sure! Here it is:\n\n```ts\nconst ok = 1 < 2;\n```' }],
    finishReason: 'stop',
  },
  {
    name: 'think + text',
    format: 'hermes',
    text: '<think>\nThe user wants a greeting.\n</think>\n\nHello there.',
    items: [{ reasoning: 'The user wants a greeting.' }, { content: 'Hello there.' }],
    finishReason: 'stop',
  },
  {
    name: 'one call',
    format: 'hermes',
    text: '<tool_call>\n{"name": "cat", "arguments": {"paths": "src/a.ts"}}\n</tool_call>',
    items: [call(0, 'cat', '{"paths": "src/a.ts"}')],
    finishReason: 'tool_calls',
  },
  {
    name: 'two calls',
    format: 'hermes',
    text:
      '<tool_call>\n{"name": "cat", "arguments": {"paths": "a.ts"}}\n</tool_call>\n' +
      '<tool_call>\n{"name": "tree", "arguments": {}}\n</tool_call>',
    items: [call(0, 'cat', '{"paths": "a.ts"}'), call(1, 'tree', '{}')],
    finishReason: 'tool_calls',
  },
  {
    name: 'call after text',
    format: 'hermes',
    text: 'Let me read it first.\n\n<tool_call>\n{"name": "cat", "arguments": {"paths": "a.ts"}}\n</tool_call>',
    items: [{ content: 'Let me read it first.' }, call(0, 'cat', '{"paths": "a.ts"}')],
    finishReason: 'tool_calls',
  },
  {
    name: 'think, then a call (Qwen3)',
    format: 'hermes',
    text: '<think>\nI need the file.\n</think>\n\n<tool_call>\n{"name": "cat", "arguments": {"paths": "a.ts"}}\n</tool_call>',
    items: [{ reasoning: 'I need the file.' }, call(0, 'cat', '{"paths": "a.ts"}')],
    finishReason: 'tool_calls',
  },
  {
    name: 'malformed JSON in the arguments',
    format: 'hermes',
    text: '<tool_call>\n{"name": "cat", "arguments": {"paths": "a.ts",}}\n</tool_call>',
    items: [call(0, 'cat', '{"paths": "a.ts",}')],
    finishReason: 'tool_calls',
    malformed: [{ index: 0, name: 'cat', arguments: '{"paths": "a.ts",}', error: /./ }],
  },
  {
    name: 'a block that is not JSON at all',
    format: 'hermes',
    text: 'Reading.\n<tool_call>\ncat(paths="a.ts")\n</tool_call>',
    items: [{ content: 'Reading.' }, call(0, '', 'cat(paths="a.ts")')],
    finishReason: 'tool_calls',
    malformed: [{ index: 0, name: '', arguments: 'cat(paths="a.ts")', error: /JSON/ }],
  },
  {
    name: 'unterminated block at the end',
    format: 'hermes',
    text: '<tool_call>\n{"name": "cat", "arguments": {"paths": "a.t',
    items: [call(0, 'cat', '{"paths": "a.t')],
    finishReason: 'tool_calls',
    malformed: [{ index: 0, name: 'cat', arguments: '{"paths": "a.t', error: /ended before its JSON was complete/ }],
  },
  {
    name: 'missing closing tag but complete JSON',
    format: 'hermes',
    text: '<tool_call>\n{"name": "tree", "arguments": {}}',
    items: [call(0, 'tree', '{}')],
    finishReason: 'tool_calls',
  },
  {
    name: 'outer brace missing, arguments complete (small models do this)',
    format: 'hermes',
    text: '<tool_call>\n{"name": "tree", "arguments": {"path": "."}\n</tool_call>',
    items: [call(0, 'tree', '{"path": "."}')],
    finishReason: 'tool_calls',
  },
  {
    name: "a '<' that is not a tag",
    format: 'hermes',
    text: 'If a < b then <b>bold</b>, and <tool_calls> is plural. <',
    items: [{ content: 'If a < b then <b>bold</b>, and <tool_calls> is plural. <' }],
    finishReason: 'stop',
  },
  {
    name: "'<tool' literally in code",
    format: 'hermes',
    text: '```xml\n<toolbar><tool name="x"/></toolbar>\n```\nUse <tool_call',
    items: [{ content: '```xml\n<toolbar><tool name="x"/></toolbar>\n```\nUse <tool_call' }],
    finishReason: 'stop',
  },
  {
    name: "'</tool_call>' inside an argument string",
    format: 'hermes',
    text: '<tool_call>\n{"name": "write", "arguments": {"text": "a </tool_call> b \\" c"}}\n</tool_call>\nDone.',
    items: [call(0, 'write', '{"text": "a </tool_call> b \\" c"}'), { content: 'Done.' }],
    finishReason: 'tool_calls',
  },
  {
    name: 'arguments before the name (sent when complete)',
    format: 'hermes',
    text: '<tool_call>{"arguments": {"x": [1, {"y": "}"}]}, "name": "f"}</tool_call>',
    items: [call(0, 'f', '{"x":[1,{"y":"}"}]}')],
    finishReason: 'tool_calls',
  },
  {
    name: 'JSON-encoded string arguments',
    format: 'hermes',
    text: '<tool_call>{"name": "f", "arguments": "{\\"x\\": 1}"}</tool_call>',
    items: [call(0, 'f', '{"x":1}')],
    finishReason: 'tool_calls',
  },
  {
    name: 'no name',
    format: 'hermes',
    text: '<tool_call>{"arguments": {}}</tool_call>',
    items: [call(0, '', '{"arguments": {}}')],
    finishReason: 'tool_calls',
    malformed: [{ index: 0, name: '', arguments: '{"arguments": {}}', error: /no "name"/ }],
  },
  {
    name: "SmolLM2's array form",
    format: 'hermes',
    text: '<tool_call>[\n{"name": "a", "arguments": {}},\n{"name": "b", "arguments": {"x": 1}}\n]</tool_call>',
    items: [call(0, 'a', '{}'), call(1, 'b', '{"x":1}')],
    finishReason: 'tool_calls',
  },
  {
    name: 'bare JSON call at the start (small Qwen without tags)',
    format: 'hermes',
    text: '\n{"name": "tree", "arguments": {"path": "src"}}\n',
    items: [call(0, 'tree', '{"path": "src"}')],
    finishReason: 'tool_calls',
  },
  {
    name: 'none format leaves tags as text but still splits thinking',
    format: 'none',
    text: '<think>ok</think><tool_call>{"name": "x"}</tool_call>',
    items: [{ reasoning: 'ok' }, { content: '<tool_call>{"name": "x"}</tool_call>' }],
    finishReason: 'stop',
  },
  {
    name: 'generation prompt already opened <think>',
    format: 'hermes',
    options: { startInThinking: true },
    text: 'Short plan.\n</think>\n\nAnswer.',
    items: [{ reasoning: 'Short plan.' }, { content: 'Answer.' }],
    finishReason: 'stop',
  },
  {
    name: '<think> later in the answer is just text',
    format: 'hermes',
    text: 'Tags like <think> are for reasoning.',
    items: [{ content: 'Tags like <think> are for reasoning.' }],
    finishReason: 'stop',
  },
  {
    name: 'llama3: bare JSON call',
    format: 'llama3',
    text: '{"name": "cat", "parameters": {"paths": "a.ts"}}',
    items: [call(0, 'cat', '{"paths": "a.ts"}')],
    finishReason: 'tool_calls',
  },
  {
    name: 'llama3: python_tag, two calls separated by ";"',
    format: 'llama3',
    text: '<|python_tag|>{"name": "cat", "parameters": {"paths": "a.ts"}}; {"name": "tree", "parameters": {}}',
    items: [call(0, 'cat', '{"paths": "a.ts"}'), call(1, 'tree', '{}')],
    finishReason: 'tool_calls',
  },
  {
    name: 'llama3: python_tag after text',
    format: 'llama3',
    text: 'Checking. <|python_tag|>{"name": "tree", "parameters": {}}',
    items: [{ content: 'Checking.' }, call(0, 'tree', '{}')],
    finishReason: 'tool_calls',
  },
  {
    name: 'llama3: a JSON answer that is not a call',
    format: 'llama3',
    text: '{"a": [1, 2], "name": "x"} is valid JSON.',
    items: [{ content: '{"a": [1, 2], "name": "x"} is valid JSON.' }],
    finishReason: 'stop',
  },
  {
    name: 'llama3: unterminated call',
    format: 'llama3',
    text: '{"name": "cat", "parameters": {"paths": ',
    items: [call(0, 'cat', '{"paths": ')],
    finishReason: 'tool_calls',
    malformed: [{ index: 0, name: 'cat', arguments: '{"paths": ', error: /ended before/ }],
  },
];

describe('createToolCallStream', () => {
  it.each(CASES)('$name: same deltas however the text is split', (c) => {
    const options: ToolCallStreamOptions = { format: c.format, ...c.options };
    const whole = expectSplitInvariant(c.text, options);
    expect(whole.items).toEqual(c.items);
    expect(whole.finishReason).toBe(c.finishReason);
    expect(whole.malformed).toHaveLength(c.malformed?.length ?? 0);
    for (const [i, want] of (c.malformed ?? []).entries()) {
      const got = whole.malformed[i];
      expect(got).toMatchObject({ index: want.index, id: `call_t${want.index}`, name: want.name, arguments: want.arguments });
      expect(got?.error).toMatch(want.error);
    }
  });

  it('holds back a possible tag and releases it as content when it is not one', () => {
    const stream = createToolCallStream({ format: 'hermes', idPrefix: 'c' });
    expect(stream.push('Look at <tool_')).toEqual([{ content: 'Look at' }]);
    expect(stream.push('bar> here')).toEqual([{ content: ' <tool_bar> here' }]);
    expect(stream.push(' <tool')).toEqual([]);
    expect(stream.end()).toEqual({ deltas: [{ content: ' <tool' }], finishReason: 'stop', malformed: [] });
  });

  it('streams a call: header as soon as the arguments start, then the arguments as they come', () => {
    const stream = createToolCallStream({ format: 'hermes', idPrefix: 'call_x' });
    expect(stream.push('<tool_call>\n{"name": "create_textdoc", "arguments": ')).toEqual([]);
    expect(stream.push('{"path": "a.py", "content": "print(')).toEqual([
      {
        tool_calls: [
          { index: 0, id: 'call_x0', type: 'function', function: { name: 'create_textdoc', arguments: '{"path": "a.py", "content": "print(' } },
        ],
      },
    ]);
    expect(stream.push('1)\\n"}}\n</tool')).toEqual([{ tool_calls: [{ index: 0, function: { arguments: '1)\\n"}' } }] }]);
    expect(stream.push('_call>')).toEqual([]);
    expect(stream.end()).toEqual({ deltas: [], finishReason: 'tool_calls', malformed: [] });
  });

  it('gives each stream its own random call ids by default', () => {
    const ids = [0, 1].map(() => {
      const stream = createToolCallStream({ format: 'hermes' });
      const deltas = [...stream.push('<tool_call>{"name": "a", "arguments": {}}</tool_call>'), ...stream.end().deltas];
      return deltas[0]?.tool_calls?.[0]?.id ?? '';
    });
    expect(ids[0]).toMatch(/^call_\w+_0$/);
    expect(ids[0]).not.toBe(ids[1]);
  });

  it('tells the chat loop what to send back for a malformed call', () => {
    const stream = createToolCallStream({ format: 'hermes', idPrefix: 'c' });
    stream.push('<tool_call>{"name": "cat", "arguments": {"paths": a.ts}}</tool_call>');
    const [bad] = stream.end().malformed;
    expect(bad?.feedback).toMatch(/^tool call arguments were not valid JSON: .+; call it again with valid JSON$/);
    // The chat loop reaches the same verdict from the delta alone.
    const parsed = parseToolCallArguments(bad?.arguments ?? '');
    expect(parsed.ok).toBe(false);
  });

  it('refuses to be used after end()', () => {
    const stream = createToolCallStream({ format: 'none' });
    stream.end();
    expect(() => stream.push('x')).toThrow(/after end/);
  });
});

describe('parseToolCallArguments', () => {
  it.each([
    ['{"a": 1}', { a: 1 }],
    ['', {}],
    ['  ', {}],
  ])('reads %j', (text, value) => {
    expect(parseToolCallArguments(text)).toEqual({ ok: true, value });
  });

  it.each([
    ['{"a": }', /^tool call arguments were not valid JSON: .+; call it again with valid JSON$/],
    ['[1]', /expected a JSON object, got an array/],
    ['"x"', /expected a JSON object, got a string/],
  ])('refuses %j with the sentence to send back', (text, error) => {
    const result = parseToolCallArguments(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(error);
  });
});

const TOOLS: ToolSpec[] = [
  {
    type: 'function',
    function: {
      name: 'cat',
      description: 'Read files',
      parameters: { type: 'object', properties: { paths: { type: 'string' } }, required: ['paths'] },
    },
  },
  { type: 'function', function: { name: 'tree', parameters: { type: 'object', properties: {} } } },
];

describe('toolsSystemPrompt', () => {
  it("writes Qwen2.5's own tools section, tools as its template's tojson writes them", () => {
    expect(toolsSystemPrompt(TOOLS, 'hermes')).toBe(
      '# Tools\n\nYou may call one or more functions to assist with the user query.\n\n' +
        'You are provided with function signatures within <tools></tools> XML tags:\n<tools>\n' +
        '{"type": "function", "function": {"name": "cat", "description": "Read files", "parameters": {"type": "object", "properties": {"paths": {"type": "string"}}, "required": ["paths"]}}}\n' +
        '{"type": "function", "function": {"name": "tree", "parameters": {"type": "object", "properties": {}}}}\n' +
        '</tools>\n\nFor each function call, return a json object with function name and arguments within <tool_call></tool_call> XML tags:\n' +
        '<tool_call>\n{"name": <function-name>, "arguments": <args-json-object>}\n</tool_call>',
    );
  });

  it("writes Llama 3's instruction with each tool indented", () => {
    const prompt = toolsSystemPrompt(TOOLS.slice(1), 'llama3');
    expect(prompt).toMatch(/^You have access to the following functions\./);
    expect(prompt).toContain('"parameters": dictionary of argument name and its value');
    expect(prompt).toContain('{\n    "type": "function",\n    "function": {\n        "name": "tree"');
  });

  it('is empty without tools or with the none format', () => {
    expect(toolsSystemPrompt([], 'hermes')).toBe('');
    expect(toolsSystemPrompt(TOOLS, 'none')).toBe('');
  });

  it('teaches a syntax the stream reads back', () => {
    // The example line of the prompt, filled in, is a call.
    const stream = createToolCallStream({ format: 'hermes', idPrefix: 'c' });
    const deltas = stream.push('<tool_call>\n{"name": "tree", "arguments": {}}\n</tool_call>');
    expect(merge([...deltas, ...stream.end().deltas])).toEqual([{ call: { index: 0, id: 'c0', name: 'tree', arguments: '{}' } }]);
  });
});

describe('toolMessagesToText', () => {
  const history: ChatMessage[] = [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: 'What is in a.ts and b.ts?' },
    {
      role: 'assistant',
      content: 'Reading both.',
      tool_calls: [
        { id: 'call_1', type: 'function', function: { name: 'cat', arguments: '{"paths":"a.ts"}' } },
        { id: 'call_2', type: 'function', function: { name: 'cat', arguments: '{"paths": "b.ts"}' } },
      ],
    },
    { role: 'tool', tool_call_id: 'call_1', content: 'export const a = 1;' },
    { role: 'tool', tool_call_id: 'call_2', content: [{ type: 'text', text: 'export const b = 2;' }] },
    { role: 'assistant', content: 'a is 1, b is 2.' },
  ];

  it("renders Qwen's way: <tool_call> blocks after the text, one user turn of <tool_response> blocks", () => {
    expect(toolMessagesToText(history, 'hermes')).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'What is in a.ts and b.ts?' },
      {
        role: 'assistant',
        content:
          'Reading both.\n<tool_call>\n{"name": "cat", "arguments": {"paths": "a.ts"}}\n</tool_call>\n' +
          '<tool_call>\n{"name": "cat", "arguments": {"paths": "b.ts"}}\n</tool_call>',
      },
      {
        role: 'user',
        content: '<tool_response>\nexport const a = 1;\n</tool_response>\n<tool_response>\nexport const b = 2;\n</tool_response>',
      },
      { role: 'assistant', content: 'a is 1, b is 2.' },
    ]);
  });

  it("renders Llama's way: JSON calls, results named by the function they answer", () => {
    const out = toolMessagesToText(history, 'llama3');
    expect(out[2]?.content).toBe('Reading both.\n{"name": "cat", "parameters": {"paths": "a.ts"}}\n{"name": "cat", "parameters": {"paths": "b.ts"}}');
    expect(out[3]).toEqual({ role: 'user', content: 'Output of cat:\nexport const a = 1;\n\nOutput of cat:\nexport const b = 2;' });
  });

  it('renders what the stream reads back as the same calls', () => {
    const [, , assistant] = toolMessagesToText(history, 'hermes');
    const stream = createToolCallStream({ format: 'hermes', idPrefix: 'c' });
    const deltas = [...stream.push(String(assistant?.content)), ...stream.end().deltas];
    expect(merge(deltas)).toEqual([
      { content: 'Reading both.' },
      { call: { index: 0, id: 'c0', name: 'cat', arguments: '{"paths": "a.ts"}' } },
      { call: { index: 1, id: 'c1', name: 'cat', arguments: '{"paths": "b.ts"}' } },
    ]);
  });

  it('sends malformed arguments back verbatim and keeps other messages as they are', () => {
    const out = toolMessagesToText([
      { role: 'assistant', content: null, tool_calls: [{ id: 'x', type: 'function', function: { name: 'cat', arguments: '{bad' } }] },
      { role: 'tool', tool_call_id: 'x', content: 'tool call arguments were not valid JSON' },
      { role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:,' } }] },
    ]);
    expect(out[0]).toEqual({ role: 'assistant', content: '<tool_call>\n{"name": "cat", "arguments": {bad}\n</tool_call>' });
    expect(out[1]?.role).toBe('user');
    expect(out[2]).toEqual({ role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:,' } }] });
  });
});

describe('templateJson', () => {
  it("matches Python json.dumps' separators", () => {
    expect(templateJson({ a: [1, 'x', null, { b: true }], c: {} })).toBe('{"a": [1, "x", null, {"b": true}], "c": {}}');
    expect(templateJson({ a: 1 }, 2)).toBe('{\n  "a": 1\n}');
  });
});

describe('flattenContent', () => {
  it('joins text parts and notes images', () => {
    expect(flattenContent(null)).toBe('');
    expect(
      flattenContent([
        { type: 'text', text: 'a' },
        { type: 'image_url', image_url: { url: 'data:,' } },
        { type: 'text', text: 'b' },
      ]),
    ).toBe('a\n\n[image omitted: this local model cannot see images]\n\nb');
  });
});
