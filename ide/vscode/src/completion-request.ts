/**
 * An editor position as Refact's /v1/code-completion request, and the answer
 * as what the inline item inserts: the same rules as the app's own editor
 * (src/completion/rules.ts, imported, not copied). VS Code's `character`
 * counts UTF-16 units, as the protocol's does.
 *
 * No runtime import of 'vscode': unit-tested as plain data.
 */
import type { CompletionRequest } from '../../../src/completion/types';
import { isMultilineAt, MAX_COMPLETION_DOCUMENT_CHARS, rightOfCursorAllows } from '../../../src/completion/rules';

export interface CompletionSettings {
  enabled: boolean;
  /** `provider/model`; '' for the app's own choice. */
  model: string;
  maxTokens: number;
}

export interface CursorInDocument {
  /** Workspace-relative path. */
  path: string;
  text: string;
  line: number;
  character: number;
  /** The cursor line's text, without its line break. */
  lineText: string;
}

/** The request for the cursor, or null when Refact's rules say there is nothing to ask. */
export function completionRequestAt(cursor: CursorInDocument, settings: CompletionSettings, manual: boolean): CompletionRequest | null {
  if (cursor.text.length > MAX_COMPLETION_DOCUMENT_CHARS) return null;
  const left = cursor.lineText.slice(0, cursor.character);
  if (!rightOfCursorAllows(cursor.lineText.slice(cursor.character))) return null;
  // A blank left side asks for a block from the line's start (Refact's clients send character 0 then).
  const multiline = isMultilineAt(left);
  return {
    ...(settings.model ? { model: settings.model } : {}),
    inputs: {
      sources: { [cursor.path]: cursor.text },
      cursor: { file: cursor.path, line: cursor.line, character: multiline ? 0 : cursor.character },
      multiline,
    },
    parameters: { max_new_tokens: settings.maxTokens },
    ...(manual ? { no_cache: true } : {}),
  };
}

/** What the inline item replaces on the cursor's line (from `startCharacter` to the cursor) and with what; null: nothing to show. */
export function inlineInsertion(request: CompletionRequest, cursorCharacter: number, completion: string): { startCharacter: number; text: string } | null {
  // '' or '\n' (or only blanks) mean nothing to show.
  if (completion.trim() === '') return null;
  // Multiline: the completion is the whole block from column 0; VS Code shows what goes past the typed indentation.
  return request.inputs.multiline ? { startCharacter: 0, text: completion } : { startCharacter: cursorCharacter, text: completion };
}
