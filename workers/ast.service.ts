import type { AstStatus, AstWorkerApi, ParseResult } from '../src/worker-api/ast';
import { languageIdForPath } from '../src/code-index/languages';
import { createParseEngine, type GrammarLocator } from '../src/code-index/parse-engine';

export { languageIdForPath };

export interface AstServiceOptions {
  /**
   * Where web-tree-sitter's runtime and the grammars are. The worker passes our
   * origin's `/tree-sitter/` URLs; Node tests pass node_modules paths. Without it
   * the service still answers `languageForPath`, but every parse fails saying so.
   */
  locate?: GrammarLocator;
  /** Per-file parse time limit (ms). */
  timeoutMs?: number;
}

export function createAstService(options: AstServiceOptions = {}): AstWorkerApi {
  const engine = options.locate ? createParseEngine({ locate: options.locate, timeoutMs: options.timeoutMs }) : null;
  const status = (): AstStatus => {
    const languages = engine ? engine.loaded() : [];
    return { ready: languages.length > 0, languages };
  };
  return {
    languageForPath: async (path) => languageIdForPath(path),
    status: async () => status(),
    async loadGrammars(languages) {
      if (!engine) throw new Error('loadGrammars() failed: the ast service was started without grammar locations');
      await Promise.all(languages.map((language) => engine.load(language)));
      return status();
    },
    async parseFiles(files) {
      const results: ParseResult[] = [];
      for (const file of files) {
        results.push(
          engine
            ? await engine.parse(file)
            : { ok: false, path: file.path, reason: 'error', message: 'the ast service was started without grammar locations' },
        );
      }
      return results;
    },
  };
}
