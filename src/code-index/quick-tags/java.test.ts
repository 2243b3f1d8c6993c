import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { modulePrefixForPath } from '../languages';
import { tagJava } from './java';
import { agreementWith, brief, expectLinear, expectWellFormed, tokenSoup, treeSitterDefinitions } from './test-support';

/*
 * The Java quick tagger against the real tree-sitter extraction: every field
 * of every definition must be equal, on the sample and on hand-written tricky
 * snippets whose expected definitions are also written out here.
 */

const samples = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'samples');
const treeSitter = (file: string, text: string) => treeSitterDefinitions(file, text, { clean: true });

const quick = (file: string, text: string) => tagJava(text, modulePrefixForPath(file, 'java'));
const agrees = agreementWith(quick, 'p/Snippet.java');

describe('tagJava agrees with tree-sitter', () => {
  it('on the sample, field by field', async () => {
    const text = fs.readFileSync(path.join(samples, 'Sample.java.txt'), 'utf8');
    const defs = quick('shop/Sample.java', text);
    expect(defs.length).toBe(9);
    expect(defs).toEqual(await treeSitter('shop/Sample.java', text));
  });

  it('ignores declarations in comments, strings, text blocks and char literals', async () => {
    await agrees(
      [
        'package p;',
        '/** class Fake1 { void f() {} } */',
        '// interface Fake2 {}',
        'class A {',
        '    String s = "class Fake3 { \\" }";',
        "    char c = '}';",
        "    char q = '\\'';",
        '    String tb = """',
        '        class Fake4 { "quoted" \\""" }',
        '        void fake5() {',
        '        """;',
        '    void real() {}',
        '}',
      ],
      ['class p::A @4:7', 'method p::A::real @12:10'],
    );
  });

  it('starts definitions at their annotations and modifiers, and reads generic headers', async () => {
    const defs = await agrees(
      [
        'package com.acme.util;',
        'import java.util.*;',
        '@SuppressWarnings({"unchecked", "rawtypes"})',
        'public final class Outer<T extends Comparable<? super T>> extends Base<T> implements Runnable, java.io.Serializable {',
        '    private final Map<String, List<int[]>> map = new HashMap<>();',
        '    @Inject',
        '    public Outer(T t) { super(t); }',
        '    public <K, V extends List<K>> Map<K, V> generic(K k, V... vs)',
        '            throws Exception {',
        '        return null;',
        '    }',
        '    abstract int[] arrays(String[] a);',
        '    public @Nullable java.lang.String qualified() { return null; }',
        '    static <B> Outer<B> of(B b) { return null; }',
        '    boolean permits(String s) { return sealed() && module() != null; }',
        '    static void yield() {}',
        '    boolean sealed() { return false; }',
        '    Module module() { return null; }',
        '}',
      ],
      [
        'class com::acme::util::Outer @4:20',
        'method com::acme::util::Outer::Outer @7:12',
        'method com::acme::util::Outer::generic @8:45',
        'method com::acme::util::Outer::arrays @12:20',
        'method com::acme::util::Outer::qualified @13:39',
        'method com::acme::util::Outer::of @14:25',
        'method com::acme::util::Outer::permits @15:13', // contextual keywords are names
        'method com::acme::util::Outer::yield @16:17',
        'method com::acme::util::Outer::sealed @17:13',
        'method com::acme::util::Outer::module @18:12',
      ],
    );
    expect(defs.map((d) => [d.line1, d.line2, d.signature])).toEqual([
      [3, 19, '@SuppressWarnings({"unchecked", "rawtypes"}) public final class Outer<T extends Comparable<? super T>> extends Base<T> implements Runnable, java.io.Serializable'],
      [6, 7, '@Inject public Outer(T t)'],
      [8, 11, 'public <K, V extends List<K>> Map<K, V> generic(K k, V... vs) throws Exception'],
      [12, 12, 'abstract int[] arrays(String[] a);'],
      [13, 13, 'public @Nullable java.lang.String qualified()'],
      [14, 14, 'static <B> Outer<B> of(B b)'],
      [15, 15, 'boolean permits(String s)'],
      [16, 16, 'static void yield()'],
      [17, 17, 'boolean sealed()'],
      [18, 18, 'Module module()'],
    ]);
  });

  it('finds local, anonymous and inner classes and their methods, and skips lambdas and initializers', async () => {
    await agrees(
      [
        'class Outer {',
        '    private Runnable r = new Runnable() {',
        '        @Override',
        '        public void run() { System.out.println(Outer.class); }',
        '    };',
        '    static final ClassValue<int[][]> TABLE = new ClassValue<int[][]>() {',
        '        protected int[][] computeValue(Class<?> type) { return new int[0][]; }',
        '    };',
        '    static { int x = 1; }',
        '    { int y = 2; }',
        '    void m() {',
        '        class Local implements Comparable<Local> {',
        '            public int compareTo(Local o) { return 0; }',
        '        }',
        '        Runnable lambda = () -> { System.out.println(int[].class); };',
        '        switch (hashCode()) {',
        '            case 1: break;',
        '            default: { }',
        '        }',
        '        int[] arr = new int[] { 1, 2 };',
        '        new Thread(new Runnable() {',
        '            public void run() {}',
        '        }).start();',
        '        record LocalRecord(int a) {}',
        '        enum LocalEnum { A, B }',
        '        interface LocalIface { void z(); }',
        '        final @Deprecated class Annotated {}',
        '    }',
        '    static class Inner<A> {',
        '        <B> Inner(B b) {}',
        '    }',
        '}',
      ],
      [
        'class Outer @1:7',
        'method Outer::run @4:21',
        'method Outer::computeValue @7:27', // type arguments with arrays
        'method Outer::m @11:10',
        'class Outer::m::Local @12:15',
        'method Outer::m::Local::compareTo @13:24',
        'method Outer::m::run @22:25',
        'class Outer::m::LocalRecord @24:16',
        'enum Outer::m::LocalEnum @25:14',
        'interface Outer::m::LocalIface @26:19',
        'method Outer::m::LocalIface::z @26:37',
        'class Outer::m::Annotated @27:33',
        'class Outer::Inner @29:18',
        'method Outer::Inner::Inner @30:13',
      ],
    );
  });

  it('reads interfaces, records, enums with bodies, annotation types and sealed hierarchies', async () => {
    const defs = await agrees(
      [
        'interface Shape {',
        '    double area();',
        '    default String describe() { return "shape"; }',
        '    static Shape unit() { return () -> 1.0; }',
        '}',
        'record Point(int x, @Min(0) int y) implements Shape {',
        '    public Point {',
        '        if (x < 0) throw new IllegalArgumentException();',
        '    }',
        '    public Point(int x) { this(x, 0); }',
        '    public double area() { return 0; }',
        '}',
        'enum Op implements java.util.function.IntBinaryOperator {',
        '    PLUS("+") {',
        '        public int applyAsInt(int a, int b) { return a + b; }',
        '    },',
        '    @Deprecated MINUS("-") {',
        '        public int applyAsInt(int a, int b) { return a - b; }',
        '    };',
        '    private final String sym;',
        '    Op(String sym) { this.sym = sym; }',
        '}',
        'enum Empty { ; void g() {} }',
        '@interface Marker {',
        '    int value() default 1;',
        '    String[] names() default {"a", "b"};',
        '    enum Level { LOW, HIGH }',
        '}',
        'sealed interface Animal permits Dog, Cat {}',
        'non-sealed class Dog implements Animal {}',
        'final class Cat implements Animal {}',
      ],
      [
        'interface Shape @1:11',
        'method Shape::area @2:12',
        'method Shape::describe @3:20',
        'method Shape::unit @4:18',
        'class Point @6:8', // a compact constructor is not captured
        'method Point::Point @10:12',
        'method Point::area @11:19',
        'enum Op @13:6',
        'method Op::applyAsInt @15:20', // an enum constant does not qualify its body's methods
        'method Op::applyAsInt @18:20',
        'method Op::Op @21:5',
        'enum Empty @23:6',
        'method Empty::g @23:21',
        'interface Marker @24:12', // its elements are not methods
        'enum Marker::Level @27:10',
        'interface Animal @29:18',
        'class Dog @30:18',
        'class Cat @31:13',
      ],
    );
    expect(defs[4]).toMatchObject({ line1: 6, line2: 12, signature: 'record Point(int x, @Min(0) int y) implements Shape' });
  });

  it('counts columns in UTF-16 units and reads CRLF files like LF ones', async () => {
    const lf = ['package p;', '/* é😀 */ class Ünï {', '    void ß() {}', '}'];
    const crlf = lf.map((line) => `${line}\r`);
    const expected = ['class p::Ünï @2:17', 'method p::Ünï::ß @3:10'];
    await agrees(lf, expected);
    const defs = await agrees(crlf, expected);
    expect(defs[0]).toMatchObject({ line1: 2, line2: 4, signature: '/* é😀 */ class Ünï'.slice(10) });
  });

  it('lets the package declaration replace the module prefix', () => {
    expect(brief(tagJava('package a.b;\nclass C {}\n', ['ignored']))).toEqual(['class a::b::C @2:7']);
    expect(brief(tagJava('class C {}\n', ['dir']))).toEqual(['class dir::C @1:7']);
  });
});

describe('tagJava on broken input', () => {
  const PIECES = ['class', 'interface', 'enum', 'record', 'new', 'void', 'x', 'T', '@', '<', '>', '(', ')', '{', '}', '[', ']', '"', '"""', "'", '/*', '*/', '//', '\n', ' ', ',', ';', '=', '.', 'package', '->', ':', 'é', '\\', 'public', 'non-sealed'];
  const garbage = (seed: number, size: number): string => tokenSoup(PIECES, seed, size);

  it('never throws and returns well-formed definitions', () => {
    const inputs = [
      '',
      'package',
      'package ;',
      'class',
      'class A',
      'class A {',
      'class A { void f(',
      'class A { void f() {',
      'class A { <T',
      'class A { @',
      'class A { @B(',
      'enum E { A(',
      'String s = "unterminated\n;\nclass After {}',
      'x = """unterminated text block\nclass Hidden {}',
      '/* unterminated comment\nclass Hidden {}',
      '}}}}))))class F {}',
      '{'.repeat(50_000),
      'class A {'.repeat(10_000),
      ...Array.from({ length: 40 }, (_, i) => garbage(i, 5_000)),
    ];
    for (const input of inputs) expectWellFormed(input, tagJava(input, []));
    // A string ends at its line's end, as javac and tree-sitter end it.
    expect(brief(tagJava('String s = "unterminated\n;\nclass After {}', []))).toEqual(['class After @3:7']);
    expect(tagJava('x = """unterminated text block\nclass Hidden {}', [])).toEqual([]);
  });

  it('takes time linear in the input, however it is shaped', () => {
    const shapes = [
      (n: number) => `class A { ${'<T '.repeat(n / 3)}`,
      (n: number) => 'class A { void f('.repeat(n / 17),
      (n: number) => `class A {\n${'    void f() { new X() { void g() {} }; }\n'.repeat(n / 42)}}`,
      (n: number) => '@A('.repeat(n / 3),
      (n: number) => 'new X() '.repeat(n / 8),
      (n: number) => `String s = """${'x'.repeat(n)}`,
      (n: number) => 'record R '.repeat(n / 9),
      (n: number) => garbage(7, n),
    ];
    for (const shape of shapes) expectLinear((text) => tagJava(text, []), shape(1_000_000), shape.toString());
  }, 60_000);
});
