import type { AstDefinition } from '../../worker-api/ast';
import { modulePrefixForPath } from '../languages';
import { tagCSharp } from './csharp';
import { tagGo } from './go';
import { tagJava } from './java';
import { tagJavaScript } from './javascript';
import { tagPython } from './python';
import { tagRust } from './rust';
import type { QuickTagger } from './types';

export type { QuickTagger };

/** Language ids (languages.ts) with a quick tagger; the others wait for tree-sitter. */
const TAGGERS: Readonly<Record<string, QuickTagger>> = {
  python: (text, prefix) => tagPython(text, prefix),
  javascript: tagJavaScript,
  javascriptreact: tagJavaScript,
  typescript: tagJavaScript,
  typescriptreact: tagJavaScript,
  go: (text, prefix) => tagGo(text, prefix),
  rust: (text, prefix) => tagRust(text, prefix),
  java: (text, prefix) => tagJava(text, prefix),
  csharp: (text, prefix) => tagCSharp(text, prefix),
};

/**
 * The definitions of one file from its language's quick tagger, or null when
 * there is none. Defensive on top of the taggers' own promise never to throw:
 * a tagger bug costs that file its early definitions, never the pass.
 */
export function quickTags(path: string, language: string, text: string): AstDefinition[] | null {
  const tagger = Object.hasOwn(TAGGERS, language) ? TAGGERS[language] : undefined;
  if (!tagger) return null;
  try {
    return tagger(text, modulePrefixForPath(path, language), language);
  } catch (error) {
    console.warn(`quick tags of ${path} failed; its definitions wait for the parse`, error);
    return null;
  }
}
