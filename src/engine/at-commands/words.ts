/** Words of a message with their positions, for finding @-commands and their arguments. */

export interface Word {
  text: string;
  /** Offsets into the whole message: [pos1, pos2). */
  pos1: number;
  pos2: number;
}

/** The whitespace-separated words of one line; `offset` is where the line starts in the message. */
export function wordsOf(line: string, offset: number): Word[] {
  const words: Word[] = [];
  for (const match of line.matchAll(/\S+/g)) {
    words.push({ text: match[0], pos1: offset + match.index, pos2: offset + match.index + match[0].length });
  }
  return words;
}

/** Each line of the text with the offset where it starts. */
export function linesOf(text: string): { line: string; offset: number }[] {
  const out: { line: string; offset: number }[] = [];
  let offset = 0;
  for (const line of text.split('\n')) {
    out.push({ line, offset });
    offset += line.length + 1;
  }
  return out;
}
