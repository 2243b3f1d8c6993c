import { describe, expect, it } from 'vitest';
import { completionRequestAt, inlineInsertion, type CompletionSettings } from './completion-request';

const SETTINGS: CompletionSettings = { enabled: true, model: '', maxTokens: 50 };
const TEXT = 'def add(a, b):\n    return a + b\n\nresult = \n    \n';
const at = (line: number, character: number) => ({ path: 'src/calc.py', text: TEXT, line, character, lineText: TEXT.split('\n')[line]! });

describe('completionRequestAt', () => {
  it("is Refact's /v1/code-completion request: the whole file, the cursor, single line after code", () => {
    expect(completionRequestAt(at(3, 9), SETTINGS, false)).toEqual({
      inputs: { sources: { 'src/calc.py': TEXT }, cursor: { file: 'src/calc.py', line: 3, character: 9 }, multiline: false },
      parameters: { max_new_tokens: 50 },
    });
  });

  it('multiline on a blank left side, with character 0', () => {
    const request = completionRequestAt(at(4, 4), SETTINGS, false)!;
    expect(request.inputs).toMatchObject({ multiline: true, cursor: { line: 4, character: 0 } });
  });

  it('an explicit trigger skips the cache; the model and max tokens come from the settings', () => {
    expect(completionRequestAt(at(3, 9), { enabled: true, model: 'refact/starcoder', maxTokens: 80 }, true)).toMatchObject({
      model: 'refact/starcoder',
      no_cache: true,
      parameters: { max_new_tokens: 80 },
    });
  });

  it('nothing when code stands right of the cursor, or the document is huge', () => {
    expect(completionRequestAt(at(1, 4), SETTINGS, false)).toBeNull();
    const huge = 'x'.repeat(200_000);
    expect(completionRequestAt({ path: 'a', text: huge, line: 0, character: 5, lineText: huge }, SETTINGS, false)).toBeNull();
  });
});

describe('inlineInsertion', () => {
  it('single line: at the cursor; multiline: from column 0; empty: nothing', () => {
    const single = completionRequestAt(at(3, 9), SETTINGS, false)!;
    expect(inlineInsertion(single, 9, 'add(1, 2)')).toEqual({ startCharacter: 9, text: 'add(1, 2)' });
    const multi = completionRequestAt(at(4, 4), SETTINGS, false)!;
    expect(inlineInsertion(multi, 4, '    print(result)\n')).toEqual({ startCharacter: 0, text: '    print(result)\n' });
    expect(inlineInsertion(single, 9, '')).toBeNull();
    expect(inlineInsertion(single, 9, '\n')).toBeNull();
  });
});
