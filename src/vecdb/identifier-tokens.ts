/**
 * Words for keyword search in code: identifiers are split at camelCase,
 * snake_case, kebab-case and letter/digit boundaries and lowercased, so
 * `parseHTTPResponse2` gives `parse`, `http`, `response`, `2`. The whole
 * identifier is kept as well (`parsehttpresponse2`), so a query naming it
 * exactly ranks its definition above chunks that only share the parts.
 */

const WORD = /[\p{L}\p{N}_$]+/gu;
// Boundaries inside one identifier: aB, ABc (the B starts a new word), a1, 1a.
const CAMEL = /([\p{Ll}\p{N}])(\p{Lu})|(\p{Lu})(\p{Lu}\p{Ll})|(\p{L})(\p{N})|(\p{N})(\p{L})/gu;

function splitCamel(word: string): string {
  return word.replace(CAMEL, (...groups: (string | undefined)[]) => {
    for (let i = 1; i < 9; i += 2) if (groups[i] !== undefined) return `${groups[i]} ${groups[i + 1]}`;
    return groups[0] ?? '';
  });
}

/** Tokens of a text (code, prose, or a path), in order, repeats kept (BM25 counts them). */
export function identifierTokens(text: string): string[] {
  const tokens: string[] = [];
  for (const match of text.matchAll(WORD)) {
    const word = match[0];
    // Twice: a match consumes its second character, so `x1y` needs a second pass for `1y`.
    const parts = splitCamel(splitCamel(word))
      .split(/[\s_$]+/)
      .filter((p) => p !== '')
      .map((p) => p.toLowerCase());
    for (const part of parts) tokens.push(part);
    if (parts.length > 1) {
      const whole = word.replace(/^[_$]+|[_$]+$/g, '').toLowerCase();
      if (whole !== '') tokens.push(whole);
    }
  }
  return tokens;
}
