/**
 * Which files the code index parses, with which tree-sitter grammar, and how a
 * file's path turns into the first segments of its symbols' qualified paths.
 *
 * Plain data and string functions only: vite/grammar-assets.ts imports this in
 * Node to know which grammar files to serve and precache.
 */

/** URL path segment (under Vite's `base`) the tree-sitter runtime and grammars are served from. */
export const GRAMMAR_URL_DIR = 'tree-sitter/';

/** web-tree-sitter's own runtime (Emscripten), served next to the grammars. */
export const TREE_SITTER_RUNTIME_FILE = 'web-tree-sitter.wasm';

/** File extension (lower case, no dot) -> VS Code language id. */
const LANGUAGE_BY_EXTENSION: Readonly<Record<string, string>> = {
  ts: 'typescript',
  mts: 'typescript',
  cts: 'typescript',
  tsx: 'typescriptreact',
  js: 'javascript',
  mjs: 'javascript',
  cjs: 'javascript',
  jsx: 'javascriptreact',
  py: 'python',
  pyi: 'python',
  rs: 'rust',
  go: 'go',
  java: 'java',
  c: 'c',
  h: 'c',
  cpp: 'cpp',
  cc: 'cpp',
  cxx: 'cpp',
  hpp: 'cpp',
  hh: 'cpp',
  hxx: 'cpp',
  cs: 'csharp',
  rb: 'ruby',
  rake: 'ruby',
  gemspec: 'ruby',
  php: 'php',
  kt: 'kotlin',
  kts: 'kotlin',
  swift: 'swift',
  dart: 'dart',
  sol: 'solidity',
  scala: 'scala',
  sc: 'scala',
  lua: 'lua',
  sh: 'shellscript',
  bash: 'shellscript',
  zsh: 'shellscript',
  md: 'markdown',
  markdown: 'markdown',
  json: 'json',
  jsonc: 'jsonc',
  yaml: 'yaml',
  yml: 'yaml',
  toml: 'toml',
  html: 'html',
  htm: 'html',
  css: 'css',
  scss: 'scss',
  sql: 'sql',
};

/** Extensionless (or special) file names, lower case. */
const LANGUAGE_BY_FILE_NAME: Readonly<Record<string, string>> = {
  dockerfile: 'dockerfile',
  makefile: 'makefile',
  gnumakefile: 'makefile',
  rakefile: 'ruby',
  gemfile: 'ruby',
  '.bashrc': 'shellscript',
  '.zshrc': 'shellscript',
  '.profile': 'shellscript',
};

/** Language id for a path (either slash style), or null when unknown. */
export function languageIdForPath(path: string): string | null {
  const fileName = (path.split(/[\\/]/).pop() ?? '').toLowerCase();
  const byName = LANGUAGE_BY_FILE_NAME[fileName];
  if (byName) return byName;
  const dot = fileName.lastIndexOf('.');
  if (dot <= 0) return null; // no extension, or a dotfile like ".env"
  return LANGUAGE_BY_EXTENSION[fileName.slice(dot + 1)] ?? null;
}

/**
 * Language id -> grammar file in @repomix/tree-sitter-wasms/out/ (built for
 * tree-sitter ABI 14/15, which web-tree-sitter 0.27 loads). Only languages with
 * a query in queries/ are listed; JSX files use the JavaScript grammar, which
 * parses JSX.
 */
export const GRAMMAR_BY_LANGUAGE: Readonly<Record<string, string>> = {
  typescript: 'tree-sitter-typescript.wasm',
  typescriptreact: 'tree-sitter-tsx.wasm',
  javascript: 'tree-sitter-javascript.wasm',
  javascriptreact: 'tree-sitter-javascript.wasm',
  python: 'tree-sitter-python.wasm',
  rust: 'tree-sitter-rust.wasm',
  go: 'tree-sitter-go.wasm',
  java: 'tree-sitter-java.wasm',
  c: 'tree-sitter-c.wasm',
  cpp: 'tree-sitter-cpp.wasm',
  csharp: 'tree-sitter-c_sharp.wasm',
  ruby: 'tree-sitter-ruby.wasm',
  php: 'tree-sitter-php.wasm',
  swift: 'tree-sitter-swift.wasm',
  dart: 'tree-sitter-dart.wasm',
  solidity: 'tree-sitter-solidity.wasm',
};

/** Every grammar file the app serves (each once). */
export const GRAMMAR_FILES: readonly string[] = [...new Set(Object.values(GRAMMAR_BY_LANGUAGE))];

/** The language ids the code index can parse. */
export const INDEXED_LANGUAGES: readonly string[] = Object.keys(GRAMMAR_BY_LANGUAGE);

/** The grammar file for a language id, or null when the index does not parse that language. */
export function grammarForLanguage(language: string): string | null {
  return GRAMMAR_BY_LANGUAGE[language] ?? null;
}

/** The language id the index parses `path` as, or null when it does not index such files. */
export function indexedLanguageForPath(path: string): string | null {
  const language = languageIdForPath(path);
  return language !== null && language in GRAMMAR_BY_LANGUAGE ? language : null;
}

/**
 * The first segments of every qualified path in a file, for languages whose
 * modules are their files. Languages that declare a package or namespace in the
 * source (Go, Java, C#, PHP, C++, Ruby...) get it from their query instead.
 *
 * - Python: `email/mime/text.py` -> `email::mime::text`; `pkg/__init__.py` -> `pkg`
 * - JS/TS: `src/app/main.ts` -> `src::app::main`; `lib/index.js` -> `lib`
 * - Rust: the path below the last `src/`, `lib.rs`/`main.rs`/`mod.rs` naming their directory
 */
export function modulePrefixForPath(path: string, language: string): string[] {
  const parts = path.split('/').filter((p) => p !== '');
  const file = parts.pop();
  if (file === undefined) return [];
  const stem = file.replace(/\.[^.]+$/, '');
  switch (language) {
    case 'python':
      return stem === '__init__' ? parts : [...parts, stem];
    case 'typescript':
    case 'typescriptreact':
    case 'javascript':
    case 'javascriptreact':
      return stem === 'index' ? parts : [...parts, stem];
    case 'rust': {
      const src = parts.lastIndexOf('src');
      const dirs = src >= 0 ? parts.slice(src + 1) : parts;
      return stem === 'lib' || stem === 'main' || stem === 'mod' ? dirs : [...dirs, stem];
    }
    default:
      return [];
  }
}

/**
 * The module an import names, as path segments like `modulePrefixForPath`
 * gives for that module's own file, or null when it cannot be told:
 *
 * - Python: `shop.tax` -> `shop::tax`; `.models` in `pkg/a.py` -> `pkg::models`; `..` goes up one more
 * - JS/TS: `./cart` in `web/main.ts` -> `web::cart`; `../lib/index.js` -> `lib`; a package (`preact/hooks`) -> `preact::hooks`
 */
export function resolveImportSource(path: string, language: string, source: string): string[] | null {
  const dirs = path.split('/').filter((p) => p !== '').slice(0, -1);
  switch (language) {
    case 'python': {
      const dots = /^\.*/.exec(source)?.[0].length ?? 0;
      const rest = source.slice(dots).split('.').filter((s) => s !== '');
      if (dots === 0) return rest;
      if (dots - 1 > dirs.length) return null;
      return [...dirs.slice(0, dirs.length - (dots - 1)), ...rest];
    }
    case 'typescript':
    case 'typescriptreact':
    case 'javascript':
    case 'javascriptreact': {
      if (!source.startsWith('.')) return source.split('/').filter((s) => s !== '');
      const out = [...dirs];
      for (const part of source.split('/')) {
        if (part === '' || part === '.') continue;
        if (part === '..') {
          if (out.length === 0) return null;
          out.pop();
        } else out.push(part);
      }
      const last = out.pop();
      if (last === undefined) return out;
      const stem = last.replace(/\.(d\.)?[cm]?[jt]sx?$/, '');
      return stem === 'index' ? out : [...out, stem];
    }
    default:
      return null;
  }
}
