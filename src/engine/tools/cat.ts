import type { ChatContextFile } from '../messages';
import type { ContentPart } from '../../providers/types';
import { stringList } from './args';
import { resolveExisting } from './resolve';
import { ToolError, type Tool, type ToolContext } from './types';

const NAME = 'cat';

/** Without a range, longer files are cut here and the model is told how to ask for the rest. */
export const CAT_MAX_LINES = 2000;
/** Images past this size are not sent (a data URL costs a third more than the file). */
export const CAT_MAX_IMAGE_BYTES = 4 * 1024 * 1024;
/** One image per call, as refact-lsp does, so a call cannot flood the context. */
const MAX_IMAGES = 1;

const IMAGE_TYPES: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
};

export interface PathWithRange {
  path: string;
  /** 1-based, inclusive; absent: the whole file. */
  range?: { start: number; end: number };
}

/** "src/a.ts", "src/a.ts:10" or "src/a.ts:10-20". */
export function parsePathWithRange(tool: string, raw: string): PathWithRange {
  const match = /^(.*?):(\d+)(?:-(\d+))?$/.exec(raw.trim());
  if (!match) return { path: raw.trim() };
  const start = Number(match[2]);
  const end = match[3] === undefined ? start : Number(match[3]);
  if (start < 1 || end < start) throw new ToolError(tool, `the line range in "${raw}" must be N or N-M with 1 <= N <= M`);
  return { path: match[1]!, range: { start, end } };
}

function imageType(path: string): string | undefined {
  return IMAGE_TYPES[path.slice(path.lastIndexOf('.') + 1).toLowerCase()];
}

function base64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

interface CatResult {
  found: string[];
  problems: string[];
  files: ChatContextFile[];
  images: ContentPart[];
}

async function catOne(ctx: ToolContext, request: PathWithRange, result: CatResult): Promise<void> {
  const { path, stat } = await resolveExisting(NAME, ctx, request.path, 'paths');
  if (stat.kind === 'directory') {
    result.problems.push(`"${path || '.'}" is a folder; use tree to list it, then cat the files you need`);
    return;
  }
  const mime = imageType(path);
  if (mime) {
    if (!ctx.multimodal) {
      result.problems.push(`"${path}" is an image, and this model cannot see images`);
    } else if (result.images.length >= MAX_IMAGES) {
      result.problems.push(`"${path}": cat shows one image per call; call cat again for the next image`);
    } else if (stat.size > CAT_MAX_IMAGE_BYTES) {
      result.problems.push(`"${path}" is an image of ${stat.size} bytes, over the ${CAT_MAX_IMAGE_BYTES}-byte limit`);
    } else {
      const bytes = await ctx.workspace.readBytes(path);
      result.images.push({ type: 'image_url', image_url: { url: `data:${mime};base64,${base64(bytes)}` } });
      result.found.push(path);
    }
    return;
  }
  // A range may read further into a big file than a whole-file read would.
  const read = await ctx.workspace.readText(path, request.range ? { limitBytes: 16 * 1024 * 1024 } : {});
  if (read.kind === 'binary') {
    result.problems.push(`"${path}" is not text (${read.reason}); it cannot be shown`);
    return;
  }
  if (read.kind === 'too-large') {
    result.problems.push(`"${path}" is too large to show whole (${read.reason}); ask for a line range, e.g. "${path}:1-200"`);
    return;
  }
  const lines = read.text.replace(/\r\n/g, '\n').split('\n');
  if (lines.at(-1) === '') lines.pop();
  const total = lines.length;
  let start = request.range?.start ?? 1;
  let end = request.range?.end ?? total;
  if (request.range && start > total) {
    result.problems.push(`"${path}" has ${total} lines; the range ${start}-${end} is past its end`);
    return;
  }
  end = Math.min(end, total);
  if (!request.range && total > CAT_MAX_LINES) {
    end = CAT_MAX_LINES;
    result.problems.push(`"${path}" has ${total} lines; showing 1-${end}. Ask for "${path}:${end + 1}-${Math.min(total, end + CAT_MAX_LINES)}" for more`);
  }
  start = Math.max(1, start);
  const content = total === 0 ? '' : lines.slice(start - 1, end).join('\n') + '\n';
  result.files.push({ file_name: path, file_content: content, line1: total === 0 ? 0 : start, line2: end });
  result.found.push(total === 0 ? `${path} (empty)` : `${path}:${start}-${end}`);
}

/**
 * Reads files into the chat: text as context files (whole, or `path:10-20`
 * ranges), images as data URLs when the model is multimodal. Binary and
 * too-large files are explained rather than sent.
 *
 * @example
 * await cat.run({ paths: 'src/app.ts, README.md:1-20' }, ctx)
 */
export const cat: Tool = {
  name: NAME,
  description:
    'Read files. Give several paths separated by commas; add a line range as path:10-20 (or path:10 for one line). ' +
    'Images are shown to models that can see them.',
  parameters: {
    type: 'object',
    properties: {
      paths: {
        type: 'string',
        description: 'Comma-separated file paths relative to the project root, each optionally with :N or :N-M, e.g. "src/app.ts, README.md:1-40".',
      },
    },
    required: ['paths'],
  },
  kind: 'read',
  async run(args, ctx) {
    const requests = stringList(NAME, args, 'paths').map((raw) => parsePathWithRange(NAME, raw));
    const result: CatResult = { found: [], problems: [], files: [], images: [] };
    for (const request of requests) {
      ctx.signal.throwIfAborted();
      try {
        await catOne(ctx, request, result);
      } catch (error) {
        if (!(error instanceof ToolError)) throw error;
        result.problems.push(error.message.replace(`${NAME}: `, ''));
      }
    }
    // Every path either was read or has a problem saying why not.
    if (result.found.length === 0) throw new ToolError(NAME, result.problems.join('; '));
    let text = `Paths found:\n${result.found.join('\n')}\n`;
    if (result.problems.length > 0) text += `\nProblems:\n${result.problems.join('\n')}\n`;
    const content: string | ContentPart[] = result.images.length > 0 ? [{ type: 'text', text }, ...result.images] : text;
    return result.files.length > 0 ? { content, contextFiles: result.files } : { content };
  },
};
