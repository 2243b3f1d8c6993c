/**
 * Where a tool's text result names a place in the workspace: search_pattern
 * answers `path:line: text` a hit a line, which the tool card turns into links
 * that open the file at that line (in the app's editor, or the IDE's). Pure:
 * the card renders the parts as text and buttons, never as HTML.
 */

export type ResultPart = { text: string } | { path: string; line: number; text: string };

/** The tools whose results list hits as `path:line: ...`. */
export const TOOLS_WITH_HIT_LINES: ReadonlySet<string> = new Set(['search_pattern']);

// A relative path (no spaces, no leading '/'), ':', a line number, then ':' (search_pattern's shape).
const HIT = /^([^\s:/][^\s:]*):(\d+):/;

/** Splits a result into plain text and hit links, line by line; the text round-trips exactly. */
export function resultParts(result: string): ResultPart[] {
  const parts: ResultPart[] = [];
  let plain = '';
  for (const line of result.split(/(?<=\n)/)) {
    const hit = HIT.exec(line);
    const lineNo = hit ? Number(hit[2]) : 0;
    if (!hit || lineNo < 1 || hit[1]!.split('/').includes('..')) {
      plain += line;
      continue;
    }
    if (plain) parts.push({ text: plain });
    plain = line.slice(hit[0].length - 1); // from the ':' after the line number on
    parts.push({ path: hit[1]!, line: lineNo, text: `${hit[1]}:${hit[2]}` });
  }
  if (plain) parts.push({ text: plain });
  return parts;
}
