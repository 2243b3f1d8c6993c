/**
 * What the index tools (and @definition / @references / @search) share: the
 * message when the code index is not there yet, and turning the index's
 * locations into context files the model can read.
 */
import type { ChatContextFile } from '../messages';
import type { CodeLocation, ToolContext } from './types';

export const INDEX_NOT_AVAILABLE = 'the code index is not available yet; use search_pattern, tree and cat instead';

/** Context files for index hits; the text comes from the workspace when the index gave none. */
export async function locationsToContextFiles(ctx: Pick<ToolContext, 'workspace'>, locations: readonly CodeLocation[]): Promise<ChatContextFile[]> {
  const files: ChatContextFile[] = [];
  for (const loc of locations) {
    let text = loc.text;
    if (text === undefined) {
      const read = await ctx.workspace.readText(loc.file_name).catch(() => null);
      if (!read || read.kind !== 'text') continue;
      text = read.text.split(/\r?\n/).slice(loc.line1 - 1, loc.line2).join('\n');
    }
    files.push({ file_name: loc.file_name, file_content: text.endsWith('\n') ? text : `${text}\n`, line1: loc.line1, line2: loc.line2 });
  }
  return files;
}

export function locationList(locations: readonly CodeLocation[]): string {
  return locations.map((l) => `${l.file_name}:${l.line1}-${l.line2}${l.symbol ? ` ${l.symbol}` : ''}`).join('\n');
}
