import { EditorState } from '@codemirror/state';
import { describe, expect, it } from 'vitest';
import type { CompletionRequest, CompletionResponse } from '../completion/types';
import { completionSource, requestAt, suggestionFrom } from './completion-source';

const PATH = 'shop/cart.py';
const DOC = 'def total(items):\n    \n    print()\n';
const state = EditorState.create({ doc: DOC });
const INDENTED = DOC.indexOf('    \n') + 4; // end of the blank, indented line 1
const IN_PARENS = DOC.indexOf('()') + 1; // print(|)

const response = (completion: string): CompletionResponse => ({
  choices: [{ index: 0, code_completion: completion, finish_reason: 'stop' }],
  model: 'm',
  snippet_telemetry_id: 1,
  created: 0,
});

describe('requestAt', () => {
  it('asks for a block at character 0 when the left of the caret is blank', () => {
    expect(requestAt(state, INDENTED, PATH, false)).toEqual({
      inputs: { sources: { [PATH]: DOC }, cursor: { file: PATH, line: 1, character: 0 }, multiline: true },
    });
  });

  it('asks for the rest of the line at the caret otherwise; a manual request skips the cache', () => {
    expect(requestAt(state, IN_PARENS, PATH, true)).toMatchObject({ inputs: { cursor: { line: 2, character: 10 }, multiline: false }, no_cache: true });
  });

  it('asks nothing when code follows the caret, or the document is too large', () => {
    expect(requestAt(state, DOC.indexOf('print'), PATH, false)).toBeNull();
    expect(requestAt(EditorState.create({ doc: `${'x = 1\n'.repeat(31_000)}` }), 0, PATH, false)).toBeNull();
  });
});

describe('suggestionFrom', () => {
  const multiline = requestAt(state, INDENTED, PATH, false)!;
  const single = requestAt(state, IN_PARENS, PATH, false)!;

  it('shows only the rest when a block starts with the indentation typed', () => {
    expect(suggestionFrom(state, INDENTED, multiline, '    return sum(items)')).toEqual({
      from: INDENTED,
      to: INDENTED,
      insert: 'return sum(items)',
      display: 'return sum(items)',
    });
  });

  it('replaces from the line start when a block does not start with it', () => {
    const lineStart = INDENTED - 4;
    expect(suggestionFrom(state, INDENTED, multiline, '  return 0')).toEqual({ from: lineStart, to: INDENTED, insert: '  return 0', display: 'return 0' });
  });

  it('inserts a single-line completion at the caret; blank completions show nothing', () => {
    expect(suggestionFrom(state, IN_PARENS, single, 'items')).toEqual({ from: IN_PARENS, to: IN_PARENS, insert: 'items', display: 'items' });
    expect(suggestionFrom(state, IN_PARENS, single, '')).toBeNull();
    expect(suggestionFrom(state, INDENTED, multiline, '\n')).toBeNull();
  });
});

describe('completionSource', () => {
  it('asks with the request for the caret and turns the answer into a suggestion', async () => {
    const asked: CompletionRequest[] = [];
    const source = completionSource(() => PATH, async (request) => (asked.push(request), response('items')));
    expect(await source(state, IN_PARENS, false, new AbortController().signal)).toMatchObject({ from: IN_PARENS, insert: 'items' });
    expect(asked.map((r) => r.inputs.cursor)).toEqual([{ file: PATH, line: 2, character: 10 }]);
  });

  it('does not call when the rules say there is nothing to ask', async () => {
    let calls = 0;
    const source = completionSource(() => PATH, async () => (calls++, response('x')));
    expect(await source(state, DOC.indexOf('print'), false, new AbortController().signal)).toBeNull();
    expect(calls).toBe(0);
  });
});
