import type { AstDefinition } from '../../worker-api/ast';
import { assemble, CLexer, EOF, IDENT, LIFETIME, PUNCT, rawDef, STRING, type RawDef } from './c-lexer';

/**
 * Rust items as queries/rust.ts captures them: fn (with or without a body),
 * struct, enum, union, trait, type aliases (not associated types), mod,
 * macro_rules!, const and static, wherever items may stand (also in function
 * bodies and expression blocks). `impl Foo`, `impl<T> Foo<T>`, `impl a::Foo`
 * and `impl Trait for Foo` are scopes that qualify what is inside them.
 * Macro invocations and attributes are token trees tree-sitter does not look
 * into, so neither does this.
 *
 * One pass over the tokens with an explicit bracket stack; an item's header
 * (up to its body or `;`) is read by header(), everything else by the main loop.
 */

const BANG = 33;
const HASH = 35;
const OPEN_PAREN = 40;
const CLOSE_PAREN = 41;
const MINUS = 45;
const COLON = 58;
const SEMI = 59;
const LESS = 60;
const EQUALS = 61;
const GREATER = 62;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;

const K_FN = 1;
const K_STRUCT = 2;
const K_ENUM = 3;
const K_UNION = 4;
const K_TRAIT = 5;
const K_TYPE = 6;
const K_MOD = 7;
const K_IMPL = 8;
const K_CONST = 9;
const K_STATIC = 10;
const K_MACRO_RULES = 11;
/** Qualifiers that may come before an item keyword and belong to its node. */
const K_PUB = 12;
const K_MODIFIER = 13;
/** Keywords that cannot appear in an item's header: one of them means the header was not one. */
const K_STOP = 14;

/** The keyword code of text[s, s + n), without slicing it. */
function keywordAt(text: string, s: number, n: number): number {
  const first = text.charCodeAt(s);
  if (first < 97 || first > 117) return 0; // every keyword starts with `a`..`u`
  switch (n) {
    case 2:
      return text.startsWith('fn', s) ? K_FN : 0;
    case 3:
      return text.startsWith('mod', s) ? K_MOD : text.startsWith('pub', s) ? K_PUB : text.startsWith('let', s) || text.startsWith('use', s) ? K_STOP : 0;
    case 4:
      return text.startsWith('enum', s) ? K_ENUM : text.startsWith('type', s) ? K_TYPE : text.startsWith('impl', s) ? K_IMPL : 0;
    case 5:
      return text.startsWith('union', s) ? K_UNION : text.startsWith('trait', s) ? K_TRAIT : text.startsWith('const', s) ? K_CONST : text.startsWith('async', s) ? K_MODIFIER : 0;
    case 6:
      return text.startsWith('struct', s) ? K_STRUCT : text.startsWith('static', s) ? K_STATIC : text.startsWith('unsafe', s) || text.startsWith('extern', s) ? K_MODIFIER : 0;
    case 7:
      return text.startsWith('default', s) ? K_MODIFIER : 0;
    case 11:
      return text.startsWith('macro_rules', s) ? K_MACRO_RULES : 0;
    default:
      return 0;
  }
}

/** Words that may stand before `!(` without being a macro name (`if !(a && b)`). */
const NOT_MACROS = new Set(['if', 'while', 'match', 'return', 'in', 'break', 'else', 'let', 'as', 'mut', 'move', 'loop', 'for', 'where', 'yield']);
/** Primitive types: `impl u32 {}` is not a scope in tree-sitter (the type is not a type_identifier). */
const PRIMITIVES = new Set(['u8', 'i8', 'u16', 'i16', 'u32', 'i32', 'u64', 'i64', 'u128', 'i128', 'isize', 'usize', 'f32', 'f64', 'bool', 'str', 'char']);

/** How an item's header ended. */
const H_ABORT = 0;
const H_BODY = 1;
const H_TUPLE = 2;
const H_SEMI = 3;
const H_EQUALS = 4;

export function tagRust(text: string, modulePrefix: readonly string[]): AstDefinition[] {
  const lx = new CLexer(text, true);
  const defs: RawDef[] = [];
  // Per bracket depth: the definition its close ends, and the one a `;` at this depth ends.
  const bodyOf = [-1];
  const semiOf = [-1];
  let depth = 0;
  /** Where an item may start: after `;`, `{`, `}`, an attribute or a macro's braces. */
  let itemPos = true;
  /** Start of the `pub`/`unsafe`/`const`/... run before an item keyword, or -1. */
  let prefix = -1;
  /** The definition whose body the next `{` opens. */
  let nextBody = -1;
  /** Set by header(): the scope an impl's header names, or null. */
  let implName: string | null = null;

  const keyword = (): number => keywordAt(text, lx.start, lx.end - lx.start);

  const push = (def: RawDef): number => defs.push(def) - 1;

  const open = (bracket: number): void => {
    depth++;
    bodyOf[depth] = bracket === OPEN_BRACE ? nextBody : -1;
    semiOf[depth] = -1;
  };

  /** The current token opens a tree (`[`, `(`, `{`); leaves the lexer on its closing token. */
  const skipTree = (): void => {
    let nest = 0;
    for (let t = lx.type; t !== EOF; t = lx.next()) {
      if (t !== PUNCT) continue;
      const c = lx.ch;
      if (c === OPEN_PAREN || c === OPEN_BRACKET || c === OPEN_BRACE) nest++;
      else if ((c === CLOSE_PAREN || c === CLOSE_BRACKET || c === CLOSE_BRACE) && --nest === 0) return;
    }
  };

  /** After the current token: `!` and an opening bracket; leaves the lexer on the bracket when so. */
  const bangThenTree = (): boolean => {
    lx.save();
    lx.next();
    if (lx.isPunct(BANG)) {
      lx.next();
      if (lx.isPunct(OPEN_PAREN) || lx.isPunct(OPEN_BRACKET) || lx.isPunct(OPEN_BRACE)) return true;
    }
    lx.restore();
    return false;
  };

  let t = lx.next();
  while (t !== EOF) {
    if (t === PUNCT) {
      const c = lx.ch;
      prefix = -1;
      if (c === HASH) {
        // #[attribute] and #![attribute] are not part of the item's node.
        lx.save();
        if (lx.next() === PUNCT && lx.ch === BANG) lx.next();
        if (lx.isPunct(OPEN_BRACKET)) {
          skipTree();
          itemPos = true;
        } else {
          lx.restore();
          itemPos = false;
        }
      } else if (c === OPEN_PAREN || c === OPEN_BRACKET || c === OPEN_BRACE) {
        open(c);
        if (c === OPEN_BRACE && nextBody >= 0) defs[nextBody]!.bodyStart = lx.start;
        nextBody = -1;
        itemPos = c === OPEN_BRACE;
      } else if (c === CLOSE_PAREN || c === CLOSE_BRACKET || c === CLOSE_BRACE) {
        if (depth > 0) {
          const body = bodyOf[depth]!;
          if (body >= 0) defs[body]!.end = lx.end;
          depth--;
        }
        itemPos = c === CLOSE_BRACE;
      } else if (c === SEMI) {
        const pending = semiOf[depth]!;
        if (pending >= 0) defs[pending]!.end = lx.end;
        semiOf[depth] = -1;
        itemPos = true;
      } else itemPos = false;
      t = lx.next();
      continue;
    }
    if (t !== IDENT) {
      prefix = -1;
      itemPos = false;
      t = lx.next();
      continue;
    }

    const k = keyword();
    const start = prefix >= 0 ? prefix : lx.start;
    if (k === K_PUB || k === K_MODIFIER) {
      // Part of the item that follows, if one does; itemPos carries over.
      if (prefix < 0) prefix = lx.start;
      const isExtern = k === K_MODIFIER && lx.is('extern');
      t = lx.next();
      if (k === K_PUB && lx.isPunct(OPEN_PAREN)) {
        skipTree(); // pub(crate), pub(in path)
        t = lx.next();
      } else if (isExtern && t === STRING) t = lx.next();
      continue;
    }
    prefix = -1;

    if (k === K_FN || k === K_STRUCT || k === K_ENUM || k === K_TRAIT || k === K_MOD || (k === K_UNION && itemPos && unionAhead())) {
      t = lx.next();
      itemPos = false;
      if (t !== IDENT) continue; // fn(u8) -> u8, a function pointer type
      const kind = k === K_FN ? 'function' : k === K_STRUCT ? 'struct' : k === K_ENUM ? 'enum' : k === K_UNION ? 'union' : k === K_TRAIT ? 'trait' : 'module';
      const def = rawDef(kind, lx.word(), start, lx.start);
      lx.next();
      const how = header(k);
      if (how === H_BODY) nextBody = push(def);
      else if (how === H_TUPLE) {
        def.bodyStart = lx.start;
        semiOf[depth] = push(def);
      } else if (how === H_SEMI && (k === K_FN || k === K_STRUCT || k === K_MOD)) {
        def.end = lx.end;
        push(def);
      }
      t = lx.type;
      continue;
    }
    if (k === K_IMPL && itemPos) {
      lx.next();
      if (header(K_IMPL) === H_BODY && implName !== null) nextBody = push(rawDef('scope', implName, start, start));
      itemPos = false;
      t = lx.type;
      continue;
    }
    if (k === K_TYPE) {
      t = lx.next();
      itemPos = false;
      if (t !== IDENT) continue;
      const def = rawDef('type', lx.word(), start, lx.start);
      lx.next();
      // `type A = B;` is a type item; `type A;` and `type A: Bound;` in a trait are associated types, not captured.
      if (header(K_TYPE) === H_EQUALS) {
        semiOf[depth] = push(def);
        lx.next();
      }
      t = lx.type;
      continue;
    }
    if ((k === K_CONST || k === K_STATIC) && itemPos) {
      // `const NAME:` / `static [mut] NAME:`, not `const fn` (a prefix) nor `const {` (a block).
      lx.save();
      if (lx.next() === IDENT && k === K_STATIC && lx.is('mut')) lx.next();
      const nameStart = lx.start;
      const name = lx.type === IDENT && keyword() === 0 ? lx.word() : null;
      if (name !== null && lx.next() === PUNCT && lx.ch === COLON && text.charCodeAt(lx.end) !== COLON) {
        semiOf[depth] = push(rawDef(k === K_CONST ? 'constant' : 'variable', name, start, nameStart));
        itemPos = false;
        t = lx.next();
        continue;
      }
      lx.restore();
      if (k === K_CONST) {
        prefix = start;
        t = lx.next();
        continue;
      }
    }
    if (k === K_MACRO_RULES && macroRulesName()) {
      const def = rawDef('macro', lx.word(), start, lx.start);
      const bracket = lx.next() === PUNCT ? lx.ch : 0;
      itemPos = false;
      if (bracket === OPEN_PAREN || bracket === OPEN_BRACKET || bracket === OPEN_BRACE) {
        skipTree();
        def.end = lx.end;
        push(def);
        if (bracket !== OPEN_BRACE) {
          // macro_rules! m ( ... ); ends with its semicolon
          lx.save();
          if (lx.next() === PUNCT && lx.ch === SEMI) def.end = lx.end;
          lx.restore();
        }
        itemPos = bracket === OPEN_BRACE;
        t = lx.next();
      } else t = lx.type;
      continue;
    }
    if (k === 0 && atMacro()) {
      // A macro invocation: a token tree tree-sitter does not parse into items.
      const bracket = lx.ch;
      skipTree();
      itemPos = bracket === OPEN_BRACE;
      t = lx.next();
      continue;
    }
    itemPos = false;
    t = lx.next();
  }
  // An item left open by a broken file ends with the file.
  for (; depth > 0; depth--) {
    const body = bodyOf[depth]!;
    if (body >= 0) defs[body]!.end = text.length;
  }
  return assemble(text, defs, modulePrefix);

  /** At a name: `name!(`, `name![` or `name!{`; leaves the lexer on the bracket when so. */
  function atMacro(): boolean {
    const wordStart = lx.start;
    const wordEnd = lx.end;
    if (!startsBang(wordEnd) || !bangThenTree()) return false;
    if (!NOT_MACROS.has(text.slice(wordStart, wordEnd))) return true;
    lx.restore();
    return false;
  }

  /** The next character after spaces is a `!` that is not `!=`. */
  function startsBang(p: number): boolean {
    let c = text.charCodeAt(p);
    while (c === 32 || c === 9) c = text.charCodeAt(++p);
    return c === BANG && text.charCodeAt(p + 1) !== EQUALS;
  }

  /** `union Name {` / `union Name<`: `union` is a keyword only there. */
  function unionAhead(): boolean {
    lx.save();
    let is = lx.next() === IDENT;
    if (is) {
      const n = lx.next();
      is = (n === PUNCT && (lx.ch === OPEN_BRACE || lx.ch === LESS)) || lx.is('where');
    }
    lx.restore();
    return is;
  }

  /** After `macro_rules`: `! name`; leaves the lexer on the name when so. */
  function macroRulesName(): boolean {
    lx.save();
    if (lx.next() === PUNCT && lx.ch === BANG && lx.next() === IDENT) return true;
    lx.restore();
    return false;
  }

  /**
   * Reads an item's header from the current token (after the name, or after
   * `impl`) up to where it ends, tracking brackets and, outside them, angle
   * brackets. Leaves the lexer on the ending token: the body's `{`, a tuple
   * struct's `(`, the `;`, a type alias's `=`, or a token that shows this was
   * no item header (H_ABORT, with the brackets it opened counted as frames).
   * For an impl, sets implName to the scope its self type names, if any.
   */
  function header(k: number): number {
    let nest = 0;
    let angle = 0;
    let prevCh = 0;
    let prevEnd = -1;
    // The impl's self type (after `for` if there is one): 0 start, 1 a name, 2 after `::`,
    // 3 a name with type arguments, 4 inside the impl's own generics, -1 not a scope.
    let shape = k === K_IMPL && lx.isPunct(LESS) ? 4 : 0;
    let settled = k !== K_IMPL;
    /** A where clause has started: `FnMut(T)` there is no tuple struct's fields. */
    let where = false;
    let name: string | null = null;
    let segments = 0;
    implName = null;
    for (let t = lx.type; t !== EOF; t = lx.next()) {
      const top = nest === 0 && angle === 0;
      if (t === PUNCT) {
        const c = lx.ch;
        if (c === OPEN_PAREN || c === OPEN_BRACKET || c === OPEN_BRACE) {
          if (top && c === OPEN_BRACE) {
            if (k === K_TYPE) return abort(0);
            if ((shape === 1 || shape === 3) && name !== null && (segments > 1 || shape === 3 || !PRIMITIVES.has(name))) implName = name;
            return H_BODY;
          }
          if (top && c === OPEN_PAREN && k === K_STRUCT && !where) return H_TUPLE;
          if (top && !settled) shape = -1;
          nest++;
        } else if (c === CLOSE_PAREN || c === CLOSE_BRACKET || c === CLOSE_BRACE) {
          if (nest === 0) return abort(0);
          nest--;
        } else if (c === SEMI && nest === 0) {
          return H_SEMI;
        } else if (nest === 0) {
          if (c === LESS) {
            if (angle === 0 && !settled && shape !== 4) shape = (shape === 1 || shape === 2) && segments === 1 ? 3 : -1;
            angle++;
          } else if (c === GREATER && !(prevEnd === lx.start && (prevCh === MINUS || prevCh === EQUALS))) {
            if (angle > 0 && --angle === 0 && shape === 4) shape = 0;
          } else if (top && c === EQUALS && (k === K_TYPE || k === K_TRAIT)) {
            return k === K_TYPE ? H_EQUALS : abort(0);
          } else if (top && !settled) {
            if (c === COLON && prevCh === COLON && prevEnd === lx.start) {
              // `a::B`; a leading `::B` is a scoped path too
              if (shape === 0) segments = 1;
              shape = shape === 1 || shape === 0 ? 2 : -1;
            } else if (!(c === COLON && text.charCodeAt(lx.end) === COLON)) shape = -1;
          }
        }
        prevCh = c;
        prevEnd = lx.end;
        continue;
      }
      prevCh = 0;
      prevEnd = lx.end;
      if (t !== IDENT) {
        if (top && !settled && t !== LIFETIME) shape = -1;
        continue;
      }
      if (atMacro()) {
        skipTree(); // a macro in a type, `Option<Token![trait]>`
        if (top && !settled) shape = -1;
        continue;
      }
      const w = keyword();
      // (`let` may stand in a const block inside brackets: `[u8; { let x = N; x }]`)
      if (w === K_STRUCT || w === K_ENUM || w === K_TRAIT || w === K_MOD || w === K_STATIC || w === K_TYPE || (w === K_STOP && nest === 0)) return abort(nest);
      if (w === K_IMPL && k !== K_FN) return abort(nest);
      if (w === K_FN) {
        lx.save();
        const named = lx.next() === IDENT;
        lx.restore();
        if (named) return abort(nest);
      }
      if (!top) continue;
      if (lx.is('where')) {
        where = true;
        settled = true;
      }
      if (settled) continue;
      if (lx.is('for')) {
        shape = 0;
        segments = 0;
        name = null;
      } else if (shape === 0 || shape === 2) {
        name = lx.word();
        segments++;
        shape = 1;
      } else shape = -1;
    }
    return abort(nest);
  }

  function abort(nest: number): number {
    // Brackets the header opened are still open: keep the main loop's stack balanced.
    for (let i = 0; i < nest; i++) open(0);
    return H_ABORT;
  }
}
