import type { AstDefinition } from '../../worker-api/ast';
import { assemble, CLexer, EOF, IDENT, PUNCT, rawDef, type RawDef } from './c-lexer';

/**
 * C# definitions as queries/csharp.ts captures them: namespaces (module; a
 * dotted name qualifies its last segment), classes and records (class),
 * structs, interfaces, enums, delegates (type), methods and constructors
 * (method) and local functions (function). A file-scoped namespace replaces
 * the module prefix. A definition starts at its first attribute or modifier,
 * as the tree-sitter node does. Properties, fields, events, operators,
 * indexers and finalizers are not captured.
 *
 * One pass over the tokens with an explicit frame per open bracket, as in
 * java.ts: each brace frame reads the header of its current member or
 * statement token by token, counting angle brackets itself.
 */

const OPEN_PAREN = 40;
const CLOSE_PAREN = 41;
const STAR = 42;
const DOT = 46;
const COLON = 58;
const SEMI = 59;
const LT = 60;
const EQUALS = 61;
const GT = 62;
const QUESTION = 63;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;

/** What a frame's elements are. */
const TOP = 0; // the file: namespaces, types, top-level statements
const NS = 1; // a namespace body: namespaces and types
const CLASS = 2; // a class, struct, interface or record body: members
const CODE = 3; // a block: statements, some local functions
const PAREN = 4; // parentheses, square brackets, enum bodies: nothing is declared directly in them

/** Where a frame's header is. */
const H_LIVE = 0; // attributes, modifiers, a type, a name, type parameters
const H_KEYWORD = 1; // after `class`, `struct`, `interface`, `enum` or `record`: the name is next
const H_TYPE = 2; // a type or namespace declaration waiting for its body
const H_METHOD = 3; // a method, local function or delegate waiting for its body or `;`
const H_ARROW = 4; // an expression-bodied method: it ends at `;`
const H_DEAD = 5; // not a declaration: nothing until the element ends

const MODIFIERS = new Set([
  'public', 'private', 'protected', 'internal', 'static', 'virtual', 'override', 'abstract', 'sealed', 'readonly', 'extern', 'unsafe',
  'new', 'async', 'partial', 'volatile', 'const', 'ref', 'required', 'file', 'scoped', 'event', 'fixed',
]);
/** Words that cannot start or be part of a member's type or name (predefined types and `var` can). */
const NOT_NAMES = new Set([
  'return', 'if', 'else', 'for', 'foreach', 'while', 'do', 'switch', 'case', 'try', 'catch', 'finally', 'throw', 'break', 'continue', 'using',
  'goto', 'lock', 'checked', 'unchecked', 'this', 'base', 'null', 'true', 'false', 'operator', 'implicit', 'explicit', 'await', 'yield', 'is', 'as',
  'typeof', 'sizeof', 'nameof', 'default', 'in', 'out', 'namespace', 'delegate', 'class', 'struct', 'interface', 'enum', 'stackalloc', 'when', 'where',
]);

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
  /** The previous header token was `.`; `afterName`: it followed the name (an explicit interface: `void IFoo.Bar()`). */
  afterDot: boolean;
  afterName: boolean;
  /** Unclosed `<` in the header. */
  angle: number;
  /** After `delegate`: the name declares a delegate type. */
  delegate: boolean;
  /** The kind the name after H_KEYWORD declares, and its body's mode. */
  keywordKind: RawDef['kind'];
  keywordMode: number;
  /** The pending definition (H_TYPE, H_METHOD, H_ARROW), or -1. */
  def: number;
  defMode: number;
  /** These brackets are a global attribute (`[assembly: …]`). */
  global: boolean;
}

function frame(mode: number): Frame {
  return {
    mode, body: -1, atStart: true, state: H_DEAD, start: 0, typeSeen: false, typeSimple: false, typeStart: 0, typeEnd: 0, nameStart: -1, nameEnd: -1,
    afterDot: false, afterName: false, angle: 0, delegate: false, keywordKind: 'class', keywordMode: CLASS, def: -1, defMode: CLASS, global: false,
  };
}

export function tagCSharp(text: string, modulePrefix: readonly string[]): AstDefinition[] {
  const lx = new CLexer(text, false, 'csharp');
  const defs: RawDef[] = [];
  let packageSegments: string[] | null = null;
  // Frames are reused by depth, so a long file allocates only as many as its deepest nesting.
  const frames: Frame[] = [frame(TOP)];
  let depth = 0;
  let f = frames[0]!;

  const push = (mode: number, body: number): Frame => {
    depth++;
    let g = frames[depth];
    if (g === undefined) frames.push((g = frame(mode)));
    g.mode = mode;
    g.body = body;
    g.atStart = true;
    g.state = H_DEAD;
    g.def = -1;
    g.global = false;
    return g;
  };

  const kill = (): void => {
    f.state = H_DEAD;
  };

  const keyword = (kind: RawDef['kind'], mode: number): void => {
    f.state = H_KEYWORD;
    f.keywordKind = kind;
    f.keywordMode = mode;
  };

  /** After `namespace`: a file-scoped one becomes the prefix, a block one a module qualified by its leading segments. */
  const readNamespace = (): void => {
    const segments: string[] = [];
    let nameStart = -1;
    // Lookahead is undone before any token that is not the name's, so a `{` is never swallowed.
    for (;;) {
      lx.save();
      if (lx.next() !== IDENT) {
        lx.restore();
        break;
      }
      segments.push(lx.word());
      if (nameStart < 0) nameStart = lx.start; // tree-sitter's name node is the whole dotted name
      lx.save();
      if (lx.next() !== PUNCT || lx.ch !== DOT) {
        lx.restore();
        break;
      }
    }
    const name = segments.pop();
    if (name === undefined) return kill();
    lx.save();
    const semi = lx.next() === PUNCT && lx.ch === SEMI;
    lx.restore();
    if (semi) {
      if (f.mode === TOP) packageSegments ??= [...segments, name];
      return kill();
    }
    f.def = defs.length;
    f.defMode = NS;
    defs.push(rawDef('module', name, f.start, nameStart, segments.length > 0 ? segments.join('::') : null));
    f.state = H_TYPE;
  };

  /** At `[`: an attribute whose target is the assembly or module (`[assembly: X]`). */
  const globalAttribute = (): boolean => {
    lx.save();
    const target = lx.next() === IDENT && (lx.is('assembly') || lx.is('module')) && lx.next() === PUNCT && lx.ch === COLON;
    lx.restore();
    return target;
  };

  /** Feeds one token to the header of frame `f` (not a PAREN frame). */
  const header = (t: number): void => {
    if (f.atStart) {
      f.atStart = false;
      f.state = H_LIVE;
      f.start = lx.start;
      f.typeSeen = f.typeSimple = f.afterDot = f.afterName = f.delegate = false;
      f.nameStart = f.nameEnd = -1;
      f.angle = 0;
      f.def = -1;
    }
    const state = f.state;
    const c = t === PUNCT ? lx.ch : 0;
    if (state === H_METHOD) {
      if (c === EQUALS && text.charCodeAt(lx.start + 1) === GT) {
        // `=> expr;`: the signature stops before the arrow, as before a body.
        defs[f.def]!.bodyStart = lx.start;
        f.state = H_ARROW;
      }
      return;
    }
    if (state !== H_LIVE && state !== H_KEYWORD) return;
    if (state === H_KEYWORD) {
      // `record class R`, `record struct R`: both are record declarations (class), as tree-sitter has them.
      if (t === IDENT && f.keywordMode === CLASS && f.keywordKind === 'class' && (lx.is('class') || lx.is('struct'))) return;
      if (t === IDENT && !NOT_NAMES.has(lx.word()) && !MODIFIERS.has(lx.word())) {
        f.def = defs.length;
        f.defMode = f.keywordMode;
        defs.push(rawDef(f.keywordKind, lx.word(), f.start, lx.start));
        f.state = H_TYPE;
      } else kill();
      return;
    }
    // H_LIVE
    if (f.angle > 0) {
      if (c === LT) f.angle++;
      else if (c === GT) f.angle--;
      else if (c === SEMI || c === OPEN_BRACE || c === CLOSE_BRACE || c === EQUALS) kill();
      return;
    }
    const mode = f.mode;
    if (t === IDENT) {
      const afterDot = f.afterDot;
      const afterName = f.afterName;
      f.afterDot = f.afterName = false;
      if (afterDot) {
        if (afterName) {
          f.nameStart = lx.start; // the member an explicit interface implementation names
          f.nameEnd = lx.end;
        } else f.typeSimple = false;
        return;
      }
      if (f.nameStart >= 0) return kill();
      const word = lx.word();
      if (!f.typeSeen && !f.delegate) {
        if (mode !== CODE) {
          if (word === 'class' || word === 'record') return keyword('class', CLASS);
          if (word === 'struct') return keyword('struct', CLASS);
          if (word === 'interface') return keyword('interface', CLASS);
          if (word === 'enum') return keyword('enum', PAREN);
          if (word === 'namespace' && mode !== CLASS) return readNamespace();
          if (word === 'delegate') {
            f.delegate = true;
            return;
          }
        }
        if (MODIFIERS.has(word)) return;
      }
      if (NOT_NAMES.has(word) || MODIFIERS.has(word)) return kill();
      if (!f.typeSeen) {
        f.typeSeen = f.typeSimple = true;
        f.typeStart = lx.start;
        f.typeEnd = lx.end;
        return;
      }
      f.nameStart = lx.start;
      f.nameEnd = lx.end;
      return;
    }
    if (t !== PUNCT) return kill();
    f.afterDot = f.afterName = false;
    if (c === DOT) {
      if (!f.typeSeen) return kill();
      f.afterDot = true;
      f.afterName = f.nameStart >= 0;
    } else if (c === LT) {
      if (!f.typeSeen) return kill();
      if (f.nameStart < 0) f.typeSimple = false;
      f.angle = 1;
    } else if (c === QUESTION || c === STAR) {
      if (!f.typeSeen || f.nameStart >= 0) return kill();
      f.typeSimple = false;
    } else if (c === OPEN_BRACKET) {
      // Attributes before the declaration; an array type after its element type.
      if (f.nameStart >= 0) return kill();
      if (f.typeSeen) f.typeSimple = false;
    } else if (c === OPEN_PAREN) {
      if (!f.typeSeen) {
        if (mode !== CLASS || f.delegate) return kill();
        f.typeSeen = true; // a tuple return type
        f.typeSimple = false;
        return;
      }
      let nameStart = f.nameStart;
      let nameEnd = f.nameEnd;
      if (nameStart < 0) {
        if (mode !== CLASS || !f.typeSimple || f.delegate) return kill();
        nameStart = f.typeStart; // a constructor
        nameEnd = f.typeEnd;
      }
      const kind = f.delegate ? (mode === CODE ? null : 'type') : mode === CLASS ? 'method' : mode === NS ? null : 'function';
      if (kind === null) return kill();
      f.def = defs.length;
      defs.push(rawDef(kind, text.slice(nameStart, nameEnd), f.start, nameStart));
      f.state = H_METHOD;
    } else kill();
  };

  let t = lx.next();
  while (t !== EOF) {
    const c = t === PUNCT ? lx.ch : 0;
    if (c === CLOSE_PAREN || c === CLOSE_BRACKET || c === CLOSE_BRACE) {
      if (depth > 0) {
        if (f.body >= 0) defs[f.body]!.end = lx.end;
        depth--;
        f = frames[depth]!;
        // A member or statement ends with its body; an attribute's `]` leaves its declaration going,
        // and so does a brace inside an expression body (`=> new X { A = 1 };`).
        // `[assembly: …]` is a declaration of its own, not the start of the next one.
        const global = frames[depth + 1]!.global;
        if ((c === CLOSE_BRACE && f.mode !== PAREN && f.state !== H_ARROW) || global) f.atStart = true;
      }
      t = lx.next();
      continue;
    }
    const mode = f.mode;
    if (mode !== PAREN) {
      // A label or case ends a statement header, but not a local function's `where T : …`.
      if (c === SEMI || (c === COLON && mode === CODE && f.state !== H_METHOD && f.state !== H_ARROW)) {
        // `;` ends a bodiless method, delegate or record (`record R(int A);`); an unfinished namespace is dropped.
        if ((f.state === H_METHOD || f.state === H_ARROW || (f.state === H_TYPE && defs[f.def]!.kind !== 'module')) && !f.atStart) defs[f.def]!.end = lx.end;
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
        if (f.mode !== PAREN && f.state !== H_ARROW) f.state = H_DEAD;
        f = push(CODE, -1);
      }
    } else if (c === OPEN_PAREN || c === OPEN_BRACKET) {
      const global = c === OPEN_BRACKET && f.mode !== PAREN && f.mode !== CLASS && f.state === H_LIVE && !f.typeSeen && globalAttribute();
      f = push(PAREN, -1);
      f.global = global;
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
