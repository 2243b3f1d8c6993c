/**
 * Finds the lines of a text that a regular expression matches, line by line
 * (as if the text were split on \r?\n and each line tested alone), without
 * splitting the text: one global scan over the whole text finds candidate
 * lines, and only those are tested alone. On a large project most files have
 * no match at all, and the scan rejects them at the speed of V8's regex engine.
 */

/** The lines of `text` that `regex` matches, 1-based, at most `limit` of them. */
export interface MatchedLine {
  line: number;
  text: string;
}

/**
 * Lookarounds can see past a line's end in the whole text (`x(?![^a])` matches
 * the line "x" alone, but not "x\n" in context), so the scan could miss a line;
 * such patterns are tested line by line instead.
 */
const LOOKAROUND = /\(\?<?[=!]/;

export interface LineMatcher {
  /** Matching lines in order; stops after `limit` (the caller can tell there were more). */
  matches(text: string, limit: number): MatchedLine[];
}

export function createLineMatcher(regex: RegExp): LineMatcher {
  const line = new RegExp(regex.source, regex.flags.replace(/[gym]/g, ''));
  const scanner = LOOKAROUND.test(regex.source) ? null : new RegExp(regex.source, `${line.flags}gm`);
  return {
    matches(text, limit) {
      return scanner ? scanMatches(text, limit, line, scanner) : eachLineMatches(text, limit, line);
    },
  };
}

function eachLineMatches(text: string, limit: number, line: RegExp): MatchedLine[] {
  const out: MatchedLine[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length && out.length < limit; i++) {
    if (line.test(lines[i]!)) out.push({ line: i + 1, text: lines[i]! });
  }
  return out;
}

/**
 * Every line a whole-text match touches is tested alone; the scan then goes on
 * at the next line. Without lookarounds, a line that matches alone also matches
 * in context at the same place (with the m flag, ^ $ \b see a line break as
 * they see a line's edge), so a line that no scan match touches cannot match.
 */
function scanMatches(text: string, limit: number, line: RegExp, scanner: RegExp): MatchedLine[] {
  const out: MatchedLine[] = [];
  let lineNo = 1;
  let lineStart = 0;
  scanner.lastIndex = 0;
  for (;;) {
    const m = scanner.exec(text);
    if (!m) return out;
    const first = m.index;
    const last = m[0].length > 0 ? first + m[0].length - 1 : first;
    for (let nl = text.indexOf('\n', lineStart); nl !== -1 && nl < first; nl = text.indexOf('\n', lineStart)) {
      lineStart = nl + 1;
      lineNo++;
    }
    for (;;) {
      const nl = text.indexOf('\n', lineStart);
      // split(/\r?\n/) drops a \r only before a \n.
      const stop = nl === -1 ? text.length : nl > lineStart && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      const body = text.slice(lineStart, stop);
      if (line.test(body)) {
        out.push({ line: lineNo, text: body });
        if (out.length >= limit) return out;
      }
      if (nl === -1) return out;
      lineStart = nl + 1;
      lineNo++;
      if (nl >= last) break;
    }
    scanner.lastIndex = lineStart;
  }
}
