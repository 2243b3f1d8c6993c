/**
 * Refact's /v1/code-completion on a local model: a fill-in-the-middle prompt
 * around the cursor, the stop sequences to generate with, and the clean-up of
 * what comes back.
 *
 * @example
 * const { prompt, stop } = await buildFimPrompt(request, 'qwen2.5-coder', (s) => engine.countTokens(s), 2048);
 * const { text, finish_reason } = await engine.complete(prompt, { maxTokens: 64, temperature: 0.2, stop }, signal);
 * return toCodeCompletionResponse(postProcessCompletion(text, request, 'qwen2.5-coder'), finish_reason, modelId);
 */
import { ProviderError } from '../providers/types';
import type { CodeCompletionRequest, CodeCompletionResponse, FinishReason } from '../providers/types';

export interface FimTokens {
  prefix: string;
  suffix: string;
  middle: string;
  /** Tokens that end a completion in this family (end of text, padding, file separators). */
  stop: string[];
  /** How the family marks the current file's path before the FIM prefix, when it has a way. */
  filePath?: (path: string) => string;
}

export type FimFamily = 'qwen2.5-coder' | 'starcoder' | 'deepseek-coder' | 'codellama';

/** FIM tokens per family, prefix-suffix-middle order (PSM) for all of them. */
export const FIM_TOKENS: Readonly<Record<FimFamily, FimTokens>> = {
  // Qwen2.5-Coder; `<|file_sep|>path` is its repo-level format (README, "repository-level code completion").
  'qwen2.5-coder': {
    prefix: '<|fim_prefix|>',
    suffix: '<|fim_suffix|>',
    middle: '<|fim_middle|>',
    stop: ['<|endoftext|>', '<|fim_pad|>', '<|file_sep|>', '<|im_end|>', '<|repo_name|>', '<|fim_prefix|>', '<|fim_suffix|>', '<|fim_middle|>'],
    filePath: (path) => `<|file_sep|>${path}\n`,
  },
  // StarCoder / StarCoder2 (and SantaCoder-style vocabularies).
  starcoder: {
    prefix: '<fim_prefix>',
    suffix: '<fim_suffix>',
    middle: '<fim_middle>',
    stop: ['<|endoftext|>', '<fim_pad>', '<file_sep>', '<fim_prefix>', '<fim_suffix>', '<fim_middle>'],
  },
  'deepseek-coder': {
    prefix: '<｜fim▁begin｜>',
    suffix: '<｜fim▁hole｜>',
    middle: '<｜fim▁end｜>',
    stop: ['<｜end▁of▁sentence｜>', '<|EOT|>', '<｜fim▁begin｜>', '<｜fim▁hole｜>', '<｜fim▁end｜>'],
  },
  // Code Llama: "<PRE> {prefix} <SUF>{suffix} <MID>" (the spaces belong to the tokens' text).
  codellama: {
    prefix: '<PRE> ',
    suffix: ' <SUF>',
    middle: ' <MID>',
    stop: ['<EOT>', '</s>'],
  },
};

/** The family's FIM tokens, or null when the family has none (chat-only models). */
export function fimTokensFor(family: string): FimTokens | null {
  return Object.hasOwn(FIM_TOKENS, family) ? FIM_TOKENS[family as FimFamily] : null;
}

export interface FimPromptOptions {
  /** Put the file's path before the prefix when the family has a way to (default true). */
  includePath?: boolean;
}

/**
 * Builds the FIM prompt: the cursor line split at `character`, then lines
 * above and below taken alternately (one above, one below, …) while they fit
 * in `budgetTokens` (the whole prompt, tokens included). When one side's next
 * line does not fit, that side stops and the other goes on. Line endings are
 * kept as the file has them (CRLF stays CRLF).
 *
 * Throws ProviderError('bad-request') for a request that does not point at a
 * real position, or a family without FIM tokens.
 */
export async function buildFimPrompt(
  request: CodeCompletionRequest,
  family: string,
  countTokens: (text: string) => number | Promise<number>,
  budgetTokens: number,
  options: FimPromptOptions = {},
): Promise<{ prompt: string; stop: string[] }> {
  const tokens = fimTokensFor(family);
  if (tokens === null) throw badRequest(`buildFimPrompt: model family "${family}" has no fill-in-the-middle tokens`);
  const { file, lines, line } = locateCursor(request, 'buildFimPrompt');
  const cursor = lines[line] ?? { text: '', eol: '' };
  let linePrefix = cursor.text.slice(0, request.inputs.cursor.character);
  let lineSuffix = cursor.text.slice(request.inputs.cursor.character);
  let pathPart = options.includePath !== false && tokens.filePath ? tokens.filePath(file) : '';

  const assemble = (above: string, below: string): string =>
    `${pathPart}${tokens.prefix}${above}${linePrefix}${tokens.suffix}${lineSuffix}${below}${tokens.middle}`;

  // The cursor line must fit; a minified giant line is cut down around the cursor.
  let used = await countTokens(assemble('', ''));
  if (used > budgetTokens && pathPart !== '') {
    pathPart = '';
    used = await countTokens(assemble('', ''));
  }
  while (used > budgetTokens && (linePrefix !== '' || lineSuffix !== '')) {
    // Halve the longer side, keeping the text nearest the cursor.
    if (lineSuffix.length >= linePrefix.length) lineSuffix = lineSuffix.slice(0, Math.floor(lineSuffix.length / 2));
    else linePrefix = linePrefix.slice(Math.ceil(linePrefix.length / 2));
    used = await countTokens(assemble('', ''));
  }

  const above: string[] = []; // nearest first
  const below: string[] = [];
  let nextAbove = line - 1;
  let nextBelow = line + 1;
  let aboveOpen = nextAbove >= 0;
  let belowOpen = nextBelow < lines.length;
  let takeAbove = true;
  while (aboveOpen || belowOpen) {
    const side = (takeAbove && aboveOpen) || !belowOpen ? 'above' : 'below';
    if (side === 'above') {
      const l = lines[nextAbove] ?? { text: '', eol: '' };
      const text = l.text + l.eol;
      const cost = await countTokens(text);
      if (used + cost <= budgetTokens) {
        above.push(text);
        used += cost;
        nextAbove--;
        aboveOpen = nextAbove >= 0;
      } else {
        aboveOpen = false;
      }
    } else {
      const previousEol = lines[nextBelow - 1]?.eol ?? '\n';
      const text = previousEol + (lines[nextBelow]?.text ?? '');
      const cost = await countTokens(text);
      if (used + cost <= budgetTokens) {
        below.push(text);
        used += cost;
        nextBelow++;
        belowOpen = nextBelow < lines.length;
      } else {
        belowOpen = false;
      }
    }
    takeAbove = !takeAbove;
  }

  // The cursor line's own ending joins it to the first line below.
  return {
    prompt: assemble(above.reverse().join(''), below.join('')),
    stop: fimStopSequences(request, family),
  };
}

/**
 * Where generation stops: "\n\n" always (a blank line ends a completion; "\r\n\r\n"
 * too in CRLF files), "\n" in single-line mode, the family's end tokens and the
 * request's own `parameters.stop`.
 */
export function fimStopSequences(request: CodeCompletionRequest, family?: string): string[] {
  const text = request.inputs.sources[request.inputs.cursor.file] ?? '';
  const stops = ['\n\n'];
  if (text.includes('\r\n')) stops.push('\r\n\r\n');
  if (!request.inputs.multiline) stops.push('\n');
  stops.push(...(family === undefined ? ALL_FAMILY_STOPS : (fimTokensFor(family)?.stop ?? [])));
  stops.push(...(request.parameters?.stop ?? []));
  return [...new Set(stops.filter((s) => s !== ''))];
}

/**
 * Without a family: every family's end tokens except Code Llama's `</s>` and
 * `<EOT>`, which can be real text (an HTML strike-through).
 */
const ALL_FAMILY_STOPS = [
  ...new Set(
    Object.values(FIM_TOKENS)
      .flatMap((t) => t.stop)
      .filter((s) => s !== '</s>' && s !== '<EOT>'),
  ),
];

/**
 * Cleans a raw completion: cut at the first stop sequence; single-line mode
 * keeps only the first line; text that repeats what already follows the cursor
 * (the rest of the cursor line, or in multiline mode the next non-blank line
 * when the cursor line's rest is blank) is trimmed off the end, when doing so
 * does not unbalance brackets the completion itself opened.
 */
export function postProcessCompletion(text: string, request: CodeCompletionRequest, family?: string): string {
  const { lines, line } = locateCursor(request, 'postProcessCompletion');
  let out = cutAtFirstStop(text, fimStopSequences(request, family));
  if (!request.inputs.multiline) {
    const newline = out.indexOf('\n');
    if (newline >= 0) out = out.slice(0, newline);
  }
  out = out.replace(/\r$/, '');

  const restOfLine = (lines[line]?.text ?? '').slice(request.inputs.cursor.character);
  if (restOfLine.trim() !== '') return trimRepeatedLineRest(out, restOfLine.trim());
  if (request.inputs.multiline) {
    const nextLine = lines.slice(line + 1).find((l) => l.text.trim() !== '');
    if (nextLine !== undefined) return trimRepeatedNextLine(out, nextLine.text.trim());
  }
  return out;
}

/** The /v1/code-completion response for one completion. */
export function toCodeCompletionResponse(text: string, finishReason: FinishReason, model?: string): CodeCompletionResponse {
  return {
    choices: [{ index: 0, code_completion: text, finish_reason: finishReason }],
    ...(model === undefined ? {} : { model }),
  };
}

/**
 * Checks that the request points at a real position: the cursor's file is in
 * `sources`, the line exists, the character is within it (0…length, UTF-16
 * units, line ending excluded). Throws ProviderError('bad-request') saying which.
 */
export function validateCodeCompletionRequest(request: CodeCompletionRequest, caller = 'code-completion'): void {
  locateCursor(request, caller);
}

interface Line {
  text: string;
  /** '\n', '\r\n' or '' for the last line. */
  eol: string;
}

function splitLines(text: string): Line[] {
  const parts = text.split('\n');
  return parts.map((part, i) => {
    const last = i === parts.length - 1;
    if (!last && part.endsWith('\r')) return { text: part.slice(0, -1), eol: '\r\n' };
    return { text: part, eol: last ? '' : '\n' };
  });
}

function locateCursor(request: CodeCompletionRequest, caller: string): { file: string; lines: Line[]; line: number } {
  const inputs = (request as Partial<CodeCompletionRequest>).inputs;
  if (typeof inputs !== 'object' || inputs === null || typeof inputs.sources !== 'object' || inputs.sources === null) {
    throw badRequest(`${caller}: the request has no inputs.sources`);
  }
  const { file, line, character } = inputs.cursor ?? {};
  if (typeof file !== 'string') throw badRequest(`${caller}: inputs.cursor.file is missing`);
  const text = Object.hasOwn(inputs.sources, file) ? inputs.sources[file] : undefined;
  if (typeof text !== 'string') {
    const known = Object.keys(inputs.sources);
    throw badRequest(
      `${caller}: the cursor's file "${file}" is not in inputs.sources (${known.length === 0 ? 'which is empty' : `has ${known.map((k) => `"${k}"`).join(', ')}`})`,
    );
  }
  const lines = splitLines(text);
  if (!Number.isInteger(line) || line < 0 || line >= lines.length) {
    throw badRequest(`${caller}: cursor line ${String(line)} is out of range for "${file}" (lines 0–${lines.length - 1})`);
  }
  const length = lines[line]?.text.length ?? 0;
  if (!Number.isInteger(character) || character < 0 || character > length) {
    throw badRequest(`${caller}: cursor character ${String(character)} is out of range for line ${line} of "${file}" (0–${length})`);
  }
  return { file, lines, line };
}

function badRequest(message: string): ProviderError {
  return new ProviderError('bad-request', message);
}

function cutAtFirstStop(text: string, stops: string[]): string {
  let end = text.length;
  for (const stop of stops) {
    const at = text.indexOf(stop);
    if (at >= 0 && at < end) end = at;
  }
  return text.slice(0, end);
}

/**
 * The model re-wrote (the start of) the rest of the cursor line, e.g. the `)` of
 * `foo(|)`: drop it. The whole rest always qualifies; a shorter start only when
 * it is punctuation, so "banana" does not lose its "a" before "abc".
 */
function trimRepeatedLineRest(completion: string, rest: string): string {
  const body = completion.trimEnd();
  for (let k = rest.length; k > 0; k--) {
    const head = rest.slice(0, k);
    if (!body.endsWith(head)) continue;
    if (k < rest.length && /\w/.test(head)) continue;
    const cut = body.slice(0, body.length - k);
    if (keepsBracketsBalanced(cut, body, head)) return cut;
  }
  return completion;
}

/** Multiline: the completion ended by re-writing the next line of the file (often a closing `}`). */
function trimRepeatedNextLine(completion: string, nextLine: string): string {
  const body = completion.trimEnd();
  const lastBreak = body.lastIndexOf('\n');
  const lastLine = body.slice(lastBreak + 1).trim();
  if (lastLine !== nextLine) return completion;
  const cut = lastBreak >= 0 ? body.slice(0, lastBreak).replace(/\r$/, '') : '';
  return keepsBracketsBalanced(cut, body, lastLine) ? cut : completion;
}

/**
 * Trimming `removed` is right when it has no brackets, or when the completion
 * without it is better balanced: `foo())` loses a `)`, `foo()` keeps its own.
 */
function keepsBracketsBalanced(cut: string, body: string, removed: string): boolean {
  if (!/[()[\]{}]/.test(removed)) return true;
  return bracketImbalance(cut) < bracketImbalance(body);
}

function bracketImbalance(text: string): number {
  let round = 0;
  let square = 0;
  let curly = 0;
  for (const ch of text) {
    if (ch === '(') round++;
    else if (ch === ')') round--;
    else if (ch === '[') square++;
    else if (ch === ']') square--;
    else if (ch === '{') curly++;
    else if (ch === '}') curly--;
  }
  return Math.abs(round) + Math.abs(square) + Math.abs(curly);
}
