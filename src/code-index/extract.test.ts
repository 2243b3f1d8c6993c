import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ParsedFile } from '../worker-api/ast';
import { GRAMMAR_BY_LANGUAGE, INDEXED_LANGUAGES } from './languages';
import { createParseEngine, type ParseEngine } from './parse-engine';
import { TAGS_QUERIES } from './queries';
import { nodeGrammarLocator } from './test-support';

/*
 * One small sample file per language (samples/*.txt, named as the file they
 * pose as plus `.txt` so the TypeScript build ignores them), parsed with the
 * real grammars from node_modules; each test lists the definitions and usages
 * a reader of that sample can check by eye.
 */

const samples = path.join(path.dirname(fileURLToPath(import.meta.url)), 'samples');
let engine: ParseEngine;

beforeAll(() => {
  engine = createParseEngine({ locate: nodeGrammarLocator() });
});

async function parseSample(name: string): Promise<ParsedFile> {
  const text = fs.readFileSync(path.join(samples, `${name}.txt`), 'utf8');
  const result = await engine.parse({ path: name, text });
  if (!result.ok) throw new Error(result.message);
  expect(result.file.hasErrors, `${name} should parse without syntax errors`).toBe(false);
  return result.file;
}

/** `kind path` for every definition, in source order. */
function defs(file: ParsedFile): string[] {
  return file.definitions.map((d) => `${d.kind} ${d.path}`);
}

/** `kind name@line -> target` for every usage of these names. */
function uses(file: ParsedFile, ...names: string[]): string[] {
  return file.usages.filter((u) => names.includes(u.name)).map((u) => `${u.kind} ${u.name}@${u.line} -> ${u.target ?? '?'}`);
}

function def(file: ParsedFile, qualified: string) {
  const found = file.definitions.find((d) => d.path === qualified);
  if (!found) throw new Error(`${qualified} not among ${defs(file).join(', ')}`);
  return found;
}

describe('grammars and queries', () => {
  it.each(INDEXED_LANGUAGES)('%s: grammar loads in web-tree-sitter 0.27 and its tags query compiles', async (language) => {
    expect(GRAMMAR_BY_LANGUAGE[language]).toBeDefined();
    expect(TAGS_QUERIES[language]).toBeDefined();
    await engine.load(language);
    expect(engine.loaded()).toContain(language);
  });

  it('reports files it has no grammar for, and a broken file still yields what parsed', async () => {
    expect(await engine.parse({ path: 'notes.md', text: '# hi' })).toMatchObject({ ok: false, reason: 'unsupported' });
    const broken = await engine.parse({ path: 'bad.py', text: 'def good():\n    pass\n\ndef bad(:\n' });
    expect(broken.ok && broken.file.hasErrors).toBe(true);
    expect(broken.ok && broken.file.definitions.map((d) => d.name)).toContain('good');
  });
});

describe('definitions and usages per language', () => {
  it('Python', async () => {
    const f = await parseSample('sample.py');
    expect(defs(f)).toEqual([
      'variable sample::LIMIT',
      'class sample::Shape',
      'method sample::Shape::area',
      'method sample::Shape::scale',
      'function sample::helper',
      'function sample::helper::inner',
    ]);
    expect(def(f, 'sample::Shape')).toMatchObject({ line1: 6, line2: 11, nameLine: 6, nameColumn: 7, signature: 'class Shape(Base)', parent: null });
    expect(def(f, 'sample::Shape::area')).toMatchObject({ line1: 7, line2: 8, parent: 'sample::Shape', signature: 'def area(self)' });
    expect(uses(f, 'scale', 'helper', 'inner', 'Shape', 'Base', 'join')).toEqual([
      'inherit Base@6 -> ?',
      'call scale@8 -> sample::Shape::scale', // self.scale() in the class
      'call helper@8 -> sample::helper',
      'type Shape@14 -> sample::Shape',
      'call inner@17 -> sample::helper::inner', // the nested function, by scope
      'call join@17 -> ?',
    ]);
    expect(f.usages.find((u) => u.name === 'join')).toMatchObject({ receiver: 'os.path', scope: 'sample::helper', column: 34 });
  });

  it('Python: a definition ends at its last statement, not at the comment lines its block takes in after it', async () => {
    const text = [
      'class C:',
      '    @property',
      '    def p(self):',
      '        def inner():',
      '            return 1',
      '            # after inner',
      '        return inner',
      '            # deeper, after p',
      '    # after C',
      '',
      'def f():',
      '    return 1',
      '    # trailing comment',
      '',
      'x = 2',
    ].join('\n');
    const result = await engine.parse({ path: 'm.py', text });
    if (!result.ok) throw new Error(result.message);
    expect(result.file.definitions.map((d) => `${d.path} L${d.line1}-${d.line2}`)).toEqual([
      'm::C L1-7',
      'm::C::p L3-7',
      'm::C::p::inner L4-5',
      'm::f L11-12',
      'm::x L15-15',
    ]);
  });

  it('Python: every target of a chained module-level assignment is a variable of the statement', async () => {
    const text = 'A = B = 1\nC = D = E = f()\na, b = c = 1, 2\nx.y = g = 3\ndef h():\n    i = j = 4\n';
    const result = await engine.parse({ path: 'm.py', text });
    if (!result.ok) throw new Error(result.message);
    expect(result.file.definitions.map((d) => `${d.kind} ${d.path} L${d.line1} @${d.nameColumn} ${d.signature}`)).toEqual([
      'variable m::A L1 @1 A = B = 1',
      'variable m::B L1 @5 A = B = 1',
      'variable m::C L2 @1 C = D = E = f()',
      'variable m::D L2 @5 C = D = E = f()',
      'variable m::E L2 @9 C = D = E = f()',
      'variable m::a L3 @1 a, b = c = 1, 2',
      'variable m::b L3 @4 a, b = c = 1, 2',
      'variable m::c L3 @8 a, b = c = 1, 2',
      'variable m::g L4 @7 x.y = g = 3',
      'function m::h L5 @5 def h()', // assignments in a function are not module variables
    ]);
  });

  it('TypeScript', async () => {
    const f = await parseSample('sample.ts');
    expect(defs(f)).toEqual([
      'variable sample::LIMIT',
      'function sample::double',
      'interface sample::Shape',
      'method sample::Shape::area',
      'type sample::Id',
      'enum sample::Color',
      'module sample::Geometry',
      'function sample::Geometry::origin',
      'class sample::Point',
      'method sample::Point::constructor',
      'method sample::Point::area',
      'method sample::Point::scale',
    ]);
    expect(uses(f, 'Point', 'scale', 'double', 'origin', 'Shape')).toEqual([
      'type Point@17 -> sample::Point',
      'new Point@18 -> sample::Point',
      'inherit Shape@22 -> sample::Shape',
      'call scale@28 -> sample::Point::scale', // this.scale()
      'call double@28 -> sample::double',
      'call origin@32 -> sample::Geometry::origin', // Geometry.origin()
    ]);
  });

  it('TSX', async () => {
    const f = await parseSample('sample.tsx');
    expect(defs(f)).toEqual(['function sample::Badge', 'function sample::Panel']);
    // <Badge /> is a usage; intrinsic elements like <div> are not.
    expect(f.usages.map((u) => `${u.name}@${u.line} -> ${u.target}`)).toEqual(['Badge@9 -> sample::Badge']);
  });

  it('JavaScript', async () => {
    const f = await parseSample('sample.js');
    expect(defs(f)).toEqual([
      'variable sample::cache',
      'function sample::load',
      'function sample::fetchItem',
      'class sample::Item',
      'method sample::Item::constructor',
      'method sample::Item::describe',
    ]);
    expect(uses(f, 'load', 'fetchItem', 'Item', 'get')).toEqual([
      'call get@4 -> ?',
      'call fetchItem@4 -> sample::fetchItem',
      'new Item@8 -> sample::Item',
      'call load@18 -> sample::load',
    ]);
  });

  it('Rust', async () => {
    const f = await parseSample('sample.rs');
    expect(defs(f)).toEqual([
      'constant sample::MAX',
      'struct sample::Stack',
      'trait sample::Shape',
      'method sample::Shape::area',
      'enum sample::Op',
      'method sample::Stack::new', // impl<T> Stack<T>
      'method sample::Stack::push',
      'method sample::Stack::check',
      'method sample::Op::fmt', // impl fmt::Display for Op
      'module sample::util',
      'function sample::util::helper',
      'function sample::main',
    ]);
    expect(uses(f, 'check', 'new', 'helper', 'Display')).toEqual([
      'call new@19 -> ?', // Vec::new
      'call check@24 -> sample::Stack::check',
      'inherit Display@32 -> ?',
      'call new@45 -> sample::Stack::new', // Stack::new
      'call helper@46 -> sample::util::helper', // util::helper
    ]);
  });

  it('Go', async () => {
    const f = await parseSample('sample.go');
    expect(defs(f)).toEqual([
      'constant store::MaxItems',
      'variable store::defaultStore',
      'struct store::Item',
      'interface store::Reader',
      'method store::Reader::Get',
      'struct store::Store',
      'function store::NewStore',
      'method store::Store::Get', // func (s *Store) Get
      'method store::Store::validate',
    ]);
    expect(def(f, 'store::Store::Get')).toMatchObject({ parent: 'store::Store', line1: 25, line2: 31 });
    expect(uses(f, 'NewStore', 'Errorf', 'Store')).toEqual([
      'call NewStore@7 -> store::NewStore',
      'type Store@21 -> store::Store',
      'new Store@22 -> store::Store',
      'type Store@25 -> store::Store',
      'call Errorf@28 -> ?',
      'type Store@33 -> store::Store',
    ]);
  });

  it('Java', async () => {
    const f = await parseSample('Sample.java');
    expect(defs(f)).toEqual([
      'class com::example::shop::Cart',
      'method com::example::shop::Cart::Cart',
      'method com::example::shop::Cart::total',
      'method com::example::shop::Cart::sum',
      'interface com::example::shop::Cart::Listener',
      'method com::example::shop::Cart::Listener::changed',
      'enum com::example::shop::Cart::State',
      'class com::example::shop::Tax',
      'method com::example::shop::Tax::rate',
    ]);
    expect(uses(f, 'sum', 'rate', 'Cart', 'total', 'Basket')).toEqual([
      'inherit Basket@5 -> ?',
      'call sum@13 -> com::example::shop::Cart::sum',
      'call rate@13 -> com::example::shop::Tax::rate', // Tax.rate()
      'type Cart@21 -> com::example::shop::Cart', // the class, not its constructor
      'new Cart@29 -> com::example::shop::Cart',
      'call total@29 -> ?', // new Cart(null).total(): receiver too complex to follow
    ]);
  });

  it('C', async () => {
    const f = await parseSample('sample.c');
    expect(defs(f)).toEqual([
      'macro MAX_NAME',
      'macro SQUARE',
      'type Point',
      'struct point',
      'union value',
      'enum color',
      'variable counter',
      'function square',
      'function area',
      'function name_of', // char *name_of(...)
    ]);
    expect(def(f, 'MAX_NAME')).toMatchObject({ line1: 3, line2: 3 });
    expect(uses(f, 'square', 'area', 'Point', 'printf')).toEqual([
      'type Point@24 -> Point',
      'call square@26 -> square',
      'call square@26 -> square',
      'type Point@29 -> Point',
      'call printf@30 -> ?',
      'call area@30 -> area',
    ]);
  });

  it('C++', async () => {
    const f = await parseSample('sample.cpp');
    expect(defs(f)).toEqual([
      'module geo',
      'class geo::Shape',
      'method geo::Shape::area',
      'method geo::Shape::describe',
      'class geo::Circle',
      'method geo::Circle::Circle',
      'method geo::Circle::area',
      'type geo::Shapes',
      'function geo::total',
      'method geo::Shape::describe', // void geo::Shape::describe() { ... } out of line
    ]);
    expect(f.definitions.at(-1)).toMatchObject({ line1: 29, line2: 32, parent: 'geo::Shape' });
    expect(uses(f, 'Shape', 'total', 'Circle', 'area')).toEqual([
      'inherit Shape@11 -> geo::Shape',
      'type Shape@19 -> geo::Shape',
      'call area@23 -> ?',
      'call total@30 -> geo::total', // geo::total(...)
      'new Circle@31 -> geo::Circle',
    ]);
  });

  it('C#', async () => {
    const f = await parseSample('Sample.cs');
    expect(defs(f)).toEqual([
      'module Shop::Models',
      'interface Shop::Models::IPriced',
      'method Shop::Models::IPriced::Price',
      'class Shop::Models::Item',
      'method Shop::Models::Item::Item',
      'method Shop::Models::Item::Price',
      'method Shop::Models::Item::Discount',
      'struct Shop::Models::Point',
      'enum Shop::Models::Kind',
      'class Shop::Models::Order',
      'class Shop::Models::Tax',
      'method Shop::Models::Tax::Rate',
    ]);
    expect(uses(f, 'Discount', 'Rate', 'Item', 'IPriced')).toEqual([
      'inherit IPriced@10 -> Shop::Models::IPriced',
      'call Discount@17 -> Shop::Models::Item::Discount',
      'call Rate@17 -> Shop::Models::Tax::Rate',
      'new Item@31 -> Shop::Models::Item',
    ]);
  });

  it('Ruby', async () => {
    const f = await parseSample('sample.rb');
    expect(defs(f)).toEqual([
      'module Shop',
      'constant Shop::VERSION',
      'class Shop::Cart',
      'method Shop::Cart::initialize',
      'method Shop::Cart::add',
      'method Shop::Cart::total',
      'method Shop::Cart::build', // def self.build
      'method Shop::Cart::validate!',
      'function helper',
    ]);
    expect(uses(f, 'validate!', 'total', 'Cart', 'helper', 'build', 'Enumerable')).toEqual([
      'inherit Enumerable@7 -> ?',
      'call validate!@15 -> Shop::Cart::validate!',
      'call total@16 -> Shop::Cart::total', // self.total
      'new Cart@24 -> Shop::Cart', // Cart.new
      'call helper@30 -> helper', // bare call, no parentheses
      'call build@36 -> Shop::Cart::build', // Shop::Cart.build
    ]);
  });

  it('PHP', async () => {
    const f = await parseSample('sample.php');
    expect(defs(f)).toEqual([
      'constant App::Models::VERSION',
      'function App::Models::helper',
      'interface App::Models::Jsonable',
      'method App::Models::Jsonable::toJson',
      'trait App::Models::HasName',
      'method App::Models::HasName::name',
      'enum App::Models::Suit',
      'class App::Models::User',
      'method App::Models::User::save',
      'method App::Models::User::toJson',
      'method App::Models::User::validate',
    ]);
    expect(uses(f, 'validate', 'helper', 'HasName', 'format', 'Query')).toEqual([
      'inherit HasName@25 -> App::Models::HasName',
      'call validate@28 -> App::Models::User::validate', // $this->validate()
      'call helper@29 -> App::Models::helper',
      'call format@33 -> ?',
      'new Query@33 -> ?',
    ]);
  });

  it('Swift', async () => {
    const f = await parseSample('sample.swift');
    expect(defs(f)).toEqual([
      'variable defaultRadius',
      'interface Shape',
      'method Shape::area',
      'struct Circle',
      'method Circle::area',
      'class View',
      'method View::draw',
      'method View::layout',
      'enum Direction',
      'method Circle::grow', // extension Circle
      'type Radius',
      'function helper',
    ]);
    expect(uses(f, 'helper', 'layout', 'Shape')).toEqual([
      'inherit Shape@9 -> Shape',
      'call helper@11 -> helper',
      'call layout@15 -> View::layout',
    ]);
  });

  it('Dart', async () => {
    const f = await parseSample('sample.dart');
    expect(defs(f)).toEqual([
      'variable defaultSize',
      'class Shape',
      'method Shape::area',
      'method Shape::scale',
      'enum Color',
      'trait Logging',
      'type Sizes',
      'function helper',
    ]);
    // The body is a sibling of the signature in Dart's tree; the range covers both.
    expect(def(f, 'Shape::area')).toMatchObject({ line1: 8, line2: 10, signature: 'double area()' });
    expect(uses(f, 'helper', 'scale', 'Base')).toEqual(['inherit Base@5 -> ?', 'call helper@9 -> helper', 'call scale@9 -> Shape::scale']);
  });

  it('Solidity', async () => {
    const f = await parseSample('sample.sol');
    expect(defs(f)).toEqual([
      'interface IToken',
      'method IToken::transfer',
      'module SafeMath',
      'function SafeMath::add',
      'class Token',
      'variable Token::totalSupply',
      'struct Token::Balance',
      'enum Token::State',
      'type Token::Moved',
      'method Token::onlyOwner',
      'method Token::transfer',
      'method Token::check',
    ]);
    expect(uses(f, 'add', 'check', 'onlyOwner', 'IToken')).toEqual([
      'inherit IToken@13 -> IToken',
      'call onlyOwner@22 -> Token::onlyOwner',
      'call add@23 -> SafeMath::add',
      'call check@25 -> Token::check',
    ]);
  });
});

describe('imports', () => {
  it('Python: from-imports (absolute, relative, aliased) and module imports give usages their imported path', async () => {
    const text = [
      'from shop.tax import rate, fee as charge',
      'from .models import User',
      'from . import util',
      'import os.path',
      'import numpy as np',
      '',
      'def run():',
      '    rate(); charge(); User(); util.helper(); os.path.join(); np.zeros(); local()',
      '',
      'def local():',
      '    pass',
    ].join('\n');
    const result = await engine.parse({ path: 'pkg/app.py', text });
    if (!result.ok) throw new Error(result.message);
    expect(result.file.usages.map((u) => `${u.name}: ${u.imported ?? u.target}`)).toEqual([
      'rate: shop::tax::rate',
      'charge: shop::tax::fee',
      'User: pkg::models::User',
      'helper: pkg::util::helper',
      'join: os::path::join',
      'zeros: numpy::zeros',
      'local: pkg::app::local', // defined here: resolved in the file, not imported
    ]);
  });

  it('TypeScript: named, aliased, default and namespace imports, resolved relative to the file', async () => {
    const text = [
      "import { Cart, total as sum } from './cart';",
      "import Store from '../store/index';",
      "import * as fmt from './util/format.js';",
      "import { h } from 'preact';",
      '',
      'export function main(c: Cart) {',
      '  return sum(c) + new Store().size + fmt.money(1) + h();',
      '}',
    ].join('\n');
    const result = await engine.parse({ path: 'web/app/main.ts', text });
    if (!result.ok) throw new Error(result.message);
    expect(result.file.usages.map((u) => `${u.kind} ${u.name}: ${u.imported}`)).toEqual([
      'type Cart: web::app::cart::Cart',
      'call sum: web::app::cart::total',
      'new Store: web::store::Store',
      'call money: web::app::util::format::money',
      'call h: preact::h',
    ]);
  });
});

describe('positions', () => {
  it('columns are 1-based UTF-16 units, after non-ASCII text', async () => {
    const result = await engine.parse({ path: 'u.py', text: 'é = "日本"; x = 1\n\ndef f():\n    return g()\n' });
    if (!result.ok) throw new Error(result.message);
    expect(result.file.definitions.map((d) => [d.name, d.nameLine, d.nameColumn])).toEqual([
      ['é', 1, 1],
      ['x', 1, 11],
      ['f', 3, 5],
    ]);
    expect(result.file.usages[0]).toMatchObject({ name: 'g', line: 4, column: 12 });
  });
});
