import type { AstStatus, AstWorkerApi } from '../src/worker-api/ast';

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
  php: 'php',
  kt: 'kotlin',
  kts: 'kotlin',
  swift: 'swift',
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

export function createAstService(): AstWorkerApi {
  // No grammars yet: the AST issue loads web-tree-sitter and fills this in.
  const loadedLanguages: string[] = [];
  return {
    languageForPath: async (path) => languageIdForPath(path),
    status: async (): Promise<AstStatus> => ({
      ready: loadedLanguages.length > 0,
      languages: [...loadedLanguages],
    }),
  };
}
