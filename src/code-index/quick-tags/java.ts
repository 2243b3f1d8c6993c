import type { AstDefinition } from '../../worker-api/ast';
import { assemble, CLexer, EOF, IDENT, PUNCT, rawDef, type RawDef } from './c-lexer';

/**
 * Java definitions as queries/java.ts captures them: classes and records
 * (class), interfaces and annotation types (interface), enums, methods and
 * constructors (method), wherever they are: nested, local to a method body, in
 * an enum constant's body or an anonymous class. The package declaration
 * replaces the module prefix. A definition starts at its first modifier or
 * annotation, as the tree-sitter node does.
 *
 * One pass over the tokens with an explicit frame per open bracket (deep
 * nesting cannot overflow the call stack). Each brace frame reads the header
 * of its current member or statement token by token; angle brackets are not
 * frames (`a < b` is no bracket), the header counts them itself.
 */

const OPEN_PAREN = 40;
const CLOSE_PAREN = 41;
const COMMA = 44;
const DOT = 46;
const COLON = 58;
const SEMI = 59;
const LT = 60;
const GT = 62;
const QUESTION = 63;
const AT = 64;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;

/** What a frame's elements are. */
const TOP = 0; // the file: type declarations and the package
const CLASS = 1; // a class, interface or record body: members
const ANNO = 2; // an annotation type body: its elements `int v() default 1;` are not methods
const ENUM = 3; // an enum body before its `;`: constants, some with class bodies
const CODE = 4; // a block: statements, some local type declarations
const PAREN = 5; // parentheses and square brackets

/** Where a frame's header is. */
const H_LIVE = 0; // modifiers, annotations, type parameters, a type, a name
const H_KEYWORD = 1; // after `class`, `interface`, `enum`, `record` or `@interface`: the name is next
const H_TYPE = 2; // a type declaration waiting for its body
const H_METHOD = 3; // a method or constructor waiting for its body or `;`
const H_DEAD = 4; // not a declaration: nothing until the element ends

const MODIFIERS = new Set(['public', 'protected', 'private', 'static', 'final', 'abstract', 'native', 'synchronized', 'transient', 'volatile', 'strictfp', 'default', 'sealed']);
/** Reserved words that cannot start or be part of a member's type or name (primitive types and `var` can). */
const NOT_NAMES = new Set([
  'new', 'return', 'if', 'else', 'for', 'while', 'do', 'switch', 'case', 'try', 'catch', 'finally', 'throw', 'throws', 'break', 'continue',
  'import', 'assert', 'this', 'super', 'instanceof', 'extends', 'implements', 'goto', 'const', 'null', 'true', 'false',
]);
/** Modifiers that are only contextual keywords: after a type they are names (`boolean sealed()`), like `permits`, `yield`, `module` and `record`. */
const CONTEXTUAL_MODIFIERS = new Set(['sealed']);

interface Frame {
  mode: number;
  /** The definition whose body this frame is, or -1. */
  body: number;
  /** The next token starts a new element (member or statement). */
  atStart: boolean;
  state: number;
  /** The element's first token. */
  start: number;
  typeSeen: boolean;
  /** The type so far is one plain identifier: before `(` it is a constructor's name. */
  typeSimple: boolean;
  typeStart: number;
  typeEnd: number;
  nameStart: number;
  nameEnd: number;
  /** The previous header token was `.` (a qualified type, or `Foo.class`). */
  afterDot: boolean;
  /** Unclosed `<` in the header. */
  angle: number;
  /** In an annotation: 1 after `@`, 2 after its name, 3 after a `.` in its name. */
  annot: number;
  /** The kind the name after H_KEYWORD declares. */
  keywordKind: RawDef['kind'];
  keywordMode: number;
  /** The pending definition (H_TYPE, H_METHOD), or -1. */
  def: number;
  defMode: number;
  /** These parentheses hold the arguments of `new T(…)`: a `{` after them opens an anonymous class. */
  newArgs: boolean;
}

function frame(mode: number): Frame {
  return {
    mode, body: -1, atStart: true, state: H_DEAD, start: 0, typeSeen: false, typeSimple: false, typeStart: 0, typeEnd: 0,
    nameStart: -1, nameEnd: -1, afterDot: false, angle: 0, annot: 0, keywordKind: 'class', keywordMode: CLASS, def: -1, defMode: CLASS, newArgs: false,
  };
}

export function tagJava(text: string, modulePrefix: readonly string[]): AstDefinition[] {
  const lx = new CLexer(text, false, 'java');
  const defs: RawDef[] = [];
  let packageSegments: string[] | null = null;
  // Frames are reused by depth, so a long file allocates only as many as its deepest nesting.
  const frames: Frame[] = [frame(TOP)];
  let depth = 0;
  let f = frames[0]!;
  /** After `new`: the type being instantiated, until its `(`. */
  let newType = false;
  /** The previous token closed the arguments of `new T(…)`. */
  let afterNewArgs = false;

  const push = (mode: number, body: number): Frame => {
    depth++;
    let g = frames[depth];
    if (g === undefined) frames.push((g = frame(mode)));
    g.mode = mode;
    g.body = body;
    g.atStart = true;
    g.state = H_DEAD;
    g.def = -1;
    g.newArgs = false;
    return g;
  };

  const kill = (): void => {
    f.state = H_DEAD;
  };

  /** Feeds one token to the header of frame `f` (a TOP, CLASS, ANNO or CODE frame). */
  const header = (t: number): void => {
    if (f.atStart) {
      f.atStart = false;
      f.state = H_LIVE;
      f.start = lx.start;
      f.typeSeen = f.typeSimple = f.afterDot = false;
      f.nameStart = f.nameEnd = -1;
      f.angle = f.annot = 0;
      f.def = -1;
    }
    const state = f.state;
    if (state === H_DEAD || state === H_TYPE || state === H_METHOD) return;
    const c = t === PUNCT ? lx.ch : 0;
    if (state === H_KEYWORD) {
      if (t === IDENT && !NOT_NAMES.has(lx.word()) && !MODIFIERS.has(lx.word())) {
        f.def = defs.length;
        f.defMode = f.keywordMode;
        defs.push(rawDef(f.keywordKind, lx.word(), f.start, lx.start));
        f.state = H_TYPE;
      } else kill();
      return;
    }
    // H_LIVE
    if (f.annot === 1) {
      if (t === IDENT && lx.is('interface')) {
        f.annot = 0;
        keyword('interface', ANNO);
      } else if (t === IDENT) f.annot = 2;
      else kill();
      return;
    }
    if (f.annot === 3) {
      if (t === IDENT) f.annot = 2;
      else kill();
      return;
    }
    if (f.annot === 2) {
      if (c === DOT) {
        f.annot = 3;
        return;
      }
      f.annot = 0;
      if (c === OPEN_PAREN) return; // its arguments are a frame of their own
    }
    if (f.angle > 0) {
      if (c === LT) f.angle++;
      else if (c === GT) f.angle--;
      else if (c === SEMI || c === OPEN_BRACE || c === CLOSE_BRACE || c === 61 /* = */) kill();
      return;
    }
    if (t === IDENT) {
      const afterDot = f.afterDot;
      f.afterDot = false;
      if (f.nameStart >= 0) return kill();
      if (afterDot) {
        if (lx.is('class') || lx.is('interface') || lx.is('enum')) return kill(); // `Foo.class`
        f.typeSimple = false;
        return;
      }
      if (!f.typeSeen) {
        if (lx.is('class')) return keyword('class', CLASS);
        if (lx.is('interface')) return keyword('interface', CLASS);
        if (lx.is('enum')) return keyword('enum', ENUM);
        if (lx.is('record')) {
          lx.save();
          const named = lx.next() === IDENT;
          lx.restore();
          if (named) return keyword('class', CLASS);
        }
        if (lx.is('non') && text.startsWith('-sealed', lx.end)) {
          lx.pos = lx.end + 7; // `non-sealed` is one modifier
          return;
        }
        const word = lx.word();
        if (MODIFIERS.has(word)) return;
        if (word === 'package' && f.mode === TOP) {
          readPackage();
          return kill();
        }
        if (NOT_NAMES.has(word)) return kill();
        f.typeSeen = f.typeSimple = true;
        f.typeStart = lx.start;
        f.typeEnd = lx.end;
        return;
      }
      const word = lx.word();
      if (NOT_NAMES.has(word) || (MODIFIERS.has(word) && !CONTEXTUAL_MODIFIERS.has(word))) return kill();
      f.nameStart = lx.start;
      f.nameEnd = lx.end;
      return;
    }
    if (t !== PUNCT) return kill();
    f.afterDot = false;
    if (c === AT) {
      if (f.typeSeen) return kill();
      f.annot = 1;
    } else if (c === DOT) {
      if (!f.typeSeen || f.nameStart >= 0) return kill();
      f.afterDot = true;
    } else if (c === LT) {
      if (f.nameStart >= 0) return kill();
      if (f.typeSeen) f.typeSimple = false;
      f.angle = 1;
    } else if (c === OPEN_BRACKET) {
      if (!f.typeSeen) return kill();
      f.typeSimple = false;
    } else if (c === OPEN_PAREN && f.mode === CLASS && f.typeSeen) {
      let nameStart = f.nameStart;
      let nameEnd = f.nameEnd;
      if (nameStart < 0) {
        if (!f.typeSimple) return kill();
        nameStart = f.typeStart; // a constructor
        nameEnd = f.typeEnd;
      }
      f.def = defs.length;
      defs.push(rawDef('method', text.slice(nameStart, nameEnd), f.start, nameStart));
      f.state = H_METHOD;
    } else kill();
  };

  function keyword(kind: RawDef['kind'], mode: number): void {
    f.state = H_KEYWORD;
    f.keywordKind = kind;
    f.keywordMode = mode;
  }

  /** After `package`: its dotted name, up to `;` (only the first declaration counts, as in extract.ts). */
  function readPackage(): void {
    const segments: string[] = [];
    // Lookahead is undone before any token that is not the name's, so a `{` is never swallowed.
    for (;;) {
      lx.save();
      if (lx.next() !== IDENT) {
        lx.restore();
        break;
      }
      segments.push(lx.word());
      lx.save();
      if (lx.next() !== PUNCT || lx.ch !== DOT) {
        lx.restore();
        break;
      }
    }
    if (segments.length > 0) packageSegments ??= segments;
  }

  let t = lx.next();
  while (t !== EOF) {
    const c = t === PUNCT ? lx.ch : 0;
    const anonymous = afterNewArgs && c === OPEN_BRACE;
    afterNewArgs = false;
    if (newType) {
      if (c === OPEN_PAREN) {
        // `new` has already ended any header here, so the parenthesis only needs its frame.
        newType = false;
        f = push(PAREN, -1);
        f.newArgs = true;
        t = lx.next();
        continue;
      }
      // Type arguments may hold arrays (`new ClassValue<int[]>() {…}`); an array creation never reaches a `(` of its own.
      if (!(t === IDENT || c === DOT || c === LT || c === GT || c === COMMA || c === QUESTION || c === AT || c === OPEN_BRACKET || c === CLOSE_BRACKET)) newType = false;
    }
    if (t === IDENT && lx.is('new')) newType = true;

    const mode = f.mode;
    if (c === CLOSE_PAREN || c === CLOSE_BRACKET || c === CLOSE_BRACE) {
      if (depth > 0) {
        if (f.body >= 0) defs[f.body]!.end = lx.end;
        afterNewArgs = f.newArgs && c === CLOSE_PAREN;
        depth--;
        f = frames[depth]!;
        if (c === CLOSE_BRACE && f.mode !== PAREN) f.atStart = true;
      }
      t = lx.next();
      continue;
    }
    if (mode === ENUM) {
      if (c === SEMI) {
        f.mode = CLASS;
        f.atStart = true;
      } else if (c === OPEN_BRACE) f = push(CLASS, -1); // a constant's body
      else if (c === OPEN_PAREN || c === OPEN_BRACKET) f = push(PAREN, -1);
      t = lx.next();
      continue;
    }
    if (mode !== PAREN) {
      if (c === SEMI || (c === COLON && mode === CODE)) {
        if (f.state === H_METHOD && !f.atStart) defs[f.def]!.end = lx.end;
        f.atStart = true;
        t = lx.next();
        continue;
      }
      header(t);
    }
    if (c === OPEN_BRACE) {
      if (f.mode !== PAREN && (f.state === H_TYPE || f.state === H_METHOD)) {
        const def = f.def;
        const bodyMode = f.state === H_TYPE ? f.defMode : CODE;
        f.state = H_DEAD;
        defs[def]!.bodyStart = lx.start;
        f = push(bodyMode, def);
      } else {
        if (f.mode !== PAREN) f.state = H_DEAD;
        f = push(anonymous ? CLASS : CODE, -1);
      }
    } else if (c === OPEN_PAREN || c === OPEN_BRACKET) {
      f = push(PAREN, -1);
    }
    t = lx.next();
  }
  // Bodies still open at the end of the file end there, as tree-sitter closes them.
  for (; depth > 0; depth--) {
    const body = frames[depth]!.body;
    if (body >= 0) defs[body]!.end = text.length;
  }
  return assemble(text, defs, packageSegments ?? modulePrefix);
}
