/**
 * Syntax modes by file name, loaded on demand: @codemirror/language-data
 * lists ~150 languages (every language the AST index knows, and the usual
 * others through legacy modes) and imports each one's package only when a
 * file of it opens.
 */
import { LanguageDescription, type LanguageSupport } from '@codemirror/language';
import { languages } from '@codemirror/language-data';

export function languageDescriptionFor(path: string): LanguageDescription | null {
  const name = path.slice(path.lastIndexOf('/') + 1);
  return LanguageDescription.matchFilename(languages, name);
}

/** The language's name ("Python"), or null for plain text. */
export function languageNameFor(path: string): string | null {
  return languageDescriptionFor(path)?.name ?? null;
}

/** Loads the syntax mode for `path`; null for plain text (or when its package fails to load). */
export async function loadLanguage(path: string): Promise<LanguageSupport | null> {
  const description = languageDescriptionFor(path);
  if (!description) return null;
  try {
    return await description.load();
  } catch (error) {
    console.warn(`The ${description.name} syntax mode could not load`, error);
    return null;
  }
}
