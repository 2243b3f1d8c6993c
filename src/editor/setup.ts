/**
 * One editor state per open file: CodeMirror 6's own pieces (line numbers,
 * history, search and replace, bracket matching, folding...), the file's
 * line separator kept so a save writes the bytes back as they were, the
 * syntax mode in a compartment (it loads after the first paint), and ghost
 * text completion.
 */
import { closeBrackets, closeBracketsKeymap } from '@codemirror/autocomplete';
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { bracketMatching, foldGutter, foldKeymap, indentOnInput, indentUnit, syntaxHighlighting } from '@codemirror/language';
import { highlightSelectionMatches, search, searchKeymap } from '@codemirror/search';
import { Compartment, EditorState, type Extension } from '@codemirror/state';
import {
  crosshairCursor,
  dropCursor,
  EditorView,
  highlightActiveLine,
  highlightActiveLineGutter,
  highlightSpecialChars,
  keymap,
  lineNumbers,
  rectangularSelection,
} from '@codemirror/view';
import { timerBlinkingCaret } from './caret-blink';
import { ghostText, type GhostTextConfig } from './ghost-text';
import { appHighlightStyle } from './highlight-style';

export const languageSlot = new Compartment();
export const readOnlySlot = new Compartment();

export interface EditorOptions {
  text: string;
  /** 'crlf' files join lines with \r\n; others with \n, a lone \r staying in its line (mixed files round-trip). */
  eol: 'lf' | 'crlf' | 'mixed' | 'none';
  /** Why the file is read-only, or null. */
  readOnly: string | null;
  /** Big files: no syntax mode at all (the reason is shown). */
  highlight: boolean;
  ghost: GhostTextConfig | null;
  /** Extra keys (save, quick open, ask about selection) bound above the defaults. */
  keys: Extension;
}

export function createEditorState(options: EditorOptions): EditorState {
  return EditorState.create({
    doc: options.text,
    extensions: [
      EditorState.lineSeparator.of(options.eol === 'crlf' ? '\r\n' : '\n'),
      // Keep a stray \r visible but quiet (mixed line endings).
      highlightSpecialChars({ addSpecialChars: /\r/ }),
      lineNumbers(),
      highlightActiveLineGutter(),
      foldGutter(),
      history(),
      timerBlinkingCaret(),
      dropCursor(),
      EditorState.allowMultipleSelections.of(true),
      indentOnInput(),
      indentUnit.of(guessIndent(options.text)),
      bracketMatching(),
      closeBrackets(),
      rectangularSelection(),
      crosshairCursor(),
      highlightActiveLine(),
      highlightSelectionMatches(),
      search({ top: true }),
      options.highlight ? syntaxHighlighting(appHighlightStyle) : [],
      languageSlot.of([]),
      readOnlySlot.of(readOnlyExtension(options.readOnly)),
      options.ghost ? ghostText(options.ghost) : [],
      options.keys,
      keymap.of([...closeBracketsKeymap, ...defaultKeymap, ...searchKeymap, ...historyKeymap, ...foldKeymap, indentWithTab]),
    ],
  });
}

export function readOnlyExtension(reason: string | null): Extension {
  return reason === null ? [] : [EditorState.readOnly.of(true), EditorView.editable.of(true)];
}

/** Four spaces unless the file indents with tabs or two spaces. */
export function guessIndent(text: string): string {
  const sample = text.slice(0, 20_000);
  if (/^\t/m.test(sample) && !/^ {2,}\S/m.test(sample)) return '\t';
  const widths = [...sample.matchAll(/^( +)\S/gm)].map((m) => m[1]!.length);
  if (widths.length > 0 && widths.every((w) => w % 2 === 0) && widths.some((w) => w % 4 !== 0)) return '  ';
  return '    ';
}
