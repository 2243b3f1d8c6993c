/**
 * The file around the cursor cut to a budget in characters, for backends
 * that do not count tokens themselves (remote servers: their tokenizers are
 * not in the tab, and counting every keystroke's 8 KB with tiktoken would
 * cost more than the estimate is off). Lines are taken alternately above and
 * below the cursor, nearest first, as buildFimPrompt does with real tokens.
 */
import { offsetAt } from './rules';

/** Characters per token for code, a conservative estimate (tokenizers give 3-4). */
export const CHARS_PER_TOKEN = 3.2;

export function cutAroundCursor(text: string, line: number, character: number, budgetChars: number): { prefix: string; suffix: string } {
  const at = offsetAt(text, line, character);
  const lineStart = text.lastIndexOf('\n', at - 1) + 1;
  let lineEnd = text.indexOf('\n', at);
  if (lineEnd < 0) lineEnd = text.length;
  let top = lineStart;
  let bottom = lineEnd;
  let used = bottom - top;
  if (used > budgetChars) {
    // A giant line: keep what is nearest the cursor, a little more before it.
    const before = Math.min(at - lineStart, Math.ceil(budgetChars * 0.6));
    const after = Math.max(0, budgetChars - before);
    return { prefix: text.slice(at - before, at), suffix: text.slice(at, Math.min(lineEnd, at + after)) };
  }
  let upOpen = top > 0;
  let downOpen = bottom < text.length;
  for (let takeUp = true; upOpen || downOpen; takeUp = !takeUp) {
    if ((takeUp && upOpen) || !downOpen) {
      const from = text.lastIndexOf('\n', top - 2) + 1;
      if (used + (top - from) > budgetChars) upOpen = false;
      else {
        used += top - from;
        top = from;
        upOpen = top > 0;
      }
    } else {
      let to = text.indexOf('\n', bottom + 1);
      if (to < 0) to = text.length;
      if (used + (to - bottom) > budgetChars) downOpen = false;
      else {
        used += to - bottom;
        bottom = to;
        downOpen = bottom < text.length;
      }
    }
  }
  return { prefix: text.slice(top, at), suffix: text.slice(at, bottom) };
}
