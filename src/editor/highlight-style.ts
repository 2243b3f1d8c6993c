/** Syntax colours from the app's theme variables, so light and dark follow the page. */
import { HighlightStyle } from '@codemirror/language';
import { tags as t } from '@lezer/highlight';

export const appHighlightStyle = HighlightStyle.define([
  { tag: [t.keyword, t.modifier, t.controlKeyword, t.operatorKeyword, t.definitionKeyword, t.moduleKeyword], color: 'var(--hl-keyword)' },
  { tag: [t.string, t.special(t.string), t.regexp, t.character], color: 'var(--hl-string)' },
  { tag: [t.comment, t.lineComment, t.blockComment, t.docComment], color: 'var(--hl-comment)', fontStyle: 'italic' },
  { tag: [t.number, t.bool, t.null, t.atom, t.unit], color: 'var(--hl-number)' },
  { tag: [t.function(t.variableName), t.function(t.definition(t.variableName)), t.function(t.propertyName), t.definition(t.className)], color: 'var(--hl-title)' },
  { tag: [t.typeName, t.className, t.namespace, t.standard(t.typeName)], color: 'var(--hl-type)' },
  { tag: [t.propertyName, t.attributeName, t.labelName], color: 'var(--hl-attr)' },
  { tag: [t.meta, t.processingInstruction, t.annotation, t.tagName], color: 'var(--hl-meta)' },
  { tag: t.heading, fontWeight: 'bold', color: 'var(--hl-title)' },
  { tag: t.emphasis, fontStyle: 'italic' },
  { tag: t.strong, fontWeight: 'bold' },
  { tag: t.link, textDecoration: 'underline' },
  { tag: t.invalid, color: 'var(--danger)' },
]);
