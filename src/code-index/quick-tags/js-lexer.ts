/**
 * A JavaScript / TypeScript tokenizer for the quick tagger (javascript.ts):
 * one token at a time, no allocation per token. It does not know the grammar,
 * so the caller tells it what only the grammar can: whether a `/` here starts
 * a regex, when a `}` resumes a template literal, and when it is inside JSX.
 * Every loop advances, and malformed input (unterminated strings, templates,
 * regexes, comments) ends at a line break or at the end of the text.
 */

export const T_EOF = 0;
export const T_IDENT = 1;
export const T_NUM = 2;
export const T_STRING = 3;
/** A template literal without substitutions, or the tail after its last `${...}`. */
export const T_TEMPLATE = 4;
/** The part of a template literal up to and including a `${`. */
export const T_TEMPLATE_HEAD = 5;
export const T_REGEX = 6;
/** `#name` */
export const T_PRIVATE = 7;
/** A one-character punctuator, in `ch`. */
export const T_PUNCT = 8;
/** A multi-character operator that sits between operands: `==`, `&&`, `+=`, `?.`, `<=`, `>>=`... (first character in `ch`). */
export const T_OP = 9;
export const T_ARROW = 10;
/** `++` or `--` */
export const T_INCDEC = 11;
/** `...` */
export const T_DOTS = 12;
/** In a JSX tag: a tag or attribute name. */
export const T_JSX_NAME = 13;
/** In a JSX tag: the `>` that ends an opening tag. */
export const T_JSX_TAG_END = 14;
/** In a JSX tag: `/>` */
export const T_JSX_SELF_CLOSE = 15;
/** In JSX children: `<` opening a child element (the position is after it). */
export const T_JSX_OPEN = 16;
/** In JSX children: a whole closing tag `</name>`. */
export const T_JSX_CLOSE = 17;

// Keywords, as `kw` of a T_IDENT (0 for any other name).
export const K_FUNCTION = 1;
export const K_CLASS = 2;
export const K_CONST = 3;
export const K_LET = 4;
export const K_VAR = 5;
export const K_ASYNC = 6;
export const K_EXPORT = 7;
export const K_DEFAULT = 8;
export const K_DECLARE = 9;
export const K_ABSTRACT = 10;
export const K_INTERFACE = 11;
export const K_TYPE = 12;
export const K_ENUM = 13;
export const K_NAMESPACE = 14;
export const K_MODULE = 15;
export const K_GLOBAL = 16;
export const K_IMPORT = 17;
export const K_EXTENDS = 18;
export const K_IMPLEMENTS = 19;
export const K_STATIC = 20;
export const K_PUBLIC = 21;
export const K_PRIVATE = 22;
export const K_PROTECTED = 23;
export const K_READONLY = 24;
export const K_OVERRIDE = 25;
export const K_ACCESSOR = 26;
export const K_GET = 27;
export const K_SET = 28;
export const K_NEW = 29;
export const K_RETURN = 30;
export const K_TYPEOF = 31;
export const K_INSTANCEOF = 32;
export const K_IN = 33;
export const K_OF = 34;
export const K_AS = 35;
export const K_SATISFIES = 36;
export const K_KEYOF = 37;
export const K_DELETE = 38;
export const K_THROW = 39;
export const K_CASE = 40;
export const K_DO = 41;
export const K_ELSE = 42;
export const K_YIELD = 43;
export const K_AWAIT = 44;
export const K_IF = 45;
export const K_FOR = 46;
export const K_WHILE = 47;
export const K_SWITCH = 48;
export const K_CATCH = 49;
export const K_WITH = 50;
export const K_TRY = 51;
export const K_FINALLY = 52;
export const K_BREAK = 53;
export const K_CONTINUE = 54;

const KEYWORDS: ReadonlyArray<readonly [string, number]> = [
  ['function', K_FUNCTION],
  ['class', K_CLASS],
  ['const', K_CONST],
  ['let', K_LET],
  ['var', K_VAR],
  ['async', K_ASYNC],
  ['export', K_EXPORT],
  ['default', K_DEFAULT],
  ['declare', K_DECLARE],
  ['abstract', K_ABSTRACT],
  ['interface', K_INTERFACE],
  ['type', K_TYPE],
  ['enum', K_ENUM],
  ['namespace', K_NAMESPACE],
  ['module', K_MODULE],
  ['global', K_GLOBAL],
  ['import', K_IMPORT],
  ['extends', K_EXTENDS],
  ['implements', K_IMPLEMENTS],
  ['static', K_STATIC],
  ['public', K_PUBLIC],
  ['private', K_PRIVATE],
  ['protected', K_PROTECTED],
  ['readonly', K_READONLY],
  ['override', K_OVERRIDE],
  ['accessor', K_ACCESSOR],
  ['get', K_GET],
  ['set', K_SET],
  ['new', K_NEW],
  ['return', K_RETURN],
  ['typeof', K_TYPEOF],
  ['instanceof', K_INSTANCEOF],
  ['in', K_IN],
  ['of', K_OF],
  ['as', K_AS],
  ['satisfies', K_SATISFIES],
  ['keyof', K_KEYOF],
  ['delete', K_DELETE],
  ['throw', K_THROW],
  ['case', K_CASE],
  ['do', K_DO],
  ['else', K_ELSE],
  ['yield', K_YIELD],
  ['await', K_AWAIT],
  ['if', K_IF],
  ['for', K_FOR],
  ['while', K_WHILE],
  ['switch', K_SWITCH],
  ['catch', K_CATCH],
  ['with', K_WITH],
  ['try', K_TRY],
  ['finally', K_FINALLY],
  ['break', K_BREAK],
  ['continue', K_CONTINUE],
];

/**
 * Keywords in an open-addressing hash table keyed by length and three characters, so most names
 * are told apart from keywords with one table read.
 */
const KW_MASK = 511;
const KW_TABLE = new Int16Array(KW_MASK + 1);
function kwHash(c0: number, c1: number, last: number, length: number): number {
  return (c0 * 7 + c1 * 31 + last * 3 + length * 131) & KW_MASK;
}
KEYWORDS.forEach(([word, ], index) => {
  let h = kwHash(word.charCodeAt(0), word.charCodeAt(1), word.charCodeAt(word.length - 1), word.length);
  while (KW_TABLE[h] !== 0) h = (h + 1) & KW_MASK;
  KW_TABLE[h] = index + 1;
});

// ASCII character classes.
const IDENT_START = 1;
const IDENT_PART = 2;
const CHAR_CLASS = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  // A backslash can only be a `\u` escape in a name.
  const start = (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 36 || c === 95 || c === 92;
  if (start) CHAR_CLASS[c] = IDENT_START | IDENT_PART;
  else if (c >= 48 && c <= 57) CHAR_CLASS[c] = IDENT_PART;
}

/** Non-ASCII characters that are white space (line terminators among them) rather than parts of a name. */
function isUnicodeSpace(c: number): boolean {
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

export function isIdentStart(c: number): boolean {
  return c < 128 ? (CHAR_CLASS[c]! & IDENT_START) !== 0 : !isUnicodeSpace(c);
}

function isIdentPart(c: number): boolean {
  return c < 128 ? (CHAR_CLASS[c]! & IDENT_PART) !== 0 : !isUnicodeSpace(c);
}

export class JsLexer {
  readonly text: string;
  private readonly len: number;
  pos = 0;
  type = T_EOF;
  start = 0;
  end = 0;
  /** The character of a T_PUNCT, the first one of a T_OP. */
  ch = 0;
  /** Keyword id of a T_IDENT, else 0. */
  kw = 0;
  /** A line break (or a comment holding one) comes between the previous token and this one. */
  nl = false;

  constructor(text: string) {
    this.text = text;
    this.len = text.length;
    if (text.startsWith('#!')) {
      const eol = text.indexOf('\n');
      this.pos = eol < 0 ? this.len : eol;
    }
  }

  /** Skips white space and comments; returns the position of the next token's first character. */
  private skipTrivia(from: number): number {
    const text = this.text;
    const len = this.len;
    let pos = from;
    let nl = false;
    while (pos < len) {
      const c = text.charCodeAt(pos);
      if (c === 32 || c === 9) {
        pos++;
      } else if (c === 10 || c === 13) {
        nl = true;
        pos++;
      } else if (c === 47) {
        const c2 = text.charCodeAt(pos + 1);
        if (c2 === 47) {
          const eol = text.indexOf('\n', pos + 2);
          pos = eol < 0 ? len : eol;
        } else if (c2 === 42) {
          const close = text.indexOf('*/', pos + 2);
          const stop = close < 0 ? len : close + 2;
          if (!nl && this.newlineAfter(pos) < stop) nl = true;
          pos = stop;
        } else break;
      } else if (c < 32 || c === 127) {
        pos++; // control characters (binary garbage, form feeds) separate tokens like spaces
      } else if (c >= 128 && isUnicodeSpace(c)) {
        if (c === 0x2028 || c === 0x2029) nl = true;
        pos++;
      } else break;
    }
    this.nl = nl;
    return pos;
  }

  /** The next line break at or after `pos` (or the text's length), remembered so a long line is searched once. */
  private newlineAfter(pos: number): number {
    if (pos < this.nlFrom || pos > this.nlAt) {
      const at = this.text.indexOf('\n', pos);
      this.nlFrom = pos;
      this.nlAt = at < 0 ? this.len : at;
    }
    return this.nlAt;
  }

  private nlFrom = 0;
  private nlAt = -1;
  /** A regex that failed to close ran to this line end: later `/` before it are divisions (keeps minified lines linear). */
  private regexFailedUntil = -1;

  private set(type: number, start: number, end: number): void {
    this.type = type;
    this.start = start;
    this.end = end;
    this.pos = end;
    this.kw = 0;
  }

  /** The next token in code; `regexOk` when a `/` here would start an operand. */
  next(regexOk: boolean): void {
    const text = this.text;
    const pos = this.skipTrivia(this.pos);
    if (pos >= this.len) return this.set(T_EOF, this.len, this.len);
    const c = text.charCodeAt(pos);
    if (isIdentStart(c)) return this.ident(pos);
    if (c >= 48 && c <= 57) return this.number(pos);
    switch (c) {
      case 34: // "
      case 39: // '
        return this.set(T_STRING, pos, this.stringEnd(pos + 1, c));
      case 96: // `
        return this.template(pos + 1, pos);
      case 35: {
        // #
        let end = pos + 1;
        while (end < this.len && isIdentPart(text.charCodeAt(end))) end++;
        return end > pos + 1 ? this.set(T_PRIVATE, pos, end) : this.punct(pos, c);
      }
      case 46: {
        // .
        const c2 = text.charCodeAt(pos + 1);
        if (c2 >= 48 && c2 <= 57) return this.number(pos);
        if (c2 === 46 && text.charCodeAt(pos + 2) === 46) return this.set(T_DOTS, pos, pos + 3);
        return this.punct(pos, c);
      }
      case 47: // /
        if (regexOk) {
          const end = this.regexEnd(pos + 1);
          if (end > 0) return this.set(T_REGEX, pos, end);
        }
        return text.charCodeAt(pos + 1) === 61 ? this.op(pos, 2, c) : this.punct(pos, c);
      case 61: {
        // =
        const c2 = text.charCodeAt(pos + 1);
        if (c2 === 62) return this.set(T_ARROW, pos, pos + 2);
        if (c2 === 61) return this.op(pos, text.charCodeAt(pos + 2) === 61 ? 3 : 2, c);
        return this.punct(pos, c);
      }
      case 62: {
        // `>`, `>>` and `>>>` come one `>` at a time so that `Map<K, Set<V>>` closes twice; `>=`, `>>=`, `>>>=` whole.
        let end = pos + 1;
        while (end < pos + 3 && text.charCodeAt(end) === 62) end++;
        if (text.charCodeAt(end) === 61) return this.op(pos, end + 1 - pos, c);
        return this.punct(pos, c);
      }
      case 60: {
        // <
        const c2 = text.charCodeAt(pos + 1);
        if (c2 === 61) return this.op(pos, 2, c);
        if (c2 === 60) return this.op(pos, text.charCodeAt(pos + 2) === 61 ? 3 : 2, c);
        return this.punct(pos, c);
      }
      case 33: // !
        if (text.charCodeAt(pos + 1) === 61) return this.op(pos, text.charCodeAt(pos + 2) === 61 ? 3 : 2, c);
        return this.punct(pos, c);
      case 63: {
        // ?
        const c2 = text.charCodeAt(pos + 1);
        if (c2 === 46) {
          const c3 = text.charCodeAt(pos + 2);
          if (!(c3 >= 48 && c3 <= 57)) return this.op(pos, 2, c); // `?.` but not `a?.5:b`
        }
        if (c2 === 63) return this.op(pos, text.charCodeAt(pos + 2) === 61 ? 3 : 2, c);
        return this.punct(pos, c);
      }
      case 43: // +
      case 45: {
        // -
        const c2 = text.charCodeAt(pos + 1);
        if (c2 === c) return this.set(T_INCDEC, pos, pos + 2);
        if (c2 === 61) return this.op(pos, 2, c);
        return this.punct(pos, c);
      }
      case 42: // *
      case 38: // &
      case 124: {
        // |
        const c2 = text.charCodeAt(pos + 1);
        if (c2 === c) return this.op(pos, text.charCodeAt(pos + 2) === 61 ? 3 : 2, c);
        if (c2 === 61) return this.op(pos, 2, c);
        return this.punct(pos, c);
      }
      case 37: // %
      case 94: // ^
        if (text.charCodeAt(pos + 1) === 61) return this.op(pos, 2, c);
        return this.punct(pos, c);
      default:
        return this.punct(pos, c);
    }
  }

  private punct(pos: number, c: number): void {
    this.set(T_PUNCT, pos, pos + 1);
    this.ch = c;
  }

  private op(pos: number, length: number, c: number): void {
    this.set(T_OP, pos, pos + length);
    this.ch = c;
  }

  private ident(pos: number): void {
    const text = this.text;
    const len = this.len;
    let end = pos + 1;
    while (end < len) {
      const c = text.charCodeAt(end);
      if (c < 128 ? (CHAR_CLASS[c]! & IDENT_PART) === 0 : isUnicodeSpace(c)) break;
      end++;
    }
    this.set(T_IDENT, pos, end);
    const length = end - pos;
    const c0 = text.charCodeAt(pos);
    if (length < 2 || length > 10 || c0 < 97 || c0 > 122) return;
    let h = kwHash(c0, text.charCodeAt(pos + 1), text.charCodeAt(end - 1), length);
    for (let slot = KW_TABLE[h]!; slot !== 0; slot = KW_TABLE[h]!) {
      const [word, id] = KEYWORDS[slot - 1]!;
      if (word.length === length && text.startsWith(word, pos)) {
        this.kw = id;
        return;
      }
      h = (h + 1) & KW_MASK;
    }
  }

  private number(pos: number): void {
    const text = this.text;
    let end = pos + 1;
    while (end < this.len) {
      const c = text.charCodeAt(end);
      if (c < 128 && ((CHAR_CLASS[c]! & IDENT_PART) !== 0 || c === 46)) end++;
      else break;
    }
    this.set(T_NUM, pos, end);
  }

  /** A quoted string's end; an unescaped line break ends it too, so one stray quote cannot swallow the file. */
  private stringEnd(from: number, quote: number): number {
    const text = this.text;
    const len = this.len;
    let pos = from;
    while (pos < len) {
      const c = text.charCodeAt(pos);
      if (c === quote) return pos + 1;
      if (c === 92) {
        pos += text.charCodeAt(pos + 1) === 13 && text.charCodeAt(pos + 2) === 10 ? 3 : 2;
      } else if (c === 10 || c === 13) {
        return pos;
      } else pos++;
    }
    return len;
  }

  /** The rest of a template literal from `from` (after a backquote or after the `}` that closed a `${`). */
  private template(from: number, start: number): void {
    const text = this.text;
    const len = this.len;
    let pos = from;
    while (pos < len) {
      const c = text.charCodeAt(pos);
      if (c === 96) return this.set(T_TEMPLATE, start, pos + 1);
      if (c === 92) pos += 2;
      else if (c === 36 && text.charCodeAt(pos + 1) === 123) return this.set(T_TEMPLATE_HEAD, start, pos + 2);
      else pos++;
    }
    this.set(T_TEMPLATE, start, len);
  }

  /** Continues a template literal after the `}` (the current token) that closed one of its `${`. */
  continueTemplate(): void {
    this.nl = false;
    this.template(this.end, this.start);
  }

  /** A regex literal's end (after its flags), or -1 when none closes on this line (then it was a division). */
  private regexEnd(from: number): number {
    if (from <= this.regexFailedUntil) return -1;
    const text = this.text;
    const len = this.len;
    let pos = from;
    let inClass = false;
    while (pos < len) {
      const c = text.charCodeAt(pos);
      if (c === 10 || c === 13) {
        this.regexFailedUntil = pos;
        return -1;
      }
      if (c === 92) {
        pos += 2;
        continue;
      }
      if (inClass) {
        if (c === 93) inClass = false;
      } else if (c === 91) inClass = true;
      else if (c === 47) {
        pos++;
        while (pos < len && isIdentPart(text.charCodeAt(pos))) pos++;
        return pos;
      }
      pos++;
    }
    this.regexFailedUntil = len;
    return -1;
  }

  /** Inside a JSX opening tag: names, attribute values, `{`, `=`, `>` and `/>`. */
  nextJsxTag(): void {
    const text = this.text;
    const pos = this.skipTrivia(this.pos);
    if (pos >= this.len) return this.set(T_EOF, this.len, this.len);
    const c = text.charCodeAt(pos);
    if (c === 62) return this.set(T_JSX_TAG_END, pos, pos + 1);
    if (c === 47 && text.charCodeAt(pos + 1) === 62) return this.set(T_JSX_SELF_CLOSE, pos, pos + 2);
    if (c === 34 || c === 39) {
      // Attribute strings have no escapes and may span lines.
      const close = text.indexOf(c === 34 ? '"' : "'", pos + 1);
      return this.set(T_STRING, pos, close < 0 ? this.len : close + 1);
    }
    if (isIdentStart(c)) {
      let end = pos + 1;
      for (; end < this.len; end++) {
        const d = text.charCodeAt(end);
        if (!(isIdentPart(d) || d === 45 || d === 58 || d === 46)) break; // `data-x`, `xlink:href`, `Foo.Bar`
      }
      return this.set(T_JSX_NAME, pos, end);
    }
    this.punct(pos, c);
  }

  /** Between JSX tags: skips text up to the next `{`, child element or closing tag. */
  nextJsxChild(): void {
    const text = this.text;
    const len = this.len;
    this.nl = false;
    let pos = this.pos;
    while (pos < len) {
      const c = text.charCodeAt(pos);
      if (c === 123) return this.punct(pos, c);
      if (c === 60) {
        let next = pos + 1;
        while (next < len && (text.charCodeAt(next) === 32 || text.charCodeAt(next) === 10 || text.charCodeAt(next) === 13 || text.charCodeAt(next) === 9)) next++;
        if (text.charCodeAt(next) === 47) {
          const close = text.indexOf('>', next);
          return this.set(T_JSX_CLOSE, pos, close < 0 ? len : close + 1);
        }
        return this.set(T_JSX_OPEN, pos, pos + 1);
      }
      pos++;
    }
    this.set(T_EOF, len, len);
  }

  /** After the `<` at `pos`: a TSX generic arrow's type parameters (`<T,>`, `<T extends U>`) rather than a JSX tag. */
  typeParamsAhead(pos: number): boolean {
    const text = this.text;
    let p = pos;
    while (p < this.len && isIdentPart(text.charCodeAt(p))) p++;
    if (p === pos) return false;
    if (text.startsWith('const ', pos)) return true;
    while (text.charCodeAt(p) === 32) p++;
    if (text.charCodeAt(p) === 44) return true;
    return text.startsWith('extends ', p) || text.startsWith('extends\n', p);
  }

  /**
   * After a `,` ending at `pos` in a variable declaration: whether a new declarator starts
   * (`name =`, `name,`, `name;`, `name:` or a line break), rather than the comma being part of
   * the value, as in `new Map<string, number>()`.
   */
  declaratorAhead(pos: number): boolean {
    const text = this.text;
    const saveNl = this.nl;
    let p = this.skipTrivia(pos);
    this.nl = saveNl;
    if (p >= this.len || !isIdentStart(text.charCodeAt(p))) return false;
    while (p < this.len && isIdentPart(text.charCodeAt(p))) p++;
    p = this.skipTrivia(p);
    const lineBreak = this.nl;
    this.nl = saveNl;
    if (p >= this.len || lineBreak) return true;
    const c = text.charCodeAt(p);
    const c2 = text.charCodeAt(p + 1);
    if (c === 61) return c2 !== 61 && c2 !== 62;
    if (c === 33) return c2 !== 61;
    return c === 44 || c === 59 || c === 58;
  }
}
