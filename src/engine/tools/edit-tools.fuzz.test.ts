/**
 * Every edit tool fuzzed against a reference model of the files
 * (../test-support/edit-reference.ts), on the real HandleWorkspace over an
 * in-memory folder: each case builds a small project (LF or CRLF files, with
 * and without a final newline), draws a tool and arguments (mostly sensible,
 * some wrong: a missing file, an ambiguous or absent old_str, a bad regex,
 * an escaping path, a destination that exists), runs the tool and compares
 * every file of the project, byte for byte, with the reference: the same
 * files when it succeeds; when the reference says the call must fail, the
 * tool fails with a message and nothing changed.
 *
 * `npm test` runs SHORT_CASES with a fixed seed; `npm run soak` runs
 * SOAK_CASES (default 10,000) with SOAK_SEED (default: random), and prints
 * the seed to replay a failure.
 */
import { describe, expect, it } from 'vitest';
import { seededRandom, type SeededRandom } from '../test-support/random';
import { toolContext } from '../test-support/workspace';
import * as ref from '../test-support/edit-reference';
import { createTextdoc } from './create-textdoc';
import { mv } from './mv';
import { rm } from './rm';
import { updateTextdoc } from './update-textdoc';
import { RANGE_SEPARATOR, updateTextdocByLines } from './update-textdoc-by-lines';
import { updateTextdocRegex } from './update-textdoc-regex';
import type { Tool } from './types';

const SHORT_CASES = 400;
const CASES = Number(process.env.SOAK_CASES ?? SHORT_CASES);
const SEED = Number(process.env.SOAK_SEED ?? 20261207);

const WORDS = ['a', 'b', 'ab', 'x = 1', 'def f():', '    return x', '$&', '$1', '(', '.*', 'é', '🙂', '  ', 'a.b', 'ab ab'];
const NAMES = ['a.txt', 'b.py', 'src/c.ts', 'src/d.md', 'src/deep/e.txt', 'other/f.txt'];

interface Case {
  tool: Tool;
  args: Record<string, unknown>;
  expected: Map<string, string> | null;
}

function text(r: SeededRandom, maxLines: number): string {
  const lines = Array.from({ length: r.int(0, maxLines) }, () => Array.from({ length: r.int(0, 3) }, () => r.pick(WORDS)).join(r.pick(['', ' '])));
  return lines.join('\n') + (lines.length && r.next() < 0.8 ? '\n' : '');
}

function project(r: SeededRandom): Map<string, string> {
  const files = new Map<string, string>();
  const count = r.int(1, 4);
  while (files.size < count) {
    const body = text(r, 8);
    files.set(r.pick(NAMES), r.next() < 0.3 ? body.replace(/\n/g, '\r\n') : body);
  }
  return files;
}

/** A path: mostly one of the project's files, sometimes a missing one, a folder, or one the tools must refuse. */
function somePath(r: SeededRandom, files: Map<string, string>): string {
  const roll = r.next();
  if (roll < 0.75) return r.pick([...files.keys()]);
  if (roll < 0.85) return r.pick(NAMES);
  return r.pick(['../out.txt', '/abs.txt', 'src/../../x.txt', 'src', 'nope/z.txt', './a.txt', 'src//c.ts']);
}

/** A piece of a file's (LF) text, or something that may not be in it. */
function someNeedle(r: SeededRandom, file: string | undefined): string {
  const lf = (file ?? '').replace(/\r\n/g, '\n');
  if (lf && r.next() < 0.8) {
    const start = r.int(0, lf.length - 1);
    return lf.slice(start, start + r.int(1, 12));
  }
  return r.pick(WORDS);
}

function drawCase(r: SeededRandom, files: Map<string, string>): Case {
  const path = somePath(r, files);
  const file = files.get(ref.refPath(path) ?? '');
  switch (r.int(0, 5)) {
    case 0: {
      const oldStr = r.next() < 0.05 ? '' : someNeedle(r, file);
      const replacement = text(r, 2);
      const multiple = r.next() < 0.4;
      return { tool: updateTextdoc, args: { path, old_str: oldStr, replacement, multiple }, expected: ref.refUpdateTextdoc(files, path, oldStr, replacement, multiple) };
    }
    case 1: {
      const lineCount = file === undefined ? 0 : file.replace(/\r\n/g, '\n').replace(/\n$/, '').split('\n').length;
      const ranges: ref.RefRange[] = [];
      for (let start = 1; start <= lineCount && ranges.length < 3; ) {
        start += r.int(0, 2);
        if (start > lineCount) break;
        const end = Math.min(lineCount, start + r.int(0, 2));
        ranges.push({ start, end, content: r.next() < 0.2 ? '' : text(r, 3) });
        start = end + 1 + r.int(0, 1);
      }
      if (ranges.length === 0) ranges.push({ start: 1, end: 1, content: 'x\n' });
      const shuffled = r.next() < 0.3 ? [...ranges].reverse() : ranges;
      const rangesText = shuffled.map((g) => (g.start === g.end ? `${g.start}` : `${g.start}:${g.end}`)).join(', ');
      const content = shuffled.map((g) => g.content).join(RANGE_SEPARATOR);
      const expected = file === undefined || file === '' || lineCount === 0 ? null : ref.refUpdateByLines(files, path, ranges);
      return { tool: updateTextdocByLines, args: { path, ranges: rangesText, content }, expected };
    }
    case 2: {
      const pattern = r.pick([someNeedle(r, file).replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), '^\\s+', 'x|y', '(a)(b)?', '\\d+', '(', 'b$', 'a*']);
      const replacement = r.pick(['', 'Z', '$1', '$&$&', '[$2]', 'line\n']);
      const multiple = r.next() < 0.5;
      return { tool: updateTextdocRegex, args: { path, pattern, replacement, multiple }, expected: ref.refUpdateRegex(files, path, pattern, replacement, multiple) };
    }
    case 3: {
      const content = text(r, 4);
      return { tool: createTextdoc, args: { path, content }, expected: ref.refCreate(files, path, content) };
    }
    case 4: {
      const recursive = r.next() < 0.5;
      return { tool: rm, args: { path, recursive }, expected: ref.refRm(files, path, recursive) };
    }
    default: {
      const destination = r.next() < 0.5 ? r.pick(NAMES) : r.pick(['moved.txt', 'src', 'new/dir/m.txt', 'src/deep', '../x', 'a.txt/x.txt']);
      return { tool: mv, args: { source: path, destination }, expected: ref.refMv(files, path, destination) };
    }
  }
}

/** Every file of the project as the workspace has it (text: the fuzzer writes nothing else). */
async function snapshot(ctx: Awaited<ReturnType<typeof toolContext>>['ctx']): Promise<Map<string, string>> {
  const { files } = await ctx.workspace.walk({ includeIgnored: true });
  const out = new Map<string, string>();
  for (const f of files) out.set(f.path, new TextDecoder().decode(await ctx.workspace.readBytes(f.path)));
  return out;
}

const sorted = (m: ReadonlyMap<string, string>) => [...m].sort(([a], [b]) => a.localeCompare(b));

describe('edit tools against a reference model', () => {
  it(`${CASES} random calls: the reference's files, or a clear failure that changed nothing`, { timeout: Math.max(30_000, CASES * 20) }, async () => {
    const r = seededRandom(SEED);
    const counts = { cases: 0, succeeded: 0, refused: 0, failures: 0 };
    const failures: string[] = [];
    for (let i = 0; i < CASES; i++) {
      const files = project(r);
      const { tool, args, expected } = drawCase(r, files);
      const { ctx } = await toolContext(Object.fromEntries(files));
      let error: unknown = null;
      try {
        await tool.run(args, ctx);
      } catch (e) {
        error = e;
      }
      const after = await snapshot(ctx);
      counts.cases++;
      const want = expected ?? files;
      const message = error instanceof Error ? error.message : '';
      const ok = expected === null ? error !== null && message.length > 10 : error === null;
      if (ok && JSON.stringify(sorted(after)) === JSON.stringify(sorted(want))) {
        if (expected === null) counts.refused++;
        else counts.succeeded++;
        continue;
      }
      counts.failures++;
      if (failures.length < 5) {
        failures.push(
          `case ${i}: ${tool.name}(${JSON.stringify(args)}) on ${JSON.stringify(sorted(files))}\n` +
            `  expected ${expected === null ? 'a failure, files unchanged' : JSON.stringify(sorted(expected))}\n` +
            `  got ${error === null ? 'success' : `error "${message}"`}, files ${JSON.stringify(sorted(after))}`,
        );
      }
    }
    console.log(`edit-tools fuzz: seed ${SEED}, ${counts.cases} cases, ${counts.succeeded} applied, ${counts.refused} refused, ${counts.failures} failures`);
    expect(failures, failures.join('\n')).toEqual([]);
    // The draw must exercise both outcomes, or the fuzz proves little.
    expect(counts.succeeded).toBeGreaterThan(CASES / 5);
    expect(counts.refused).toBeGreaterThan(CASES / 10);
  });
});
