import { describe, expect, it } from 'vitest';
import { inProcess } from '../src/worker-api/connect';
import { createAstService, languageIdForPath } from './ast.service';
import { createEmbedService } from './embed.service';
import { nodeGrammarLocator } from '../src/code-index/test-support';

describe('languageForPath', () => {
  it.each([
    ['src/app.ts', 'typescript'],
    ['src/App.tsx', 'typescriptreact'],
    ['a.js', 'javascript'],
    ['a.jsx', 'javascriptreact'],
    ['build/x.mjs', 'javascript'],
    ['x.cjs', 'javascript'],
    ['pkg/mod.py', 'python'],
    ['src/main.rs', 'rust'],
    ['cmd/main.go', 'go'],
    ['Main.java', 'java'],
    ['lib.c', 'c'],
    ['lib.h', 'c'],
    ['lib.cpp', 'cpp'],
    ['lib.cc', 'cpp'],
    ['lib.hpp', 'cpp'],
    ['Program.cs', 'csharp'],
    ['app.rb', 'ruby'],
    ['index.php', 'php'],
    ['Main.kt', 'kotlin'],
    ['View.swift', 'swift'],
    ['App.scala', 'scala'],
    ['init.lua', 'lua'],
    ['run.sh', 'shellscript'],
    ['README.md', 'markdown'],
    ['package.json', 'json'],
    ['ci.yaml', 'yaml'],
    ['ci.yml', 'yaml'],
    ['Cargo.toml', 'toml'],
    ['index.html', 'html'],
    ['theme.css', 'css'],
    ['C:\\code\\Project\\SRC\\MAIN.PY', 'python'],
    ['docker/Dockerfile', 'dockerfile'],
    ['lib/app.dart', 'dart'],
    ['Token.sol', 'solidity'],
    ['Rakefile', 'ruby'],
    ['Makefile', 'makefile'],
    ['component.test.ts', 'typescript'],
  ])('%s -> %s', async (path, language) => {
    expect(await createAstService().languageForPath(path)).toBe(language);
  });

  it.each(['LICENSE', '.env', '.gitignore', 'image.png', 'archive.tar.gz', 'dir/', ''])(
    '%s -> null',
    (path) => {
      expect(languageIdForPath(path)).toBeNull();
    },
  );
});

describe('status before grammars / models load', () => {
  it('ast is not ready and has no languages', async () => {
    expect(await inProcess(createAstService()).api.status()).toEqual({ ready: false, languages: [] });
  });

  it('embed is not ready and has no model', async () => {
    expect(await inProcess(createEmbedService()).api.status()).toMatchObject({ ready: false, model: null });
  });
});

describe('parsing (web-tree-sitter in Node, grammars from node_modules)', () => {
  it('loads grammars on demand, parses a batch in order and reports what it could not parse', async () => {
    const ast = inProcess(createAstService({ locate: nodeGrammarLocator() }));
    const results = await ast.api.parseFiles([
      { path: 'a.py', text: 'def f():\n    return g()\n' },
      { path: 'notes.txt', text: 'plain' },
      { path: 'b.go', text: 'package b\n\nfunc G() int { return 1 }\n' },
    ]);
    expect(results.map((r) => (r.ok ? r.file.definitions.map((d) => d.path) : r.reason))).toEqual([['a::f'], 'unsupported', ['b::G']]);
    expect(await ast.api.status()).toEqual({ ready: true, languages: ['go', 'python'] });
    expect(await ast.api.loadGrammars(['rust'])).toEqual({ ready: true, languages: ['go', 'python', 'rust'] });
  });

  it('without grammar locations every parse fails saying why', async () => {
    const [result] = await inProcess(createAstService()).api.parseFiles([{ path: 'a.py', text: 'x = 1' }]);
    expect(result).toMatchObject({ ok: false, reason: 'error', message: expect.stringContaining('without grammar locations') });
  });
});

describe('quick tags', () => {
  it('tags definitions without loading the parser; languages without a tagger wait for the parse', async () => {
    const ast = inProcess(createAstService({ locate: nodeGrammarLocator() }));
    const results = await ast.api.tagFiles([
      { path: 'shop/cart.py', text: 'class Cart:\n    def total(self):\n        return 1\n' },
      { path: 'lib.c', text: 'int f(void) { return 1; }\n' },
      { path: 'notes.txt', text: 'plain' },
    ]);
    expect(results.map((r) => r.definitions?.map((d) => `${d.kind} ${d.path} L${d.line1}-${d.line2}`) ?? null)).toEqual([
      ['class shop::cart::Cart L1-3', 'method shop::cart::Cart::total L2-3'],
      null,
      null,
    ]);
    expect(await ast.api.status()).toEqual({ ready: false, languages: [] });
  });
});
