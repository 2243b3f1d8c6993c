import type { AstDefinition } from '../../worker-api/ast';
import { SIGNATURE_MAX, collapseSignature } from '../signature';

/**
 * Python quick tags: one pass over the text with a small lexer (strings,
 * f-strings, comments, brackets, line continuations) and the indentation
 * rules of tree-sitter-python's scanner, giving what extract.ts gives with
 * queries/python.ts: classes and functions anywhere (methods directly inside
 * a class), and the targets of module-level assignments (all of `A = B = 1`).
 */
export function tagPython(text: string, modulePrefix: readonly string[]): AstDefinition[] {
  return new PythonTagger(text, modulePrefix).run();
}

// Tokens.
const EOF = 0;
const NEWLINE = 1;
const NAME = 2;
const OTHER = 3; // strings, numbers
const OP = 4;

// Operator codes are their character codes, except:
/** `==`, `+=`, `<=`, `:=`...: an operator glued to a following `=`, so never taken for a plain `=` or `:`. */
const OP_WITH_EQUALS = -1;
const COLON = 58;
const EQUALS = 61;
const COMMA = 44;
const SEMICOLON = 59;

// Where a line's definition header is.
const H_NONE = 0;
const H_ASYNC = 1; // after `async`, before `def`
const H_NAME = 2; // after `def` / `class`
const H_COLON = 3; // after the name, before the header's `:`
const H_BODY = 4; // after the `:`; the next token on the line starts an inline body
const H_INLINE = 5; // `def f(): return 1`

// Where a module-level simple statement is in reading `a, b = ...` / `a: T = ...`.
const V_NONE = 0;
const V_TARGET = 1; // a target may start here
const V_AFTER_NAME = 2; // after a name that may be a whole target
const V_SKIP = 3; // inside a target that is not a bare name (`a.b`, `x[0]`, `*rest`, `(a, b)`)

/** Flags of a string literal. */
const RAW = 1;
const FORMAT = 2;
/** f-strings nested deeper than this are read as plain strings, which keeps the recursion bounded. */
const MAX_FSTRING_NESTING = 16;

/** Names taken from one assignment's targets at most (a generated table of thousands is not worth listing). */
const MAX_TARGETS = 100;

const IDENTIFIER = /^[_\p{XID_Start}][_\p{XID_Continue}]*$/u;

const HARD_KEYWORDS = new Set([
  'False', 'None', 'True', 'and', 'as', 'assert', 'break', 'class', 'continue', 'def', 'del', 'elif',
  'else', 'except', 'finally', 'for', 'from', 'global', 'if', 'import', 'in', 'is', 'lambda', 'nonlocal', 'not', 'or',
  'pass', 'raise', 'return', 'try', 'while', 'with', 'yield',
]);
/** First words of compound statements: a `;` later on their line does not start a module-level statement. */
const COMPOUND = new Set(['if', 'elif', 'else', 'for', 'while', 'with', 'try', 'except', 'finally', 'def', 'class']);

/** A block opened by a header ending in `:` (a definition or if/for/with/try/...). */
interface Block {
  /** Indentation of its statements as tree-sitter counts it (a tab is 8); -1 until the first one. */
  indent: number;
  /** Indentation of the block it is in: its statements must go deeper. */
  outer: number;
  def: AstDefinition | null;
  /** Where `def`/`class` (or `async`) starts, and the end of the header's `:`. */
  start: number;
  colonEnd: number;
  /** The innermost definition this block is in (itself when it is one). */
  scope: AstDefinition | null;
}

class PythonTagger {
  private readonly text: string;
  private readonly n: number;
  private readonly prefix: readonly string[];
  private readonly prefixPath: string;
  private readonly out: AstDefinition[] = [];
  private readonly blocks: Block[] = [];

  // Lexer state.
  private pos = 0;
  private row = 0;
  private lineStart = 0;
  private depth = 0;
  /** Only whitespace so far on this physical line, and how far it indents. */
  private atLineStart = true;
  private indent = 0;
  private tokStart = 0;
  private tokEnd = 0;
  private tokCode = 0;
  private tokDepth = 0;

  // The logical line being read.
  private inLine = false;
  private lineFirst = true;
  private statementFirst = true;
  /** A `;` on this line starts another module-level statement (false after `if x:` and the like). */
  private restartable = true;
  private lastEnd = 0;
  private lastRow = 0;
  private colonLast = false;

  // The definition header on this line.
  private header = H_NONE;
  private headerKind: 'class' | 'function' = 'function';
  private headerStart = 0;
  private headerRow = 0;
  private nameStart = 0;
  private nameEnd = 0;
  private nameRow = 0;
  private nameColumn = 0;
  private headerColonEnd = 0;
  /** The definition this line's header made, until its block opens or its inline body ends. */
  private inlineDef: AstDefinition | null = null;

  // The module-level simple statement being read.
  private target = V_NONE;
  private statementStart = 0;
  private statementRow = 0;
  private complexTarget = false;
  /** Start, end, row and column of each bare-name target so far. */
  private readonly candidates: number[] = [];
  /** The name in V_AFTER_NAME. */
  private candidate = 0;
  private candidateEnd = 0;
  private candidateRow = 0;
  private candidateColumn = 0;
  private readonly pendingVariables: AstDefinition[] = [];

  constructor(text: string, modulePrefix: readonly string[]) {
    this.text = text;
    this.n = text.length;
    this.prefix = modulePrefix;
    this.prefixPath = modulePrefix.join('::');
  }

  run(): AstDefinition[] {
    for (;;) {
      const tok = this.next();
      if (tok === EOF) break;
      if (tok === NEWLINE) {
        this.endLine();
        continue;
      }
      if (!this.inLine) {
        this.inLine = true;
        this.beginLine();
      }
      this.step(tok);
      this.lastEnd = this.tokEnd;
      this.lastRow = this.row;
    }
    if (this.lastEnd === this.n) {
      // A string left open at EOF: tree-sitter ends it before the trailing line breaks.
      for (let k = this.n - 1; k >= 0 && isJsSpace(this.text.charCodeAt(k)); k--) {
        if (this.text.charCodeAt(k) === 10) this.lastRow--;
      }
    }
    if (this.inLine) this.endLine();
    this.closeBlocks(0);
    return this.out;
  }

  // ---- Statements and blocks ----

  private beginLine(): void {
    this.closeBlocks(this.indent);
  }

  private endLine(): void {
    this.endStatement();
    if (this.header === H_BODY) this.openBlock(this.inlineDef);
    else if (this.header === H_INLINE && this.inlineDef) this.inlineDef.line2 = this.lastRow + 1;
    else if (this.header === H_NONE && this.colonLast) this.openBlock(null);
    this.inLine = false;
    this.lineFirst = true;
    this.statementFirst = true;
    this.header = H_NONE;
    this.inlineDef = null;
    this.colonLast = false;
  }

  private openBlock(def: AstDefinition | null): void {
    const top = this.blocks[this.blocks.length - 1];
    this.blocks.push({
      indent: -1,
      outer: top ? top.indent : 0,
      def,
      start: this.headerStart,
      colonEnd: this.headerColonEnd,
      scope: def ?? (top ? top.scope : null),
    });
  }

  /**
   * A statement (or EOF, at indentation 0) starts: the blocks it is not in end
   * with their last statement (extract.ts leaves out the comment lines that
   * tree-sitter's block takes in after it, as CPython's end_lineno does).
   */
  private closeBlocks(indent: number): void {
    const blocks = this.blocks;
    let top = blocks[blocks.length - 1];
    if (top && top.indent < 0) {
      if (indent > top.outer) {
        top.indent = indent;
        if (top.def) top.def.signature = headerSignature(this.text, top.start, this.tokStart);
        return;
      }
      // A header without a body: at EOF tree-sitter still gives the definition.
      if (top.def) {
        top.def.signature = headerSignature(this.text, top.start, top.colonEnd);
        top.def.line2 = this.lastRow + 1;
      }
      blocks.pop();
    }
    while ((top = blocks[blocks.length - 1]) && top.indent > indent) {
      if (top.def) top.def.line2 = this.lastRow + 1;
      blocks.pop();
    }
  }

  private step(tok: number): void {
    const code = tok === OP ? this.tokCode : 0;
    const atTop = this.tokDepth === 0;
    this.colonLast = code === COLON && atTop;
    if (code === SEMICOLON && atTop) {
      this.endStatement();
      this.statementFirst = true;
      return;
    }
    if (this.statementFirst) {
      this.statementFirst = false;
      this.startStatement(tok, code);
      return;
    }
    if (this.header !== H_NONE) this.headerStep(tok, code, atTop);
    if (this.target !== V_NONE) this.targetStep(tok, code, atTop);
  }

  private startStatement(tok: number, code: number): void {
    const moduleLevel = this.blocks.length === 0;
    if (this.lineFirst) {
      this.lineFirst = false;
      if (tok === NAME) {
        const isClass = this.isWord('class');
        const isAsync = !isClass && this.isWord('async');
        if (isClass || isAsync || this.isWord('def')) {
          this.header = isAsync ? H_ASYNC : H_NAME;
          this.headerKind = isClass ? 'class' : 'function';
          this.headerStart = this.tokStart;
          this.headerRow = this.row;
          this.restartable = false;
          // tree-sitter still takes `async` for a name (`async = 1`), as Python 2 did.
          if (!isAsync) return;
        }
      }
      if (!moduleLevel) return;
      this.restartable = tok !== NAME || !COMPOUND.has(this.text.slice(this.tokStart, this.tokEnd));
    }
    if (!this.restartable || !moduleLevel) return;
    this.statementStart = this.tokStart;
    this.statementRow = this.row;
    this.candidates.length = 0;
    this.complexTarget = false;
    this.target = V_TARGET;
    this.targetStep(tok, code, true);
  }

  private headerStep(tok: number, code: number, atTop: boolean): void {
    switch (this.header) {
      case H_ASYNC:
        if (tok === NAME && this.isWord('def')) {
          this.header = H_NAME;
          this.restartable = false;
        } else {
          this.header = H_NONE;
        }
        break;
      case H_NAME:
        if (tok === NAME && !HARD_KEYWORDS.has(this.text.slice(this.tokStart, this.tokEnd))) {
          this.nameStart = this.tokStart;
          this.nameEnd = this.tokEnd;
          this.nameRow = this.row;
          this.nameColumn = this.tokStart - this.lineStart;
          this.header = H_COLON;
        } else {
          this.header = H_NONE;
        }
        break;
      case H_COLON:
        if (code === COLON && atTop) {
          this.headerColonEnd = this.tokEnd;
          this.inlineDef = this.addDefinition();
          this.header = H_BODY;
        }
        break;
      case H_BODY:
        // `def f(): return 1`: the body is the rest of the line.
        if (this.inlineDef) this.inlineDef.signature = headerSignature(this.text, this.headerStart, this.tokStart);
        this.header = H_INLINE;
        break;
    }
  }

  private addDefinition(): AstDefinition {
    const top = this.blocks[this.blocks.length - 1];
    const parent = top ? top.scope : null;
    const name = this.text.slice(this.nameStart, this.nameEnd);
    const def: AstDefinition = {
      name,
      path: this.pathOf(parent, name),
      kind: this.headerKind === 'class' ? 'class' : parent?.kind === 'class' ? 'method' : 'function',
      line1: this.headerRow + 1,
      line2: this.lastRow + 1,
      nameLine: this.nameRow + 1,
      nameColumn: this.nameColumn + 1,
      signature: '',
      parent: parent ? parent.path : null,
    };
    this.out.push(def);
    return def;
  }

  private pathOf(parent: AstDefinition | null, name: string): string {
    if (parent) return `${parent.path}::${name}`;
    return this.prefix.length > 0 ? `${this.prefixPath}::${name}` : name;
  }

  private targetStep(tok: number, code: number, atTop: boolean): void {
    switch (this.target) {
      case V_TARGET:
        if (tok === NAME && !HARD_KEYWORDS.has(this.text.slice(this.tokStart, this.tokEnd))) {
          this.candidate = this.tokStart;
          this.candidateEnd = this.tokEnd;
          this.candidateRow = this.row;
          this.candidateColumn = this.tokStart - this.lineStart;
          this.target = V_AFTER_NAME;
        } else if (code === 42 /* * */ || code === 40 /* ( */ || code === 91 /* [ */) {
          this.complexTarget = true;
          this.target = V_SKIP;
        } else if (code === EQUALS && this.candidates.length > 0) {
          this.commit(true); // `a, = ...`
        } else {
          this.target = V_NONE;
        }
        break;
      case V_AFTER_NAME:
        if (atTop && (code === COMMA || code === EQUALS || code === COLON)) {
          if (code === COLON && (this.candidates.length > 0 || this.complexTarget)) {
            this.target = V_NONE;
            break;
          }
          if (this.candidates.length < MAX_TARGETS * 4) {
            this.candidates.push(this.candidate, this.candidateEnd, this.candidateRow, this.candidateColumn);
          }
          if (code === COMMA) this.target = V_TARGET;
          else this.commit(code === EQUALS); // `a: T = ...` has one target
        } else {
          // The name only starts a target (`a.b`, `a[0]`), or this is no assignment at all.
          this.complexTarget = true;
          this.target = V_SKIP;
        }
        break;
      case V_SKIP:
        if (!atTop) break;
        if (code === COMMA) this.target = V_TARGET;
        else if (code === EQUALS) this.commit(true);
        else if (code === COLON) this.target = V_NONE;
        break;
    }
  }

  /**
   * The assignment is sure: its bare-name targets are variables; their ends come with the
   * statement's. After an `=`, what follows may be another target list (`A = B = 1`).
   */
  private commit(chain: boolean): void {
    const c = this.candidates;
    for (let k = 0; k < c.length; k += 4) {
      const name = this.text.slice(c[k]!, c[k + 1]!);
      const def: AstDefinition = {
        name,
        path: this.pathOf(null, name),
        kind: 'variable',
        line1: this.statementRow + 1,
        line2: 0,
        nameLine: c[k + 2]! + 1,
        nameColumn: c[k + 3]! + 1,
        signature: '',
        parent: null,
      };
      this.out.push(def);
      this.pendingVariables.push(def);
    }
    c.length = 0;
    this.complexTarget = false;
    this.target = chain ? V_TARGET : V_NONE;
  }

  private endStatement(): void {
    this.target = V_NONE;
    const vars = this.pendingVariables;
    if (vars.length === 0) return;
    // extract.ts shows a variable's first line, up to where the assignment ends.
    let first = this.text.slice(this.statementStart, Math.min(this.lastEnd, this.statementStart + SIGNATURE_MAX * 2));
    const newline = first.indexOf('\n');
    if (newline >= 0) first = first.slice(0, newline);
    const signature = collapseSignature(first);
    for (const v of vars) {
      v.line2 = this.lastRow + 1;
      v.signature = signature;
    }
    vars.length = 0;
  }

  private isWord(word: string): boolean {
    return this.tokEnd - this.tokStart === word.length && this.text.startsWith(word, this.tokStart);
  }

  // ---- Lexer ----

  private newline(at: number): void {
    this.row++;
    this.lineStart = at + 1;
  }

  /**
   * The next token. Blank lines, comments, continuations and line breaks inside
   * brackets are skipped; a line break that ends a logical line is NEWLINE.
   */
  private next(): number {
    const text = this.text;
    const n = this.n;
    let i = this.pos;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 32) {
        if (this.atLineStart) this.indent++;
        i++;
      } else if (c === 10) {
        this.newline(i);
        i++;
        if (this.inLine) {
          if (this.depth === 0) {
            this.pos = i;
            this.atLineStart = true;
            this.indent = 0;
            return NEWLINE;
          }
        } else {
          this.atLineStart = true;
          this.indent = 0;
        }
      } else if (c === 9) {
        if (this.atLineStart) this.indent += 8; // as tree-sitter-python's scanner counts it
        i++;
      } else if (c === 13 || c === 12) {
        if (this.atLineStart) this.indent = 0;
        i++;
      } else if (c === 35) {
        const end = text.indexOf('\n', i);
        i = end < 0 ? n : end;
      } else if (c === 92 && text.charCodeAt(i + 1) === 10) {
        this.newline(i + 1);
        i += 2;
      } else if (c === 92 && text.charCodeAt(i + 1) === 13 && text.charCodeAt(i + 2) === 10) {
        this.newline(i + 2);
        i += 3;
      } else if (c < 32 || (c >= 0x80 && isUnicodeSpace(c))) {
        i++;
      } else {
        this.atLineStart = false;
        this.tokStart = i;
        this.tokDepth = this.depth;
        return this.token(c, i);
      }
    }
    this.pos = n;
    return EOF;
  }

  private token(c: number, i: number): number {
    const text = this.text;
    const n = this.n;
    if (isNameStart(c)) {
      let j = i + 1;
      let ascii = c < 0x80;
      for (let d = text.charCodeAt(j); j < n && isNameChar(d); d = text.charCodeAt(++j)) ascii &&= d < 0x80;
      const q = text.charCodeAt(j);
      if ((q === 34 || q === 39) && j - i <= 3) {
        const flags = stringPrefix(text, i, j);
        if (flags >= 0) return this.endToken(this.string(j, flags, 0), OTHER);
      }
      // Not every non-ASCII character may be in a name (`€ = 2`); tree-sitter then gives nothing.
      return this.endToken(j, ascii || IDENTIFIER.test(text.slice(i, j)) ? NAME : OTHER);
    }
    if ((c >= 48 && c <= 57) || (c === 46 && isDigit(text.charCodeAt(i + 1)))) {
      let j = i + 1;
      while (j < n && (isNameChar(text.charCodeAt(j)) || text.charCodeAt(j) === 46)) j++;
      return this.endToken(j, OTHER);
    }
    if (c === 34 || c === 39 || c === 96) return this.endToken(this.string(i, 0, 0), OTHER);
    let j = i + 1;
    let code = c;
    if (c === 40 || c === 91 || c === 123) this.depth++;
    else if (c === 41 || c === 93 || c === 125) {
      if (this.depth > 0) this.depth--;
    } else if (c !== 44 && c !== 59 && c !== 46 && text.charCodeAt(j) === 61) {
      j++;
      code = OP_WITH_EQUALS;
    }
    this.tokCode = code;
    return this.endToken(j, OP);
  }

  private endToken(end: number, tok: number): number {
    this.pos = end;
    this.tokEnd = end;
    return tok;
  }

  /**
   * Skips a string literal whose opening quote is at `i`; returns the index
   * after it. Like tree-sitter, a one-line string ends at an unescaped line break.
   */
  private string(i: number, flags: number, level: number): number {
    const text = this.text;
    const n = this.n;
    const q = text.charCodeAt(i);
    const triple = q !== 96 && text.charCodeAt(i + 1) === q && text.charCodeAt(i + 2) === q;
    const format = (flags & FORMAT) !== 0 && level < MAX_FSTRING_NESTING;
    const raw = (flags & RAW) !== 0;
    i += triple ? 3 : 1;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === q) {
        if (!triple) return i + 1;
        if (text.charCodeAt(i + 1) === q && text.charCodeAt(i + 2) === q) return i + 3;
        i++;
      } else if (c === 92) {
        const d = text.charCodeAt(i + 1);
        if (d === 10) {
          this.newline(i + 1);
          i += 2;
        } else if (d === 13 && text.charCodeAt(i + 2) === 10) {
          this.newline(i + 2);
          i += 3;
        } else if (!raw || d === q || d === 92) {
          i += 2;
        } else {
          i++;
        }
      } else if (c === 10) {
        if (!triple) return i;
        this.newline(i);
        i++;
      } else if (c === 123 && format) {
        if (text.charCodeAt(i + 1) === 123) i += 2;
        else i = this.replacementField(i + 1, q, triple, level);
      } else {
        i++;
      }
    }
    return n;
  }

  /**
   * Skips an f-string's `{...}` from just after the `{`: an expression (with
   * its own brackets and strings), then maybe a format spec; returns the index
   * after the `}`, or where the string breaks off.
   */
  private replacementField(i: number, q: number, triple: boolean, level: number): number {
    const text = this.text;
    const n = this.n;
    let depth = 0;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 125) {
        if (depth === 0) return i + 1;
        depth--;
        i++;
      } else if (c === 123 || c === 40 || c === 91) {
        depth++;
        i++;
      } else if (c === 41 || c === 93) {
        if (depth > 0) depth--;
        i++;
      } else if (c === 10) {
        if (!triple) return i;
        this.newline(i);
        i++;
      } else if (c === 34 || c === 39) {
        i = this.string(i, 0, level + 1);
      } else if (c === 58 && depth === 0) {
        return this.formatSpec(i + 1, q, triple, level);
      } else if (isNameStart(c)) {
        let j = i + 1;
        while (j < n && isNameChar(text.charCodeAt(j))) j++;
        const quote = text.charCodeAt(j);
        const flags = (quote === 34 || quote === 39) && j - i <= 3 ? stringPrefix(text, i, j) : -1;
        i = flags >= 0 ? this.string(j, flags, level + 1) : j;
      } else {
        i++;
      }
    }
    return n;
  }

  /** A format spec is literal text (quotes included) but for nested `{...}` fields. */
  private formatSpec(i: number, q: number, triple: boolean, level: number): number {
    const text = this.text;
    const n = this.n;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 125) return i + 1;
      if (c === 123 && level < MAX_FSTRING_NESTING) {
        i = this.replacementField(i + 1, q, triple, level + 1);
      } else if (c === q || (c === 10 && !triple)) {
        return i; // broken off: let the string end here
      } else {
        if (c === 10) this.newline(i);
        i++;
      }
    }
    return n;
  }
}

/** The flags of a string prefix (`r`, `b`, `f`, `u` in any case and order), or -1 if `text[start, end)` is not one. */
function stringPrefix(text: string, start: number, end: number): number {
  let flags = 0;
  for (let k = start; k < end; k++) {
    const c = text.charCodeAt(k) | 0x20;
    if (c === 114) flags |= RAW;
    else if (c === 102) flags |= FORMAT;
    else if (c !== 98 && c !== 117) return -1;
  }
  return flags;
}

/** extract.ts's signature of a definition: its text up to the body, without the trailing `:` and whitespace. */
function headerSignature(text: string, start: number, bodyStart: number): string {
  let end = bodyStart;
  // Not a regex: `[\s{:=]*$` backtracks quadratically over long whitespace runs.
  for (let c = text.charCodeAt(end - 1); end > start && (c === 123 || c === 58 || c === 61 || isJsSpace(c)); c = text.charCodeAt(--end - 1));
  return collapseSignature(text.slice(start, end));
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isNameStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || (c >= 0x80 && !isUnicodeSpace(c));
}

function isNameChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || (c >= 0x80 && !isUnicodeSpace(c));
}

/** Non-ASCII characters tree-sitter-python skips as whitespace. */
function isUnicodeSpace(c: number): boolean {
  return c === 0xa0 || c === 0x85 || c === 0x1680 || (c >= 0x2000 && c <= 0x200b) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x2060 || c === 0x3000 || c === 0xfeff;
}

/** What `\s` matches in a JS regex. */
function isJsSpace(c: number): boolean {
  return (c >= 9 && c <= 13) || c === 32 || (c >= 0x80 && c !== 0x85 && c !== 0x200b && c !== 0x2060 && isUnicodeSpace(c));
}
