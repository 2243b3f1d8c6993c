import type { ParsedFile, ParseRequest, ParseResult } from '../worker-api/ast';
import type { ReadTextResult } from '../workspace/types';
import { contentHash } from './content-hash';
import type { AstPool } from './types';
import { yieldToUi } from './yield';

/**
 * Reads files, hashes them, and sends the changed ones to the worker pool in
 * batches, so that reading (main thread, browser IPC) overlaps parsing (the
 * workers) and every worker always has its next batch queued. What to do with
 * each outcome is the caller's (the index's tables, cache and status).
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
}

export interface PipelineLimits {
  /** Files read at once (each read is a few browser IPCs). Default 16. */
  readConcurrency?: number;
  /** A batch closes at this many UTF-16 units or files. Default 96 K / 48. */
  batchChars?: number;
  batchFiles?: number;
  /** Batches in flight per worker: one being parsed, one waiting. Default 2. */
  batchesPerWorker?: number;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export async function runParsePipeline(files: readonly PipelineFile[], pool: AstPool, hooks: PipelineHooks, limits: PipelineLimits = {}): Promise<void> {
  const { readConcurrency = 16, batchChars = 96 * 1024, batchFiles = 48, batchesPerWorker = 2 } = limits;
  const inFlight = new Set<Promise<void>>();
  const maxInFlight = Math.max(1, pool.size * batchesPerWorker);
  let batch: { request: ParseRequest; version: FileVersion }[] = [];
  let chars = 0;

  const settle = (item: (typeof batch)[number], result: ParseResult | undefined): void => {
    if (result?.ok) hooks.parsed(result.file, item.version);
    else hooks.failed(item.request.path, result ? result.message : 'the AST worker returned no result', false);
  };

  const send = async (): Promise<void> => {
    if (batch.length === 0) return;
    const items = batch;
    batch = [];
    chars = 0;
    while (inFlight.size >= maxInFlight) await Promise.race(inFlight);
    const job = pool.parse(items.map((i) => i.request)).then(
      (results) => items.forEach((item, i) => settle(item, results[i])),
      (error: unknown) => items.forEach((item) => settle(item, { ok: false, path: item.request.path, reason: 'error', message: message(error) })),
    );
    const tracked = job.finally(() => {
      inFlight.delete(tracked);
      hooks.progress();
    });
    inFlight.add(tracked);
  };

  const handleOne = async (file: PipelineFile): Promise<void> => {
    const previous = hooks.previous(file.path);
    if (previous && file.size !== undefined && file.size === previous.size && file.mtime === previous.mtime) {
      hooks.unchanged(file.path, null);
      return;
    }
    let read: ReadTextResult;
    try {
      read = await hooks.read(file.path);
    } catch (error) {
      hooks.failed(file.path, message(error), (error as { name?: string }).name === 'NotFoundError');
      return;
    }
    if (read.kind !== 'text') {
      hooks.skipped(file.path, read.reason);
      return;
    }
    const version: FileVersion = { hash: contentHash(read.text), size: read.size, mtime: read.mtime };
    if (previous && previous.hash === version.hash) {
      hooks.unchanged(file.path, version);
      return;
    }
    batch.push({ request: { path: file.path, text: read.text }, version });
    chars += read.text.length;
    if (chars >= batchChars || batch.length >= batchFiles) await send();
  };

  let next = 0;
  let lastYield = performance.now();
  const lane = async (): Promise<void> => {
    while (next < files.length && !hooks.cancelled()) {
      // Cached files take no await at all; keep the page responsive through long runs of them.
      if (performance.now() - lastYield > 12) {
        await yieldToUi();
        lastYield = performance.now();
      }
      await handleOne(files[next++]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(readConcurrency, files.length) }, lane));
  await send();
  await Promise.all(inFlight);
}
