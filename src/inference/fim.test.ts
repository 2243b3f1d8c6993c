import { describe, expect, it } from 'vitest';
import { ProviderError, type CodeCompletionRequest } from '../providers/types';
import {
  buildFimPrompt,
  contextAsComments,
  renderFimPrompt,
  FIM_TOKENS,
  fimStopSequences,
  fimTokensFor,
  postProcessCompletion,
  toCodeCompletionResponse,
  validateCodeCompletionRequest,
} from './fim';

function request(text: string, line: number, character: number, multiline = true, extra: Partial<CodeCompletionRequest> = {}): CodeCompletionRequest {
  return { inputs: { sources: { 'src/a.py': text }, cursor: { file: 'src/a.py', line, character }, multiline }, ...extra };
}

/** One "token" per character: budgets in tests are plain lengths. */
const chars = (s: string): number => s.length;

/** The prompt for the qwen2.5-coder family without the path, split back into its two halves. */
function halves(prompt: string): { prefix: string; suffix: string } {
  const match = /^<\|fim_prefix\|>([\s\S]*)<\|fim_suffix\|>([\s\S]*)<\|fim_middle\|>$/.exec(prompt);
  if (!match) throw new Error(`not a FIM prompt: ${prompt}`);
  return { prefix: match[1] ?? '', suffix: match[2] ?? '' };
}

const SEVEN = ['L0', 'L1', 'L2', 'cursor', 'L4', 'L5', 'L6'].join('\n');
const FIXED = '<|fim_prefix|><|fim_suffix|><|fim_middle|>'.length;

describe('fimTokensFor', () => {
  it('knows the FIM families and nothing else', () => {
    expect(fimTokensFor('qwen2.5-coder')?.prefix).toBe('<|fim_prefix|>');
    expect(fimTokensFor('starcoder')).toMatchObject({ prefix: '<fim_prefix>', suffix: '<fim_suffix>', middle: '<fim_middle>' });
    expect(fimTokensFor('deepseek-coder')).toMatchObject({ prefix: '<｜fim▁begin｜>', suffix: '<｜fim▁hole｜>', middle: '<｜fim▁end｜>' });
    expect(fimTokensFor('codellama')).toMatchObject({ prefix: '<PRE> ', suffix: ' <SUF>', middle: ' <MID>' });
    expect(fimTokensFor('qwen3')).toBeNull();
    expect(fimTokensFor('toString')).toBeNull();
    expect(Object.keys(FIM_TOKENS)).toHaveLength(4);
  });
});

describe('buildFimPrompt', () => {
  const opts = { includePath: false };

  it('splits the cursor line at the character', async () => {
    const { prompt } = await buildFimPrompt(request('def add(a, b):\n    return a + b\n', 1, 12), 'qwen2.5-coder', chars, 1000, opts);
    expect(prompt).toBe('<|fim_prefix|>def add(a, b):\n    return a<|fim_suffix|> + b\n<|fim_middle|>');
  });

  it('takes lines one above, one below, … while the budget lasts', async () => {
    // Each context line costs 3 (two characters and its newline).
    const cursorCost = FIXED + 'cursor'.length;
    const promptWith = async (lines: number) =>
      halves((await buildFimPrompt(request(SEVEN, 3, 6), 'qwen2.5-coder', chars, cursorCost + 3 * lines, opts)).prompt);
    expect(await promptWith(0)).toEqual({ prefix: 'cursor', suffix: '' });
    expect(await promptWith(1)).toEqual({ prefix: 'L2\ncursor', suffix: '' });
    expect(await promptWith(2)).toEqual({ prefix: 'L2\ncursor', suffix: '\nL4' });
    expect(await promptWith(3)).toEqual({ prefix: 'L1\nL2\ncursor', suffix: '\nL4' });
    expect(await promptWith(4)).toEqual({ prefix: 'L1\nL2\ncursor', suffix: '\nL4\nL5' });
    expect(await promptWith(6)).toEqual({ prefix: 'L0\nL1\nL2\ncursor', suffix: '\nL4\nL5\nL6' });
    expect(await promptWith(100)).toEqual({ prefix: 'L0\nL1\nL2\ncursor', suffix: '\nL4\nL5\nL6' });
  });

  it('asks countTokens in alternating order', async () => {
    const asked: string[] = [];
    await buildFimPrompt(request(SEVEN, 3, 0), 'qwen2.5-coder', (s) => (asked.push(s), s.length), 10_000, opts);
    expect(asked.slice(1)).toEqual(['L2\n', '\nL4', 'L1\n', '\nL5', 'L0\n', '\nL6']);
  });

  it('keeps going on one side when the other side runs out (first and last line)', async () => {
    const first = halves((await buildFimPrompt(request(SEVEN, 0, 1), 'qwen2.5-coder', chars, FIXED + 2 + 13, opts)).prompt);
    expect(first).toEqual({ prefix: 'L', suffix: '0\nL1\nL2\ncursor' });
    const last = halves((await buildFimPrompt(request(SEVEN, 6, 2), 'qwen2.5-coder', chars, FIXED + 2 + 6, opts)).prompt);
    expect(last).toEqual({ prefix: 'L4\nL5\nL6', suffix: '' });
  });

  it('stops a side whose next line does not fit, and goes on with the other', async () => {
    const text = ['short', 'x'.repeat(50), 'cur', 'b1', 'b2'].join('\n');
    const { prompt } = await buildFimPrompt(request(text, 2, 3), 'qwen2.5-coder', chars, FIXED + 3 + 6, opts);
    expect(halves(prompt)).toEqual({ prefix: 'cur', suffix: '\nb1\nb2' });
  });

  it('accepts an async token counter', async () => {
    const { prompt } = await buildFimPrompt(request(SEVEN, 3, 6), 'qwen2.5-coder', async (s) => Promise.resolve(s.length), 1000, opts);
    expect(halves(prompt).prefix).toBe('L0\nL1\nL2\ncursor');
  });

  it('keeps CRLF line endings as the file has them', async () => {
    const text = 'a = 1\r\nb = 2\r\nc = 3\r\n';
    const { prompt, stop } = await buildFimPrompt(request(text, 1, 3), 'qwen2.5-coder', chars, 1000, opts);
    expect(halves(prompt)).toEqual({ prefix: 'a = 1\r\nb =', suffix: ' 2\r\nc = 3\r\n' });
    expect(stop).toContain('\r\n\r\n');
  });

  it('counts the cursor position without the \\r (end of a CRLF line is valid)', async () => {
    const { prompt } = await buildFimPrompt(request('ab\r\ncd', 0, 2), 'qwen2.5-coder', chars, 1000, opts);
    expect(halves(prompt)).toEqual({ prefix: 'ab', suffix: '\r\ncd' });
  });

  it("puts the repo name and the file's path first for Qwen2.5-Coder, and drops them before the cursor line", async () => {
    const withPath = await buildFimPrompt(request('x = ', 0, 4), 'qwen2.5-coder', chars, 1000, { repoName: 'shop' });
    expect(withPath.prompt).toBe('<|repo_name|>shop\n<|file_sep|>src/a.py\n<|fim_prefix|>x = <|fim_suffix|><|fim_middle|>');
    const tight = await buildFimPrompt(request('x = ', 0, 4), 'qwen2.5-coder', chars, FIXED + 4);
    expect(tight.prompt).toBe('<|fim_prefix|>x = <|fim_suffix|><|fim_middle|>');
  });

  it('cuts a giant cursor line down around the cursor, both sides', async () => {
    const line = `${'p'.repeat(500)}${'s'.repeat(500)}`;
    const { prompt } = await buildFimPrompt(request(line, 0, 500), 'qwen2.5-coder', chars, FIXED + 100, opts);
    const { prefix, suffix } = halves(prompt);
    expect(prefix.length + suffix.length).toBeLessThanOrEqual(100);
    expect(prefix).toMatch(/^p{40,}$/);
    expect(suffix).toMatch(/^s{20,}$/);
  });

  it.each([
    ['starcoder', '<repo_name>workspace<file_sep>src/a.py\n<fim_prefix>a<fim_suffix>b<fim_middle>'],
    ['deepseek-coder', '<｜fim▁begin｜>a<｜fim▁hole｜>b<｜fim▁end｜>'],
    ['codellama', '<PRE> a <SUF>b <MID>'],
  ])('writes the %s format', async (family, want) => {
    expect((await buildFimPrompt(request('ab', 0, 1), family, chars, 1000)).prompt).toBe(want);
  });

  it("puts context files in Qwen2.5-Coder's repository format, nearest first", async () => {
    const context = [
      { path: 'src/tax.py', text: 'def rate(country: str) -> float' },
      { path: 'src/cart.py', text: 'class Cart:\n    def total(self)\n' },
    ];
    const { prompt } = await buildFimPrompt(request('x = ', 0, 4), 'qwen2.5-coder', chars, 1000, { repoName: 'shop', context });
    expect(prompt).toBe(
      '<|repo_name|>shop\n<|file_sep|>src/tax.py\ndef rate(country: str) -> float\n<|file_sep|>src/cart.py\nclass Cart:\n    def total(self)\n' +
        '<|file_sep|>src/a.py\n<|fim_prefix|>x = <|fim_suffix|><|fim_middle|>',
    );
  });

  it('drops the farthest context snippets when they take more than half the budget', async () => {
    const context = [
      { path: 'near.py', text: 'n'.repeat(100) },
      { path: 'far.py', text: 'f'.repeat(400) },
    ];
    const { prompt, context: kept } = await buildFimPrompt(request('x = ', 0, 4), 'qwen2.5-coder', chars, 600, { context });
    expect(kept.map((c) => c.path)).toEqual(['near.py']);
    expect(prompt).toContain('near.py');
    expect(prompt).not.toContain('far.py');
  });

  it('writes context as comments at the top of the prefix for families without a repository format', () => {
    const prompt = renderFimPrompt('codellama', {
      path: 'lib/a.ts',
      repoName: 'r',
      prefix: 'let x = ',
      suffix: ';',
      context: [{ path: 'lib/b.ts', text: 'function rate(c: string): number\n' }],
    });
    expect(prompt).toBe('<PRE> // Path: lib/b.ts\n// function rate(c: string): number\nlet x =  <SUF>; <MID>');
    expect(contextAsComments('a.py', [{ path: 'b.py', text: 'def f()' }])).toBe('# Path: b.py\n# def f()\n');
  });

  it('refuses a family without FIM tokens', async () => {
    await expect(buildFimPrompt(request('ab', 0, 1), 'llama-3.2', chars, 1000)).rejects.toThrow(/"llama-3.2" has no fill-in-the-middle/);
  });
});

describe('validateCodeCompletionRequest', () => {
  it.each([
    [{ inputs: { sources: {}, cursor: { file: 'a.ts', line: 0, character: 0 }, multiline: true } }, /"a.ts" is not in inputs.sources \(which is empty\)/],
    [{ inputs: { sources: { 'b.ts': '' }, cursor: { file: 'a.ts', line: 0, character: 0 }, multiline: true } }, /"a.ts" is not in inputs.sources \(has "b.ts"\)/],
    [request('a\nb', 2, 0), /cursor line 2 is out of range for "src\/a.py" \(lines 0–1\)/],
    [request('a\nb', -1, 0), /cursor line -1 is out of range/],
    [request('a\nb', 1.5, 0), /cursor line 1.5 is out of range/],
    [request('ab\r\n', 0, 3), /cursor character 3 is out of range for line 0 of "src\/a.py" \(0–2\)/],
    [{ inputs: { sources: { constructor: 'x' }, cursor: { file: 'toString', line: 0, character: 0 }, multiline: true } }, /"toString" is not in inputs.sources/],
    [{} as CodeCompletionRequest, /no inputs.sources/],
  ])('refuses a request that points nowhere (%#)', (bad, message) => {
    expect(() => validateCodeCompletionRequest(bad as CodeCompletionRequest)).toThrow(message);
    try {
      validateCodeCompletionRequest(bad as CodeCompletionRequest);
    } catch (e) {
      expect(e).toBeInstanceOf(ProviderError);
      expect((e as ProviderError).kind).toBe('bad-request');
    }
  });

  it('accepts the empty line after a final newline and the end of a line', () => {
    expect(() => validateCodeCompletionRequest(request('ab\n', 1, 0))).not.toThrow();
    expect(() => validateCodeCompletionRequest(request('ab\n', 0, 2))).not.toThrow();
  });
});

describe('fimStopSequences', () => {
  it('stops at a blank line always, at a newline in single-line mode, at family and request stops', () => {
    const multi = fimStopSequences(request('x', 0, 0, true, { parameters: { stop: ['END'] } }), 'qwen2.5-coder');
    expect(multi).toEqual(['\n\n', ...(FIM_TOKENS['qwen2.5-coder'].stop), 'END']);
    expect(multi).not.toContain('\n');
    const single = fimStopSequences(request('x', 0, 0, false), 'qwen2.5-coder');
    expect(single.slice(0, 2)).toEqual(['\n\n', '\n']);
    for (const token of ['<|endoftext|>', '<|fim_pad|>', '<|file_sep|>', '<|im_end|>']) expect(single).toContain(token);
  });
});

describe('postProcessCompletion', () => {
  it('cuts at the first stop sequence', () => {
    expect(postProcessCompletion('a + b<|endoftext|>junk', request('x', 0, 0), 'qwen2.5-coder')).toBe('a + b');
    expect(postProcessCompletion('one()\n\ntwo()', request('x', 0, 0))).toBe('one()');
    expect(postProcessCompletion('a<|file_sep|>b.py', request('x', 0, 0))).toBe('a');
  });

  it('single-line mode keeps the first line only (and no stray \\r)', () => {
    expect(postProcessCompletion('return 1\r\nmore', request('x\r\n', 0, 0, false))).toBe('return 1');
    expect(postProcessCompletion('return 1\nmore', request('x', 0, 0, false))).toBe('return 1');
  });

  it('multiline mode keeps going until a blank line', () => {
    expect(postProcessCompletion('if x:\n    y()\n\nz()', request('', 0, 0, true))).toBe('if x:\n    y()');
    expect(postProcessCompletion('if x:\r\n    y()\r\n\r\nz()', request('a\r\n', 1, 0, true))).toBe('if x:\r\n    y()');
  });

  it("does not keep a CodeLlama-style '</s>' cut unless told the family", () => {
    expect(postProcessCompletion('<s>a</s>', request('x', 0, 0))).toBe('<s>a</s>');
    expect(postProcessCompletion('a</s>', request('x', 0, 0), 'codellama')).toBe('a');
  });

  it('trims a repeat of the rest of the cursor line', () => {
    // print(|)  ->  the model wrote "x)" : the ")" is already there.
    expect(postProcessCompletion('x)', request('print()', 0, 6))).toBe('x');
    // ... but "f()" closes its own bracket.
    expect(postProcessCompletion('f()', request('print()', 0, 6))).toBe('f()');
    expect(postProcessCompletion('f())', request('print()', 0, 6))).toBe('f()');
    // if (|) {  ->  "a > 0) {" repeats ") {"; "a > 0)" repeats its start.
    expect(postProcessCompletion('a > 0) {', request('if () {', 0, 4))).toBe('a > 0');
    expect(postProcessCompletion('a > 0)', request('if () {', 0, 4))).toBe('a > 0');
    // x = |;  ->  "1;"
    expect(postProcessCompletion('1;', request('x = ;', 0, 4))).toBe('1');
  });

  it('trims a partial repeat only when it is punctuation', () => {
    // x = |abc : "banana" ends with "a", the start of "abc", but that "a" is its own.
    expect(postProcessCompletion('banana', request('x = abc', 0, 4))).toBe('banana');
    // print(|name) : the whole rest "name)" repeated is dropped.
    expect(postProcessCompletion('user.name)', request('print(name)', 0, 6))).toBe('user.');
  });

  it('multiline: trims a repeat of the next line when it closes a block the completion did not open', () => {
    const file = 'function f() {\n  \n}\n';
    expect(postProcessCompletion('  return 1;\n}', request(file, 1, 2, true))).toBe('  return 1;');
    expect(postProcessCompletion('if (x) {\n    y();\n  }', request('function f() {\n  \n  }\n', 1, 2, true))).toBe('if (x) {\n    y();\n  }');
  });
});

describe('toCodeCompletionResponse', () => {
  it("is Refact's response shape", () => {
    expect(toCodeCompletionResponse('x', 'stop', 'local:qwen')).toEqual({
      choices: [{ index: 0, code_completion: 'x', finish_reason: 'stop' }],
      model: 'local:qwen',
    });
    expect(toCodeCompletionResponse('', 'length')).toEqual({ choices: [{ index: 0, code_completion: '', finish_reason: 'length' }] });
  });
});
