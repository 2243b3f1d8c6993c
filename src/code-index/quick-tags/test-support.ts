import { expect } from 'vitest';
import { seededRandom } from '../../engine/test-support/random';
import { SYMBOL_KINDS, type AstDefinition } from '../../worker-api/ast';
import { createParseEngine, type ParseEngine } from '../parse-engine';
import { SIGNATURE_MAX } from '../signature';
import { nodeGrammarLocator } from '../test-support';

let engine: ParseEngine | null = null;

/**
 * What the real tree-sitter extraction gives for `text` posing as `file`
 * (grammars from node_modules): the records a quick tagger must match.
 * `clean`: the text must also parse without syntax errors (a snippet meant to be valid).
 */
export async function treeSitterDefinitions(file: string, text: string, { clean = false } = {}): Promise<AstDefinition[]> {
  engine ??= createParseEngine({ locate: nodeGrammarLocator() });
  const result = await engine.parse({ path: file, text });
  if (!result.ok) throw new Error(result.message);
  if (clean) expect(result.file.hasErrors, `${file} should parse without syntax errors`).toBe(false);
  return result.file.definitions;
}

/** At least `size` characters of a language's tokens in random order: what a tagger meets in a half-typed or broken file. */
export function tokenSoup(pieces: readonly string[], seed: number, size: number): string {
  const random = seededRandom(seed);
  let out = '';
  while (out.length < size) out += random.pick(pieces);
  return out;
}

/**
 * Every record is one extract.ts could give: a known kind, lines in order, the
 * name where nameLine/nameColumn say, a path ending in it, a bounded signature
 * and nesting (deeper definitions are dropped, see the taggers).
 */
export function expectWellFormed(text: string, defs: readonly AstDefinition[]): void {
  const lines = text.split('\n');
  const bad = defs.filter(
    (d) =>
      !SYMBOL_KINDS.includes(d.kind) ||
      d.line1 < 1 ||
      d.line1 > d.nameLine ||
      d.nameLine > d.line2 ||
      d.line2 > lines.length ||
      d.nameColumn < 1 ||
      lines[d.nameLine - 1]?.substr(d.nameColumn - 1, d.name.length) !== d.name ||
      !d.path.endsWith(d.name) ||
      d.signature.length > SIGNATURE_MAX ||
      d.path.split('::').length > 70,
  );
  expect(bad).toEqual([]);
}

/**
 * Not a speed goal (that is the benchmark's): a quadratic pass over a megabyte
 * takes minutes, a linear one milliseconds, so this bound holds on a loaded CI
 * box and still catches any pass that rescans what it has read.
 */
export const LINEAR_BOUND_MS = 10_000;

/** Runs a tagger over text of about a megabyte and fails when it takes what only a superlinear pass would. */
export function expectLinear(tag: (text: string) => unknown, text: string, what = text.slice(0, 40)): void {
  const started = performance.now();
  tag(text);
  expect(performance.now() - started, what).toBeLessThan(LINEAR_BOUND_MS);
}

/** `kind path @line:column` of each definition: the shape expected definitions are written out in. */
export function brief(defs: readonly AstDefinition[]): string[] {
  return defs.map((d) => `${d.kind} ${d.path} @${d.nameLine}:${d.nameColumn}`);
}

/**
 * For one tagger and snippet path: a check that the quick tags of some lines
 * are `expected` and equal tree-sitter's field by field (the snippet must
 * parse cleanly; it ends with a line break, which tree-sitter-go insists on).
 */
export function agreementWith(quick: (file: string, text: string) => AstDefinition[], file: string) {
  return async (lines: string | readonly string[], expected: string[]): Promise<AstDefinition[]> => {
    const text = `${typeof lines === 'string' ? lines : lines.join('\n')}\n`;
    const defs = quick(file, text);
    expect(brief(defs)).toEqual(expected);
    expect(defs).toEqual(await treeSitterDefinitions(file, text, { clean: true }));
    return defs;
  };
}
