import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { AstDefinition } from '../../worker-api/ast';
import { modulePrefixForPath } from '../languages';
import { tagPython } from './python';
import { seededRandom } from '../../engine/test-support/random';
import { expectLinear, LINEAR_BOUND_MS, treeSitterDefinitions } from './test-support';

/*
 * The quick tags stand in for tree-sitter's definitions until those arrive,
 * so most cases check both: the definitions a reader expects, and that the
 * real grammar plus extract.ts give exactly the same records.
 */

const PATH = 'pkg/m.py';
const samples = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'samples');
function quick(text: string, file = PATH): AstDefinition[] {
  return tagPython(text, modulePrefixForPath(file, 'python'));
}

const treeSitter = (text: string, file = PATH) => treeSitterDefinitions(file, text);

/** The quick tags of `text`, after checking that tree-sitter gives the very same records. */
async function agreed(text: string): Promise<AstDefinition[]> {
  const mine = quick(text);
  expect(mine).toEqual(await treeSitter(text));
  return mine;
}

/** `kind path L<line1>-<line2> @<nameLine>:<nameColumn>` per definition. */
function brief(defs: AstDefinition[]): string[] {
  return defs.map((d) => `${d.kind} ${d.path} L${d.line1}-${d.line2} @${d.nameLine}:${d.nameColumn}`);
}

function signatures(defs: AstDefinition[]): Record<string, string> {
  return Object.fromEntries(defs.map((d) => [d.path, d.signature]));
}

/** Everything at once, for the whole-file comparisons. */
const TRICKY = String.raw`"""Module doc with def fake(): and class Fake:"""
# def commented(): pass
s1 = 'def not_a_def(): pass'; s2 = "class NotAClass: pass"
s3 = r'\'def x' ; s4 = b"\"class y"
t1 = '''
def inside_triple():
    pass
'''
t2 = rb"""raw \""" still
class InTriple: pass"""
f1 = f"{x['a']} {'def'} {a:{b}} {x!r:>{w}}"
f2 = f"{f'{y}'} and {'}'}"
f3 = rf"\d{x}\{y}"
f4 = f"""multi {
    x
} def inside_f(): """
f5 = f"{x["k"]}"
f6 = f'{x:'>10}'
def after_fstrings(): pass
x = 1 + \
    2
class Cont(Base, \
           Other):
    pass
@decorator(
    arg=1,
)
@other
def decorated(a,
              b=(1, 2),
              *args, **kw) -> dict[str, int]:
    return {}
if x:
    class InIf:
        def m(self):
            def inner():
                class Deep: pass
            try:
                def in_try(): pass
            finally:
                pass
else:
    def in_else(): pass
for i in range(3):
    def in_for(): pass
with open(x) as fh:
    def in_with(): pass
while False:
    async def in_while(): pass
try:
    import foo
except ImportError:
    foo = None
class Async:
    async def am(self):
        async with x:
            pass
match command:
    case [a, b]:
        def in_case(): pass
    case _:
        pass
π = 3.14
𝒳 = 1; yy = 2
ün, *rest = 1, 2, 3
typed: int
typed2: "list[int]" = []
print >>sys.stderr, "x"
print "hello"
type Alias = int
(walrus := 5)
lam = lambda: (
    1)
d = {1:
     2}
x[0] = 1
x.y = 2
x += 1
a = b = c = 0
g, = 1,
semicolon = 1;
def multi_line_header(
    a,  # comment in params
    b,
):  # trailing
    # first body comment
    """doc"""
class Empty: ...
def dflt(x=')'): pass
def dflt2(x="#"): pass
last = ('paren'
    , 2)
`;

describe('tagPython agrees with tree-sitter', () => {
  it('on the Python sample, field by field', async () => {
    const text = fs.readFileSync(path.join(samples, 'sample.py.txt'), 'utf8');
    const file = 'pkg/sample.py';
    const mine = quick(text, file);
    expect(mine).toEqual(await treeSitter(text, file));
    expect(brief(mine)).toEqual([
      'variable pkg::sample::LIMIT L3-3 @3:1',
      'class pkg::sample::Shape L6-11 @6:7',
      'method pkg::sample::Shape::area L7-8 @7:9',
      'method pkg::sample::Shape::scale L10-11 @10:9',
      'function pkg::sample::helper L14-17 @14:5',
      'function pkg::sample::helper::inner L15-16 @15:9',
    ]);
  });

  it('on a file of tricky constructs, also with CRLF line ends and tab indentation', async () => {
    expect((await agreed(TRICKY)).length).toBe(46);
    const crlf = TRICKY.replace(/\n/g, '\r\n');
    expect(quick(crlf)).toEqual(await treeSitter(crlf));
    const tabs = TRICKY.replace(/^((?: {4})+)/gm, (m) => '\t'.repeat(m.length / 4));
    expect(quick(tabs)).toEqual(await treeSitter(tabs));
  });
});

describe('tagPython definitions', () => {
  it('ignores def and class in strings, comments, triple-quoted strings and f-strings', async () => {
    const defs = await agreed(String.raw`"""Module doc: def fake(): and class Fake:"""
# def commented(): pass
s = 'def a(): pass'; t = "class B: pass"
u = '''
def inside():
    pass
'''
v = rb"""\""" class C: """
w = f"{'def'} {x['class']} {y:>{width}}"
def real(): pass
`);
    expect(brief(defs)).toEqual([
      'variable pkg::m::s L3-3 @3:1',
      'variable pkg::m::t L3-3 @3:22',
      'variable pkg::m::u L4-7 @4:1',
      'variable pkg::m::v L8-8 @8:1',
      'variable pkg::m::w L9-9 @9:1',
      'function pkg::m::real L10-10 @10:5',
    ]);
    expect(signatures(defs)['pkg::m::u']).toBe("u = '''");
  });

  it('follows backslash continuations and multi-line headers; decorators are not part of a definition', async () => {
    const defs = await agreed(`@decorator(
    arg=1,
)
@other
def decorated(a,
              b=(1, 2)) -> int:
    return \\
        a
x = 1 + \\
    2
class Cont(Base, \\
           Other):
    pass
`);
    expect(brief(defs)).toEqual([
      'function pkg::m::decorated L5-8 @5:5',
      'variable pkg::m::x L9-10 @9:1',
      'class pkg::m::Cont L11-13 @11:7',
    ]);
    expect(signatures(defs)).toEqual({
      'pkg::m::decorated': 'def decorated(a, b=(1, 2)) -> int',
      'pkg::m::x': 'x = 1 + \\',
      'pkg::m::Cont': 'class Cont(Base, \\ Other)',
    });
  });

  it('nests functions and classes at any depth; methods are functions directly in a class', async () => {
    const defs = await agreed(`class Outer:
    def method(self):
        def helper():
            class Local: pass
        return helper
    if DEBUG:
        def debug_only(self): pass
    class Inner:
        async def am(self): pass
if TYPE_CHECKING:
    class InIf:
        x = 1
try:
    def in_try(): pass
except ImportError:
    in_try = None
`);
    expect(brief(defs)).toEqual([
      'class pkg::m::Outer L1-9 @1:7',
      'method pkg::m::Outer::method L2-5 @2:9',
      'function pkg::m::Outer::method::helper L3-4 @3:13',
      'class pkg::m::Outer::method::helper::Local L4-4 @4:19',
      'method pkg::m::Outer::debug_only L7-7 @7:13',
      'class pkg::m::Outer::Inner L8-9 @8:11',
      'method pkg::m::Outer::Inner::am L9-9 @9:19',
      'class pkg::m::InIf L11-12 @11:11',
      'function pkg::m::in_try L14-14 @14:9',
    ]);
    expect(defs.map((d) => d.parent)).toEqual([
      null,
      'pkg::m::Outer',
      'pkg::m::Outer::method',
      'pkg::m::Outer::method::helper',
      'pkg::m::Outer',
      'pkg::m::Outer',
      'pkg::m::Outer::Inner',
      null,
      null,
    ]);
    expect(signatures(defs)['pkg::m::Outer::Inner::am']).toBe('async def am(self)');
  });

  it('takes module-level assignment targets that are bare names, and nothing else', async () => {
    const defs = await agreed(`A = 1
B: int = 2
C: int
D, E = 3, 4
F = G = 5
*H, I = 6, 7
J.k = 8
L[0] = 9
M += 10
N, = 11,
O = 1; P = 2
if Q: R = 3
(S := 4)
T == 5
async = 6
def f():
    U = 7
`);
    expect(brief(defs)).toEqual([
      'variable pkg::m::A L1-1 @1:1',
      'variable pkg::m::B L2-2 @2:1',
      'variable pkg::m::C L3-3 @3:1',
      'variable pkg::m::D L4-4 @4:1',
      'variable pkg::m::E L4-4 @4:4',
      'variable pkg::m::F L5-5 @5:1',
      'variable pkg::m::G L5-5 @5:5',
      'variable pkg::m::I L6-6 @6:5',
      'variable pkg::m::N L10-10 @10:1',
      'variable pkg::m::O L11-11 @11:1',
      'variable pkg::m::P L11-11 @11:8',
      'variable pkg::m::async L15-15 @15:1',
      'function pkg::m::f L16-17 @16:5',
    ]);
    expect(signatures(defs)).toMatchObject({ 'pkg::m::E': 'D, E = 3, 4', 'pkg::m::O': 'O = 1', 'pkg::m::P': 'P = 2', 'pkg::m::I': '*H, I = 6, 7' });
  });

  it('takes every target of a chained assignment, tuples included, as CPython does', async () => {
    const defs = await agreed(`A = B = 1
C = D = E = f()
a, b = c = 1, 2
d = e, g = 3, 4
x.y = h = i[0] = j = 5
k: int = 6
l = m == n
o = p, q
`);
    expect(brief(defs)).toEqual([
      'variable pkg::m::A L1-1 @1:1',
      'variable pkg::m::B L1-1 @1:5',
      'variable pkg::m::C L2-2 @2:1',
      'variable pkg::m::D L2-2 @2:5',
      'variable pkg::m::E L2-2 @2:9',
      'variable pkg::m::a L3-3 @3:1',
      'variable pkg::m::b L3-3 @3:4',
      'variable pkg::m::c L3-3 @3:8',
      'variable pkg::m::d L4-4 @4:1',
      'variable pkg::m::e L4-4 @4:5',
      'variable pkg::m::g L4-4 @4:8',
      'variable pkg::m::h L5-5 @5:7',
      'variable pkg::m::j L5-5 @5:18',
      'variable pkg::m::k L6-6 @6:1',
      'variable pkg::m::l L7-7 @7:1',
      'variable pkg::m::o L8-8 @8:1',
    ]);
    expect(signatures(defs)).toMatchObject({ 'pkg::m::B': 'A = B = 1', 'pkg::m::E': 'C = D = E = f()', 'pkg::m::j': 'x.y = h = i[0] = j = 5' });
    expect(defs.every((d) => d.parent === null)).toBe(true);
  });

  it('reads Unicode names, with columns in UTF-16 units, and skips characters no name may hold', async () => {
    const defs = await agreed(`π = 3.14
𝒳 = 1; ŷ = 2
def ñandú(): pass
€ = 5
`);
    expect(brief(defs)).toEqual([
      'variable pkg::m::π L1-1 @1:1',
      'variable pkg::m::𝒳 L2-2 @2:1',
      'variable pkg::m::ŷ L2-2 @2:9',
      'function pkg::m::ñandú L3-3 @3:5',
    ]);
  });

  it('gives the same records for CRLF line ends as for LF', async () => {
    const lf = 'class A:\n    def f(self,\n          x):\n        return x\n\nB = 1\n';
    const crlf = lf.replace(/\n/g, '\r\n');
    expect(quick(crlf)).toEqual(quick(lf));
    expect(brief(await agreed(crlf))).toEqual(['class pkg::m::A L1-4 @1:7', 'method pkg::m::A::f L2-4 @2:9', 'variable pkg::m::B L6-6 @6:1']);
  });

  it('ends a definition at its last statement, not at the comment lines after it (as CPython’s end_lineno)', async () => {
    const defs = await agreed(`def g():
    pass
    # indented as g's body: still not code

# column 0
def h():
    pass
# column 0 first
    # then deeper: h has ended

def k():
    if x:
        pass
        # in the if
    # in k
  # in neither
def deeper():
    return 1
        # deeper than the body
class C:
    def m(self):
        return 1
        # after m's body
    # after C's body
@decorator
def decorated():
    return 2
    # after decorated's body
x = 2
`);
    expect(brief(defs)).toEqual([
      'function pkg::m::g L1-2 @1:5',
      'function pkg::m::h L6-7 @6:5',
      'function pkg::m::k L11-13 @11:5',
      'function pkg::m::deeper L17-18 @17:5',
      'class pkg::m::C L20-22 @20:7',
      'method pkg::m::C::m L21-22 @21:9',
      'function pkg::m::decorated L26-27 @26:5',
      'variable pkg::m::x L29-29 @29:1',
    ]);
  });

  it('ends a definition with trailing comments at the end of the file at its last statement', async () => {
    for (const text of ['def f():\n    return 1\n    # last\n', 'def f():\n    return 1\n    # last', 'class A:\n    def f(self):\n        return (1,\n                2)\n        # last\n']) {
      const defs = quick(text);
      expect(defs).toEqual(await treeSitter(text));
      expect(defs.map((d) => d.line2)).toEqual(text.startsWith('class') ? [4, 4] : [2]);
    }
  });

  it('counts a tab as 8 columns of indentation, as tree-sitter does', async () => {
    const defs = await agreed('class T:\n\tdef a(self):\n\t\tpass\n        def b(self):\n\t    pass\nx = 1\n');
    expect(brief(defs)).toEqual([
      'class pkg::m::T L1-5 @1:7',
      'method pkg::m::T::a L2-3 @2:6',
      'method pkg::m::T::b L4-5 @4:13',
      'variable pkg::m::x L6-6 @6:1',
    ]);
  });

  it('shows a header up to its body, comments included, as extract.ts does', async () => {
    const defs = await agreed(`def f(a,  # first
      b):  # note
    # body comment
    pass
class E(
# c
):

    z = 1
def inline(): return 1
`);
    expect(signatures(defs)).toEqual({
      'pkg::m::f': 'def f(a, # first b): # note # body comment',
      'pkg::m::E': 'class E( # c )',
      'pkg::m::inline': 'def inline()',
    });
  });

  it('gives a header with no body at the end of the file, and a module without a prefix', async () => {
    expect(brief(await agreed('x = 1\ndef f():'))).toEqual(['variable pkg::m::x L1-1 @1:1', 'function pkg::m::f L2-2 @2:5']);
    expect(brief(tagPython('class A:\n    def f(self): pass\n', []))).toEqual(['class A L1-2 @1:7', 'method A::f L2-2 @2:9']);
  });

  it('ends a one-line string at an unescaped line break, and reads on', async () => {
    expect(brief(await agreed('s = "abc\ndef f():\n    pass\n'))).toEqual(['variable pkg::m::s L1-1 @1:1', 'function pkg::m::f L2-3 @2:5']);
  });
});

describe('tagPython on hostile input', () => {
  function timed(text: string): { defs: AstDefinition[]; ms: number } {
    const started = performance.now();
    const defs = quick(text);
    return { defs, ms: performance.now() - started };
  }

  it('never throws on random text and gives well-formed records', () => {
    const pieces = ['def ', 'class ', 'async ', 'x', ' = ', ':', '(', ')', '[', ']', '{', '}', '"', "'", '"""', "'''", 'f"', 'rb"', '#', '\\', '\n', '\r\n', '    ', '\t', ',', ';', '@', '*', 'é', '𝒳', '€', '\u00a0', '\f', '\0'];
    const next = seededRandom(7).next;
    for (let round = 0; round < 300; round++) {
      let text = '';
      const length = Math.floor(next() * 400);
      for (let k = 0; k < length; k++) text += pieces[Math.floor(next() * pieces.length)];
      const defs = quick(text);
      const lines = text.split('\n').length;
      for (const d of defs) {
        expect(d.line1).toBeGreaterThanOrEqual(1);
        expect(d.line2).toBeGreaterThanOrEqual(d.line1);
        expect(d.line2).toBeLessThanOrEqual(lines);
        expect(d.nameLine).toBeGreaterThanOrEqual(d.line1);
        expect(text.split('\n')[d.nameLine - 1]!.substr(d.nameColumn - 1, d.name.length)).toBe(d.name);
        expect(d.path.endsWith(d.name)).toBe(true);
      }
    }
  });

  it('never throws on binary garbage, lone surrogates included', () => {
    const next = seededRandom(11).next;
    for (let round = 0; round < 50; round++) {
      const codes = Array.from({ length: 2000 }, () => Math.floor(next() * 0x10000));
      expect(Array.isArray(quick(String.fromCharCode(...codes)))).toBe(true);
    }
  });

  it('stays linear on a 1 MB line, deep brackets, deep f-strings, long whitespace and many targets', () => {
    const MB = 1 << 20;
    const oneLine = timed('a=1;'.repeat(MB / 4));
    expect(oneLine.defs.length).toBe(MB / 4);
    expect(oneLine.ms).toBeLessThan(LINEAR_BOUND_MS);

    const brackets = timed(`${'('.repeat(MB)}\n${')'.repeat(MB)}\ndef after(): pass\n`);
    expect(brief(brackets.defs)).toEqual(['function pkg::m::after L3-3 @3:5']);
    expect(brackets.ms).toBeLessThan(LINEAR_BOUND_MS);

    const fstrings = timed(`x = ${'f"{'.repeat(100_000)}\ndef after(): pass\n`);
    expect(brief(fstrings.defs)).toEqual(['variable pkg::m::x L1-1 @1:1', 'function pkg::m::after L2-2 @2:5']);
    const specs = timed(`x = f"${'{a:'.repeat(100_000)}${'}'.repeat(100_000)}"\ndef after(): pass\n`);
    expect(specs.defs.map((d) => d.name)).toEqual(['x', 'after']);
    expect(fstrings.ms + specs.ms).toBeLessThan(LINEAR_BOUND_MS);

    const spaces = timed(`def f(${' '.repeat(MB)}x)${' '.repeat(MB)}:  \n    pass\n`);
    expect(spaces.defs.map((d) => d.signature)).toEqual(['def f( x)']);
    expect(spaces.ms).toBeLessThan(LINEAR_BOUND_MS);

    const targets = timed(`${'t, '.repeat(MB / 4)}= 1\n`);
    expect(targets.defs.length).toBe(100);
    expect(targets.ms).toBeLessThan(LINEAR_BOUND_MS);

    const unterminated = timed(`s = """${'x\n'.repeat(MB / 2)}`);
    expect(brief(unterminated.defs)).toEqual([`variable pkg::m::s L1-${MB / 2} @1:1`]);
    expect(unterminated.ms).toBeLessThan(LINEAR_BOUND_MS);
  });

  it('takes time in proportion to the text on a large real file', () => {
    const unit = fs.readFileSync(path.join(samples, 'sample.py.txt'), 'utf8');
    expectLinear(quick, unit.repeat(Math.ceil(1_000_000 / unit.length)), 'sample.py x many');
  });
});
