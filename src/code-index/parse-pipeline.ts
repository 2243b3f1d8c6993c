import type { AstDefinition, ParsedFile, ParseRequest, ParseResult, TagResult } from '../worker-api/ast';
import type { ReadTextResult } from '../workspace/types';
import { contentHash } from './content-hash';
import type { AstPool } from './types';
import { yieldToUi } from './yield';

/**
 * Reads files, hashes them, and sends the changed ones to the worker pool in
 * batches, so that reading (main thread, browser IPC) overlaps parsing (the
 * workers) and every worker always has its next batch queued. What to do with
 * each outcome is the caller's (the index's tables, cache and status).
 *
 * With `quick`, every changed file is first quick-tagged (quick-tags/: a
 * ctags-like lexer, definitions only, several times cheaper than tree-sitter)
 * and only then parsed: on a big first pass "where is X defined" can answer
 * long before the usages are in.
 */

/** A file to index; size and mtime when the walk had them (they let unchanged files skip the read). */
export interface PipelineFile {
  path: string;
  size?: number;
  mtime?: number;
}

/** What the caller knows of a file from before. */
export interface KnownVersion {
  hash: string;
  size: number;
  mtime: number;
}

export type FileVersion = KnownVersion;

export interface PipelineHooks {
  previous(path: string): KnownVersion | undefined;
  read(path: string): Promise<ReadTextResult>;
  /** Stop taking new files (disposed); batches already sent still report. */
  cancelled(): boolean;
  /** Same content as before; `now` is null when size and mtime matched and the file was not even read. */
  unchanged(path: string, now: FileVersion | null): void;
  parsed(file: ParsedFile, version: FileVersion): void;
  /** Binary, or over the size limit. */
  skipped(path: string, reason: string): void;
  /** Could not be read (NotFoundError: it went away meanwhile) or parsed. */
  failed(path: string, message: string, gone: boolean): void;
  /** After each batch comes back (for progress). */
  progress(): void;
  /** Quick mode: a changed file's definitions from its quick tagger (null: none for its language); it is parsed later. */
  tagged?(path: string, definitions: AstDefinition[] | null, version: FileVersion): void;
  /** Quick mode: every file is tagged, unchanged or skipped; `toParse` files are parsed next. */
  tagsDone?(toParse: number): void;
}

export interface PipelineLimits {
  /** Files read at once (each read is a few browser IPCs, answered by the browser process on another core). Default 32. */
  readConcurrency?: number;
  /** A parse batch closes at this many UTF-16 units or files. Default 96 K / 48. */
  batchChars?: number;
  batchFiles?: number;
  /** Batches in flight per worker: one being worked on, one waiting. Default 2. */
  batchesPerWorker?: number;
  /** Tag every changed file before parsing any (see above). Default false. */
  quick?: boolean;
  /** Quick mode keeps texts read for tagging up to this many UTF-16 units for the parse; the rest are read again. Default 48 M. */
  retainChars?: number;
}

/** A changed file read for a worker. */
interface Item {
  path: string;
  text: string;
  version: FileVersion;
}

/** Quick mode: a file waiting for its parse; `text` is null when it was let go (over `retainChars`) or handed to a batch. */
type Pending = Omit<Item, 'text'> & { text: string | null };

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Groups items into batches and keeps at most `maxInFlight` of them at the pool. */
function createBatcher<R>(
  limits: { batchChars: number; batchFiles: number; maxInFlight: number },
  run: (requests: ParseRequest[]) => Promise<R[]>,
  settle: (item: Item, result: R | undefined) => void,
  lost: (item: Item, message: string) => void,
  progress: () => void,
) {
  const inFlight = new Set<Promise<void>>();
  let batch: Item[] = [];
  let chars = 0;
  const send = async (): Promise<void> => {
    if (batch.length === 0) return;
    const items = batch;
    batch = [];
    chars = 0;
    while (inFlight.size >= limits.maxInFlight) await Promise.race(inFlight);
    const job = run(items.map((i) => ({ path: i.path, text: i.text }))).then(
      (results) => items.forEach((item, i) => settle(item, results[i])),
      (error: unknown) => items.forEach((item) => lost(item, message(error))),
    );
    const tracked = job.finally(() => {
      inFlight.delete(tracked);
      progress();
    });
    inFlight.add(tracked);
  };
  return {
    async add(item: Item): Promise<void> {
      batch.push(item);
      chars += item.text.length;
      if (chars >= limits.batchChars || batch.length >= limits.batchFiles) await send();
    },
    async finish(): Promise<void> {
      await send();
      await Promise.all(inFlight);
    },
    /** After a failure: waits for the batches already sent (they still report), sends no more. */
    async settle(): Promise<void> {
      batch = [];
      await Promise.allSettled(inFlight);
    },
  };
}

/**
 * Runs `handle` over `items` with `concurrency` lanes, yielding to the page every ~12 ms of
 * synchronous work. When one lane fails the others stop taking items, and the first failure is
 * thrown once all of them have stopped (none is left running into a pass that has ended).
 */
async function inLanes<T>(items: readonly T[], concurrency: number, cancelled: () => boolean, handle: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  let lastYield = performance.now();
  const lane = async (): Promise<void> => {
    for (;;) {
      // Cached files take no await at all; keep the page responsive through long runs of them.
      if (performance.now() - lastYield > 12) {
        await yieldToUi();
        lastYield = performance.now();
      }
      // Only now, after the await: other lanes may have taken the last items meanwhile.
      if (next >= items.length || failed || cancelled()) return;
      try {
        await handle(items[next++]!);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  const lanes = await Promise.allSettled(Array.from({ length: Math.min(concurrency, items.length) }, lane));
  const failure = lanes.find((l): l is PromiseRejectedResult => l.status === 'rejected');
  if (failure) throw failure.reason;
}

export async function runParsePipeline(files: readonly PipelineFile[], pool: AstPool, hooks: PipelineHooks, limits: PipelineLimits = {}): Promise<void> {
  const { readConcurrency = 32, batchChars = 96 * 1024, batchFiles = 48, batchesPerWorker = 2, quick = false, retainChars = 48 * 1024 * 1024 } = limits;
  const maxInFlight = Math.max(1, pool.size * batchesPerWorker);

  const parser = createBatcher<ParseResult>(
    { batchChars, batchFiles, maxInFlight },
    (requests) => pool.parse(requests),
    (item, result) => {
      if (result?.ok) hooks.parsed(result.file, item.version);
      else hooks.failed(item.path, result ? result.message : 'the AST worker returned no result', false);
    },
    (item, why) => hooks.failed(item.path, why, false),
    hooks.progress,
  );
  // Tagging costs little per character, so its batches are bigger: fewer round trips.
  const tagger = createBatcher<TagResult>(
    { batchChars: batchChars * 8, batchFiles: batchFiles * 8, maxInFlight },
    (requests) => pool.tag(requests),
    (item, result) => hooks.tagged?.(item.path, result?.definitions ?? null, item.version),
    (item) => hooks.tagged?.(item.path, null, item.version),
    hooks.progress,
  );

  /** Reads and hashes one file; null when it is unchanged, skipped or unreadable (each reported). */
  const readChanged = async (file: PipelineFile, compare: boolean): Promise<Item | null> => {
    const previous = compare ? hooks.previous(file.path) : undefined;
    if (previous && file.size !== undefined && file.size === previous.size && file.mtime === previous.mtime) {
      hooks.unchanged(file.path, null);
      return null;
    }
    let read: ReadTextResult;
    try {
      read = await hooks.read(file.path);
    } catch (error) {
      hooks.failed(file.path, message(error), (error as { name?: string }).name === 'NotFoundError');
      return null;
    }
    if (read.kind !== 'text') {
      hooks.skipped(file.path, read.reason);
      return null;
    }
    const version: FileVersion = { hash: contentHash(read.text), size: read.size, mtime: read.mtime };
    if (previous && previous.hash === version.hash) {
      hooks.unchanged(file.path, version);
      return null;
    }
    return { path: file.path, text: read.text, version };
  };

  const plain = async (): Promise<void> => {
    await inLanes(files, readConcurrency, hooks.cancelled, async (file) => {
      const item = await readChanged(file, true);
      if (item) await parser.add(item);
    });
    await parser.finish();
  };

  const tagThenParse = async (): Promise<void> => {
    const toParse: Pending[] = [];
    let retained = 0;
    await inLanes(files, readConcurrency, hooks.cancelled, async (file) => {
      const item = await readChanged(file, true);
      if (!item) return;
      const keep = retained + item.text.length <= retainChars;
      if (keep) retained += item.text.length;
      toParse.push({ ...item, text: keep ? item.text : null });
      await tagger.add(item);
    });
    await tagger.finish();
    if (hooks.cancelled()) return;
    hooks.tagsDone?.(toParse.length);
    await inLanes(toParse, readConcurrency, hooks.cancelled, async (item) => {
      if (item.text !== null) {
        const text = item.text;
        item.text = null; // the batch holds it now; let it go with the batch
        await parser.add({ ...item, text });
        return;
      }
      // Read again; a change since the tagging just means the newer text is parsed.
      const again = await readChanged({ path: item.path }, false);
      if (again) await parser.add(again);
    });
    await parser.finish();
  };

  try {
    await (quick ? tagThenParse() : plain());
  } catch (error) {
    // The caller marks the pass as stopped; batches still at the pool must not report after that.
    await Promise.all([parser.settle(), tagger.settle()]);
    throw error;
  }
}
