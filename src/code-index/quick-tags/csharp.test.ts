import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { modulePrefixForPath } from '../languages';
import { tagCSharp } from './csharp';
import { agreementWith, brief, expectLinear, expectWellFormed, tokenSoup, treeSitterDefinitions } from './test-support';

/*
 * The C# quick tagger against the real tree-sitter extraction: every field of
 * every definition must be equal, on the sample and on hand-written tricky
 * snippets whose expected definitions are also written out here.
 */

const samples = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'samples');
const treeSitter = (file: string, text: string) => treeSitterDefinitions(file, text, { clean: true });

const quick = (file: string, text: string) => tagCSharp(text, modulePrefixForPath(file, 'csharp'));
const agrees = agreementWith(quick, 'p/Snippet.cs');

describe('tagCSharp agrees with tree-sitter', () => {
  it('on the sample, field by field', async () => {
    const text = fs.readFileSync(path.join(samples, 'Sample.cs.txt'), 'utf8');
    const defs = quick('Shop/Sample.cs', text);
    expect(defs.length).toBe(12);
    expect(defs).toEqual(await treeSitter('Shop/Sample.cs', text));
  });

  it('ignores declarations in comments, directives and regular, verbatim, interpolated and raw strings', async () => {
    await agrees(
      [
        'class A',
        '{',
        '    // class Fake1 {}',
        '    /* void Fake2() {} */',
        '    const string S = "class Fake3 { \\" }";',
        "    const char C = '}';",
        '    string v = @"class Fake4 {',
        '        "" still }";',
        '    string i = $"{S} class Fake5 {{ {(v.Length > 0 ? "x}" : "y")} }}";',
        '    string raw = """',
        '        class Fake6 { "quoted" }',
        '        """;',
        '    string iraw = $$"""{{S}} void Fake7() { }""";',
        '#if DEBUG',
        '    void Debug() { }',
        '#endif',
        '    #region Fake8 {',
        '    void Real() { }',
        '    #endregion',
        '}',
      ],
      ['class A @1:7', 'method A::Debug @15:10', 'method A::Real @18:10'],
    );
  });

  it('reads block namespaces (dotted ones qualify their last segment) and attributes', async () => {
    const defs = await agrees(
      [
        'namespace Acme.Util',
        '{',
        '    [Serializable]',
        '    [Obsolete("class Fake { }")]',
        '    public sealed partial class Outer<T> : Base<T>, IDisposable where T : class, new()',
        '    {',
        '        public Outer(T t) : base(t) { }',
        '        static Outer() { }',
        '    }',
        '    namespace Inner.Deep',
        '    {',
        '        class Nested { }',
        '    }',
        '}',
        'namespace Other',
        '{',
        '    delegate int Op(int a, int b);',
        '}',
      ],
      [
        'module Acme::Util @1:11', // the name node is the whole dotted name
        'class Acme::Util::Outer @5:33',
        'method Acme::Util::Outer::Outer @7:16',
        'method Acme::Util::Outer::Outer @8:16',
        'module Acme::Util::Inner::Deep @10:15',
        'class Acme::Util::Inner::Deep::Nested @12:15',
        'module Other @15:11',
        'type Other::Op @17:18',
      ],
    );
    expect(defs.map((d) => [d.line1, d.line2, d.signature, d.parent])).toEqual([
      [1, 14, 'namespace Acme.Util', 'Acme'],
      [3, 9, '[Serializable] [Obsolete("class Fake { }")] public sealed partial class Outer<T> : Base<T>, IDisposable where T : class, new()', 'Acme::Util'],
      [7, 7, 'public Outer(T t) : base(t)', 'Acme::Util::Outer'],
      [8, 8, 'static Outer()', 'Acme::Util::Outer'],
      [10, 13, 'namespace Inner.Deep', 'Acme::Util'],
      [12, 12, 'class Nested', 'Acme::Util::Inner::Deep'],
      [15, 18, 'namespace Other', null],
      [17, 17, 'delegate int Op(int a, int b);', 'Other'],
    ]);
  });

  it('finds methods and local functions, and skips properties, events, indexers, operators and finalizers', async () => {
    const defs = await agrees(
      [
        'class C',
        '{',
        '    public int Count { get; set; } = 5;',
        '    public int Twice => Count * 2;',
        '    public event EventHandler Changed;',
        '    public int this[int i] => i;',
        '    ~C() { }',
        '    public static C operator +(C a, C b) => a;',
        '    public static implicit operator int(C o) => 0;',
        '    public async Task<List<int>> LoadAsync<TKey>(TKey key, CancellationToken ct = default) where TKey : notnull',
        '    {',
        '        int Local(int x) => x + 1;',
        '        static string Other<U>(U u) where U : class',
        '        {',
        '            return u.ToString();',
        '        }',
        '        Func<int, int> f = x => { return x; };',
        '        switch (key) { case 1: break; default: break; }',
        '        return new List<int> { Local(1) };',
        '    }',
        '    void IDisposable.Dispose() { }',
        '    (int, string) Tuple() => (1, "a");',
        '    public T? Nullable<T>() => default;',
        '    int[] Array() { return null; }',
        '    public abstract void Abstract();',
        '    public Point Make() => new Point { X = 1 };',
        '}',
      ],
      [
        'class C @1:7',
        'method C::LoadAsync @10:34',
        'function C::LoadAsync::Local @12:13',
        'function C::LoadAsync::Other @13:23',
        'method C::Dispose @21:22',
        'method C::Tuple @22:19',
        'method C::Nullable @23:15',
        'method C::Array @24:11',
        'method C::Abstract @25:26',
        'method C::Make @26:18',
      ],
    );
    expect(defs.map((d) => [d.line1, d.line2, d.signature])).toEqual([
      [1, 27, 'class C'],
      [10, 20, 'public async Task<List<int>> LoadAsync<TKey>(TKey key, CancellationToken ct = default) where TKey : notnull'],
      [12, 12, 'int Local(int x)'],
      [13, 16, 'static string Other<U>(U u) where U : class'],
      [21, 21, 'void IDisposable.Dispose()'],
      [22, 22, '(int, string) Tuple()'],
      [23, 23, 'public T? Nullable<T>()'],
      [24, 24, 'int[] Array()'],
      [25, 25, 'public abstract void Abstract();'],
      [26, 26, 'public Point Make()'],
    ]);
  });

  it('reads structs, records, interfaces, enums and delegates', async () => {
    await agrees(
      [
        'class Outer',
        '{',
        '    public struct Point { public int X; }',
        '    public readonly record struct Pair(int A, int B);',
        '    public record class Named(string Name) { public string Upper() => Name.ToUpper(); }',
        '    public interface IShape { double Area(); double Twice() => Area() * 2; }',
        '    public enum Kind : byte { Small = 1, Large }',
        '    public delegate void Handler<TArg>(object sender, TArg arg);',
        '}',
      ],
      [
        'class Outer @1:7',
        'struct Outer::Point @3:19',
        'class Outer::Pair @4:35', // a record struct is a record declaration
        'class Outer::Named @5:25',
        'method Outer::Named::Upper @5:60',
        'interface Outer::IShape @6:22',
        'method Outer::IShape::Area @6:38',
        'method Outer::IShape::Twice @6:53',
        'enum Outer::Kind @7:17',
        'type Outer::Handler @8:26',
      ],
    );
  });

  it('does not start a declaration at a global attribute before it', async () => {
    const defs = await agrees(['[assembly: InternalsVisibleTo("Tests")]', 'namespace N', '{', '    [Serializable] class A { }', '}'], ['module N @2:11', 'class N::A @4:26']);
    expect(defs.map((d) => [d.line1, d.signature])).toEqual([
      [2, 'namespace N'],
      [4, '[Serializable] class A'],
    ]);
  });

  it('lets a file-scoped namespace replace the module prefix, and reads top-level statements', async () => {
    await agrees(
      ['namespace Acme.Scoped;', 'public class A', '{', '    public void M() { }', '}', 'record R(int X);'],
      ['class Acme::Scoped::A @2:14', 'method Acme::Scoped::A::M @4:17', 'class Acme::Scoped::R @6:8'],
    );
    await agrees(
      [
        'using System;',
        'Console.WriteLine(Add(1, 2));',
        'static int Add(int a, int b) => a + b;',
        'void Print(string s)',
        '{',
        '    Console.WriteLine(s);',
        '}',
        'class Helper { int Id() => 1; }',
      ],
      ['function Add @3:12', 'function Print @4:6', 'class Helper @8:7', 'method Helper::Id @8:20'],
    );
  });

  it('counts columns in UTF-16 units and reads CRLF files like LF ones', async () => {
    const lf = ['namespace N', '{', '    /* é😀 */ class Ünï', '    {', '        void ß() { }', '    }', '}'];
    const crlf = lf.map((line) => `${line}\r`);
    const expected = ['module N @1:11', 'class N::Ünï @3:21', 'method N::Ünï::ß @5:14'];
    await agrees(lf, expected);
    const defs = await agrees(crlf, expected);
    expect(defs[1]).toMatchObject({ line1: 3, line2: 6, signature: 'class Ünï' });
  });
});

describe('tagCSharp on broken input', () => {
  // No `.`: tree-sitter's own name column for a dotted namespace is its first segment's, which expectWellFormed would reject.
  const PIECES = ['class', 'struct', 'interface', 'enum', 'record', 'namespace', 'delegate', 'void', 'x', 'T', '<', '>', '(', ')', '{', '}', '[', ']', '"', '"""', '@"', '$"', "'", '/*', '*/', '//', '#', '\n', ' ', ',', ';', ':', '=', '=>', 'é', '\\', 'public', 'where'];
  const garbage = (seed: number, size: number): string => tokenSoup(PIECES, seed, size);

  it('never throws and returns well-formed definitions', () => {
    const inputs = [
      '',
      'namespace',
      'namespace {',
      'namespace A',
      'class',
      'class A',
      'class A {',
      'class A { void f(',
      'class A { void f() {',
      'class A { void f() =>',
      'class A { int f<T',
      'class A { [',
      'string s = "unterminated\n;\nclass After {}',
      'string s = @"unterminated verbatim\nclass Hidden {}',
      'string s = $"{unterminated hole\nclass Hidden {}',
      'string s = """unterminated raw\nclass Hidden {}',
      '/* unterminated comment\nclass Hidden {}',
      '}}}}))))class F {}',
      '{'.repeat(50_000),
      'class A {'.repeat(10_000),
      ...Array.from({ length: 40 }, (_, i) => garbage(i, 5_000)),
    ];
    for (const input of inputs) expectWellFormed(input, tagCSharp(input, []));
    // A regular string ends at its line's end; a verbatim one runs on.
    expect(brief(tagCSharp('string s = "unterminated\n;\nclass After {}', []))).toEqual(['class After @3:7']);
    expect(tagCSharp('string s = @"unterminated verbatim\nclass Hidden {}', [])).toEqual([]);
  });

  it('takes time linear in the input, however it is shaped', () => {
    const shapes = [
      (n: number) => `class A { ${'<T '.repeat(n / 3)}`,
      (n: number) => 'class A { void f('.repeat(n / 17),
      (n: number) => `class A {\n${'    int F(int x) => new X { A = 1 };\n'.repeat(n / 36)}}`,
      (n: number) => '[A('.repeat(n / 3),
      (n: number) => 'namespace a.'.repeat(n / 12),
      (n: number) => `var s = $"${'{'.repeat(n)}`,
      (n: number) => `var s = ${'"'.repeat(n)}`,
      (n: number) => `var s = """${'""x'.repeat(n / 3)}`,
      (n: number) => garbage(7, n),
    ];
    for (const shape of shapes) expectLinear((text) => tagCSharp(text, []), shape(1_000_000), shape.toString());
  }, 60_000);
});
