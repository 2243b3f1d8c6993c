import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { AstDefinition } from '../../worker-api/ast';
import { indexedLanguageForPath, modulePrefixForPath } from '../languages';
import { tagJavaScript } from './javascript';
import { expectLinear, treeSitterDefinitions } from './test-support';

const samples = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'samples');

/** `kind path L<line1>-<line2> @<nameLine>:<nameColumn>` per definition, in output order. */
function tags(text: string, language = 'typescript'): string[] {
  return tagJavaScript(text, ['m'], language).map((d) => `${d.kind} ${d.path} L${d.line1}-${d.line2} @${d.nameLine}:${d.nameColumn}`);
}

function paths(text: string, language = 'typescript'): string[] {
  return tagJavaScript(text, ['m'], language).map((d) => `${d.kind} ${d.path}`);
}

function find(text: string, qualified: string, language = 'typescript'): AstDefinition {
  const found = tagJavaScript(text, ['m'], language).find((d) => d.path === qualified);
  if (!found) throw new Error(`${qualified} not among ${paths(text, language).join(', ')}`);
  return found;
}

describe('agrees with the tree-sitter extraction', () => {
  async function compare(sample: string, asPath: string): Promise<void> {
    const text = fs.readFileSync(path.join(samples, sample), 'utf8');
    const language = indexedLanguageForPath(asPath)!;
    const expected = await treeSitterDefinitions(asPath, text, { clean: true });
    expect(expected.length).toBeGreaterThan(1);
    expect(tagJavaScript(text, modulePrefixForPath(asPath, language), language)).toEqual(expected);
  }

  it('TypeScript sample', () => compare('sample.ts.txt', 'web/cart.ts'));
  it('TSX sample', () => compare('sample.tsx.txt', 'web/cart.tsx'));
  it('JavaScript sample', () => compare('sample.js.txt', 'web/cart.js'));
});

describe('lexing', () => {
  it('regex literals may hold braces, quotes, slashes and comment openers', () => {
    const text = [
      'const re = /{[}/]\\/*"\'`/g;',
      'function afterRegex() { return x.replace(/\\//g, "{"); }',
      'const re2 = /[/*]/, other = 1;',
    ].join('\n');
    expect(tags(text, 'javascript')).toEqual([
      'variable m::re L1-1 @1:7',
      'function m::afterRegex L2-2 @2:10',
      'variable m::re2 L3-3 @3:7',
      'variable m::other L3-3 @3:21',
    ]);
  });

  it('tells division from a regex by the token before the slash', () => {
    const text = 'const half = total / 2 / count, q = (a) / b;\nfunction f() { return x / 2 } // } {\nconst after = 1;';
    expect(tags(text, 'javascript')).toEqual([
      'variable m::half L1-1 @1:7',
      'variable m::q L1-1 @1:33',
      'function m::f L2-2 @2:10',
      'variable m::after L3-3 @3:7',
    ]);
  });

  it('template literals with nested substitutions, braces and backquotes', () => {
    const text = [
      'const t = `a ${ { b: `inner ${ "}" } function fake() {}` }.b } }{ ${`${1}`}`;',
      'function afterTemplate() {}',
    ].join('\n');
    expect(tags(text, 'javascript')).toEqual(['variable m::t L1-1 @1:7', 'function m::afterTemplate L2-2 @2:10']);
  });

  it('strings and comments that look like code are not code', () => {
    const text = [
      '// function commented() {}',
      '/* class Commented {} */',
      'const s = "function inString() {}", s2 = \'class InString {}\';',
      'const unterminated = "oops',
      'function real() {}',
    ].join('\n');
    expect(paths(text, 'javascript')).toEqual(['variable m::s', 'variable m::s2', 'variable m::unterminated', 'function m::real']);
  });

  it('JSX text with apostrophes, attributes and nested expressions', () => {
    const text = [
      'const App = () => (',
      "  <div className='a' title=\"it's\">",
      "    Don't {cond ? <A /> : <B x={{ y: 1 }} />} it's",
      '    <>fragment</>',
      '  </div>',
      ');',
      'function afterJsx() {}',
    ].join('\n');
    const expected = ['function m::App L1-6 @1:7', 'function m::afterJsx L7-7 @7:10'];
    expect(tags(text, 'javascriptreact')).toEqual(expected);
    expect(tags(text, 'typescriptreact')).toEqual(expected);
  });

  it('CRLF line ends', () => {
    const text = 'function crlf(a,\r\n  b) {\r\n  return a;\r\n}\r\nconst v = () => {\r\n};\r\n';
    expect(tags(text, 'javascript')).toEqual(['function m::crlf L1-4 @1:10', 'function m::v L5-6 @5:7']);
    expect(find(text, 'm::crlf', 'javascript').signature).toBe('function crlf(a, b)');
  });

  it('columns count UTF-16 units', () => {
    expect(tags('const é = 1; /* 😀 */ function f() {}')).toEqual(['variable m::é L1-1 @1:7', 'function m::f L1-1 @1:32']);
  });
});

describe('definitions', () => {
  it('arrow functions, with return types, generics (TS and TSX) and async', () => {
    const text = [
      'export const typed = async (x: number): Promise<string> => String(x);',
      'const generic = <T,>(x: T): T => x;',
      'const bounded = <T extends object>(x: T) => x;',
      'const single = x => x, paren = (1 + 2), call = f(x);',
      'var legacy = () => 1;',
    ].join('\n');
    const expected = [
      'function m::typed L1-1 @1:14',
      'function m::generic L2-2 @2:7',
      'function m::bounded L3-3 @3:7',
      'function m::single L4-4 @4:7',
      'variable m::paren L4-4 @4:24',
      'variable m::call L4-4 @4:41',
      'variable m::legacy L5-5 @5:5',
    ];
    expect(tags(text, 'typescript')).toEqual(expected);
    expect(tags(text, 'typescriptreact')).toEqual(expected);
    expect(find(text, 'm::typed').signature).toBe('typed = async (x: number): Promise<string> => String(x)');
  });

  it('object literal methods, in a returned object and under a top-level variable', () => {
    const text = [
      'function outer() {',
      '  function inner() {}',
      '  return { retMethod() {}, async *gen() {}, get g() { return 1 }, prop: () => 1, [computed]() {} };',
      '}',
      'export const api = {',
      '  load(id: string): void {},',
      "  'quoted'() {},",
      '};',
    ].join('\n');
    expect(tags(text)).toEqual([
      'function m::outer L1-4 @1:10',
      'function m::outer::inner L2-2 @2:12',
      'method m::outer::retMethod L3-3 @3:12',
      'method m::outer::gen L3-3 @3:35',
      'method m::outer::g L3-3 @3:49',
      'variable m::api L5-8 @5:14',
      'method m::api::load L6-6 @6:3',
    ]);
    expect(find(text, 'm::api::load')).toMatchObject({ parent: 'm::api', signature: 'load(id: string): void' });
  });

  it('class members: methods, accessors, fields holding functions, static blocks', () => {
    const text = [
      'export abstract class Shape<T> extends Base<T> implements Named {',
      '  private count = 0;',
      '  inc = (): void => { this.count++; };',
      '  #secret = function () {};',
      '  gen = function* () {};',
      '  bound = function () {}.bind(this);',
      '  static async *items() {}',
      '  get value(): number { return this.count; }',
      '  abstract area(): number;',
      '  constructor(a: string);',
      '  constructor(a: any) { super(); }',
      '  static { function initOnce() {} }',
      '}',
    ].join('\n');
    expect(tags(text)).toEqual([
      'class m::Shape L1-13 @1:23',
      'method m::Shape::inc L3-3 @3:3',
      'method m::Shape::#secret L4-4 @4:3',
      'method m::Shape::items L7-7 @7:17',
      'method m::Shape::value L8-8 @8:7',
      'method m::Shape::area L9-9 @9:12',
      'method m::Shape::constructor L10-10 @10:3',
      'method m::Shape::constructor L11-11 @11:3',
      'method m::Shape::initOnce L12-12 @12:21',
    ]);
    expect(find(text, 'm::Shape')).toMatchObject({ signature: 'abstract class Shape<T> extends Base<T> implements Named', parent: null });
    expect(find(text, 'm::Shape::inc').signature).toBe('inc = (): void => { this.count++; }');
  });

  it('decorators: part of a TypeScript field but not of its method; part of both in JavaScript', () => {
    const text = ['class C {', '  @Input() name = () => 1;', '  @HostListener("click")', '  onClick() {}', '}'].join('\n');
    expect(tags(text, 'typescript').slice(1)).toEqual(['method m::C::name L2-2 @2:12', 'method m::C::onClick L4-4 @4:3']);
    expect(tags(text, 'javascript').slice(1)).toEqual(['method m::C::name L2-2 @2:12', 'method m::C::onClick L3-4 @4:3']);
    expect(tags('@Component({})\nexport class A {}\n@Injectable()\nclass B {}')).toEqual(['class m::A L2-2 @2:14', 'class m::B L3-4 @4:7']);
  });

  it('function overloads and signatures', () => {
    const text = ['function parse(a: string): number;', 'function parse(a: number): number', 'function parse(a: any) { return a; }'].join('\n');
    expect(tags(text)).toEqual(['function m::parse L1-1 @1:10', 'function m::parse L2-2 @2:10', 'function m::parse L3-3 @3:10']);
    expect(tagJavaScript(text, [], 'typescript').map((d) => d.signature)).toEqual([
      'function parse(a: string): number;',
      'function parse(a: number): number',
      'function parse(a: any)',
    ]);
  });

  it('.d.ts ambient declarations', () => {
    const text = [
      'declare var notCaptured: number;',
      'declare let ambientLet: number, ambientLet2: string;',
      'export declare const alsoNotCaptured: number;',
      'declare const shape: { area(): number };',
      'export declare function run(x: Map<string, number>): void;',
      "declare module 'pkg' {",
      '  export function fromPkg(): void;',
      '  const insideModule: number;',
      '}',
      'declare global {',
      '  interface Window { hook(): void }',
      '}',
      'declare namespace NS.Inner {',
      '  function nsFn(): void;',
      '}',
    ].join('\n');
    expect(tags(text)).toEqual([
      'variable m::ambientLet L2-2 @2:13',
      'variable m::ambientLet2 L2-2 @2:33',
      'variable m::shape L4-4 @4:15',
      'method m::shape::area L4-4 @4:24',
      'function m::run L5-5 @5:25',
      'function m::fromPkg L7-7 @7:19',
      'interface m::Window L11-11 @11:13',
      'method m::Window::hook L11-11 @11:22',
      'module m::NS::Inner L13-15 @13:19',
      'function m::NS::Inner::nsFn L14-14 @14:12',
    ]);
    expect(find(text, 'm::NS::Inner').parent).toBe('m::NS');
  });

  it('interfaces, type aliases (type is contextual), enums and namespaces', () => {
    const text = [
      'export interface Repo<T> extends Base { get(id: string): T; readonly size: number; on?(e: string): void }',
      'export type Handler = { handle(x: number): void };',
      'let type = 1;',
      'type = 2;',
      'export const enum Dir { Up, Down }',
      'enum Color { Red }',
      'namespace App { export function start() {} }',
      'module Legacy { function old() {} }',
    ].join('\n');
    expect(paths(text)).toEqual([
      'interface m::Repo',
      'method m::Repo::get',
      'method m::Repo::on',
      'type m::Handler',
      'method m::handle',
      'variable m::type',
      'enum m::Dir',
      'enum m::Color',
      'module m::App',
      'function m::App::start',
      'function m::old',
    ]);
    expect(find(text, 'm::Handler').signature).toBe('type Handler = { handle(x: number): void };');
    expect(find(text, 'm::Dir')).toMatchObject({ line1: 5, nameColumn: 19, signature: 'const enum Dir' });
  });

  it('export default declarations', () => {
    const text = [
      'export default function named() {}',
      'export default async function () {}',
      'export default class { method() {} }',
      'export default { objMethod() {} };',
    ].join('\n');
    expect(tags(text)).toEqual(['function m::named L1-1 @1:25', 'method m::method L3-3 @3:24', 'method m::objMethod L4-4 @4:18']);
  });

  it('statements without semicolons', () => {
    const text = ['const a = 1', 'let b = a', '  + 2', 'const c = () => {', '}', 'function d() {}', 'type T = string', 'const e = T'].join('\n');
    expect(tags(text)).toEqual([
      'variable m::a L1-1 @1:7',
      'variable m::b L2-3 @2:5',
      'function m::c L4-5 @4:7',
      'function m::d L6-6 @6:10',
      'type m::T L7-7 @7:6',
      'variable m::e L8-8 @8:7',
    ]);
  });

  it('only program-level variables; destructuring is not a definition', () => {
    const text = ['const { a, b } = obj, [c] = arr, d = 1;', 'if (x) { const nested = 1; function inBlock() {} }', 'const m = new Map<string, number>(), n = 2;'].join('\n');
    expect(paths(text)).toEqual(['variable m::d', 'function m::inBlock', 'variable m::m', 'variable m::n']);
  });
});

describe('robustness', () => {
  let seed = 7;
  const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;

  it('never throws on garbage and unterminated constructs', () => {
    const inputs = [
      Array.from({ length: 20000 }, () => String.fromCharCode(Math.floor(random() * 65536))).join(''),
      Array.from({ length: 20000 }, () => '{}()[]<>/\\*`\'"$#@!?:;,.=+-&|\nab1 '[Math.floor(random() * 34)]).join(''),
      '`${'.repeat(5000),
      '"unterminated',
      '/* unterminated',
      'x = /unterminated',
      'x = <div attr="unterminated',
      '<'.repeat(5000),
      'class A { m(',
      '}}}}))))]]]] function after() {}',
    ];
    for (const text of inputs) {
      for (const language of ['javascript', 'javascriptreact', 'typescript', 'typescriptreact']) {
        expect(Array.isArray(tagJavaScript(text, ['m'], language))).toBe(true);
      }
    }
    expect(paths('}}}}))))]]]] function after() {}')).toEqual(['function m::after']);
  });

  it('keeps working after a stray closing bracket', () => {
    expect(paths('function a() { foo(x)) }\nfunction b() {}', 'javascript')).toEqual(['function m::a', 'function m::b']);
  });

  it('caps definition nesting instead of building ever longer paths', () => {
    const defs = tagJavaScript('function f() {'.repeat(1000), [], 'javascript');
    expect(defs.length).toBe(64);
  });

  it('takes time roughly linear in the input, on inputs that defeat naive lookahead', () => {
    const patterns = [
      (n: number) => '('.repeat(n),
      (n: number) => '(/'.repeat(n / 2), // a regex that never closes, on one line
      (n: number) => 'a/* */'.repeat(n / 6), // comments on one long line
      (n: number) => 'const a=' + 'b,'.repeat(n / 2),
      (n: number) => 'var a=function(b){return b/2},c=/x\\//g,d=`${e}`;function f(g){return g<h?{i(){}}:[1,2]}'.repeat(n / 90),
      (n: number) => 'x=' + '<a b="c">{'.repeat(n / 10),
    ];
    for (const make of patterns) expectLinear((text) => tagJavaScript(text, ['m'], 'typescriptreact'), make(1_000_000), make(20));
  }, 60_000);
});
