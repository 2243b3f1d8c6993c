/**
 * Turning a path the model wrote into a file of the workspace. Models copy
 * absolute paths from elsewhere or misspell a folder; when the path does not
 * exist we try the workspace path it ends with, and otherwise say which files
 * it might have meant.
 */
import { NotFoundError } from '../../workspace/errors';
import type { FileStat } from '../../workspace/types';
import { listWorkspaceFiles } from '../file-list';
import { similarPaths } from '../fuzzy';
import { workspacePath } from './args';
import { ToolError, type ToolContext } from './types';

export interface ResolvedPath {
  path: string;
  stat: FileStat;
}

async function statOrNull(ctx: ToolContext, path: string): Promise<FileStat | null> {
  try {
    return await ctx.workspace.stat(path);
  } catch (error) {
    if (error instanceof NotFoundError) return null;
    throw error;
  }
}

/** The existing file or folder `raw` names, or a ToolError with suggestions. */
export async function resolveExisting(tool: string, ctx: ToolContext, raw: string, argument = 'path'): Promise<ResolvedPath> {
  const path = workspacePath(tool, raw, argument);
  const stat = path === '' ? { path: '', kind: 'directory' as const, size: 0, mtime: 0 } : await statOrNull(ctx, path);
  if (stat) return { path, stat };
  const files = await listWorkspaceFiles(ctx.workspace, ctx.files, ctx.signal);
  // "/home/me/project/src/a.ts" for "src/a.ts": the longest workspace path it ends with.
  const suffixes = files.filter((f) => path.endsWith(`/${f}`)).sort((a, b) => b.length - a.length);
  if (suffixes[0]) {
    const found = await statOrNull(ctx, suffixes[0]);
    if (found) return { path: suffixes[0], stat: found };
  }
  throw new ToolError(tool, `"${path}" does not exist in the workspace${suggestions(path, files)}`);
}

export async function resolveExistingFile(tool: string, ctx: ToolContext, raw: string, argument = 'path'): Promise<string> {
  const { path, stat } = await resolveExisting(tool, ctx, raw, argument);
  if (stat.kind !== 'file') throw new ToolError(tool, `"${path || '.'}" is a folder, not a file; use tree to see what is inside`);
  return path;
}

export function suggestions(path: string, files: readonly string[]): string {
  const similar = similarPaths(path, files, 3);
  return similar.length > 0 ? `. Did you mean: ${similar.join(', ')}?` : '';
}
