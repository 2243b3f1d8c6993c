import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ParseRequest, ParseResult } from '../worker-api/ast';
import type { ReadTextResult } from '../workspace/types';
import { contentHash } from './content-hash';
import { runParsePipeline, type PipelineHooks } from './parse-pipeline';
import type { AstPool } from './types';

function text(path: string, body: string): ReadTextResult {
  return { kind: 'text', path, text: body, encoding: 'utf-8', bom: false, eol: 'lf', size: body.length, mtime: 7 };
}

/** A one-worker pool that records its batches (`tag:` for quick tagging) and how many were in flight at once. */
function recordingPool() {
  const batches: string[][] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const pool: AstPool = {
    size: 1,
    async parse(files: ParseRequest[]): Promise<ParseResult[]> {
      batches.push(files.map((f) => f.path));
      maxInFlight = Math.max(maxInFlight, ++inFlight);
      await new Promise((r) => setTimeout(r, 2));
      inFlight--;
      return files.map((f) =>
        f.path.startsWith('bad')
          ? { ok: false, path: f.path, reason: 'error', message: `${f.path}: parse failed` }
          : { ok: true, file: { path: f.path, language: 'python', definitions: [], usages: [], hasErrors: false, ms: 1 } },
      );
    },
    async tag(files: ParseRequest[]) {
      batches.push(files.map((f) => `tag:${f.path}`));
      await new Promise((r) => setTimeout(r, 1));
      return files.map((f) => ({
        path: f.path,
        definitions: f.path.endsWith('.py')
          ? [{ name: f.text, path: f.text, kind: 'function' as const, line1: 1, line2: 1, nameLine: 1, nameColumn: 1, signature: '', parent: null }]
          : null,
      }));
    },
    prepare() {},
    dispose() {},
  };
  return { pool, batches, maxInFlight: () => maxInFlight };
}

/** A clock that jumps 13 ms per reading: every lane yields to the page before every file, so lanes interleave. */
function yieldBeforeEveryFile(): void {
  let now = 0;
  vi.spyOn(performance, 'now').mockImplementation(() => (now += 13));
}

/** Hooks that log every outcome; each file's text is its path. */
function loggingHooks(log: string[]): PipelineHooks {
  return {
    previous: () => undefined,
    read: async (path) => text(path, path),
    cancelled: () => false,
    unchanged: (path) => log.push(`unchanged ${path}`),
    parsed: (file) => log.push(`parsed ${file.path}`),
    skipped: (path) => log.push(`skipped ${path}`),
    failed: (path, message) => log.push(`failed ${path}: ${message}`),
    progress: () => {},
    tagged: (path) => log.push(`tagged ${path}`),
  };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('runParsePipeline', () => {
  it('skips unchanged files (by stat without reading, else by hash), batches the rest and reports every outcome', async () => {
    const { pool, batches, maxInFlight } = recordingPool();
    const contents: Record<string, string> = {
      'same-stat.py': 'x = 1',
      'same-hash.py': 'y = 2',
      'a.py': 'a'.repeat(60),
      'b.py': 'b'.repeat(60),
      'c.py': 'c'.repeat(60),
      'bad.py': 'def (',
    };
    const reads: string[] = [];
    const log: string[] = [];
    const hooks: PipelineHooks = {
      previous: (path) =>
        path === 'same-stat.py'
          ? { hash: 'whatever', size: 5, mtime: 7 }
          : path === 'same-hash.py'
            ? { hash: contentHash('y = 2'), size: 5, mtime: 1 }
            : undefined,
      read: async (path) => {
        reads.push(path);
        if (path === 'gone.py') throw Object.assign(new Error('"gone.py" does not exist'), { name: 'NotFoundError' });
        if (path === 'image.py') return { kind: 'binary', path, size: 3, mtime: 7, reason: 'contains NUL bytes' };
        return text(path, contents[path]!);
      },
      cancelled: () => false,
      unchanged: (path, now) => log.push(`unchanged ${path} ${now ? 'read' : 'not read'}`),
      parsed: (file, version) => log.push(`parsed ${file.path} ${version.hash === contentHash(contents[file.path]!)}`),
      skipped: (path, reason) => log.push(`skipped ${path}: ${reason}`),
      failed: (path, message, gone) => log.push(`failed ${path}${gone ? ' (gone)' : `: ${message}`}`),
      progress: () => {},
    };
    const files = ['same-stat.py', 'same-hash.py', 'a.py', 'b.py', 'c.py', 'bad.py', 'gone.py', 'image.py'].map((path) => ({
      path,
      size: path === 'same-stat.py' ? 5 : undefined,
      mtime: path === 'same-stat.py' ? 7 : undefined,
    }));
    await runParsePipeline(files, pool, hooks, { readConcurrency: 1, batchChars: 100 });
    expect(reads).not.toContain('same-stat.py');
    expect(log.sort()).toEqual([
      'failed bad.py: bad.py: parse failed',
      'failed gone.py (gone)',
      'parsed a.py true',
      'parsed b.py true',
      'parsed c.py true',
      'skipped image.py: contains NUL bytes',
      'unchanged same-hash.py read',
      'unchanged same-stat.py not read',
    ]);
    // 100-character batches: a+b close one, c+bad go last; at most 2 batches per worker in flight.
    expect(batches).toEqual([['a.py', 'b.py'], ['c.py', 'bad.py']]);
    expect(maxInFlight()).toBeLessThanOrEqual(2);
  });

  it('quick mode: tags every changed file before parsing any, and re-reads texts it could not keep', async () => {
    const { pool, batches } = recordingPool();
    const contents: Record<string, string> = { 'a.py': 'alpha', 'b.py': 'beta', 'c.js': 'gamma', 'big.py': 'x'.repeat(50) };
    const reads: string[] = [];
    const log: string[] = [];
    const hooks: PipelineHooks = {
      previous: () => undefined,
      read: async (path) => {
        reads.push(path);
        return text(path, contents[path]!);
      },
      cancelled: () => false,
      unchanged: () => {},
      parsed: (file) => log.push(`parsed ${file.path}`),
      skipped: () => {},
      failed: (path, message) => log.push(`failed ${path}: ${message}`),
      progress: () => {},
      tagged: (path, definitions) => log.push(`tagged ${path} ${definitions ? definitions.map((d) => d.name).join() : 'none'}`),
      tagsDone: (toParse) => log.push(`tags done, ${toParse} to parse`),
    };
    // 20 characters kept: a.py, b.py and c.js fit, big.py must be read again for its parse.
    await runParsePipeline(['a.py', 'b.py', 'c.js', 'big.py'].map((path) => ({ path })), pool, hooks, {
      quick: true,
      retainChars: 20,
      readConcurrency: 1,
      batchChars: 10,
    });
    const done = log.indexOf('tags done, 4 to parse');
    expect(log.slice(0, done).sort()).toEqual(['tagged a.py alpha', 'tagged b.py beta', 'tagged big.py ' + 'x'.repeat(50), 'tagged c.js none']);
    expect(log.slice(done + 1).sort()).toEqual(['parsed a.py', 'parsed b.py', 'parsed big.py', 'parsed c.js']);
    expect(batches.findIndex((b) => !b[0]!.startsWith('tag:'))).toBeGreaterThan(batches.findLastIndex((b) => b[0]!.startsWith('tag:')));
    expect(reads).toEqual(['a.py', 'b.py', 'c.js', 'big.py', 'big.py']);
  });

  it('takes a file only after its lane has yielded, so lanes that yield together never run past the end', async () => {
    yieldBeforeEveryFile();
    const { pool } = recordingPool();
    const paths = Array.from({ length: 101 }, (_, i) => `m${String(i).padStart(3, '0')}.py`);
    const log: string[] = [];
    await runParsePipeline(paths.map((path) => ({ path })), pool, loggingHooks(log), { quick: true, readConcurrency: 8, batchFiles: 5 });
    expect(log.filter((l) => l.startsWith('tagged')).sort()).toEqual(paths.map((p) => `tagged ${p}`));
    expect(log.filter((l) => !l.startsWith('tagged')).sort()).toEqual(paths.map((p) => `parsed ${p}`));
  });

  it('stops every lane when one fails, and throws only once they have all stopped', async () => {
    yieldBeforeEveryFile();
    const { pool } = recordingPool();
    pool.tag = (files) => {
      if (files.some((f) => f.path === 'm020.py')) throw new Error('the tagger broke');
      return Promise.resolve(files.map((f) => ({ path: f.path, definitions: [] })));
    };
    const paths = Array.from({ length: 60 }, (_, i) => `m${String(i).padStart(3, '0')}.py`);
    const log: string[] = [];
    const run = runParsePipeline(paths.map((path) => ({ path })), pool, loggingHooks(log), { quick: true, readConcurrency: 4, batchFiles: 1 });
    await expect(run).rejects.toThrow('the tagger broke');
    const reported = log.length;
    await new Promise((r) => setTimeout(r, 20));
    expect(log.length).toBe(reported); // nothing still running reports after the failure
    expect(log.filter((l) => l.startsWith('parsed'))).toEqual([]);
    expect(log.filter((l) => l.startsWith('tagged')).length).toBeLessThan(paths.length);
  });
});
