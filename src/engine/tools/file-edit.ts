/**
 * What every editing tool shares: read a file as text for editing (CRLF
 * files edited as LF and written back as CRLF, as refact-lsp does), and the
 * write itself, always in the same order: checkpoint first, then the write
 * (the Workspace keeps the file's BOM and encoding, and refuses when the file
 * changed on disk since it was read), then the diff the model and user see.
 */
import { ConflictError } from '../../workspace/errors';
import { diffChunks } from '../diff';
import type { Checkpoint, DiffChunk } from '../messages';
import { diffText } from '../provider-messages';
import { ToolError, type ToolContext, type ToolOutcome } from './types';

export interface EditableText {
  path: string;
  /** The text with '\n' line ends. */
  text: string;
  /** The file used CRLF: edits are written back with CRLF. */
  crlf: boolean;
  mtime: number;
}

export async function readForEdit(tool: string, ctx: ToolContext, path: string): Promise<EditableText> {
  const read = await ctx.workspace.readText(path);
  if (read.kind !== 'text') throw new ToolError(tool, `"${path}" cannot be edited as text: ${read.reason}`);
  const crlf = read.eol === 'crlf';
  return { path, text: crlf ? read.text.replace(/\r\n/g, '\n') : read.text, crlf, mtime: read.mtime };
}

/** Line ends as the file had them. */
export function withFileLineEnds(file: Pick<EditableText, 'crlf'>, text: string): string {
  return file.crlf ? text.replace(/\r?\n/g, '\r\n') : text;
}

/** Asks the checkpoint port for a restore point; a failure stops the write. */
export async function checkpointFirst(tool: string, ctx: ToolContext, paths: readonly string[]): Promise<Checkpoint | undefined> {
  if (!ctx.checkpoints) return undefined;
  try {
    return (await ctx.checkpoints.beforeWrite(ctx.chatId, paths)) ?? undefined;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ToolError(tool, `could not save a checkpoint before changing ${paths.map((p) => `"${p}"`).join(', ')} (${reason}); nothing was changed`);
  }
}

/**
 * Writes `after` to `path` (`before` null: a new file). `expectMtime` is the
 * mtime of the read the edit was based on.
 */
/** Half of a UTF-16 surrogate pair without its other half. */
export const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export async function writeTextFile(
  tool: string,
  ctx: ToolContext,
  change: { path: string; before: string | null; after: string; expectMtime?: number },
): Promise<ToolOutcome> {
  // Half of a surrogate pair cannot be saved as UTF-8 (it would become U+FFFD): refuse before anything is written.
  if (LONE_SURROGATE.test(change.after)) {
    throw new ToolError(
      tool,
      `the change would leave half of a character (an emoji or another character outside the BMP) in "${change.path}"; nothing was changed. Match and write whole characters`,
    );
  }
  const checkpoint = await checkpointFirst(tool, ctx, [change.path]);
  ctx.signal.throwIfAborted();
  try {
    await ctx.workspace.writeText(change.path, change.after, change.expectMtime === undefined ? {} : { expectMtime: change.expectMtime });
  } catch (error) {
    if (error instanceof ConflictError) {
      throw new ToolError(tool, `"${change.path}" changed on disk while it was being edited; cat it again and redo the change`);
    }
    throw error;
  }
  return diffOutcome(diffChunks(change.path, change.before, change.after), checkpoint);
}

export function diffOutcome(diff: DiffChunk[], checkpoint: Checkpoint | undefined): ToolOutcome {
  const outcome: ToolOutcome = { content: diffText(diff), diff };
  if (checkpoint) outcome.checkpoint = checkpoint;
  return outcome;
}

/** 1-based line number of a character offset. */
export function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}
