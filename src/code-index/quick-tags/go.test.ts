import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { modulePrefixForPath } from '../languages';
import { tagGo } from './go';
import { agreementWith, brief, expectLinear, expectWellFormed, tokenSoup, treeSitterDefinitions } from './test-support';

/*
 * The Go quick tagger against the real tree-sitter extraction: every field of
 * every definition must be equal, on the sample and on hand-written tricky
 * snippets whose expected definitions are also written out here.
 */

const samples = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'samples');
const treeSitter = (file: string, text: string) => treeSitterDefinitions(file, text, { clean: true });

const quick = (file: string, text: string) => tagGo(text, modulePrefixForPath(file, 'go'));
const agrees = agreementWith(quick, 'p/snippet.go');

describe('tagGo agrees with tree-sitter', () => {
  it('on the sample, field by field', async () => {
    const text = fs.readFileSync(path.join(samples, 'sample.go.txt'), 'utf8');
    const defs = quick('store/sample.go', text);
    expect(defs.length).toBe(9);
    expect(defs).toEqual(await treeSitter('store/sample.go', text));
  });

  it('ignores func in comments, strings, raw strings and runes', async () => {
    await agrees(
      [
        'package p',
        '// func Fake1() {}',
        '/* func Fake2() {',
        '} */',
        'var s = "func Fake3() { \\" }"',
        'var r = `',
        'func Fake4() {}',
        '`',
        "var c = '}'",
        "var q = '\\''",
        'func Real() {}',
      ].join('\n'),
      ['variable p::s @5:5', 'variable p::r @6:5', 'variable p::c @9:5', 'variable p::q @10:5', 'function p::Real @11:6'],
    );
  });

  it('qualifies methods by a plain, pointer or generic receiver, and skips the others', async () => {
    const defs = await agrees(
      [
        'package p',
        'type List[T any] struct{ items []T }',
        'func (l *List[T]) Push(v T) { l.items = append(l.items, v) }',
        'func (l List[T]) Len() int { return len(l.items) }',
        'func (List[T]) Kind() string { return "list" }',
        'func (*List[T]) Ptr() {}',
        'func (p **List[int]) Skipped() {}',
        'func (t pkg.T) Foreign() {}',
      ].join('\n'),
      ['struct p::List @2:6', 'method p::List::Push @3:19', 'method p::List::Len @4:18', 'method p::List::Kind @5:16', 'method p::List::Ptr @6:17'],
    );
    expect(defs[1]).toMatchObject({ parent: 'p::List', line1: 3, line2: 3, signature: 'func (l *List[T]) Push(v T)' });
  });

  it('reads grouped type, const and var declarations', async () => {
    const defs = await agrees(
      [
        'package p',
        'type (',
        '\tID int',
        '\tPair[K comparable, V any] struct {',
        '\t\tk K',
        '\t\tv V',
        '\t}',
        '\tGrid [4]struct{}',
        '\tAlias = interface{ M() }',
        '\tShape interface {',
        '\t\tArea() float64',
        '\t\tfmt.Stringer',
        '\t}',
        ')',
        'const (',
        '\tA = iota',
        '\tB, C',
        ')',
        'var (',
        '\tgrouped = 1',
        ')',
        'var x, y int',
      ].join('\n'),
      [
        'type p::ID @3:2',
        'struct p::Pair @4:2',
        'type p::Grid @8:2', // an array of structs, not a generic struct
        'type p::Alias @9:2',
        'method p::M @9:21', // a `type` does not qualify what is in it
        'interface p::Shape @10:2',
        'method p::Shape::Area @11:3',
        'constant p::A @16:2',
        'constant p::B @17:2', // only a spec's first name, as the query captures it
        'variable p::x @22:5', // grouped vars are not captured; ungrouped names are siblings
        'variable p::y @22:8',
      ],
    );
    expect(defs[1]).toMatchObject({ line1: 4, line2: 7, signature: 'Pair[K comparable, V any] struct {' });
  });

  it('finds types and interface methods nested in functions and parameters', async () => {
    await agrees(
      [
        'package p',
        'func Outer(x interface{ Read() }) {',
        '\ttype local struct{ n int }',
        '\tf := func() {',
        '\t\ttype inner int',
        '\t}',
        '\t_ = f',
        '}',
        'var V = func() int {',
        '\ttype inV int',
        '\treturn 1',
        '}()',
      ].join('\n'),
      ['function p::Outer @2:6', 'method p::Outer::Read @2:25', 'struct p::Outer::local @3:7', 'type p::Outer::inner @5:8', 'variable p::V @9:5', 'type p::V::inV @10:7'],
    );
  });

  it('handles generic, bodiless and multi-line functions', async () => {
    const defs = await agrees(
      [
        'package p',
        'func Map[T, U any](xs []T, f func(T) U) []U {',
        '\treturn nil',
        '}',
        'func asm(x int) int',
        'func Multi(',
        '\ta int,',
        ') (struct{ n int }, error) {',
        '\treturn struct{ n int }{a}, nil',
        '}',
      ].join('\n'),
      ['function p::Map @2:6', 'function p::asm @5:6', 'function p::Multi @6:6'],
    );
    expect(defs.map((d) => [d.line1, d.line2, d.signature])).toEqual([
      [2, 4, 'func Map[T, U any](xs []T, f func(T) U) []U'],
      [5, 5, 'func asm(x int) int'],
      [6, 10, 'func Multi( a int, ) (struct{ n int }, error)'],
    ]);
  });

  it('counts columns in UTF-16 units and reads CRLF files like LF ones', async () => {
    const lf = ['package p', '', '/* é😀 */ func Ünï() {}', 'const (', '\tX = 1', ')', 'type T struct {', '\tf int', '}'].join('\n');
    const crlf = lf.replace(/\n/g, '\r\n').replace(/$/, '\r');
    const expected = ['function p::Ünï @3:16', 'constant p::X @5:2', 'struct p::T @7:6'];
    await agrees(lf, expected);
    const defs = await agrees(crlf, expected);
    expect(defs[2]).toMatchObject({ line1: 7, line2: 9, signature: 'T struct {' });
  });

  it('lets the package clause replace the module prefix', () => {
    expect(brief(tagGo('package store\nfunc F() {}\n', ['ignored']))).toEqual(['function store::F @2:6']);
    expect(brief(tagGo('func F() {}\n', ['dir']))).toEqual(['function dir::F @1:6']);
  });
});

describe('tagGo on broken input', () => {
  const PIECES = ['func', 'type', 'var', 'const', 'interface', 'struct', '(', ')', '{', '}', '[', ']', '"', '`', "'", '/*', '*/', '//', '\n', ' ', 'x', '*', ',', ';', '=', 'package', '\r\n', '.', 'é', '\\'];
  const garbage = (seed: number, size: number): string => tokenSoup(PIECES, seed, size);

  it('never throws and returns well-formed definitions', () => {
    const inputs = [
      '',
      'package',
      'func',
      'func (',
      'func (s *S',
      'type T [',
      'type (',
      'const (',
      'var a,',
      'x := "unterminated\nfunc After() {}',
      'x := `unterminated raw\nfunc Hidden() {}',
      '/* unterminated comment\nfunc Hidden() {}',
      '}}}}))))func F() {}',
      '{'.repeat(50_000),
      'interface{'.repeat(10_000),
      ...Array.from({ length: 40 }, (_, i) => garbage(i, 5_000)),
    ];
    for (const input of inputs) expectWellFormed(input, tagGo(input, []));
    expect(brief(tagGo('x := "unterminated\nfunc After() {}', []))).toEqual(['function After @2:6']);
    expect(tagGo('x := `unterminated raw\nfunc Hidden() {}', [])).toEqual([]);
  });

  it('takes time linear in the input, however it is shaped', () => {
    const shapes = [
      (n: number) => 'type T [a b '.repeat(n / 12),
      (n: number) => 'func ('.repeat(n / 6),
      (n: number) => `func F() {\n${'\tx := interface{ M() }\n'.repeat(n / 24)}}`,
      (n: number) => '('.repeat(n),
      (n: number) => `var s = "${'x'.repeat(n)}`,
      (n: number) => 'type T struct{}; '.repeat(n / 17),
      (n: number) => garbage(7, n),
    ];
    for (const shape of shapes) expectLinear((text) => tagGo(text, []), shape(1_000_000), shape.toString());
  }, 60_000);
});
