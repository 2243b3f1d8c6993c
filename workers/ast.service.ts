import type { AstStatus, AstWorkerApi, ParseResult } from '../src/worker-api/ast';
import { indexedLanguageForPath, languageIdForPath } from '../src/code-index/languages';
import type { GrammarLocator, ParseEngine } from '../src/code-index/parse-engine';
import { quickTags } from '../src/code-index/quick-tags';

export { languageIdForPath };

export interface AstServiceOptions {
  /**
   * Where web-tree-sitter's runtime and the grammars are. The worker passes our
   * origin's `/tree-sitter/` URLs; Node tests pass node_modules paths. Without it
   * the service still answers `languageForPath` and tags files, but every parse
   * fails saying so.
   */
  locate?: GrammarLocator;
  /** Per-file parse time limit (ms). */
  timeoutMs?: number;
}

export function createAstService(options: AstServiceOptions = {}): AstWorkerApi {
  const { locate, timeoutMs } = options;
  // web-tree-sitter loads on the first parse, not with the worker: a first pass quick-tags
  // every file before it parses one, and that should not wait for the parser's module.
  let engine: Promise<ParseEngine> | null = null;
  let ready: ParseEngine | null = null;
  const parseEngine = (): Promise<ParseEngine> | null => {
    if (!locate) return null;
    if (!engine) {
      engine = import('../src/code-index/parse-engine').then((m) => (ready = m.createParseEngine({ locate, timeoutMs })));
      // A failed load (the module could not be fetched) fails this batch; let the next one try again.
      engine.catch(() => (engine = null));
    }
    return engine;
  };
  const status = (): AstStatus => {
    const languages = ready ? ready.loaded() : [];
    return { ready: languages.length > 0, languages };
  };
  return {
    languageForPath: async (path) => languageIdForPath(path),
    status: async () => status(),
    async loadGrammars(languages) {
      const loading = parseEngine();
      if (!loading) throw new Error('loadGrammars() failed: the ast service was started without grammar locations');
      const parser = await loading;
      await Promise.all(languages.map((language) => parser.load(language)));
      return status();
    },
    async parseFiles(files) {
      const loading = parseEngine();
      const parser = loading ? await loading : null;
      const results: ParseResult[] = [];
      for (const file of files) {
        results.push(
          parser
            ? await parser.parse(file)
            : { ok: false, path: file.path, reason: 'error', message: 'the ast service was started without grammar locations' },
        );
      }
      return results;
    },
    async tagFiles(files) {
      return files.map(({ path, text }) => {
        const language = indexedLanguageForPath(path);
        return { path, definitions: language === null ? null : quickTags(path, language, text) };
      });
    },
  };
}
