import { Language, Parser, Query } from 'web-tree-sitter';
import type { ParseRequest, ParseResult } from '../worker-api/ast';
import { extractSymbols } from './extract';
import { TREE_SITTER_RUNTIME_FILE, grammarForLanguage, indexedLanguageForPath, modulePrefixForPath, resolveImportSource } from './languages';
import { TAGS_QUERIES } from './queries';

/**
 * web-tree-sitter behind a small interface: grammars load on first use (one
 * parser and one compiled query per language), each parse is bounded in time,
 * and the tree is freed as soon as its symbols are extracted. DOM-free: runs
 * in the ast worker and in Node tests.
 */

/** Where the runtime and the grammars are: URLs in a browser, file paths in Node. */
export interface GrammarLocator {
  /** web-tree-sitter.wasm; undefined lets web-tree-sitter look next to its own module (fine in Node). */
  runtime?: string;
  /** A grammar file from languages.ts GRAMMAR_FILES, e.g. `tree-sitter-python.wasm`. */
  grammar(file: string): string;
}

export interface ParseEngineOptions {
  locate: GrammarLocator;
  /** A file whose parse takes longer than this is given up (reported as an error). Default 10 s. */
  timeoutMs?: number;
}

interface LoadedLanguage {
  parser: Parser;
  query: Query;
}

export interface ParseEngine {
  /** Loads the grammar (and compiles the query) for a language id; rejects with a message naming it. */
  load(language: string): Promise<void>;
  /** Language ids loaded so far. */
  loaded(): string[];
  parse(request: ParseRequest): Promise<ParseResult>;
}

/** Files longer than this (UTF-16 units) are parsed with a time limit. */
const WATCHED_PARSE_CHARS = 64 * 1024;

let runtime: Promise<void> | null = null;

function initRuntime(locate: GrammarLocator): Promise<void> {
  if (!runtime) {
    const url = locate.runtime;
    runtime = Parser.init(
      url === undefined ? undefined : { locateFile: (file: string) => (file === TREE_SITTER_RUNTIME_FILE ? url : file) },
    );
    runtime.catch(() => {
      runtime = null; // let a later call retry (e.g. after going back online)
    });
  }
  return runtime;
}

export function createParseEngine({ locate, timeoutMs = 10_000 }: ParseEngineOptions): ParseEngine {
  const languages = new Map<string, Promise<LoadedLanguage>>();
  const grammars = new Map<string, Promise<Language>>();
  const ready = new Set<string>();

  const loadGrammar = (file: string): Promise<Language> => {
    let grammar = grammars.get(file);
    if (!grammar) {
      grammar = initRuntime(locate).then(() => Language.load(locate.grammar(file)));
      grammars.set(file, grammar);
      grammar.catch(() => grammars.delete(file));
    }
    return grammar;
  };

  const loadLanguage = (language: string): Promise<LoadedLanguage> => {
    let loaded = languages.get(language);
    if (!loaded) {
      const file = grammarForLanguage(language);
      const source = TAGS_QUERIES[language];
      loaded =
        file === null || source === undefined
          ? Promise.reject(new Error(`no tree-sitter grammar for "${language}"`))
          : loadGrammar(file).then(
              (grammar) => {
                const parser = new Parser();
                parser.setLanguage(grammar);
                let query: Query;
                try {
                  query = new Query(grammar, source);
                } catch (error) {
                  parser.delete();
                  throw new Error(`the ${language} tags query does not compile: ${(error as Error).message}`, { cause: error });
                }
                ready.add(language);
                return { parser, query };
              },
              (error: unknown) => {
                throw new Error(`could not load the ${language} grammar (${file}): ${(error as Error).message}`, { cause: error });
              },
            );
      languages.set(language, loaded);
      loaded.catch(() => languages.delete(language));
    }
    return loaded;
  };

  return {
    load: async (language) => {
      await loadLanguage(language);
    },
    loaded: () => [...ready].sort(),
    async parse({ path, text }) {
      const language = indexedLanguageForPath(path);
      if (language === null) return { ok: false, path, reason: 'unsupported', message: `${path}: no grammar for this kind of file` };
      const started = performance.now();
      let lang: LoadedLanguage;
      try {
        lang = await loadLanguage(language);
      } catch (error) {
        return { ok: false, path, reason: 'error', message: (error as Error).message };
      }
      const deadline = started + timeoutMs;
      // The progress callback runs every few thousand parser steps (returning true cancels);
      // it costs ~5% of the parse, so only large files, the ones that can run long, get one.
      const options = text.length > WATCHED_PARSE_CHARS ? { progressCallback: () => performance.now() > deadline } : undefined;
      let tree;
      try {
        tree = lang.parser.parse(text, null, options);
      } catch (error) {
        lang.parser.reset();
        return { ok: false, path, reason: 'error', message: `${path}: tree-sitter failed: ${(error as Error).message}` };
      }
      if (!tree) {
        lang.parser.reset();
        return { ok: false, path, reason: 'error', message: `${path}: parsing took longer than ${timeoutMs / 1000} s; skipped` };
      }
      try {
        const root = tree.rootNode;
        const { definitions, usages } = extractSymbols({
          text,
          root,
          query: lang.query,
          modulePrefix: modulePrefixForPath(path, language),
          resolveImport: (source) => resolveImportSource(path, language, source),
        });
        return {
          ok: true,
          file: { path, language, definitions, usages, hasErrors: root.hasError, ms: performance.now() - started },
        };
      } catch (error) {
        return { ok: false, path, reason: 'error', message: `${path}: extracting symbols failed: ${(error as Error).message}` };
      } finally {
        tree.delete();
      }
    },
  };
}
