import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { modulePrefixForPath } from '../languages';
import { tagRust } from './rust';
import { agreementWith, brief, expectLinear, expectWellFormed, tokenSoup, treeSitterDefinitions } from './test-support';

/*
 * The Rust quick tagger against the real tree-sitter extraction: every field
 * of every definition must be equal, on the sample and on hand-written tricky
 * snippets whose expected definitions are also written out here.
 */

const samples = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'samples');
const treeSitter = (file: string, text: string) => treeSitterDefinitions(file, text, { clean: true });

const quick = (file: string, text: string) => tagRust(text, modulePrefixForPath(file, 'rust'));
const agrees = agreementWith(quick, 'src/snippet.rs');

describe('tagRust agrees with tree-sitter', () => {
  it('on the sample, field by field', async () => {
    const text = fs.readFileSync(path.join(samples, 'sample.rs.txt'), 'utf8');
    const defs = quick('src/sample.rs', text);
    expect(defs.length).toBe(12);
    expect(defs).toEqual(await treeSitter('src/sample.rs', text));
  });

  it('ignores fn in comments (nested too), strings, raw strings and char literals', async () => {
    await agrees(
      [
        '// fn fake1() {}',
        '/* outer /* fn fake2() {} */ fn fake3() {} */',
        'const S: &str = "fn fake4() { \\" }";',
        'const R: &str = r#"fn fake5() {} " still"#;',
        'const B: &[u8] = br"fn fake6() {}";',
        "const Q: char = '\"'; // a quote in a char does not open a string",
        "const E: char = '\\'';",
        'fn real() {}',
      ],
      ['constant snippet::S @3:7', 'constant snippet::R @4:7', 'constant snippet::B @5:7', 'constant snippet::Q @6:7', 'constant snippet::E @7:7', 'function snippet::real @8:4'],
    );
  });

  it("tells lifetimes and labels from char literals", async () => {
    const defs = await agrees(
      [
        "fn longest<'a, 'b: 'a>(x: &'a str, _y: &'b str) -> &'a str {",
        "    let c = 'x';",
        "    'outer: loop { if c == '{' { break 'outer; } }",
        '    x',
        '}',
        "struct Holder<'a> { s: &'static str, t: &'a str }",
      ],
      ['function snippet::longest @1:4', 'struct snippet::Holder @6:8'],
    );
    expect(defs[0]).toMatchObject({ line1: 1, line2: 5, signature: "fn longest<'a, 'b: 'a>(x: &'a str, _y: &'b str) -> &'a str" });
  });

  it('qualifies methods by the type an impl names, as tree-sitter does', async () => {
    await agrees(
      [
        'struct Stack<T>(Vec<T>) where T: Clone;',
        'impl<T: Clone> Stack<T> { fn push(&mut self) {} }',
        'impl<T> Iterator for Stack<T> where T: Clone {',
        '    type Item = T;',
        '    fn next(&mut self) -> Option<T> { None }',
        '}',
        'impl fmt::Display for crate::Op { fn fmt(&self) {} }',
        'impl<T> a::Wrapper<T> { fn unwrap(self) {} }',
        'impl dyn Shape { fn on_dyn(&self) {} }',
        'impl u32 { fn on_primitive() {} }',
        'impl<F: for<\'a> Fn(&\'a u8)> Run for F { fn run(&self) {} }',
        'unsafe impl Send for Stack<u8> {}',
      ],
      [
        'struct snippet::Stack @1:8',
        'method snippet::Stack::push @2:30',
        'type snippet::Stack::Item @4:10',
        'method snippet::Stack::next @5:8',
        'method snippet::Op::fmt @7:38', // a path names its last segment
        'function snippet::unwrap @8:28', // a path with type arguments is no scope
        'function snippet::on_dyn @9:21',
        'function snippet::on_primitive @10:15',
        'method snippet::F::run @11:44',
      ],
    );
  });

  it('finds every kind of item, and what a trait declares', async () => {
    const defs = await agrees(
      [
        '#![allow(dead_code)]',
        '#[derive(Debug)]',
        'pub(crate) struct Unit;',
        'pub enum Op { Push, Pop = 3 }',
        'union Bits { i: u32, f: f32 }',
        'pub unsafe trait Shape: Sized {',
        '    type Out;',
        '    const SIDES: u32;',
        '    fn area(&self) -> f64;',
        '    fn name(&self) -> &str { "shape" }',
        '}',
        'pub type Map<K> = std::collections::HashMap<K, u32>;',
        'static mut COUNTER: u64 = 0;',
        'mod decl;',
        'pub mod util {',
        '    pub const fn helper() -> u32 { 1 }',
        '}',
        'macro_rules! square { ($x:expr) => { $x * $x }; }',
        'macro_rules! paren ( () => {} );',
        'extern "C" {',
        '    fn abs(x: i32) -> i32;',
        '    static ERRNO: i32;',
        '}',
        'pub async unsafe extern "C" fn raw() {}',
        'fn r#type() { let union = 1; let _ = union; }',
      ],
      [
        'struct snippet::Unit @3:19',
        'enum snippet::Op @4:10',
        'union snippet::Bits @5:7',
        'trait snippet::Shape @6:18',
        'constant snippet::Shape::SIDES @8:11',
        'method snippet::Shape::area @9:8',
        'method snippet::Shape::name @10:8',
        'type snippet::Map @12:10',
        'variable snippet::COUNTER @13:12',
        'module snippet::decl @14:5',
        'module snippet::util @15:9',
        'function snippet::util::helper @16:18',
        'macro snippet::square @18:14',
        'macro snippet::paren @19:14',
        'function snippet::abs @21:8',
        'variable snippet::ERRNO @22:12',
        'function snippet::raw @24:32',
        'function snippet::r#type @25:4',
      ],
    );
    expect(defs.map((d) => d.signature)).toEqual([
      'pub(crate) struct Unit;',
      'pub enum Op',
      'union Bits',
      'pub unsafe trait Shape: Sized',
      'const SIDES: u32;',
      'fn area(&self) -> f64;',
      'fn name(&self) -> &str',
      'pub type Map<K> = std::collections::HashMap<K, u32>;',
      'static mut COUNTER: u64 = 0;',
      'mod decl;',
      'pub mod util',
      'pub const fn helper() -> u32',
      'macro_rules! square { ($x:expr) => { $x * $x }; }',
      'macro_rules! paren ( () => {} );',
      'fn abs(x: i32) -> i32;',
      'static ERRNO: i32;',
      'pub async unsafe extern "C" fn raw()',
      'fn r#type()',
    ]);
  });

  it('does not look into macro invocations and attributes, but does into blocks and closures', async () => {
    await agrees(
      [
        'thread_local! { static HIDDEN: u8 = 1; }',
        '#[doc = "fn hidden() {}"]',
        'fn outer() {',
        '    println!("{}", { fn not_an_item_here() {} 1 });',
        '    let f = |x: u32| { fn in_closure() {} x };',
        '    struct Local;',
        '    impl Local { fn method(&self) {} }',
        '    if !(f(1) > 2) { fn in_if() {} }',
        '}',
        'const _: () = { fn in_const() {} };',
      ],
      [
        'function snippet::outer @3:4',
        'function snippet::outer::in_closure @5:27',
        'struct snippet::outer::Local @6:12',
        'method snippet::outer::Local::method @7:21',
        'function snippet::outer::in_if @8:25',
        'constant snippet::_ @10:7',
        'function snippet::_::in_const @10:20',
      ],
    );
  });

  it('reads CRLF files like LF ones and counts columns in UTF-16 units', async () => {
    const lines = ['/* é😀 */ pub fn ünï() {}', 'struct S {', '    f: u8,', '}', 'impl S {', '    fn m(&self) {}', '}'];
    const expected = ['function snippet::ünï @1:18', 'struct snippet::S @2:8', 'method snippet::S::m @6:8'];
    await agrees(lines, expected);
    const defs = await agrees(lines.map((l) => `${l}\r`), expected);
    expect(defs[1]).toMatchObject({ line1: 2, line2: 4, signature: 'struct S' });
  });

  it('prefixes paths with the module the file is', () => {
    expect(brief(tagRust('fn f() {}', modulePrefixForPath('crate/src/net/tcp.rs', 'rust')))).toEqual(['function net::tcp::f @1:4']);
    expect(brief(tagRust('fn f() {}', modulePrefixForPath('crate/src/net/mod.rs', 'rust')))).toEqual(['function net::f @1:4']);
  });
});

describe('tagRust on broken input', () => {
  const PIECES = ['fn', 'impl', 'struct', 'type', 'const', 'static', 'mod', 'trait', 'macro_rules', '!', '<', '>', '(', ')', '{', '}', '[', ']', '"', "'", 'r#"', '"#', '/*', '*/', '//', '\n', ' ', 'x', '::', ';', ':', '=', 'for', 'where', '#', "'a", '\r\n', 'é', '\\'];
  const garbage = (seed: number, size: number): string => tokenSoup(PIECES, seed, size);

  it('never throws and returns well-formed definitions', () => {
    const inputs = [
      '',
      'fn',
      'fn f(',
      'impl<',
      'impl<T> Foo<T',
      'struct S<',
      'macro_rules! m {',
      'const X: u8 = ',
      "'",
      "b'",
      'r#"',
      'r###"#',
      '/* /* */',
      'let s = "unterminated\nfn hidden() {}',
      '}}}})))) fn after() {}',
      '{'.repeat(50_000),
      'fn f() {'.repeat(5_000),
      ...Array.from({ length: 40 }, (_, i) => garbage(i, 5_000)),
    ];
    for (const input of inputs) expectWellFormed(input, tagRust(input, []));
    expect(brief(tagRust('}}}})))) fn after() {}', []))).toEqual(['function after @1:13']);
    expect(tagRust('/* /* */ fn hidden() {}', [])).toEqual([]);
  });

  it('takes time linear in the input, however it is shaped', () => {
    const shapes = [
      (n: number) => 'impl<'.repeat(n / 5),
      (n: number) => 'fn a('.repeat(n / 5),
      (n: number) => 'union U '.repeat(n / 8),
      (n: number) => 'const "x" '.repeat(n / 10),
      (n: number) => '/*'.repeat(n / 2),
      (n: number) => `r#"${'"'.repeat(n)}`,
      (n: number) => "'a ".repeat(n / 3),
      (n: number) => 'x!'.repeat(n / 2),
      (n: number) => `fn f() {\n${'    let x = y::<u8>(1);\n'.repeat(n / 28)}}`,
      (n: number) => garbage(7, n),
    ];
    for (const shape of shapes) expectLinear((text) => tagRust(text, []), shape(1_000_000), shape.toString());
  }, 60_000);
});
