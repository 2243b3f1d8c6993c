/**
 * Finds the lines of a text that a regular expression matches, line by line
 * (as if the text were split on \r?\n and each line tested alone), without
 * splitting the text when it is safe: one global scan over the whole text finds
 * candidate lines, and only those are tested alone. On a large project most
 * files have no match at all, and the scan rejects them at the speed of V8's
 * regex engine.
 *
 * The scan is only used for patterns that cannot match a line feed (see
 * `scansWholeText`): `foo[^;]*bar` over the whole text runs from every `foo` to
 * the end of the file (minutes on a large file without `;`), where each line
 * alone takes microseconds.
 */

/** The lines of `text` that `regex` matches, 1-based, at most `limit` of them. */
export interface MatchedLine {
  line: number;
  text: string;
}

export interface LineMatcher {
  /** True when matching scans the whole text, false when it tests line by line. */
  readonly wholeText: boolean;
  /** Matching lines in order; stops after `limit` (the caller can tell there were more). */
  matches(text: string, limit: number): MatchedLine[];
  /**
   * The same, a slice of about `sliceChars` (cut at line ends) at a time,
   * awaiting `pause()` between slices: the caller yields to the page there and
   * throws to stop. Short texts are matched at once, without a pause.
   */
  matchesInSlices(text: string, limit: number, pause: () => Promise<void>, sliceChars?: number): Promise<MatchedLine[]>;
}

export const SLICE_CHARS = 256 * 1024;

/**
 * `options.wholeText` forces a choice (tests check that the scan finds the
 * same lines as line-by-line testing even for patterns it is not used for).
 */
export function createLineMatcher(regex: RegExp, options: { wholeText?: boolean } = {}): LineMatcher {
  const line = new RegExp(regex.source, regex.flags.replace(/[gym]/g, ''));
  const wholeText = options.wholeText ?? scansWholeText(regex.source, regex.flags);
  const scanner = wholeText ? new RegExp(regex.source, `${line.flags}gm`) : null;
  const run = (text: string, limit: number): MatchedLine[] =>
    scanner ? scanMatches(text, limit, line, scanner) : eachLineMatches(text, limit, line);
  return {
    wholeText,
    matches: run,
    matchesInSlices: (text, limit, pause, sliceChars = SLICE_CHARS) => inSlices(text, limit, pause, Math.max(1, sliceChars), run),
  };
}

// ---- is the whole-text scan safe? -------------------------------------------

const LF = 10;

/** Can an atom match a line feed: surely ('always'), perhaps ('maybe'), or not ('never')? */
type Newline = 'never' | 'maybe' | 'always';

interface Atom {
  newline: Newline;
  /** The one code unit the atom stands for, when it is a single character (for ranges in a class). */
  code?: number;
  end: number;
}

/**
 * May the whole text be scanned for `source`/`flags` (the pattern provably
 * cannot match a line feed, and has no lookaround)? A conservative syntactic
 * check: anything it is unsure of answers false, and matching goes line by line.
 *
 * Only the line feed matters: lines are split at \n (with an \r before it
 * dropped), so a match that does not consume a \n stays within one line; an
 * atom matching \r (or U+2028) alone moves at most inside a line or onto its
 * line end. Atoms that can match \n: `\n`, `\s`, `\D`, `\W`, `.` with the s
 * flag, a negated class that does not exclude \n (`[^;]`, `[^]`, `[^\S]`), a
 * class holding any of these or a range over U+000A (`[\t-\r]`), and escapes
 * whose value we do not decode (`\x0a`, `\u000a`, `\u{a}`, `\cJ`, `\p{Cc}`,
 * `\P{L}`, octal `\12`/`\012`). Safe: `\S` (\n is white space), `\d`, `\w`,
 * `\b`, `\B`, `\r`, `\t`, `\v`, `\f`, `.` without s, identity escapes,
 * backreferences (`\1`, `\k<n>`: they repeat a group, which is checked itself).
 *
 * Lookarounds are refused too, for correctness rather than speed: they see past
 * a line's end in the whole text (`x(?![^a])` matches the line "x" alone, but
 * not "x\n" in context). So is any other `(?` group than `(?:` and `(?<name>`
 * (pattern modifiers such as `(?s:.)`), and the v flag (nested classes).
 */
export function scansWholeText(source: string, flags: string): boolean {
  const dotAll = flags.includes('s');
  if (flags.includes('v') && source.includes('[')) return false;
  let i = 0;
  while (i < source.length) {
    const c = source.charCodeAt(i);
    if (c === 0x5c /* \ */) {
      const atom = escapeAt(source, i + 1, false);
      if (atom.newline !== 'never') return false;
      i = atom.end;
    } else if (c === 0x5b /* [ */) {
      const cls = classAt(source, i + 1);
      if (cls.newline !== 'never') return false;
      i = cls.end;
    } else if (c === 0x28 /* ( */) {
      if (source[i + 1] === '?') {
        const next = source[i + 2];
        const named = next === '<' && source[i + 3] !== '=' && source[i + 3] !== '!';
        if (next !== ':' && !named) return false;
      }
      i++;
    } else if (c === 0x2e /* . */) {
      if (dotAll) return false;
      i++;
    } else if (c === LF) {
      return false;
    } else {
      i++;
    }
  }
  return true;
}

/** The escape whose letter is at `at` (just after the backslash). */
function escapeAt(source: string, at: number, inClass: boolean): Atom {
  if (at >= source.length) return { newline: 'never', end: at };
  const ch = source[at]!;
  const end = at + 1;
  const digitNext = /[0-9]/.test(source[end] ?? '');
  switch (ch) {
    case 'n':
      return { newline: 'always', code: LF, end };
    case 's':
    case 'D':
    case 'W':
      return { newline: 'always', end };
    case 'd':
    case 'w':
    case 'S':
    case 'B':
      return { newline: 'never', end };
    case 'b':
      return inClass ? { newline: 'never', code: 8, end } : { newline: 'never', end };
    case 'r':
      return { newline: 'never', code: 13, end };
    case 't':
      return { newline: 'never', code: 9, end };
    case 'v':
      return { newline: 'never', code: 11, end };
    case 'f':
      return { newline: 'never', code: 12, end };
    case 'x':
    case 'u':
    case 'c':
    case 'p':
    case 'P':
      return { newline: 'maybe', end };
    default:
      break;
  }
  if (ch >= '0' && ch <= '9') {
    // Two digits may be an octal escape: \12 and \012 are a line feed.
    if (digitNext) return { newline: 'maybe', end };
    // \0 is NUL; \1-\9 a backreference, or (without such a group) octal \1-\7 or a literal 8 or 9.
    return { newline: 'never', code: ch <= '7' ? Number(ch) : ch.charCodeAt(0), end };
  }
  const code = source.charCodeAt(at);
  return { newline: code === LF ? 'always' : 'never', code, end };
}

/** The class whose body starts at `at` (just after the `[`); `end` is past its `]`. */
function classAt(source: string, at: number): Atom {
  let i = at;
  const negated = source[i] === '^';
  if (negated) i++;
  let always = false;
  let maybe = false;
  const add = (n: Newline) => {
    if (n === 'always') always = true;
    else if (n === 'maybe') maybe = true;
  };
  const atomAt = (j: number): Atom => {
    if (source[j] === '\\') return escapeAt(source, j + 1, true);
    const code = source.charCodeAt(j);
    return { newline: code === LF ? 'always' : 'never', code, end: j + 1 };
  };
  // In JavaScript a `]` right after `[` or `[^` closes the class (`[]` never matches, `[^]` matches anything).
  while (i < source.length && source[i] !== ']') {
    const low = atomAt(i);
    if (source[low.end] === '-' && low.end + 1 < source.length && source[low.end + 1] !== ']') {
      const high = atomAt(low.end + 1);
      if (low.code === undefined || high.code === undefined) {
        // A class escape at either end (`[\d-z]`): without the u flag, the two atoms and a '-'.
        add(low.newline);
        add(high.newline);
      } else if (low.code <= LF && LF <= high.code) {
        always = true;
      } else {
        add(low.newline);
        add(high.newline);
      }
      i = high.end;
    } else {
      add(low.newline);
      i = low.end;
    }
  }
  const end = Math.min(i + 1, source.length);
  // A negated class excludes \n only if one of its parts surely matches \n.
  if (negated) return { newline: always ? 'never' : 'maybe', end };
  return { newline: always ? 'always' : maybe ? 'maybe' : 'never', end };
}

// ---- matching ----------------------------------------------------------------

/** Each line tested alone (as split(/\r?\n/) cuts them), without splitting the whole text up front. */
function eachLineMatches(text: string, limit: number, line: RegExp): MatchedLine[] {
  const out: MatchedLine[] = [];
  let lineNo = 1;
  let lineStart = 0;
  while (out.length < limit) {
    const nl = text.indexOf('\n', lineStart);
    const stop = nl === -1 ? text.length : nl > lineStart && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
    const body = text.slice(lineStart, stop);
    if (line.test(body)) out.push({ line: lineNo, text: body });
    if (nl === -1) break;
    lineStart = nl + 1;
    lineNo++;
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
  if (limit <= 0) return out;
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

/**
 * Slices end where a line ends (before its \r\n or \n) and the next one starts
 * after that \n, so each slice splits into exactly the text's own lines.
 */
async function inSlices(
  text: string,
  limit: number,
  pause: () => Promise<void>,
  sliceChars: number,
  run: (text: string, limit: number) => MatchedLine[],
): Promise<MatchedLine[]> {
  if (text.length <= sliceChars) return run(text, limit);
  const out: MatchedLine[] = [];
  let start = 0;
  let lineOffset = 0;
  for (;;) {
    const nl = start + sliceChars < text.length ? text.indexOf('\n', start + sliceChars) : -1;
    const end = nl === -1 ? text.length : nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
    for (const m of run(text.slice(start, end), limit - out.length)) out.push({ line: m.line + lineOffset, text: m.text });
    if (nl === -1 || out.length >= limit) return out;
    for (let i = text.indexOf('\n', start); i !== -1 && i <= nl; i = text.indexOf('\n', i + 1)) lineOffset++;
    start = nl + 1;
    await pause();
  }
}
