import type { AstDefinition, SymbolKind } from '../../worker-api/ast';
import { SIGNATURE_MAX, collapseSignature } from '../signature';
import {
  JsLexer,
  K_ABSTRACT,
  K_ACCESSOR,
  K_AS,
  K_ASYNC,
  K_AWAIT,
  K_CASE,
  K_CATCH,
  K_CLASS,
  K_CONST,
  K_DECLARE,
  K_DEFAULT,
  K_DELETE,
  K_DO,
  K_ELSE,
  K_ENUM,
  K_EXPORT,
  K_EXTENDS,
  K_FINALLY,
  K_FOR,
  K_FUNCTION,
  K_GET,
  K_GLOBAL,
  K_IF,
  K_IMPLEMENTS,
  K_IMPORT,
  K_IN,
  K_INSTANCEOF,
  K_INTERFACE,
  K_KEYOF,
  K_LET,
  K_MODULE,
  K_NAMESPACE,
  K_NEW,
  K_OF,
  K_OVERRIDE,
  K_PRIVATE,
  K_PROTECTED,
  K_PUBLIC,
  K_READONLY,
  K_RETURN,
  K_SATISFIES,
  K_SET,
  K_STATIC,
  K_SWITCH,
  K_THROW,
  K_TRY,
  K_TYPE,
  K_TYPEOF,
  K_VAR,
  K_WHILE,
  K_WITH,
  K_YIELD,
  T_ARROW,
  T_EOF,
  T_IDENT,
  T_DOTS,
  T_INCDEC,
  T_JSX_CLOSE,
  T_JSX_OPEN,
  T_JSX_SELF_CLOSE,
  T_JSX_TAG_END,
  T_NUM,
  T_OP,
  T_PRIVATE,
  T_PUNCT,
  T_REGEX,
  T_STRING,
  T_TEMPLATE,
  T_TEMPLATE_HEAD,
  isIdentStart,
} from './js-lexer';

/**
 * Quick tags for JavaScript, TypeScript and their JSX variants: the
 * definitions that src/code-index/extract.ts finds with the tags queries in
 * queries/javascript.ts and queries/typescript.ts, found in one pass over the
 * tokens (js-lexer.ts) with a stack of bracket frames instead of a syntax
 * tree. Each frame knows whether it holds statements (program, blocks,
 * function and namespace bodies), members (class bodies, object literals,
 * object types) or an expression, and runs a small state machine over the
 * tokens at its own level: that is enough to tell a declaration from an
 * expression, a method from a call, and where each definition ends.
 */

// Frame kinds.
const F_PROGRAM = 0;
const F_BLOCK = 1;
const F_CLASS = 2;
const F_OBJECT = 3;
/** An object type or an interface body: members are signatures. */
const F_TYPE = 4;
const F_ENUM = 5;
const F_PAREN = 6;
const F_BRACKET = 7;
/** The `${ ... }` of a template literal. */
const F_TEMPLATE = 8;
const F_JSX_TAG = 9;
const F_JSX_CHILDREN = 10;
/** A `{ ... }` in JSX. */
const F_JSX_EXPR = 11;

// Frame slots: frames live in one Int32Array, STRIDE numbers each.
const KIND = 0;
/** The definition whose body this frame is (closed with it), or -1. */
const DEF = 1;
/** Closing this frame ends a statement (a block or a declaration's body) rather than an expression. */
const CLOSES = 2;
/** State of the statement or member being read at this level (S_* or M_*). */
const ST = 3;
/** Where the value of a declarator or class field is in telling whether it is a function (V_*). */
const SUB = 4;
/** Type context: 0 none; 1 an annotation; 2 a return type (ends at `=>` or the body); 3 the whole frame is a type. */
const TCTX = 5;
/** `?` waiting for the `:` of a conditional. */
const TERN = 6;
/** The header being read (H_*): what the next `{` at this level opens. */
const HDR = 7;
const HDRDEF = 8;
/** `<` not yet closed, while reading type parameters. */
const ANGLE = 9;
/** Where the statement's declaration or the member starts (after decorators). */
const START = 10;
/** Where the decorators before a member or class start, or -1. */
const DECO = 11;
/** Reading a decorator: 0 no; 1 after `@`; 2 after a name; 3 after a dot; 4 after its arguments. */
const DECOST = 12;
const NAME = 13;
const NAMEEND = 14;
const NAMEKW = 15;
/** The definition that ends with the statement or member being read, or -1. */
const CUR = 16;
/** CUR is only a candidate: dropped unless confirmed (a field's value is a function, an object method has a body). */
const TENT = 17;
/** export / declare / default seen before a declaration (M_*). */
const MODS = 18;
/** A contextual keyword waiting for the next token to tell what it is. */
const PKW = 19;
const KWSTART = 20;
/** The declarators of this statement are definitions (program level): 1 `let`/`const`, 2 `var`. */
const CAP = 21;
const STRIDE = 22;

// Statement states.
const S_START = 0;
const S_EXPR = 1;
const S_MOD = 2;
const S_CTX_KW = 3;
const S_FUNC = 4;
const S_FUNC_HDR = 5;
const S_CLASS = 6;
/** A class, interface, enum, namespace or module header, waiting for its body. */
const S_HDR = 7;
const S_NS_NAME = 8;
const S_TYPE_HDR = 9;
const S_TYPE_VALUE = 10;
const S_DECL = 11;
const S_DECL_NAME = 12;
const S_DECL_TYPE = 13;
const S_DECL_VALUE = 14;
const S_ENUM = 15;

// Member states.
const M_START = 20;
const M_MOD = 21;
const M_STAR = 22;
const M_NAME = 23;
const M_TPARAMS = 24;
const M_NAME_TP = 25;
const M_PARAMS = 26;
const M_RET = 27;
const M_BODY = 28;
const M_FIELD_TYPE = 29;
const M_FIELD_VALUE = 30;
const M_VALUE = 31;
const M_OTHER = 32;

// Headers.
const H_FUNC = 1;
const H_CLASS = 2;
const H_IFACE = 3;
const H_ENUM = 4;
const H_NS = 5;
const H_MODULE = 6;

// Value of a declarator or field: what its first tokens say.
const V_START = 1;
const V_ASYNC = 2;
const V_IDENT = 3;
const V_PAREN = 4;
const V_ANGLE = 5;
const V_ANGLE_END = 6;
const V_FUNC = 7;
const V_DONE = 8;
/** A function or class expression: it is the whole value only if nothing follows its body (`function() {}.call(x)` is a call). */
const V_BODY = 9;
const IS_FUNCTION = 1;
const IS_CLASS = 2;
const IS_OTHER = 3;
/** `function` expression: a function if nothing follows its body. */
const IS_FUNCTION_EXPR = 4;

/** Definitions nested deeper than this are left out. */
const MAX_NESTING = 64;

// Statement modifiers.
const M_EXPORT = 1;
const M_DEFAULT = 2;
const M_DECLARE = 4;

/** The JSX start pseudo-token, given to the frame's state machine before the JSX frame is pushed. */
const T_JSX_START = 100;

const LBRACE = 123;
const RBRACE = 125;
const LPAREN = 40;
const RPAREN = 41;
const LBRACKET = 91;
const RBRACKET = 93;
const SEMI = 59;
const COMMA = 44;
const COLON = 58;
const QUESTION = 63;
const EQUALS = 61;
const LT = 60;
const GT = 62;
const DOT = 46;
const AT = 64;
const STAR = 42;
const BANG = 33;

function keywordSet(...ids: number[]): Uint8Array {
  const set = new Uint8Array(64);
  for (const id of ids) set[id] = 1;
  return set;
}

/** Keywords after which an operand follows: a statement cannot end there, and `/` starts a regex. */
const CANT_END = keywordSet(K_TYPEOF, K_INSTANCEOF, K_IN, K_OF, K_NEW, K_DELETE, K_THROW, K_CASE, K_DO, K_ELSE, K_AWAIT, K_EXTENDS, K_IMPLEMENTS, K_KEYOF, K_AS, K_SATISFIES, K_EXPORT, K_DEFAULT);
const REGEX_AFTER = keywordSet(K_TYPEOF, K_INSTANCEOF, K_IN, K_OF, K_NEW, K_DELETE, K_THROW, K_CASE, K_DO, K_ELSE, K_AWAIT, K_EXTENDS, K_IMPLEMENTS, K_KEYOF, K_AS, K_SATISFIES, K_EXPORT, K_DEFAULT, K_RETURN, K_YIELD);
const MODIFIERS = keywordSet(K_STATIC, K_PUBLIC, K_PRIVATE, K_PROTECTED, K_READONLY, K_ABSTRACT, K_OVERRIDE, K_DECLARE, K_ASYNC, K_GET, K_SET, K_ACCESSOR);
const AFTER_DECLARE = keywordSet(K_CONST, K_LET, K_VAR, K_FUNCTION, K_CLASS, K_ABSTRACT, K_INTERFACE, K_TYPE, K_ENUM, K_NAMESPACE, K_MODULE, K_GLOBAL, K_ASYNC);
/** Names that, before `(...) {` in what was taken for an object literal, more likely mean it was a block. */
const CONTROL = keywordSet(K_IF, K_FOR, K_WHILE, K_SWITCH, K_CATCH, K_WITH);
const BLOCK_AFTER = keywordSet(K_ELSE, K_TRY, K_FINALLY, K_DO);
/** Definitions inside these are methods, as in extract.ts. */
const CLASS_LIKE = new Set<SymbolKind>(['class', 'interface', 'enum']);

interface RawDef {
  name: string;
  kind: SymbolKind;
  start: number;
  nameStart: number;
  nameEnd: number;
  /** -1 while open. */
  end: number;
  /** Where the body field starts (the signature runs up to it), or -1. */
  bodyStart: number;
  /** Innermost open definition when this one started (may be dropped later: walk up). */
  parent: number;
  /** `namespace A.B`: the segments before the name. */
  qualifier: string[] | null;
  dropped: boolean;
  depth: number;
  // Filled at the end:
  segments: string[];
  path: string;
}

function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

class Tagger {
  private readonly lex: JsLexer;
  private readonly text: string;
  private readonly ts: boolean;
  private readonly jsx: boolean;
  private readonly tsx: boolean;

  private f = new Int32Array(STRIDE * 32);
  private depth = 0;
  private base = 0;

  private prevType = T_EOF;
  private prevCh = 0;
  private prevKw = 0;
  private prevEnd = 0;
  private prevClosesStmt = true;
  private resumeTemplate = false;
  /** The current `{` was pushed by a state machine (as a body); don't classify it again. */
  private pushed = false;

  private readonly defs: RawDef[] = [];
  private readonly open: number[] = [];

  constructor(text: string, language: string) {
    this.text = text;
    this.lex = new JsLexer(text);
    this.ts = language === 'typescript' || language === 'typescriptreact';
    this.tsx = language === 'typescriptreact';
    this.jsx = language !== 'typescript';
    this.initFrame(F_PROGRAM, -1, true, false);
  }

  // ---- frames ----

  private initFrame(kind: number, def: number, closes: boolean, pure: boolean): void {
    const f = this.f;
    const b = this.base;
    f[b + KIND] = kind;
    f[b + DEF] = def;
    f[b + CLOSES] = closes ? 1 : 0;
    f[b + ST] = kind === F_PROGRAM || kind === F_BLOCK ? S_START : kind === F_CLASS || kind === F_OBJECT || kind === F_TYPE ? M_START : 0;
    f[b + SUB] = 0;
    f[b + TCTX] = pure ? 3 : 0;
    f[b + TERN] = 0;
    f[b + HDR] = 0;
    f[b + HDRDEF] = -1;
    f[b + ANGLE] = 0;
    f[b + START] = -1;
    f[b + DECO] = -1;
    f[b + DECOST] = 0;
    f[b + CUR] = -1;
    f[b + TENT] = 0;
    f[b + MODS] = 0;
    f[b + CAP] = 0;
  }

  private push(kind: number, def: number, closes: boolean, pure: boolean): void {
    this.depth++;
    this.base += STRIDE;
    if (this.base + STRIDE > this.f.length) {
      const grown = new Int32Array(this.f.length * 2);
      grown.set(this.f);
      this.f = grown;
    }
    this.initFrame(kind, def, closes, pure);
  }

  private get kind(): number {
    return this.f[this.base + KIND]!;
  }

  private isStatementFrame(): boolean {
    const k = this.kind;
    return k === F_PROGRAM || k === F_BLOCK;
  }

  // ---- definitions ----

  /** A definition, or -1 when nested too deep to be worth it (paths would grow with the square of the depth). */
  private emit(kind: SymbolKind, start: number, nameStart: number, nameEnd: number): number {
    const open = this.open;
    if (open.length >= MAX_NESTING) return -1;
    let parent = -1;
    for (let i = open.length - 1; i >= 0; i--) {
      const d = this.defs[open[i]!]!;
      if (d.kind !== 'type') {
        parent = open[i]!;
        break;
      }
    }
    const index = this.defs.length;
    this.defs.push({
      name: this.text.slice(nameStart, nameEnd),
      kind,
      start,
      nameStart,
      nameEnd,
      end: -1,
      bodyStart: -1,
      parent,
      qualifier: null,
      dropped: false,
      depth: this.depth,
      segments: [],
      path: '',
    });
    open.push(index);
    return index;
  }

  /** Ends a definition (and any still open inside it) at `end`. */
  private close(index: number, end: number): void {
    const open = this.open;
    const at = open.lastIndexOf(index);
    if (at < 0) return;
    while (open.length > at) {
      const d = this.defs[open.pop()!]!;
      d.end = Math.max(end, d.nameEnd);
    }
  }

  private drop(index: number): void {
    this.defs[index]!.dropped = true;
    this.close(index, this.prevEnd);
  }

  /** Ends the definitions opened at this frame's level or deeper. */
  private closeFrom(depth: number, end: number): void {
    const open = this.open;
    while (open.length > 0) {
      const d = this.defs[open[open.length - 1]!]!;
      if (d.depth < depth) break;
      open.pop();
      d.end = Math.max(end, d.nameEnd);
    }
  }

  /** Ends (or drops, if only a candidate) the definition the current statement or member reads. */
  private endCur(end: number): void {
    const b = this.base;
    const cur = this.f[b + CUR]!;
    if (cur >= 0) {
      if (this.f[b + TENT]) this.drop(cur);
      else this.close(cur, end);
    }
    this.f[b + CUR] = -1;
    this.f[b + TENT] = 0;
  }

  // ---- token classes ----

  private isPunct(c: number): boolean {
    return this.lex.type === T_PUNCT && this.lex.ch === c;
  }

  private prevIs(c: number): boolean {
    return this.prevType === T_PUNCT && this.prevCh === c;
  }

  /** The previous token can end an expression (or a type), so a line break may end the statement. */
  private prevCanEnd(): boolean {
    switch (this.prevType) {
      case T_IDENT:
        return CANT_END[this.prevKw] === 0;
      case T_NUM:
      case T_STRING:
      case T_TEMPLATE:
      case T_REGEX:
      case T_PRIVATE:
      case T_INCDEC:
        return true;
      case T_PUNCT:
        return this.prevCh === RPAREN || this.prevCh === RBRACKET || this.prevCh === RBRACE || (this.prevCh === GT && this.f[this.base + TCTX] !== 0);
      default:
        return false;
    }
  }

  private regexOk(): boolean {
    switch (this.prevType) {
      case T_IDENT:
        return REGEX_AFTER[this.prevKw] === 1;
      case T_NUM:
      case T_STRING:
      case T_TEMPLATE:
      case T_REGEX:
      case T_PRIVATE:
      case T_INCDEC:
        return false;
      case T_PUNCT:
        if (this.prevCh === RPAREN || this.prevCh === RBRACKET) return false;
        return this.prevCh === RBRACE ? this.prevClosesStmt : true;
      default:
        return true;
    }
  }

  /** The previous token leaves a type or heritage complete, so a `{` now is the body. */
  private prevAllowsBody(): boolean {
    switch (this.prevType) {
      case T_IDENT:
        return CANT_END[this.prevKw] === 0 && this.prevKw !== K_READONLY; // `readonly { ... }[]` is a type
      case T_STRING:
      case T_NUM:
        return true;
      case T_PUNCT:
        return this.prevCh === RPAREN || this.prevCh === RBRACKET || this.prevCh === GT || this.prevCh === RBRACE;
      default:
        return false;
    }
  }

  /** The current token continues the expression across a line break (no automatic semicolon). */
  private continues(header: boolean): boolean {
    const L = this.lex;
    switch (L.type) {
      case T_OP:
      case T_ARROW:
      case T_TEMPLATE:
      case T_TEMPLATE_HEAD:
        return true;
      case T_PUNCT:
        switch (L.ch) {
          case DOT:
          case LPAREN:
          case LBRACKET:
          case EQUALS:
          case QUESTION:
          case COLON:
          case LT:
          case GT:
          case 43: // +
          case 45: // -
          case STAR:
          case 47: // /
          case 37: // %
          case 38: // &
          case 124: // |
          case 94: // ^
          case COMMA:
            return true;
          case LBRACE:
            return header;
          default:
            return false;
        }
      case T_IDENT:
        return L.kw === K_IN || L.kw === K_INSTANCEOF || L.kw === K_AS || L.kw === K_SATISFIES || L.kw === K_EXTENDS || (header && L.kw === K_IMPLEMENTS);
      default:
        return false;
    }
  }

  // ---- main loop ----

  run(): void {
    const L = this.lex;
    for (;;) {
      const k = this.kind;
      if (this.resumeTemplate) {
        this.resumeTemplate = false;
        L.continueTemplate();
      } else if (k === F_JSX_TAG) L.nextJsxTag();
      else if (k === F_JSX_CHILDREN) L.nextJsxChild();
      else L.next(this.regexOk());
      if (L.type === T_EOF) break;
      if (k === F_JSX_TAG || k === F_JSX_CHILDREN) {
        this.jsxToken(k);
        continue;
      }
      // After `.` or `?.` a keyword is a property name.
      if (L.type === T_IDENT && L.kw !== 0 && ((this.prevType === T_PUNCT && this.prevCh === DOT) || (this.prevType === T_OP && this.prevCh === QUESTION && this.text.charCodeAt(this.prevEnd - 1) === DOT))) L.kw = 0;
      if (!L.nl && this.passive()) {
        // Nothing to decide on this token; only remember it.
      } else if (L.type === T_PUNCT && (L.ch === RBRACE || L.ch === RPAREN || L.ch === RBRACKET)) {
        this.closeBracket();
      } else {
        if (L.type === T_PUNCT && L.ch === LT && this.jsx && this.f[this.base + TCTX] === 0 && this.regexOk() && this.jsxAhead()) L.type = T_JSX_START;
        this.pushed = false;
        if (k === F_PROGRAM || k === F_BLOCK) this.statement();
        else if (k === F_CLASS || k === F_OBJECT || k === F_TYPE) this.member();
        else this.expressionToken();
        if (!this.pushed) this.openBracket();
        if (L.type === T_JSX_START) continue; // prev stays what it was until the element ends
      }
      this.prevType = L.type;
      this.prevCh = L.ch;
      this.prevKw = L.kw;
      this.prevEnd = L.end;
    }
    this.depth = 0;
    this.base = 0;
    this.endCur(this.unterminatedEnd());
    this.closeFrom(0, this.prevEnd);
  }

  /**
   * The current token is an operand or operator in the middle of an expression that no state
   * machine looks at (most tokens of a function body): the main loop skips the dispatch.
   */
  private passive(): boolean {
    const L = this.lex;
    switch (L.type) {
      case T_IDENT:
        if (L.kw !== 0) return false;
        break;
      case T_PUNCT:
        if (L.ch !== DOT) return false;
        break;
      case T_NUM:
      case T_STRING:
      case T_TEMPLATE:
      case T_REGEX:
      case T_PRIVATE:
      case T_OP:
      case T_INCDEC:
      case T_DOTS:
        break;
      default:
        return false;
    }
    const f = this.f;
    const b = this.base;
    switch (f[b + KIND]) {
      case F_PROGRAM:
      case F_BLOCK: {
        const st = f[b + ST];
        return st === S_EXPR || (st === S_DECL_VALUE && f[b + SUB] === V_DONE);
      }
      case F_CLASS:
      case F_OBJECT:
      case F_TYPE: {
        const st = f[b + ST];
        return st === M_OTHER || st === M_VALUE || (st === M_FIELD_VALUE && f[b + SUB] === V_DONE);
      }
      default:
        return true;
    }
  }

  private jsxAhead(): boolean {
    const L = this.lex;
    const c = this.text.charCodeAt(L.end);
    if (!(isIdentStart(c) || c === GT)) return false;
    return !(this.tsx && L.typeParamsAhead(L.end));
  }

  private jsxToken(k: number): void {
    const L = this.lex;
    if (L.type === T_PUNCT && L.ch === LBRACE) {
      this.push(F_JSX_EXPR, -1, false, false);
      this.prevType = T_PUNCT;
      this.prevCh = LBRACE;
      return;
    }
    if (k === F_JSX_TAG) {
      if (L.type === T_JSX_TAG_END) this.f[this.base + KIND] = F_JSX_CHILDREN;
      else if (L.type === T_JSX_SELF_CLOSE) this.endJsxElement();
    } else if (L.type === T_JSX_OPEN) {
      this.push(F_JSX_TAG, -1, false, false);
    } else if (L.type === T_JSX_CLOSE) {
      this.endJsxElement();
    }
  }

  private endJsxElement(): void {
    this.depth--;
    this.base -= STRIDE;
    if (this.kind !== F_JSX_CHILDREN) {
      // Back in code: the element was an operand.
      this.prevType = T_STRING;
      this.prevEnd = this.lex.end;
    }
  }

  private openBracket(): void {
    const L = this.lex;
    const pure = this.f[this.base + TCTX] !== 0;
    if (L.type === T_PUNCT) {
      if (L.ch === LBRACE) this.openBrace();
      else if (L.ch === LPAREN) this.push(F_PAREN, -1, false, pure);
      else if (L.ch === LBRACKET) this.push(F_BRACKET, -1, false, pure);
    } else if (L.type === T_TEMPLATE_HEAD) {
      this.push(F_TEMPLATE, -1, false, false);
    } else if (L.type === T_JSX_START) {
      this.push(F_JSX_TAG, -1, false, false);
    }
  }

  /** What a `{` that no state machine claimed opens. */
  private openBrace(): void {
    const f = this.f;
    const b = this.base;
    const hdr = f[b + HDR]!;
    if (hdr !== 0 && f[b + ANGLE] === 0 && this.prevAllowsBody()) {
      const def = f[b + HDRDEF]!;
      const st = f[b + ST]!;
      const declaration = this.isStatementFrame() && (st === S_FUNC_HDR || st === S_HDR);
      f[b + HDR] = 0;
      f[b + HDRDEF] = -1;
      if (f[b + CUR] === def) f[b + CUR] = -1;
      if (declaration) f[b + ST] = S_EXPR;
      if (f[b + TCTX] === 2) f[b + TCTX] = 0;
      if (def >= 0) this.defs[def]!.bodyStart = this.lex.start;
      const kind = hdr === H_CLASS ? F_CLASS : hdr === H_IFACE ? F_TYPE : hdr === H_ENUM ? F_ENUM : F_BLOCK;
      this.push(kind, def, declaration, kind === F_TYPE);
      return;
    }
    if (f[b + TCTX] !== 0 || (hdr !== 0 && this.ts)) return this.push(F_TYPE, -1, false, true);
    if (this.prevType === T_ARROW) return this.push(F_BLOCK, -1, false, false);
    if (this.isStatementFrame() && f[b + ST] === S_START) return this.push(F_BLOCK, -1, true, false);
    if (this.prevIs(RPAREN) || (this.prevType === T_IDENT && BLOCK_AFTER[this.prevKw] === 1)) return this.push(F_BLOCK, -1, true, false);
    this.push(F_OBJECT, -1, false, false);
  }

  /** Pushes a definition's body as a block. */
  private pushBody(def: number): void {
    if (def >= 0) this.defs[def]!.bodyStart = this.lex.start;
    this.push(F_BLOCK, def, true, false);
    this.pushed = true;
  }

  private closeBracket(): void {
    const c = this.lex.ch;
    // A stray closer pops at most one unclosed bracket on the way; otherwise it is ignored.
    let target = -1;
    if (this.closes(this.depth, c)) target = this.depth;
    else if (this.depth >= 2 && this.closes(this.depth - 1, c)) target = this.depth - 1;
    if (target <= 0) return;
    let closes = false;
    let kind = 0;
    while (this.depth >= target) {
      kind = this.kind;
      closes = this.f[this.base + CLOSES] === 1;
      this.popFrame();
    }
    this.prevClosesStmt = closes;
    if (kind === F_TEMPLATE) {
      this.resumeTemplate = true;
      return;
    }
    this.childClosed(closes);
  }

  /** The closing bracket `c` closes the frame at `depth`. */
  private closes(depth: number, c: number): boolean {
    const k = this.f[depth * STRIDE + KIND]!;
    if (c === RPAREN) return k === F_PAREN;
    if (c === RBRACKET) return k === F_BRACKET;
    return k !== F_PAREN && k !== F_BRACKET && k !== F_PROGRAM && k !== F_JSX_TAG && k !== F_JSX_CHILDREN;
  }

  private popFrame(): void {
    const f = this.f;
    const b = this.base;
    const k = f[b + KIND]!;
    if (k === F_CLASS || k === F_OBJECT || k === F_TYPE) this.endMember(this.prevEnd);
    else this.endCur(this.unterminatedEnd());
    this.closeFrom(this.depth, this.prevEnd);
    const def = f[b + DEF]!;
    if (def >= 0) this.close(def, this.lex.end);
    this.depth--;
    this.base -= STRIDE;
  }

  private childClosed(closes: boolean): void {
    const f = this.f;
    const b = this.base;
    const k = this.kind;
    const st = f[b + ST]!;
    if (k === F_PROGRAM || k === F_BLOCK) {
      if (closes) this.resetStatement();
    } else if (k === F_CLASS || k === F_OBJECT || k === F_TYPE) {
      if (st === M_BODY || (closes && st === M_OTHER)) this.endMember(this.prevEnd);
    }
  }

  // ---- decorators ----

  /** Reads a decorator token; false when the decorator has ended before this token. */
  private decorator(): boolean {
    const L = this.lex;
    const f = this.f;
    const at = this.base + DECOST;
    switch (f[at]) {
      case 1:
        if (L.type === T_IDENT) f[at] = 2;
        else if (this.isPunct(LPAREN)) f[at] = 4;
        else break;
        return true;
      case 2:
        if (this.isPunct(DOT)) f[at] = 3;
        else if (this.isPunct(LPAREN)) f[at] = 4;
        else break;
        return true;
      case 3:
        if (L.type === T_IDENT || L.type === T_PRIVATE) {
          f[at] = 2;
          return true;
        }
        break;
    }
    f[at] = 0;
    return false;
  }

  private startDecorator(): void {
    const b = this.base;
    if (this.f[b + DECO]! < 0) this.f[b + DECO] = this.lex.start;
    this.f[b + DECOST] = 1;
  }

  // ---- expressions ----

  /** The bookkeeping every expression or type token gets, at any level. */
  private expressionToken(): void {
    const L = this.lex;
    const f = this.f;
    const b = this.base;
    if (L.type === T_IDENT) {
      if (L.kw === K_FUNCTION) {
        f[b + HDR] = H_FUNC;
        f[b + HDRDEF] = -1;
      } else if (L.kw === K_CLASS) {
        f[b + HDR] = H_CLASS;
        f[b + HDRDEF] = -1;
      } else if ((L.kw === K_AS || L.kw === K_SATISFIES) && this.ts && f[b + TCTX] === 0) {
        f[b + TCTX] = 1;
      }
    } else if (L.type === T_PUNCT) {
      const t = f[b + TCTX]!;
      switch (L.ch) {
        case QUESTION:
          f[b + TERN] = f[b + TERN]! + 1;
          break;
        case COLON:
          if (f[b + TERN]! > 0) {
            f[b + TERN] = f[b + TERN]! - 1;
            if (!this.prevIs(QUESTION)) break; // `a ? b : c`; else `a?: T` (its `?` was counted)
          }
          if (!this.ts || t === 3) break;
          if (this.prevIs(RPAREN)) f[b + TCTX] = 2;
          else if (t === 0 && (this.kind === F_PAREN || this.kind === F_BRACKET)) f[b + TCTX] = 1;
          break;
        case EQUALS:
        case COMMA:
          if (t === 1 || t === 2) f[b + TCTX] = 0;
          break;
      }
    } else if (L.type === T_ARROW) {
      if (f[b + TCTX] === 2) f[b + TCTX] = 0;
    }
  }

  /**
   * Follows the first tokens of a declarator's or field's value far enough to
   * tell a function (`function`, `async`, an arrow with or without a return type
   * or type parameters) or a class expression from anything else.
   */
  private valueStart(field: boolean): number {
    const L = this.lex;
    const f = this.f;
    const b = this.base;
    switch (f[b + SUB]) {
      case V_START:
      case V_ASYNC: {
        const afterAsync = f[b + SUB] === V_ASYNC;
        if (L.type === T_IDENT) {
          if (L.kw === K_FUNCTION) {
            if (!field) return IS_FUNCTION_EXPR;
            f[b + SUB] = V_FUNC;
            return 0;
          }
          if (L.kw === K_CLASS) return afterAsync || field ? IS_OTHER : IS_CLASS;
          if (L.kw === K_ASYNC && !afterAsync) {
            f[b + SUB] = V_ASYNC;
            return 0;
          }
          f[b + SUB] = V_IDENT;
          return 0;
        }
        if (this.isPunct(LPAREN)) {
          f[b + SUB] = V_PAREN;
          return 0;
        }
        if (afterAsync && L.type === T_ARROW) return IS_FUNCTION; // `async => 1`: a parameter named async
        if (this.isPunct(LT) && this.ts) {
          f[b + SUB] = V_ANGLE;
          f[b + ANGLE] = 1;
          return 0;
        }
        return IS_OTHER;
      }
      case V_IDENT:
        return L.type === T_ARROW ? IS_FUNCTION : IS_OTHER;
      case V_PAREN:
        return L.type === T_ARROW || (this.isPunct(COLON) && this.ts) ? IS_FUNCTION : IS_OTHER;
      case V_ANGLE:
        if (this.isPunct(LT)) f[b + ANGLE] = f[b + ANGLE]! + 1;
        else if (this.isPunct(GT) && (f[b + ANGLE] = f[b + ANGLE]! - 1) === 0) f[b + SUB] = V_ANGLE_END;
        return 0;
      case V_ANGLE_END:
        if (this.isPunct(LPAREN)) {
          f[b + SUB] = V_PAREN;
          return 0;
        }
        return IS_OTHER;
      case V_FUNC:
        return this.isPunct(STAR) ? IS_OTHER : IS_FUNCTION_EXPR; // generator expressions are not captured for fields
      default:
        return IS_OTHER;
    }
  }

  // ---- statements ----

  private resetStatement(): void {
    const f = this.f;
    const b = this.base;
    f[b + ST] = S_START;
    f[b + CUR] = -1;
    f[b + TENT] = 0;
    f[b + HDR] = 0;
    f[b + HDRDEF] = -1;
    f[b + TCTX] = 0;
    f[b + TERN] = 0;
    f[b + MODS] = 0;
    f[b + DECO] = -1;
    f[b + DECOST] = 0;
    f[b + SUB] = 0;
    f[b + ANGLE] = 0;
    f[b + START] = -1;
  }

  /**
   * Where the statement being read ends without a `;`. A type alias or function signature ends
   * with an automatic semicolon, which tree-sitter places after the comments on the same line.
   */
  private unterminatedEnd(): number {
    const st = this.f[this.base + ST];
    if (st !== S_TYPE_VALUE && st !== S_TYPE_HDR && st !== S_FUNC_HDR) return this.prevEnd;
    const text = this.text;
    let end = this.prevEnd;
    for (let pos = end; pos < text.length; ) {
      const c = text.charCodeAt(pos);
      if (c === 32 || c === 9) pos++;
      else if (c === 47 && text.charCodeAt(pos + 1) === 47) {
        let eol = text.indexOf('\n', pos);
        if (eol < 0) eol = text.length;
        return text.charCodeAt(eol - 1) === 13 ? eol - 1 : eol;
      } else if (c === 47 && text.charCodeAt(pos + 1) === 42) {
        const close = text.indexOf('*/', pos + 2);
        if (close < 0) return end;
        for (let i = pos; i < close; i++) if (text.charCodeAt(i) === 10) return end; // the next line's
        pos = end = close + 2;
      } else break;
    }
    return end;
  }

  private endStatement(end: number): void {
    this.endCur(end);
    this.resetStatement();
  }

  private statement(): void {
    const L = this.lex;
    const f = this.f;
    const b = this.base;
    let st = f[b + ST]!;
    if (L.nl && st !== S_START && st !== S_MOD && st !== S_CTX_KW && st !== S_FUNC && st !== S_CLASS && st !== S_NS_NAME && st !== S_ENUM && st !== S_DECL) {
      if (!this.isPunct(SEMI) && this.prevCanEnd() && !this.continues(st === S_FUNC_HDR || st === S_HDR)) {
        this.endStatement(this.unterminatedEnd());
        st = S_START;
      }
    }
    if (f[b + DECOST] !== 0 && this.decorator()) return;
    switch (st) {
      case S_START:
      case S_MOD:
        return this.head();
      case S_CTX_KW:
        return this.contextualKeyword();
      case S_EXPR:
        return this.expressionStatement();
      case S_FUNC:
        if (this.isPunct(STAR)) return;
        f[b + ST] = S_FUNC_HDR;
        if (L.type === T_IDENT) {
          const def = this.emit('function', f[b + START]!, L.start, L.end);
          f[b + HDRDEF] = def;
          f[b + CUR] = def;
          return;
        }
        return this.functionHeader();
      case S_FUNC_HDR:
        return this.functionHeader();
      case S_CLASS:
        f[b + ST] = S_HDR;
        if (L.type === T_IDENT && L.kw !== K_EXTENDS && L.kw !== K_IMPLEMENTS) {
          const def = this.emit('class', f[b + START]!, L.start, L.end);
          f[b + HDRDEF] = def;
          f[b + CUR] = def;
          return;
        }
        return this.header();
      case S_HDR:
        return this.header();
      case S_ENUM:
        if (L.type === T_IDENT) {
          const def = this.emit('enum', f[b + START]!, L.start, L.end);
          f[b + HDR] = H_ENUM;
          f[b + HDRDEF] = def;
          f[b + CUR] = def;
          f[b + ST] = S_HDR;
          return;
        }
        f[b + ST] = S_EXPR;
        return this.expressionStatement();
      case S_NS_NAME:
        return this.namespaceName();
      case S_TYPE_HDR:
        if (this.isPunct(LT)) f[b + ANGLE] = f[b + ANGLE]! + 1;
        else if (this.isPunct(GT)) f[b + ANGLE] = f[b + ANGLE]! - 1;
        else if (this.isPunct(EQUALS) && f[b + ANGLE]! <= 0) {
          f[b + ST] = S_TYPE_VALUE;
          f[b + TCTX] = 3;
        } else if (this.isPunct(SEMI)) this.endStatement(L.end);
        return;
      case S_TYPE_VALUE:
        if (this.isPunct(SEMI)) this.endStatement(L.end);
        return;
      case S_DECL:
        return this.declaratorName();
      case S_DECL_NAME:
      case S_DECL_TYPE:
      case S_DECL_VALUE:
        return this.declarator(st);
    }
  }

  /** The first token of a statement, or one after `export`, `declare`, `default` or decorators. */
  private head(): void {
    const L = this.lex;
    const f = this.f;
    const b = this.base;
    if (f[b + ST] === S_START) {
      f[b + MODS] = 0;
      f[b + TERN] = 0;
    }
    if (L.type === T_PUNCT) {
      if (L.ch === AT) {
        this.startDecorator();
        f[b + ST] = S_MOD;
        return;
      }
      if (L.ch === SEMI) return this.resetStatement();
      if (L.ch === LBRACE) {
        // `export default { ... }` and `export { a }` are objects; a `{` starting a statement is a block.
        const mods = f[b + MODS] !== 0;
        f[b + ST] = S_EXPR;
        this.push(mods ? F_OBJECT : F_BLOCK, -1, !mods, false);
        this.pushed = true;
        return;
      }
    } else if (L.type === T_IDENT) {
      switch (L.kw) {
        case K_EXPORT:
          f[b + MODS] = f[b + MODS]! | M_EXPORT;
          f[b + DECO] = -1; // decorators before `export` are not part of the class
          f[b + ST] = S_MOD;
          return;
        case K_DEFAULT:
          if (f[b + MODS]! & M_EXPORT) {
            f[b + MODS] = f[b + MODS]! | M_DEFAULT;
            return;
          }
          break;
        case K_TYPE:
        case K_INTERFACE:
        case K_NAMESPACE:
        case K_MODULE:
        case K_GLOBAL:
        case K_DECLARE:
        case K_ABSTRACT:
        case K_ASYNC:
        case K_LET:
        case K_CONST:
          if (!this.ts && L.kw !== K_ASYNC && L.kw !== K_LET && L.kw !== K_CONST) break;
          f[b + PKW] = L.kw;
          f[b + KWSTART] = L.start;
          f[b + ST] = S_CTX_KW;
          return;
        case K_ENUM:
          if (!this.ts) break;
          f[b + START] = L.start;
          f[b + ST] = S_ENUM;
          return;
        case K_FUNCTION:
          return this.startFunction(L.start);
        case K_CLASS:
          return this.startClass(f[b + DECO]! >= 0 ? f[b + DECO]! : L.start);
        case K_VAR:
          return this.startDeclaration(K_VAR);
      }
    }
    f[b + ST] = S_EXPR;
    this.expressionStatement();
  }

  /** The token after a contextual keyword (`type`, `declare`, `async`, `let`...) tells what that keyword was. */
  private contextualKeyword(): void {
    const L = this.lex;
    const f = this.f;
    const b = this.base;
    const keyword = f[b + PKW]!;
    const keywordStart = f[b + KWSTART]!;
    const ident = L.type === T_IDENT;
    switch (keyword) {
      case K_DECLARE:
        if (ident && AFTER_DECLARE[L.kw] === 1) {
          f[b + MODS] = f[b + MODS]! | M_DECLARE;
          f[b + ST] = S_MOD;
          return this.head();
        }
        break;
      case K_ABSTRACT:
        if (ident && L.kw === K_CLASS) return this.startClass(f[b + DECO]! >= 0 ? f[b + DECO]! : keywordStart);
        break;
      case K_ASYNC:
        if (ident && L.kw === K_FUNCTION && !L.nl) return this.startFunction(keywordStart);
        break;
      case K_TYPE:
        if (ident && !L.nl) {
          f[b + CUR] = this.emit('type', keywordStart, L.start, L.end);
          f[b + ST] = S_TYPE_HDR;
          f[b + TCTX] = 1;
          f[b + ANGLE] = 0;
          return;
        }
        break;
      case K_INTERFACE:
        if (ident) {
          const def = this.emit('interface', keywordStart, L.start, L.end);
          f[b + HDR] = H_IFACE;
          f[b + HDRDEF] = def;
          f[b + CUR] = def;
          f[b + ST] = S_HDR;
          return;
        }
        break;
      case K_NAMESPACE:
        if (ident) {
          f[b + START] = keywordStart;
          f[b + NAME] = L.start;
          f[b + NAMEEND] = L.end;
          f[b + SUB] = 0;
          f[b + ST] = S_NS_NAME;
          return;
        }
        break;
      case K_MODULE:
        // `module Foo {}` and `declare module 'x' {}` hold declarations but are not definitions.
        if ((ident || L.type === T_STRING) && !L.nl) {
          f[b + HDR] = H_MODULE;
          f[b + ST] = S_HDR;
          return;
        }
        break;
      case K_GLOBAL:
        if (this.isPunct(LBRACE)) {
          f[b + HDR] = H_MODULE;
          f[b + ST] = S_HDR;
          return;
        }
        break;
      case K_LET:
        if (ident || this.isPunct(LBRACKET) || this.isPunct(LBRACE)) {
          this.startDeclaration(K_LET);
          return this.declaratorName();
        }
        break;
      case K_CONST:
        if (ident && L.kw === K_ENUM && this.ts) {
          f[b + START] = keywordStart;
          f[b + ST] = S_ENUM;
          return;
        }
        this.startDeclaration(K_CONST);
        return this.declaratorName();
    }
    // The keyword was a plain name.
    f[b + ST] = S_EXPR;
    this.expressionStatement();
  }

  private startFunction(start: number): void {
    const f = this.f;
    const b = this.base;
    f[b + START] = start;
    f[b + HDR] = H_FUNC;
    f[b + HDRDEF] = -1;
    f[b + ST] = S_FUNC;
  }

  private startClass(start: number): void {
    const f = this.f;
    const b = this.base;
    f[b + START] = start;
    f[b + HDR] = H_CLASS;
    f[b + HDRDEF] = -1;
    f[b + ST] = S_CLASS;
  }

  /** After a function declaration's name: up to its body, or its end as a signature (overload, `declare`). */
  private functionHeader(): void {
    const f = this.f;
    const b = this.base;
    if (this.isPunct(SEMI)) return this.endStatement(this.lex.end);
    if (this.isPunct(COLON) && this.ts && f[b + TCTX] === 0) f[b + TCTX] = 2;
    else if (this.isPunct(LT)) f[b + ANGLE] = f[b + ANGLE]! + 1;
    else if (this.isPunct(GT) && f[b + ANGLE]! > 0) f[b + ANGLE] = f[b + ANGLE]! - 1;
  }

  private header(): void {
    if (this.isPunct(SEMI)) this.endStatement(this.prevEnd);
  }

  /** `namespace A.B.C`: the definition is C, qualified by A and B. */
  private namespaceName(): void {
    const L = this.lex;
    const f = this.f;
    const b = this.base;
    if (f[b + SUB] === 1) {
      if (L.type === T_IDENT) {
        f[b + NAMEEND] = L.end;
        f[b + SUB] = 0;
        return;
      }
    } else if (this.isPunct(DOT)) {
      f[b + SUB] = 1;
      return;
    }
    const full = this.text.slice(f[b + NAME]!, f[b + NAMEEND]!);
    const parts = full.split('.').map((p) => p.trim()).filter((p) => p !== '');
    const name = parts.pop() ?? full;
    const def = this.emit('module', f[b + START]!, f[b + NAME]!, f[b + NAMEEND]!);
    const d = this.defs[def];
    if (d) {
      d.name = name;
      if (parts.length > 0) d.qualifier = parts;
    }
    f[b + HDR] = H_NS;
    f[b + HDRDEF] = def;
    f[b + CUR] = def;
    f[b + ST] = S_HDR;
    this.header();
  }

  private startDeclaration(keyword: number): void {
    const f = this.f;
    const b = this.base;
    const mods = f[b + MODS]!;
    // Only program-level declarators are definitions; `declare var` and `export declare` ones are not matched by the queries.
    const captured = this.depth === 0 && !(mods & M_DECLARE && (keyword === K_VAR || mods & M_EXPORT));
    // `var` declarators are variables whatever their value: only `let`/`const` ones can be functions or classes.
    f[b + CAP] = captured ? (keyword === K_VAR ? 2 : 1) : 0;
    f[b + ST] = S_DECL;
  }

  private declaratorName(): void {
    const L = this.lex;
    const f = this.f;
    const b = this.base;
    if (L.type === T_IDENT) {
      if (f[b + CAP]) f[b + CUR] = this.emit('variable', L.start, L.start, L.end);
      f[b + ST] = S_DECL_NAME;
      return;
    }
    if (this.isPunct(LBRACE) || this.isPunct(LBRACKET)) {
      // A destructuring pattern: no definition.
      f[b + ST] = S_DECL_NAME;
      this.push(this.isPunct(LBRACE) ? F_OBJECT : F_BRACKET, -1, false, false);
      this.pushed = true;
      return;
    }
    f[b + ST] = S_EXPR;
    this.expressionStatement();
  }

  private declarator(st: number): void {
    const L = this.lex;
    const f = this.f;
    const b = this.base;
    if (this.isPunct(SEMI)) return this.endStatement(this.prevEnd);
    if (st === S_DECL_TYPE) {
      // `Map<K, V>`: the comma is the type's.
      if (this.isPunct(LT)) f[b + ANGLE] = f[b + ANGLE]! + 1;
      else if (this.isPunct(GT) && f[b + ANGLE]! > 0) f[b + ANGLE] = f[b + ANGLE]! - 1;
    }
    const inAngle = st === S_DECL_TYPE ? f[b + ANGLE]! > 0 : f[b + SUB] === V_ANGLE;
    if (this.isPunct(COMMA) && f[b + TERN] === 0 && (st === S_DECL_NAME || (!inAngle && L.declaratorAhead(L.end)))) {
      this.endCur(this.prevEnd);
      f[b + ST] = S_DECL;
      f[b + TCTX] = 0;
      f[b + SUB] = 0;
      f[b + ANGLE] = 0;
      return;
    }
    if (st === S_DECL_NAME) {
      if (this.isPunct(COLON)) {
        f[b + ST] = S_DECL_TYPE;
        if (this.ts) f[b + TCTX] = 1;
      } else if (this.isPunct(EQUALS)) {
        f[b + ST] = S_DECL_VALUE;
        f[b + SUB] = V_START;
      } else if (!this.isPunct(BANG)) {
        f[b + ST] = S_EXPR;
        this.endCur(this.prevEnd);
        this.expressionStatement();
      }
      return;
    }
    if (st === S_DECL_TYPE) {
      if (this.isPunct(EQUALS)) {
        f[b + ST] = S_DECL_VALUE;
        f[b + SUB] = V_START;
        f[b + TCTX] = 0;
        f[b + ANGLE] = 0;
      }
      return;
    }
    const cur = f[b + CUR]!;
    if (f[b + SUB] === V_BODY) {
      if (f[b + HDR] === 0) {
        // Something follows the function or class body: the value is a larger expression.
        f[b + SUB] = V_DONE;
        if (cur >= 0) this.defs[cur]!.kind = 'variable';
      }
    } else if (f[b + SUB] !== V_DONE) {
      const verdict = this.valueStart(false);
      if (verdict !== 0) {
        f[b + SUB] = verdict === IS_FUNCTION_EXPR || verdict === IS_CLASS ? V_BODY : V_DONE;
        if (cur >= 0 && verdict !== IS_OTHER && f[b + CAP] === 1) this.defs[cur]!.kind = verdict === IS_CLASS ? 'class' : 'function';
      }
    }
    this.expressionToken();
  }

  private expressionStatement(): void {
    const f = this.f;
    const b = this.base;
    if (this.isPunct(SEMI)) return this.resetStatement();
    if (this.isPunct(COLON) && f[b + TERN] === 0 && f[b + TCTX] === 0 && !this.prevIs(RPAREN)) {
      // `case x:`, `default:` or a label: a statement follows.
      return this.resetStatement();
    }
    this.expressionToken();
  }

  // ---- members: class bodies, object literals, object types ----

  private endMember(end: number): void {
    const f = this.f;
    const b = this.base;
    this.endCur(end);
    f[b + ST] = M_START;
    f[b + HDR] = 0;
    f[b + HDRDEF] = -1;
    f[b + TCTX] = f[b + KIND] === F_TYPE ? 3 : 0;
    f[b + TERN] = 0;
    f[b + DECO] = -1;
    f[b + DECOST] = 0;
    f[b + START] = -1;
    f[b + SUB] = 0;
    f[b + ANGLE] = 0;
  }

  private member(): void {
    const L = this.lex;
    const f = this.f;
    const b = this.base;
    const k = f[b + KIND]!;
    let st = f[b + ST]!;
    if (L.nl && k !== F_OBJECT && st !== M_START && st !== M_STAR && st !== M_TPARAMS && st !== M_NAME_TP && st !== M_BODY) {
      if (!this.isPunct(SEMI) && !this.isPunct(COMMA) && this.prevCanEnd() && !this.continues(st === M_PARAMS || st === M_RET)) {
        this.endMember(this.prevEnd);
        st = M_START;
      }
    }
    if (f[b + DECOST] !== 0 && this.decorator()) return;
    if (f[b + TCTX] !== 0 && (st === M_RET || st === M_OTHER || st === M_FIELD_TYPE)) {
      // In a type, `Map<K, V>` holds a comma that does not end the member.
      if (this.isPunct(LT)) f[b + ANGLE] = f[b + ANGLE]! + 1;
      else if (this.isPunct(GT) && f[b + ANGLE]! > 0) f[b + ANGLE] = f[b + ANGLE]! - 1;
      else if (this.isPunct(COMMA) && f[b + ANGLE]! > 0) return;
    }
    switch (st) {
      case M_START:
      case M_BODY:
        return this.memberStart();
      case M_MOD:
        if (L.type === T_IDENT) {
          if (MODIFIERS[L.kw] !== 1) f[b + ST] = M_NAME;
          this.setName();
          return;
        }
        if (L.type === T_PRIVATE) {
          f[b + ST] = M_NAME;
          this.setName();
          return;
        }
        if (this.isPunct(STAR)) {
          f[b + ST] = M_STAR;
          return;
        }
        if (this.isPunct(LBRACE) && k === F_CLASS && f[b + NAMEKW] === K_STATIC) {
          // A static initialization block.
          f[b + ST] = M_BODY;
          this.pushBody(-1);
          return;
        }
        if (this.isPunct(LBRACKET) || L.type === T_STRING || L.type === T_NUM) {
          f[b + ST] = M_OTHER;
          return;
        }
        // The modifier-looking word was the name (`get() {}`, `static = 1`).
        f[b + ST] = M_NAME;
        return this.memberName();
      case M_STAR:
        if (L.type === T_IDENT || L.type === T_PRIVATE) {
          f[b + ST] = M_NAME;
          this.setName();
          return;
        }
        f[b + ST] = M_OTHER;
        return this.expressionToken();
      case M_NAME:
        return this.memberName();
      case M_TPARAMS:
        if (this.isPunct(LT)) f[b + ANGLE] = f[b + ANGLE]! + 1;
        else if (this.isPunct(GT) && (f[b + ANGLE] = f[b + ANGLE]! - 1) === 0) {
          f[b + ST] = M_NAME_TP;
          if (k !== F_TYPE) f[b + TCTX] = 0;
        }
        return;
      case M_NAME_TP:
        if (this.isPunct(LPAREN)) return this.memberName();
        f[b + ST] = M_OTHER;
        return this.expressionToken();
      case M_PARAMS:
        if (this.isPunct(LBRACE)) return this.methodBody();
        if (this.isPunct(COLON)) {
          f[b + ST] = M_RET;
          if (k !== F_TYPE && this.ts) f[b + TCTX] = 2;
          return;
        }
        if (this.isPunct(SEMI) || this.isPunct(COMMA)) return this.endMember(this.prevEnd);
        f[b + ST] = M_OTHER;
        return this.expressionToken();
      case M_RET:
        if (this.isPunct(LBRACE) && f[b + ANGLE] === 0 && this.prevAllowsBody()) return this.methodBody();
        if (this.isPunct(SEMI) || this.isPunct(COMMA)) return this.endMember(this.prevEnd);
        return;
      case M_FIELD_TYPE:
        if (this.isPunct(EQUALS)) {
          f[b + ST] = M_FIELD_VALUE;
          f[b + SUB] = V_START;
          f[b + TCTX] = 0;
        } else if (this.isPunct(SEMI) || this.isPunct(COMMA)) this.endMember(this.prevEnd);
        return;
      case M_FIELD_VALUE:
        if (this.isPunct(SEMI)) return this.endMember(this.prevEnd);
        if (f[b + SUB] === V_BODY) {
          if (f[b + HDR] === 0) {
            f[b + SUB] = V_DONE;
            f[b + TENT] = 1;
            this.endCur(this.prevEnd); // `function() {}.bind(this)` is a call
          }
        } else if (f[b + SUB] !== V_DONE) {
          const verdict = this.valueStart(true);
          if (verdict !== 0) {
            f[b + SUB] = verdict === IS_FUNCTION_EXPR ? V_BODY : V_DONE;
            if (verdict === IS_FUNCTION || verdict === IS_FUNCTION_EXPR) f[b + TENT] = 0;
            else this.endCur(this.prevEnd); // not a function: the candidate goes
          }
        }
        return this.expressionToken();
      case M_VALUE:
      case M_OTHER:
        if (this.isPunct(SEMI) || this.isPunct(COMMA)) return this.endMember(this.prevEnd);
        return this.expressionToken();
    }
  }

  private setName(): void {
    const L = this.lex;
    const f = this.f;
    const b = this.base;
    if (f[b + START]! < 0) f[b + START] = L.start;
    f[b + NAME] = L.start;
    f[b + NAMEEND] = L.end;
    f[b + NAMEKW] = L.kw;
  }

  private memberStart(): void {
    const L = this.lex;
    const f = this.f;
    const b = this.base;
    f[b + ST] = M_START;
    if (L.type === T_IDENT) {
      f[b + ST] = MODIFIERS[L.kw] === 1 ? M_MOD : M_NAME;
      this.setName();
      return;
    }
    if (L.type === T_PRIVATE) {
      f[b + ST] = M_NAME;
      this.setName();
      return;
    }
    if (L.type === T_PUNCT) {
      switch (L.ch) {
        case SEMI:
        case COMMA:
          return this.endMember(this.prevEnd);
        case AT:
          return this.startDecorator();
        case STAR:
          if (f[b + START]! < 0) f[b + START] = L.start;
          f[b + ST] = M_STAR;
          return;
      }
    }
    f[b + ST] = M_OTHER;
    this.expressionToken();
  }

  private memberName(): void {
    const L = this.lex;
    const f = this.f;
    const b = this.base;
    const k = f[b + KIND]!;
    if (L.type === T_PUNCT) {
      switch (L.ch) {
        case QUESTION:
        case BANG:
          return;
        case LPAREN: {
          const nameKw = f[b + NAMEKW]!;
          if ((k === F_TYPE && (nameKw === K_NEW || nameKw === K_IMPORT)) || (k === F_OBJECT && CONTROL[nameKw] === 1)) {
            f[b + ST] = M_OTHER;
            return;
          }
          // TypeScript's class methods start after their decorators, JavaScript's at them.
          const deco = f[b + DECO]!;
          const start = !this.ts && deco >= 0 ? deco : f[b + START]!;
          f[b + CUR] = this.emit('method', start, f[b + NAME]!, f[b + NAMEEND]!);
          // Without a body, only a class or object type member is a (TypeScript) signature.
          f[b + TENT] = k === F_OBJECT || (k === F_CLASS && !this.ts) ? 1 : 0;
          f[b + ST] = M_PARAMS;
          return;
        }
        case LT:
          f[b + ST] = M_TPARAMS;
          f[b + ANGLE] = 1;
          if (this.ts) f[b + TCTX] = k === F_TYPE ? 3 : 1;
          return;
        case EQUALS:
        case COLON:
          if (k === F_CLASS) {
            const deco = f[b + DECO]!;
            f[b + CUR] = this.emit('method', deco >= 0 ? deco : f[b + START]!, f[b + NAME]!, f[b + NAMEEND]!);
            f[b + TENT] = 1;
            if (L.ch === EQUALS) {
              f[b + ST] = M_FIELD_VALUE;
              f[b + SUB] = V_START;
            } else {
              f[b + ST] = M_FIELD_TYPE;
              if (this.ts) f[b + TCTX] = 1;
            }
            return;
          }
          f[b + ST] = k === F_OBJECT && L.ch === COLON ? M_VALUE : M_OTHER;
          return;
        case SEMI:
        case COMMA:
          return this.endMember(this.prevEnd);
      }
    }
    f[b + ST] = M_OTHER;
    this.expressionToken();
  }

  private methodBody(): void {
    const f = this.f;
    const b = this.base;
    const def = f[b + CUR]!;
    f[b + CUR] = -1;
    f[b + TENT] = 0;
    f[b + ST] = M_BODY;
    if (f[b + KIND] !== F_TYPE) f[b + TCTX] = 0;
    this.pushBody(def);
  }

  // ---- results ----

  results(prefix: readonly string[]): AstDefinition[] {
    const text = this.text;
    const defs = this.defs;
    const kept: RawDef[] = [];
    for (const d of defs) {
      if (d.dropped) continue;
      if (d.end < 0) d.end = Math.max(this.prevEnd, d.nameEnd);
      let p = d.parent;
      while (p >= 0 && defs[p]!.dropped) p = defs[p]!.parent;
      d.parent = p;
      const parent = p >= 0 ? defs[p]! : null;
      d.segments = parent ? [...parent.segments] : [...prefix];
      if (d.qualifier) d.segments.push(...d.qualifier);
      d.segments.push(d.name);
      d.path = d.segments.join('::');
      if (d.kind === 'function' && parent && CLASS_LIKE.has(parent.kind)) d.kind = 'method';
      kept.push(d);
    }
    kept.sort((a, b) => a.start - b.start || b.end - a.end);
    const lines = new LineIndex(text);
    return kept.map((d) => {
      const nameLine = lines.lineOf(d.nameStart);
      return {
        name: d.name,
        path: d.path,
        kind: d.kind,
        line1: lines.lineOf(d.start) + 1,
        line2: lines.lineOf(Math.max(d.start, d.end - 1)) + 1,
        nameLine: nameLine + 1,
        nameColumn: d.nameStart - lines.startOf(nameLine) + 1,
        signature: signature(text, d),
        parent: d.parent >= 0 ? defs[d.parent]!.path : d.qualifier ? [...prefix, ...d.qualifier].join('::') : null,
      };
    });
  }
}

/** As extract.ts signatureOf: the declaration up to its body, else its first line. */
function signature(text: string, d: RawDef): string {
  if (d.bodyStart > d.start) {
    let end = d.bodyStart;
    while (end > d.start) {
      const c = text.charCodeAt(end - 1);
      if (isSpace(c) || c === LBRACE || c === COLON || c === EQUALS) end--;
      else break;
    }
    return collapse(text, d.start, end);
  }
  // The first line, searched no further than the signature can reach (minified files have megabyte lines).
  const limit = Math.min(d.end, d.start + SIGNATURE_MAX * 2);
  let end = d.start;
  while (end < limit && text.charCodeAt(end) !== 10) end++;
  return collapse(text, d.start, end);
}

/** collapseSignature, skipping its regexes when the text is already one short, single-spaced line (most are). */
function collapse(text: string, start: number, end: number): string {
  if (end - start > SIGNATURE_MAX) return collapseSignature(text.slice(start, end));
  let space = true; // a space here would be leading or doubled
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 32) {
      if (space) return collapseSignature(text.slice(start, end));
      space = true;
    } else if (c < 32 || (c >= 128 && isSpace(c))) {
      return collapseSignature(text.slice(start, end));
    } else space = false;
  }
  return space && end > start ? collapseSignature(text.slice(start, end)) : text.slice(start, end);
}

class LineIndex {
  private readonly starts: number[] = [0];

  constructor(text: string) {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }

  /** 0-based line of an offset. */
  lineOf(offset: number): number {
    const starts = this.starts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  startOf(line: number): number {
    return this.starts[line] ?? 0;
  }
}

/**
 * Definitions in a JavaScript or TypeScript file (language ids 'javascript',
 * 'javascriptreact', 'typescript', 'typescriptreact'), as the tree-sitter pass
 * would give them. Never throws: on an internal error it returns nothing.
 */
export function tagJavaScript(text: string, modulePrefix: readonly string[], language: string): AstDefinition[] {
  try {
    const tagger = new Tagger(text, language);
    tagger.run();
    return tagger.results(modulePrefix);
  } catch {
    return [];
  }
}
