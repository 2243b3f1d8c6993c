import { describe, expect, it } from 'vitest';
import type { ParseRequest, ParseResult } from '../worker-api/ast';
import type { ReadTextResult } from '../workspace/types';
import { contentHash } from './content-hash';
import { runParsePipeline, type PipelineHooks } from './parse-pipeline';
import type { AstPool } from './types';

function text(path: string, body: string): ReadTextResult {
  return { kind: 'text', path, text: body, encoding: 'utf-8', bom: false, eol: 'lf', size: body.length, mtime: 7 };
}

/** A one-worker pool that records its batches and how many were in flight at once. */
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
    prepare() {},
    dispose() {},
  };
  return { pool, batches, maxInFlight: () => maxInFlight };
}

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
});
