/**
 * The editor's side of code completion: a CodeMirror state and caret become
 * Refact's /v1/code-completion request (multiline when the caret's left is
 * blank, then with character 0 as Refact's clients send it), and the
 * response becomes a suggestion for the ghost text.
 */
import type { EditorState } from '@codemirror/state';
import type { CompletionRequest, CompletionResponse } from '../completion/types';
import { isMultilineAt, MAX_COMPLETION_DOCUMENT_CHARS, rightOfCursorAllows } from '../completion/rules';
import type { Suggestion, SuggestionSource } from './ghost-text';

export type CompletionCall = (request: CompletionRequest, signal: AbortSignal) => Promise<CompletionResponse>;

/** The request for the caret at `pos`, or null when Refact's rules say there is nothing to ask. */
export function requestAt(state: EditorState, pos: number, path: string, manual: boolean): CompletionRequest | null {
  if (state.doc.length > MAX_COMPLETION_DOCUMENT_CHARS) return null;
  const line = state.doc.lineAt(pos);
  const left = line.text.slice(0, pos - line.from);
  const right = line.text.slice(pos - line.from);
  if (!rightOfCursorAllows(right)) return null;
  const multiline = isMultilineAt(left);
  return {
    inputs: {
      sources: { [path]: state.doc.toString() },
      cursor: { file: path, line: line.number - 1, character: multiline ? 0 : left.length },
      multiline,
    },
    ...(manual ? { no_cache: true } : {}),
  };
}

/**
 * The suggestion for a completion that replaces [line start, caret] in multiline mode: when it
 * starts with what is typed there, only the rest shows (and typing along works); otherwise it
 * replaces the indentation on accept.
 */
export function suggestionFrom(state: EditorState, pos: number, request: CompletionRequest, completion: string): Suggestion | null {
  if (completion.trim() === '') return null;
  if (!request.inputs.multiline) return { from: pos, to: pos, insert: completion, display: completion };
  const lineStart = state.doc.lineAt(pos).from;
  const typed = state.sliceDoc(lineStart, pos);
  if (completion.startsWith(typed)) {
    const rest = completion.slice(typed.length);
    return { from: pos, to: pos, insert: rest, display: rest };
  }
  return { from: lineStart, to: pos, insert: completion, display: completion.trimStart() };
}

export function completionSource(path: () => string, call: CompletionCall): SuggestionSource {
  return async (state, pos, manual, signal) => {
    const request = requestAt(state, pos, path(), manual);
    if (!request) return null;
    const response = await call(request, signal);
    return suggestionFrom(state, pos, request, response.choices[0]?.code_completion ?? '');
  };
}
