import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { grammarAssetFiles } from '../../vite/grammar-assets';
import { GRAMMAR_FILES, TREE_SITTER_RUNTIME_FILE, indexedLanguageForPath, modulePrefixForPath, resolveImportSource } from './languages';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

describe('languages', () => {
  it('the Vite plugin finds the runtime and every grammar in node_modules', () => {
    const files = grammarAssetFiles(root);
    expect([...files.keys()].sort()).toEqual([...GRAMMAR_FILES, TREE_SITTER_RUNTIME_FILE].sort());
    expect(GRAMMAR_FILES.length).toBeGreaterThanOrEqual(15);
  });

  it.each([
    ['src/App.tsx', 'typescriptreact'],
    ['lib/x.jsx', 'javascriptreact'],
    ['include/a.h', 'c'],
    ['README.md', null],
    ['data.json', null],
  ])('%s is indexed as %s', (file, language) => expect(indexedLanguageForPath(file)).toBe(language));

  it.each([
    ['email/mime/text.py', 'python', ['email', 'mime', 'text']],
    ['pkg/__init__.py', 'python', ['pkg']],
    ['src/app/main.ts', 'typescript', ['src', 'app', 'main']],
    ['lib/index.js', 'javascript', ['lib']],
    ['crates/net/src/tcp/mod.rs', 'rust', ['tcp']],
    ['src/lib.rs', 'rust', []],
    ['cmd/main.go', 'go', []],
  ])('%s (%s) -> %j', (file, language, prefix) => expect(modulePrefixForPath(file, language)).toEqual(prefix));

  it.each([
    ['pkg/sub/a.py', 'python', 'shop.tax', ['shop', 'tax']],
    ['pkg/sub/a.py', 'python', '.models', ['pkg', 'sub', 'models']],
    ['pkg/sub/a.py', 'python', '..', ['pkg']],
    ['a.py', 'python', '...x', null],
    ['web/app/main.ts', 'typescript', './cart', ['web', 'app', 'cart']],
    ['web/app/main.ts', 'typescript', '../lib/index.js', ['web', 'lib']],
    ['web/main.tsx', 'typescriptreact', './types.d.ts', ['web', 'types']],
    ['main.ts', 'typescript', '../outside', null],
    ['main.ts', 'typescript', 'preact/hooks', ['preact', 'hooks']],
    ['main.go', 'go', 'fmt', null],
  ])('%s (%s) imports %s -> %j', (file, language, source, module) => expect(resolveImportSource(file, language, source)).toEqual(module));
});
