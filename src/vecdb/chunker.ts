import { contentHash } from '../code-index/content-hash';
import type { EmbedChunk } from '../worker-api/embed';

/**
 * Splits a file into the pieces that get one embedding each. Code follows the
 * AST: a top-level definition with the comments and decorators just above it
 * is one chunk, a class too big for the model is split into its members plus a
 * header chunk, and the lines between definitions (imports, module code) are
 * grouped. Markdown is split at headings, anything else at blank lines. Every
 * chunk fits the model's token limit: what is still too long is cut by lines.
 *
 * The symbols come in as plain data (what the AST index's `fileSymbols` gives),
 * so this runs anywhere, with no parser of its own.
 */

export interface ChunkSymbol {
  name: string;
  /** Qualified path, e.g. `shop::cart::Cart::total`. */
  path: string;
  kind: string;
  /** 1-based, inclusive. */
  line1: number;
  line2: number;
}

/** A chunk is what the embed worker indexes: path, 1-based inclusive lines, text, contentHash(text), symbol. */
export type CodeChunk = EmbedChunk;

export interface ChunkOptions {
  /** The embedding model's token limit. */
  maxTokens: number;
  /** Counts tokens exactly; without it, length / charsPerToken is used. */
  countTokens?: (text: string) => number;
  /**
   * Characters per token when estimating. 3 is conservative for code with
   * BERT WordPiece and BPE vocabularies (identifiers split into several pieces).
   */
  charsPerToken?: number;
  /** Lines per chunk for files without structure (and for leftover lines). */
  maxLines?: number;
}

const DEFAULT_CHARS_PER_TOKEN = 3;
const DEFAULT_MAX_LINES = 60;
const MARKDOWN = /\.(md|markdown|mdx)$/i;
// Lines that belong to the definition below them: comments, doc comments, decorators / attributes.
const LEADING = /^\s*(#(?!!)|\/\/|\/\*|\*|@|"""|''')/;

interface Range {
  line1: number;
  line2: number;
  symbol?: string;
}

/** Counts the tokens of many texts at once (the embed worker's `countTokens`, with the model's tokenizer). */
export type BatchTokenCounter = (texts: string[]) => Promise<number[]>;

export interface CountedChunkOptions {
  /** The embedding model's token limit. */
  maxTokens: number;
  countTokens: BatchTokenCounter;
  maxLines?: number;
}

/** Rounds of re-splitting a chunk the tokenizer still finds too long, before giving up on estimates. */
const MAX_REFINE_ROUNDS = 8;
/** Splits aim this far below the limit, so one more round is rarely needed. */
const SPLIT_MARGIN = 0.9;

function splitLines(text: string): string[] {
  const lines = text.split(/\r?\n/);
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** The structural ranges of a file (definitions, sections, blocks), before they are cut to fit. */
function planRanges(path: string, lines: readonly string[], symbols: readonly ChunkSymbol[] | null, fits: (t: string) => boolean, maxLines: number): Range[] {
  if (symbols !== null && symbols.length > 0 && !MARKDOWN.test(path)) return astRanges(lines, symbols, fits, maxLines);
  if (MARKDOWN.test(path)) return markdownRanges(lines, maxLines);
  return blockRanges(lines, 1, lines.length, maxLines);
}

function makeChunk(path: string, range: Range, body: string): CodeChunk {
  return {
    path,
    line1: range.line1,
    line2: range.line2,
    text: body,
    hash: contentHash(body),
    ...(range.symbol !== undefined ? { symbol: range.symbol } : {}),
  };
}

/**
 * Chunks one file. `symbols` are its definitions, or null when the file has no
 * grammar (then markdown is split by headings and other text by blank lines).
 */
export function chunkFile(path: string, text: string, symbols: readonly ChunkSymbol[] | null, options: ChunkOptions): CodeChunk[] {
  const lines = splitLines(text);
  const fits = fitter(options);
  const ranges = planRanges(path, lines, symbols, fits, options.maxLines ?? DEFAULT_MAX_LINES);
  const chunks: CodeChunk[] = [];
  for (const range of ranges) {
    for (const piece of splitToFit(lines, range, fits)) {
      const trimmed = trimBlank(lines, piece);
      if (!trimmed) continue;
      let body = textOf(lines, trimmed);
      // One line longer than the model takes (minified code): keep its start.
      if (!fits(body)) body = cutToFit(body, fits);
      chunks.push(makeChunk(path, trimmed, body));
    }
  }
  return chunks;
}

/**
 * chunkFile with exact token counts from the model's tokenizer, asked in
 * batches: once for the definitions that might be split into members, then
 * once per round for every candidate chunk. A chunk still over the limit is
 * cut by lines at the characters-per-token ratio the tokenizer measured for
 * it (with a margin) and its pieces are counted in the next round, so no
 * chunk exceeds `maxTokens` and no line is counted on its own.
 */
export async function chunkFileCounted(path: string, text: string, symbols: readonly ChunkSymbol[] | null, options: CountedChunkOptions): Promise<CodeChunk[]> {
  const { maxTokens } = options;
  const maxLines = options.maxLines ?? DEFAULT_MAX_LINES;
  const lines = splitLines(text);
  const counts = new Map<string, number>();
  const count = async (texts: string[]): Promise<void> => {
    const todo = [...new Set(texts.filter((t) => !counts.has(t)))];
    if (todo.length === 0) return;
    const n = await options.countTokens(todo);
    if (n.length !== todo.length) throw new Error(`countTokens gave ${n.length} counts for ${todo.length} texts`);
    todo.forEach((t, i) => counts.set(t, n[i]!));
  };
  const estimate = fitter({ maxTokens });
  const fits = (t: string): boolean => {
    const n = counts.get(t);
    return n === undefined ? estimate(t) : n <= maxTokens;
  };

  // Which definitions fit whole decides whether a class becomes its members: ask for those texts, then plan with the answers.
  const asked: string[] = [];
  planRanges(path, lines, symbols, (t) => (asked.push(t), estimate(t)), maxLines);
  await count(asked);
  const ranges = planRanges(path, lines, symbols, fits, maxLines);

  type Piece = { range: Range; body: string; done: boolean };
  let pieces: Piece[] = [];
  for (const r of ranges) {
    const trimmed = trimBlank(lines, r);
    if (trimmed) pieces.push({ range: trimmed, body: textOf(lines, trimmed), done: false });
  }
  for (let round = 0; pieces.some((p) => !p.done); round++) {
    await count(pieces.filter((p) => !p.done).map((p) => p.body));
    const next: Piece[] = [];
    for (const piece of pieces) {
      const n = counts.get(piece.body) ?? 0;
      if (piece.done || n <= maxTokens) {
        next.push({ ...piece, done: true });
        continue;
      }
      // Characters this text can have, at its own measured ratio; after many rounds, one character a token.
      const ratio = round < MAX_REFINE_ROUNDS ? piece.body.length / Math.max(1, n) : 1;
      const budget = Math.max(1, Math.floor(maxTokens * ratio * SPLIT_MARGIN));
      const byChars = (t: string): boolean => t.length <= budget;
      if (piece.range.line1 < piece.range.line2) {
        for (const part of splitToFit(lines, piece.range, byChars)) {
          const trimmed = trimBlank(lines, part);
          if (trimmed) next.push({ range: trimmed, body: textOf(lines, trimmed), done: false });
        }
      } else {
        // One line longer than the model takes (minified code): keep its start.
        const cut = piece.body.slice(0, Math.min(budget, piece.body.length - 1));
        if (cut.trim() !== '') next.push({ range: piece.range, body: cut, done: false });
      }
    }
    pieces = next;
  }
  return pieces.map((p) => makeChunk(path, p.range, p.body));
}

function fitter(options: ChunkOptions): (text: string) => boolean {
  const { maxTokens, countTokens } = options;
  if (countTokens) return (text) => countTokens(text) <= maxTokens;
  const maxChars = Math.max(16, Math.floor(maxTokens * (options.charsPerToken ?? DEFAULT_CHARS_PER_TOKEN)));
  return (text) => text.length <= maxChars;
}

function textOf(lines: readonly string[], r: Range): string {
  return lines.slice(r.line1 - 1, r.line2).join('\n');
}

/** Top-level definitions as chunks, big classes split into members, the rest grouped. */
function astRanges(lines: readonly string[], symbols: readonly ChunkSymbol[], fits: (t: string) => boolean, maxLines: number): Range[] {
  const last = lines.length;
  // Symbols may be stale by a few lines (the AST index lags an edit): clamp them to the file.
  const valid = symbols
    .map((s) => ({ ...s, line1: Math.max(1, s.line1), line2: Math.min(last, s.line2) }))
    .filter((s) => s.line1 <= s.line2 && !isSmallValue(s))
    .sort((a, b) => a.line1 - b.line1 || b.line2 - a.line2);
  const topLevel: (ChunkSymbol & { children: ChunkSymbol[] })[] = [];
  for (const s of valid) {
    const parent = topLevel[topLevel.length - 1];
    if (parent && s.line1 >= parent.line1 && s.line2 <= parent.line2) {
      // Direct members only: a member's own nested definitions stay inside it.
      const sibling = parent.children[parent.children.length - 1];
      if (!sibling || s.line1 > sibling.line2) parent.children.push(s);
    } else {
      topLevel.push({ ...s, children: [] });
    }
  }

  const ranges: Range[] = [];
  let covered = 0; // the last line already in a range
  const gap = (upTo: number): void => {
    if (upTo > covered) ranges.push(...blockRanges(lines, covered + 1, upTo, maxLines));
  };
  for (const def of topLevel) {
    // Definitions may overlap (not nest): a line already in a chunk is not embedded again.
    if (def.line2 <= covered) continue;
    const start = Math.max(leadingStart(lines, def.line1, covered), covered + 1);
    gap(start - 1);
    const whole: Range = { line1: start, line2: def.line2, symbol: def.path };
    if (fits(textOf(lines, whole)) || def.children.length === 0) {
      ranges.push(whole);
    } else {
      // Too big: the members one by one, the lines between them (header, fields) with the class's name.
      let inner = start - 1;
      for (const child of def.children) {
        if (child.line2 <= inner) continue;
        const childStart = Math.max(leadingStart(lines, child.line1, inner), inner + 1);
        if (childStart - 1 > inner) ranges.push({ line1: inner + 1, line2: childStart - 1, symbol: def.path });
        ranges.push({ line1: childStart, line2: child.line2, symbol: child.path });
        inner = child.line2;
      }
      if (def.line2 > inner) ranges.push({ line1: inner + 1, line2: def.line2, symbol: def.path });
    }
    covered = def.line2;
  }
  gap(last);
  return ranges;
}

/** A one- or two-line constant or variable is not worth a chunk of its own: it joins the lines around it. */
function isSmallValue(s: ChunkSymbol): boolean {
  return (s.kind === 'variable' || s.kind === 'constant') && s.line2 - s.line1 < 3;
}

/** The first line of the comment / decorator block directly above `line1`, not reaching `floor`. */
function leadingStart(lines: readonly string[], line1: number, floor: number): number {
  let start = line1;
  while (start - 1 > floor && LEADING.test(lines[start - 2] ?? '')) start--;
  return start;
}

/** Markdown sections: a heading (outside code fences) starts one; its text names the chunk. */
function markdownRanges(lines: readonly string[], maxLines: number): Range[] {
  const ranges: Range[] = [];
  let fence = false;
  let current: Range = { line1: 1, line2: 0 };
  lines.forEach((line, i) => {
    if (/^\s*(```|~~~)/.test(line)) fence = !fence;
    const heading = fence ? null : /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading && i > 0) {
      if (current.line2 >= current.line1) ranges.push(current);
      current = { line1: i + 1, line2: i + 1, symbol: heading[1] ?? '' };
    } else {
      if (heading) current.symbol = heading[1] ?? '';
      current.line2 = i + 1;
    }
  });
  if (current.line2 >= current.line1) ranges.push(current);
  // A long section without sub-headings is cut at blank lines, still named by its heading.
  return ranges.flatMap((r) =>
    r.line2 - r.line1 + 1 <= maxLines ? [r] : blockRanges(lines, r.line1, r.line2, maxLines).map((b) => ({ ...b, ...(r.symbol !== undefined ? { symbol: r.symbol } : {}) })),
  );
}

/** Lines line1..line2 as blank-line-separated blocks, merged while they stay within maxLines. */
function blockRanges(lines: readonly string[], line1: number, line2: number, maxLines: number): Range[] {
  const blocks: Range[] = [];
  let start = -1;
  for (let n = line1; n <= line2; n++) {
    const blank = (lines[n - 1] ?? '').trim() === '';
    if (!blank && start < 0) start = n;
    if (blank && start >= 0) {
      blocks.push({ line1: start, line2: n - 1 });
      start = -1;
    }
  }
  if (start >= 0) blocks.push({ line1: start, line2 });
  const merged: Range[] = [];
  for (const b of blocks) {
    const prev = merged[merged.length - 1];
    if (prev && b.line2 - prev.line1 + 1 <= maxLines) prev.line2 = b.line2;
    else merged.push({ ...b });
  }
  return merged;
}

/** A range as is when it fits, else consecutive line runs that each fit. */
function splitToFit(lines: readonly string[], range: Range, fits: (t: string) => boolean): Range[] {
  if (fits(textOf(lines, range))) return [range];
  const out: Range[] = [];
  let start = range.line1;
  while (start <= range.line2) {
    let end = start;
    // Grow line by line; long definitions are rare enough that the quadratic join does not matter.
    while (end < range.line2 && fits(textOf(lines, { line1: start, line2: end + 1 }))) end++;
    out.push({ ...range, line1: start, line2: end });
    start = end + 1;
  }
  return out;
}

function trimBlank(lines: readonly string[], r: Range): Range | null {
  let { line1, line2 } = r;
  while (line1 <= line2 && (lines[line1 - 1] ?? '').trim() === '') line1++;
  while (line2 >= line1 && (lines[line2 - 1] ?? '').trim() === '') line2--;
  return line1 <= line2 ? { ...r, line1, line2 } : null;
}

function cutToFit(text: string, fits: (t: string) => boolean): string {
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (fits(text.slice(0, mid))) lo = mid;
    else hi = mid - 1;
  }
  return text.slice(0, lo);
}
