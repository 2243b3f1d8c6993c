import type { AstDefinition } from '../../worker-api/ast';
import { assemble, CLexer, EOF, IDENT, PUNCT, rawDef, type RawDef } from './c-lexer';

/**
 * Go definitions as queries/go.ts captures them: functions, methods (qualified
 * by a plain or generic receiver type), type specs anywhere (struct, interface
 * or type), interface method elements anywhere, and top-level const specs
 * (first name only) and ungrouped var specs. The package clause replaces the
 * module prefix.
 *
 * One pass over the tokens with an explicit bracket stack (deep nesting cannot
 * overflow the call stack). A spec ends where Go ends a statement: at `;`, at
 * a line break after a token that inserts a semicolon, or at its bracket's close.
 */

const OPEN_PAREN = 40;
const CLOSE_PAREN = 41;
const STAR = 42;
const COMMA = 44;
const SEMI = 59;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const TILDE = 126;

/** What the elements between a bracket pair are. */
const BLOCK = 0;
const IFACE = 1;
const CONST_GROUP = 2;
const TYPE_GROUP = 3;

/** Keyword codes: the declarations, and the other keywords after which a line break does not end a statement (break, continue, fallthrough and return do). */
const K_TYPE = 1;
const K_FUNC = 2;
const K_CONST = 3;
const K_VAR = 4;
const K_PACKAGE = 5;
const K_STRUCT = 6;
const K_INTERFACE = 7;
const K_OTHER = 8;

/** The keyword code of text[s, s + n), without slicing it. */
function keywordAt(text: string, s: number, n: number): number {
  const first = text.charCodeAt(s);
  if (first < 99 || first > 118) return 0; // every keyword starts with `c`..`v`
  switch (n) {
    case 2:
      return text.startsWith('go', s) || text.startsWith('if', s) ? K_OTHER : 0;
    case 3:
      return text.startsWith('var', s) ? K_VAR : text.startsWith('for', s) || text.startsWith('map', s) ? K_OTHER : 0;
    case 4:
      return text.startsWith('type', s) ? K_TYPE : text.startsWith('func', s) ? K_FUNC : text.startsWith('case', s) || text.startsWith('chan', s) || text.startsWith('else', s) || text.startsWith('goto', s) ? K_OTHER : 0;
    case 5:
      return text.startsWith('const', s) ? K_CONST : text.startsWith('defer', s) || text.startsWith('range', s) ? K_OTHER : 0;
    case 6:
      return text.startsWith('struct', s) ? K_STRUCT : text.startsWith('import', s) || text.startsWith('select', s) || text.startsWith('switch', s) ? K_OTHER : 0;
    case 7:
      return text.startsWith('package', s) ? K_PACKAGE : text.startsWith('default', s) ? K_OTHER : 0;
    case 9:
      return text.startsWith('interface', s) ? K_INTERFACE : 0;
    default:
      return 0;
  }
}

/** A type parameter list's first two tokens look like `[T any`, `[K, V`, `[T ~int`, `[P *C`, not an array length `[4`, `[N]`. */
const TYPE_PARAM_FOLLOWERS = new Set([COMMA, STAR, TILDE, OPEN_BRACKET, OPEN_PAREN]);

/** Where the main loop is in a type spec whose kind (struct, interface or type) is not settled yet. */
const TS_NONE = 0;
const TS_NAME = 1;
const TS_BRACKET_FIRST = 2;
const TS_BRACKET_SECOND = 3;
const TS_PARAMS = 4;

export function tagGo(text: string, modulePrefix: readonly string[]): AstDefinition[] {
  const lx = new CLexer(text, false);
  const defs: RawDef[] = [];
  let packageName: string | null = null;

  // Per bracket depth (index 0 is the file): what the elements are, the
  // definition this bracket's close ends, the pending specs [from, to) a
  // statement end closes, and whether the next token starts an element.
  const mode = [BLOCK];
  const bodyOf = [-1];
  const pendFrom = [0];
  const pendTo = [0];
  const atStart = [true];
  let depth = 0;
  /** A top-level func whose body has not started yet. */
  let funcDef = -1;
  /** Set by `interface`/`struct`/`const`/`type` for the bracket right after them. */
  let nextBracket = -1;

  let prevType = EOF;
  let prevStart = 0;
  let prevEnd = 0;
  let prevCh = 0;

  const advance = (): number => {
    prevType = lx.type;
    prevStart = lx.start;
    prevEnd = lx.end;
    prevCh = lx.ch;
    return lx.next();
  };

  const insertsSemicolon = (): boolean => {
    if (prevType === IDENT) return keywordAt(text, prevStart, prevEnd - prevStart) === 0;
    if (prevType === PUNCT) {
      // `)`, `]`, `}`, and the second character of `++` or `--`
      return prevCh === CLOSE_PAREN || prevCh === CLOSE_BRACKET || prevCh === CLOSE_BRACE || ((prevCh === 43 || prevCh === 45) && text.charCodeAt(prevStart - 1) === prevCh);
    }
    return prevType !== EOF;
  };

  const endSpecs = (d: number): void => {
    for (let i = pendFrom[d]!; i < pendTo[d]!; i++) defs[i]!.end = prevEnd;
    pendFrom[d] = pendTo[d] = 0;
  };

  const addPending = (def: RawDef): void => {
    if (pendTo[depth] !== defs.length) endSpecs(depth);
    if (pendFrom[depth] === pendTo[depth]) pendFrom[depth] = defs.length;
    defs.push(def);
    pendTo[depth] = defs.length;
  };

  const peekIsPunct = (ch: number): boolean => {
    lx.save();
    const is = lx.next() === PUNCT && lx.ch === ch;
    lx.restore();
    return is;
  };

  // The type spec being settled: its kind shows in the tokens after its name,
  // past type parameters (`G[T any] struct`) but not an array length (`A [4]struct{}`).
  let spec: RawDef | null = null;
  let specState = TS_NONE;
  let specDepth = 0;

  const typeSpec = (): void => {
    spec = rawDef('type', lx.word(), lx.start, lx.start);
    addPending(spec);
    specState = TS_NAME;
    specDepth = depth;
  };

  /** Feeds the token after a type spec's name (and its type parameters) to settle its kind. */
  const settleSpec = (t: number): void => {
    if (specState === TS_NAME || (specState === TS_PARAMS && depth === specDepth)) {
      if (specState === TS_NAME && t === PUNCT && lx.ch === OPEN_BRACKET) {
        specState = TS_BRACKET_FIRST;
        return;
      }
      const k = t === IDENT ? keywordAt(text, lx.start, lx.end - lx.start) : 0;
      if (k === K_STRUCT) spec!.kind = 'struct';
      else if (k === K_INTERFACE) spec!.kind = 'interface';
    } else if (specState === TS_BRACKET_FIRST) {
      if (t === IDENT) {
        specState = TS_BRACKET_SECOND;
        return;
      }
    } else if (specState === TS_BRACKET_SECOND) {
      if (t === IDENT || (t === PUNCT && TYPE_PARAM_FOLLOWERS.has(lx.ch))) {
        specState = TS_PARAMS;
        return;
      }
    } else return; // inside the type parameters
    specState = TS_NONE;
  };

  let t = lx.next();
  while (t !== EOF) {
    if ((lx.nl && insertsSemicolon()) || (t === PUNCT && lx.ch === SEMI)) {
      endSpecs(depth);
      if (depth === 0) funcDef = -1;
      if (depth <= specDepth) specState = TS_NONE;
      atStart[depth] = true;
      prevType = EOF;
      if (t === PUNCT && lx.ch === SEMI) {
        t = advance();
        continue;
      }
    }
    if (specState !== TS_NONE) settleSpec(t);
    const elementStart = atStart[depth]!;
    atStart[depth] = false;

    if (t === PUNCT) {
      const c = lx.ch;
      if (c === OPEN_PAREN || c === OPEN_BRACKET || c === OPEN_BRACE) {
        const body = c === OPEN_BRACE && depth === 0 && funcDef >= 0 && nextBracket < 0;
        depth++;
        mode[depth] = c === OPEN_BRACE ? (nextBracket === IFACE ? IFACE : BLOCK) : c === OPEN_PAREN && nextBracket >= CONST_GROUP ? nextBracket : BLOCK;
        bodyOf[depth] = body ? funcDef : -1;
        pendFrom[depth] = pendTo[depth] = 0;
        atStart[depth] = true;
        if (body) {
          defs[funcDef]!.bodyStart = lx.start;
          pendFrom[0] = pendTo[0] = 0;
          funcDef = -1;
        }
      } else if ((c === CLOSE_PAREN || c === CLOSE_BRACKET || c === CLOSE_BRACE) && depth > 0) {
        endSpecs(depth);
        const body = bodyOf[depth]!;
        if (body >= 0) defs[body]!.end = lx.end;
        depth--;
      }
      nextBracket = -1;
      t = advance();
      continue;
    }
    nextBracket = -1;
    if (t !== IDENT) {
      t = advance();
      continue;
    }

    const m = mode[depth]!;
    const k = keywordAt(text, lx.start, lx.end - lx.start);
    if (elementStart && m === IFACE && k === 0 && peekIsPunct(OPEN_PAREN)) {
      addPending(rawDef('method', lx.word(), lx.start, lx.start));
    } else if (elementStart && m === CONST_GROUP) {
      addPending(rawDef('constant', lx.word(), lx.start, lx.start));
    } else if (elementStart && m === TYPE_GROUP) {
      typeSpec();
    } else if (k === K_INTERFACE) {
      nextBracket = IFACE;
    } else if (k === K_STRUCT) {
      nextBracket = BLOCK;
    } else if (k === K_TYPE) {
      t = advance();
      if (t === IDENT) {
        typeSpec();
        t = advance();
      } else if (lx.isPunct(OPEN_PAREN)) nextBracket = TYPE_GROUP;
      continue;
    } else if (depth === 0 && elementStart) {
      if (k === K_FUNC) {
        t = funcHeader();
        continue;
      }
      if (k === K_CONST) {
        t = advance();
        if (t === IDENT) addPending(rawDef('constant', lx.word(), lx.start, lx.start));
        else if (lx.isPunct(OPEN_PAREN)) nextBracket = CONST_GROUP;
        continue;
      }
      if (k === K_VAR) {
        // `var a, b int`: one definition per name, all spanning the spec (siblings, see assemble).
        t = advance();
        const start = lx.start;
        while (t === IDENT) {
          addPending(rawDef('variable', lx.word(), start, lx.start));
          t = advance();
          if (!lx.isPunct(COMMA)) break;
          t = advance();
        }
        continue;
      }
      if (k === K_PACKAGE) {
        t = advance();
        if (t === IDENT) packageName ??= lx.word();
        continue;
      }
    }
    t = advance();
  }
  for (; depth >= 0; depth--) {
    endSpecs(depth);
    const body = bodyOf[depth]!;
    if (depth > 0 && body >= 0) defs[body]!.end = prevEnd;
  }
  return assemble(text, defs, packageName !== null ? [packageName] : modulePrefix);

  /** At a top-level `func`: a function or method declaration, left pending until its body or the statement's end. */
  function funcHeader(): number {
    const start = lx.start;
    let t = advance();
    let receiver: string | null = null;
    if (lx.isPunct(OPEN_PAREN)) {
      receiver = receiverType(lx);
      t = advance();
      if (receiver === null) return t;
    }
    if (t !== IDENT) return t;
    const def = rawDef(receiver === null ? 'function' : 'method', lx.word(), start, lx.start, receiver);
    addPending(def);
    funcDef = defs.length - 1;
    return advance();
  }
}

/**
 * The receiver type a method is qualified by, when it is one the query
 * matches (`T`, `*T`, `T[P]`, `*T[P]`, with or without a name), else null.
 * Reads up to the receiver's closing parenthesis.
 */
function receiverType(lx: CLexer): string | null {
  // States: 0 start, 1 one name, 2 after `*`, 3 the type, 4 after its type arguments,
  // 5 after a trailing comma, 6 after `a,` (a name list); -1 not matched.
  let state = 0;
  let first = '';
  let type: string | null = null;
  let depth = 1;
  for (let t = lx.next(); t !== EOF; t = lx.next()) {
    const c = t === PUNCT ? lx.ch : 0;
    if (c === OPEN_PAREN || c === OPEN_BRACKET || c === OPEN_BRACE) {
      depth++;
      if (depth === 2 && c === OPEN_BRACKET && (state === 1 || state === 3)) {
        if (state === 1) type = first;
        state = 4;
      } else if (depth === 2) state = -1;
      continue;
    }
    if (c === CLOSE_PAREN || c === CLOSE_BRACKET || c === CLOSE_BRACE) {
      if (--depth === 0) break;
      continue;
    }
    if (depth > 1 || state === 5) continue;
    if (c === COMMA) state = state === 1 ? 6 : state === 3 || state === 4 ? 5 : -1;
    else if (c === STAR) state = state === 0 || state === 1 ? 2 : -1;
    else if (t === IDENT && (state === 0 || state === 6)) {
      first = lx.word();
      state = 1;
    } else if (t === IDENT && (state === 1 || state === 2)) {
      type = lx.word();
      state = 3;
    } else state = -1;
  }
  if (state === 1) type = first;
  return state === 1 || state === 3 || state === 4 || state === 5 ? type : null;
}
