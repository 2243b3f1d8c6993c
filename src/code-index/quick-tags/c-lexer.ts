import type { AstDefinition, SymbolKind } from '../../worker-api/ast';
import { collapseSignature, SIGNATURE_MAX } from '../signature';

/**
 * A token lexer for the C-like syntax Go, Rust, Java and C# share (comments,
 * strings, raw strings, text blocks, char literals, brackets), plus the step
 * that turns the definitions a tagger found into AstDefinitions the way
 * extract.ts does.
 * The lexer never allocates per token: the current token is a set of fields.
 */

export const EOF = 0;
export const IDENT = 1;
export const PUNCT = 2;
export const STRING = 3;
export const CHAR = 4;
export const NUMBER = 5;
export const LIFETIME = 6;

const IDENT_CHAR = 1;
const DIGIT = 2;
const SPACE = 4;
const CLASS = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95) CLASS[c] = IDENT_CHAR;
  else if (c >= 48 && c <= 57) CLASS[c] = DIGIT;
}
for (const c of [9, 10, 11, 12, 13, 32]) CLASS[c] = SPACE;

/** The non-ASCII characters JavaScript's `\s` matches (so signature trimming agrees with extract.ts). */
function isWideSpace(c: number): boolean {
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

function isIdentChar(c: number): boolean {
  return c < 128 ? (CLASS[c]! & (IDENT_CHAR | DIGIT)) !== 0 : !isWideSpace(c);
}

function isIdentStart(c: number): boolean {
  return c < 128 ? CLASS[c] === IDENT_CHAR : !isWideSpace(c);
}

export class CLexer {
  readonly text: string;
  private readonly len: number;
  /** Rust: nested block comments, raw strings, lifetimes; otherwise Go: back-quoted raw strings, runes. */
  private readonly rust: boolean;
  /** Java and C#: `"""` strings, and a back quote is plain punctuation (Go's raw strings are off). */
  private readonly java: boolean;
  /** C#: verbatim, interpolated and raw strings, `@keyword` identifiers, and `#` directives skipped like comments. */
  private readonly csharp: boolean;
  /** Where lexing resumes. */
  pos = 0;
  type = EOF;
  start = 0;
  end = 0;
  /** The character of a PUNCT token. */
  ch = 0;
  /** A line break (in whitespace or inside a comment) precedes this token: Go's semicolon insertion needs it. */
  nl = false;
  private saved = [0, 0, 0, 0, 0, 0];

  constructor(text: string, rust: boolean, flavor: 'java' | 'csharp' | null = null) {
    this.text = text;
    this.len = text.length;
    this.rust = rust && flavor === null;
    this.java = flavor !== null;
    this.csharp = flavor === 'csharp';
  }

  /** Remembers the current token so a few tokens of lookahead can be undone with restore(). */
  save(): void {
    const s = this.saved;
    s[0] = this.pos;
    s[1] = this.type;
    s[2] = this.start;
    s[3] = this.end;
    s[4] = this.ch;
    s[5] = this.nl ? 1 : 0;
  }

  restore(): void {
    const s = this.saved;
    this.pos = s[0]!;
    this.type = s[1]!;
    this.start = s[2]!;
    this.end = s[3]!;
    this.ch = s[4]!;
    this.nl = s[5] === 1;
  }

  /** The current token is this identifier or keyword. */
  is(word: string): boolean {
    return this.type === IDENT && this.end - this.start === word.length && this.text.startsWith(word, this.start);
  }

  isPunct(ch: number): boolean {
    return this.type === PUNCT && this.ch === ch;
  }

  /** The current token's text (allocates: only for names). */
  word(): string {
    return this.text.slice(this.start, this.end);
  }

  next(): number {
    const text = this.text;
    const len = this.len;
    let p = this.pos;
    let nl = false;
    for (;;) {
      if (p >= len) {
        this.pos = len;
        this.start = this.end = len;
        this.nl = nl;
        this.ch = 0;
        return (this.type = EOF);
      }
      const c = text.charCodeAt(p);
      if (c < 128) {
        if (CLASS[c] === SPACE) {
          if (c === 10) nl = true;
          p++;
          continue;
        }
        if (c === 35 && this.csharp) {
          // A directive (`#if`, `#region`) runs to its line's end; `#` means nothing else in C#.
          const e = text.indexOf('\n', p + 1);
          p = e < 0 ? len : e;
          continue;
        }
        if (c === 47) {
          const d = text.charCodeAt(p + 1);
          if (d === 47) {
            const e = text.indexOf('\n', p + 2);
            p = e < 0 ? len : e;
            continue;
          }
          if (d === 42) {
            p = this.rust ? this.skipNestedComment(p) : this.skipComment(p);
            if (p < 0) {
              p = -p;
              nl = true;
            }
            continue;
          }
        }
        break;
      }
      if (isWideSpace(c)) {
        p++;
        continue;
      }
      break;
    }
    this.nl = nl;
    this.start = p;
    this.ch = 0;
    const c = text.charCodeAt(p);
    if (c >= 128 || CLASS[c] === IDENT_CHAR) {
      let q = p + 1;
      while (q < len && isIdentChar(text.charCodeAt(q))) q++;
      if (this.rust && q - p <= 2 && text.charCodeAt(q - 1) === 114 /* r */ && (q - p === 1 || text.charCodeAt(p) === 98 || text.charCodeAt(p) === 99)) {
        const raw = this.rawString(q);
        if (raw > 0) return this.token(STRING, raw);
        // r#ident: a raw identifier, kept with its prefix as tree-sitter does
        if (q - p === 1 && text.charCodeAt(q) === 35 && isIdentStart(text.charCodeAt(q + 1))) {
          q += 2;
          while (q < len && isIdentChar(text.charCodeAt(q))) q++;
        }
      }
      return this.token(IDENT, q);
    }
    if (CLASS[c] === DIGIT) {
      let q = p + 1;
      for (; q < len; q++) {
        const d = text.charCodeAt(q);
        if (isIdentChar(d)) continue;
        // Go's `1.` is a number; Rust's `1.max(2)` and `0..n` are not
        if (d === 46 && (this.rust ? CLASS[text.charCodeAt(q + 1)] === DIGIT : text.charCodeAt(q + 1) !== 46)) continue;
        break;
      }
      return this.token(NUMBER, q);
    }
    if (this.csharp && (c === 34 || c === 36 || c === 64)) {
      const end = this.csharpString(p);
      if (end > p) return this.token(STRING, end);
      if (c === 64 && isIdentStart(text.charCodeAt(p + 1))) {
        // `@class`: an identifier, never the keyword
        let q = p + 2;
        while (q < len && isIdentChar(text.charCodeAt(q))) q++;
        return this.token(IDENT, q);
      }
    } else if (c === 34) {
      if (this.java && text.charCodeAt(p + 1) === 34 && text.charCodeAt(p + 2) === 34) return this.token(STRING, this.textBlock(p + 3));
      return this.token(STRING, this.quoted(p + 1, 34, this.rust));
    }
    if (c === 39) {
      if (this.rust) return this.quoteRust(p);
      return this.token(CHAR, this.quoted(p + 1, 39, false));
    }
    if (c === 96 && !this.rust && !this.java) {
      const e = text.indexOf('`', p + 1);
      return this.token(STRING, e < 0 ? len : e + 1);
    }
    this.ch = c;
    return this.token(PUNCT, p + 1);
  }

  private token(type: number, end: number): number {
    this.end = end;
    this.pos = end;
    return (this.type = type);
  }

  /** The end of a string or rune opened before `p`; a Go one stops at its line's end when unterminated. */
  private quoted(p: number, quote: number, multiline: boolean): number {
    const text = this.text;
    const len = this.len;
    while (p < len) {
      const c = text.charCodeAt(p);
      if (c === quote) return p + 1;
      if (c === 92) p += 2;
      else if (c === 10 && !multiline) return p;
      else p++;
    }
    return len;
  }

  /**
   * The end of the C# string whose prefix (`$`s and `@`) starts at `p`, or `p`
   * when none starts there: regular, verbatim, interpolated (holes may hold
   * strings and braces) and raw strings.
   */
  private csharpString(p: number): number {
    const text = this.text;
    const len = this.len;
    let q = p;
    let dollars = 0;
    let verbatim = false;
    for (; q < len && q - p < 8; q++) {
      const c = text.charCodeAt(q);
      if (c === 36) dollars++;
      else if (c === 64) verbatim = true;
      else break;
    }
    if (text.charCodeAt(q) !== 34) return p;
    if (text.charCodeAt(q + 1) === 34 && text.charCodeAt(q + 2) === 34) {
      // A raw string ends at the next run of as many quotes as opened it.
      let quotes = 3;
      while (text.charCodeAt(q + quotes) === 34) quotes++;
      // Runs are measured in one forward scan (an indexOf of a long run of quotes could rescan).
      for (let r = q + quotes; r < len; ) {
        if (text.charCodeAt(r) !== 34) {
          r++;
          continue;
        }
        let run = 1;
        while (text.charCodeAt(r + run) === 34) run++;
        if (run >= quotes) return r + quotes;
        r += run;
      }
      return len;
    }
    q++;
    let hole = 0;
    while (q < len) {
      const c = text.charCodeAt(q);
      if (hole > 0) {
        if (c === 123) hole++;
        else if (c === 125) hole--;
        else if (c === 34 || c === 39) {
          q = this.quoted(q + 1, c, false);
          continue;
        }
        q++;
      } else if (c === 34) {
        if (verbatim && text.charCodeAt(q + 1) === 34) q += 2;
        else return q + 1;
      } else if (c === 92 && !verbatim) q += 2;
      else if (c === 10 && !verbatim) return q;
      else if (c === 123 && dollars > 0) {
        if (dollars === 1 && text.charCodeAt(q + 1) === 123) q += 2;
        else {
          hole = 1;
          q++;
        }
      } else q++;
    }
    return len;
  }

  /** The end of a Java text block whose content starts at `p`: the next unescaped `"""`. */
  private textBlock(p: number): number {
    const text = this.text;
    const len = this.len;
    while (p < len) {
      const c = text.charCodeAt(p);
      if (c === 92) p += 2;
      else if (c === 34 && text.charCodeAt(p + 1) === 34 && text.charCodeAt(p + 2) === 34) return p + 3;
      else p++;
    }
    return len;
  }

  /** A Go block comment; returns the negated end when the comment spans a line break. */
  private skipComment(p: number): number {
    const text = this.text;
    const len = this.len;
    let nl = false;
    for (let q = p + 2; q < len; q++) {
      const c = text.charCodeAt(q);
      if (c === 10) nl = true;
      else if (c === 42 && text.charCodeAt(q + 1) === 47) return nl ? -(q + 2) : q + 2;
    }
    return nl ? -len : len;
  }

  /** Rust block comments nest. */
  private skipNestedComment(p: number): number {
    const text = this.text;
    const len = this.len;
    let depth = 1;
    let q = p + 2;
    while (q < len) {
      const c = text.charCodeAt(q);
      if (c === 42 && text.charCodeAt(q + 1) === 47) {
        q += 2;
        if (--depth === 0) return q;
      } else if (c === 47 && text.charCodeAt(q + 1) === 42) {
        q += 2;
        depth++;
      } else q++;
    }
    return len;
  }

  /** `r"…"`, `r#"…"#` (after r, br or cr at `q`): the end of the raw string, or 0 when this is not one. */
  private rawString(q: number): number {
    const text = this.text;
    let hashes = 0;
    while (text.charCodeAt(q + hashes) === 35) hashes++;
    if (text.charCodeAt(q + hashes) !== 34) return 0;
    let p = q + hashes + 1;
    for (;;) {
      const e = text.indexOf('"', p);
      if (e < 0) return this.len;
      let h = 0;
      while (h < hashes && text.charCodeAt(e + 1 + h) === 35) h++;
      if (h === hashes) return e + 1 + hashes;
      p = e + 1;
    }
  }

  /** `'x'`, `'\n'`, `'\u{1F600}'` are chars; `'a`, `'static` are lifetimes or labels. */
  private quoteRust(p: number): number {
    const text = this.text;
    const c1 = text.charCodeAt(p + 1);
    if (c1 === 92) {
      // An escape: the closing quote comes within a few characters (`\u{10FFFF}` is the longest).
      const limit = Math.min(this.len, p + 14);
      for (let q = p + 3; q < limit; q++) {
        const c = text.charCodeAt(q);
        if (c === 39) return this.token(CHAR, q + 1);
        if (c === 10) break;
      }
    } else if (text.charCodeAt(p + 2) === 39 && c1 !== 10) {
      return this.token(CHAR, p + 3);
    } else if (c1 >= 0xd800 && c1 <= 0xdbff && text.charCodeAt(p + 3) === 39) {
      return this.token(CHAR, p + 4);
    } else if (isIdentStart(c1)) {
      let q = p + 2;
      while (q < this.len && isIdentChar(text.charCodeAt(q))) q++;
      return this.token(LIFETIME, q);
    }
    this.ch = 39;
    return this.token(PUNCT, p + 1);
  }
}

/** A definition as a tagger found it, before paths, lines and signatures are worked out. */
export interface RawDef {
  /** `scope` (a Rust impl) qualifies what is inside it without being reported. */
  kind: SymbolKind | 'scope';
  name: string;
  /** Offsets of the definition node: [start, end). end < 0 while unknown; such definitions are dropped. */
  start: number;
  end: number;
  nameStart: number;
  /** Where the body starts (the signature runs up to it), or -1 for a first-line signature. */
  bodyStart: number;
  /** A segment between the enclosing scope and the name (a Go method's receiver type), or null. */
  qualifier: string | null;
}

export function rawDef(kind: RawDef['kind'], name: string, start: number, nameStart: number, qualifier: string | null = null): RawDef {
  return { kind, name, start, end: -1, nameStart, bodyStart: -1, qualifier };
}

/** Containers whose functions are methods (as in extract.ts). */
const CLASS_LIKE = new Set<string>(['class', 'struct', 'interface', 'trait', 'enum', 'union', 'scope']);
/** Definitions that do not qualify what is nested in them (as in extract.ts). */
const NOT_CONTAINERS = new Set<string>(['type', 'macro']);
const VALUE_KINDS = new Set<string>(['function', 'method', 'variable', 'constant']);
/**
 * Definitions nested deeper than this are dropped with all they contain: real
 * code never gets there, and in a broken file (`fn f() {` repeated) each path
 * would repeat all its ancestors, quadratic in the input.
 */
const MAX_NESTING = 64;

/** Names bound by one statement (Go's `var a, b int`) share its range: siblings, not nested (as in extract.ts). */
function sameStatement(outer: RawDef, inner: RawDef): boolean {
  return outer.start === inner.start && outer.end === inner.end && VALUE_KINDS.has(outer.kind) && VALUE_KINDS.has(inner.kind);
}

interface Placed {
  def: RawDef;
  path: string;
  parent: Placed | null;
}

function isSignatureTrim(c: number): boolean {
  return c === 123 || c === 58 || c === 61 || (c < 128 ? CLASS[c] === SPACE : isWideSpace(c));
}

/**
 * The definitions as extract.ts reports them: sorted by start (outer first),
 * each qualified by the definitions and scopes whose range contains it.
 */
export function assemble(text: string, raw: RawDef[], prefix: readonly string[]): AstDefinition[] {
  const defs = raw.filter((d) => d.end >= d.start && d.end >= d.nameStart);
  if (defs.length === 0) return [];
  let sorted = true;
  for (let i = 1; i < defs.length && sorted; i++) {
    const a = defs[i - 1]!;
    const b = defs[i]!;
    if (a.start > b.start || (a.start === b.start && a.end < b.end)) sorted = false;
  }
  if (!sorted) defs.sort((a, b) => a.start - b.start || b.end - a.end);

  const lines = lineStarts(text);
  /** The line of an offset at or after line `from`'s start. */
  const lineOf = (offset: number, from: number): number => {
    if (from + 1 >= lines.length || lines[from + 1]! > offset) return from;
    let lo = from + 1;
    let hi = lines.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lines[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };

  const prefixPath = prefix.join('::');
  const join = (base: string, segment: string | null): string => (segment === null ? base : base === '' ? segment : `${base}::${segment}`);
  const stack: Placed[] = [];
  const out: AstDefinition[] = [];
  let lastStartLine = 0;
  for (const d of defs) {
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!.def;
      if (top.start <= d.start && d.end <= top.end && !sameStatement(top, d)) break;
      stack.pop();
    }
    if (stack.length >= MAX_NESTING) continue;
    const parent = stack[stack.length - 1] ?? null;
    const placed: Placed = { def: d, path: join(join(parent ? parent.path : prefixPath, d.qualifier), d.name), parent };
    if (d.kind === 'function' && parent && CLASS_LIKE.has(parent.def.kind)) d.kind = 'method';
    if (!NOT_CONTAINERS.has(d.kind)) stack.push(placed);
    if (d.kind === 'scope') continue;

    // Starts only grow (sorted), so each search begins at the previous start's line.
    const startLine = (lastStartLine = lineOf(d.start, lastStartLine));
    const nameLine = lineOf(d.nameStart, startLine);
    let signatureEnd: number;
    if (d.bodyStart > d.start) {
      signatureEnd = d.bodyStart;
      while (signatureEnd > d.start && isSignatureTrim(text.charCodeAt(signatureEnd - 1))) signatureEnd--;
    } else {
      const lineEnd = startLine + 1 < lines.length ? lines[startLine + 1]! - 1 : text.length;
      signatureEnd = Math.min(lineEnd, d.end, d.start + SIGNATURE_MAX * 2);
    }
    out.push({
      name: d.name,
      path: placed.path,
      kind: d.kind,
      line1: startLine + 1,
      line2: (d.end > d.start ? lineOf(d.end - 1, startLine) : startLine) + 1,
      nameLine: nameLine + 1,
      nameColumn: d.nameStart - lines[nameLine]! + 1,
      signature: signature(text.slice(d.start, signatureEnd)),
      parent: parent ? parent.path : d.qualifier !== null ? join(prefixPath, d.qualifier) : null,
    });
  }
  return out;
}

/** collapseSignature, skipping its regular expressions when they would change nothing (most one-line declarations). */
function signature(text: string): string {
  if (text.length > SIGNATURE_MAX) return collapseSignature(text);
  let prevSpace = true;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 32) {
      if (prevSpace) return collapseSignature(text);
      prevSpace = true;
    } else if (c < 32 || (c >= 128 && isWideSpace(c))) return collapseSignature(text);
    else prevSpace = false;
  }
  return prevSpace && text.length > 0 ? collapseSignature(text) : text;
}

/** Offsets where each line starts (line breaks are `\n`, as tree-sitter counts rows). */
function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}
