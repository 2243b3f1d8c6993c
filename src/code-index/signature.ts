/** How long a definition's signature may get before it is cut with an ellipsis. */
export const SIGNATURE_MAX = 160;

/**
 * A declaration as one line: whitespace collapsed, at most SIGNATURE_MAX
 * characters. Shared by the tree-sitter extraction and the quick taggers so a
 * definition shows the same signature whichever found it.
 */
export function collapseSignature(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > SIGNATURE_MAX ? `${flat.slice(0, SIGNATURE_MAX - 1)}…` : flat;
}
