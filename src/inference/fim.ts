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
import type { ContextSnippet } from '../completion/backend';

export interface FimTokens {
  prefix: string;
  suffix: string;
  middle: string;
  /** Tokens that end a completion in this family (end of text, padding, file separators). */
  stop: string[];
  /**
   * The family's repository-level format, when it has one: the repo name, other files (AST
   * context) and the current file's path before the FIM prefix.
   */
  repo?: {
    name: (repo: string) => string;
    file: (path: string, text: string) => string;
    current: (path: string) => string;
  };
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
    repo: {
      name: (repo) => `<|repo_name|>${repo}\n`,
      file: (path, text) => `<|file_sep|>${path}\n${text.endsWith('\n') ? text : `${text}\n`}`,
      current: (path) => `<|file_sep|>${path}\n`,
    },
  },
  // StarCoder / StarCoder2 (and SantaCoder-style vocabularies).
  starcoder: {
    prefix: '<fim_prefix>',
    suffix: '<fim_suffix>',
    middle: '<fim_middle>',
    stop: ['<|endoftext|>', '<fim_pad>', '<file_sep>', '<fim_prefix>', '<fim_suffix>', '<fim_middle>'],
    // StarCoder2's repository format (its training data): <repo_name>name<file_sep>path\ncode…
    repo: {
      name: (repo) => `<repo_name>${repo}`,
      file: (path, text) => `<file_sep>${path}\n${text.endsWith('\n') ? text : `${text}\n`}`,
      current: (path) => `<file_sep>${path}\n`,
    },
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
  /** Put the repository header and the file's path before the prefix when the family has a way to (default true). */
  includePath?: boolean;
  /** The workspace's name, for repository-level formats (default "workspace"). */
  repoName?: string;
  /** AST context, nearest first; snippets that do not fit in half the budget are dropped from the end. */
  context?: readonly ContextSnippet[];
}

/** The parts of a FIM prompt once the prefix and suffix are cut to size. */
export interface FimPromptParts {
  path: string;
  repoName: string;
  prefix: string;
  suffix: string;
  context: readonly ContextSnippet[];
}

/**
 * The prompt for a family: its repository-level header when it has one
 * (Qwen2.5-Coder: `<|repo_name|>`, a `<|file_sep|>` per context file, then the
 * current file's path), else the context as comments at the top of the prefix.
 */
export function renderFimPrompt(family: string, parts: FimPromptParts, includePath = true): string {
  const tokens = fimTokensFor(family);
  if (tokens === null) throw badRequest(`renderFimPrompt: model family "${family}" has no fill-in-the-middle tokens`);
  const { outside, inPrefix } = fimHeader(tokens, parts, includePath);
  return `${outside}${tokens.prefix}${inPrefix}${parts.prefix}${tokens.suffix}${parts.suffix}${tokens.middle}`;
}

function fimHeader(tokens: FimTokens, parts: Omit<FimPromptParts, 'prefix' | 'suffix'>, includePath: boolean): { outside: string; inPrefix: string } {
  if (tokens.repo && includePath) {
    const files = parts.context.map((c) => tokens.repo!.file(c.path, c.text)).join('');
    return { outside: `${tokens.repo.name(parts.repoName)}${files}${tokens.repo.current(parts.path)}`, inPrefix: '' };
  }
  return { outside: '', inPrefix: contextAsComments(parts.path, parts.context) };
}

/** Context for families without a repository format: each snippet commented out, with its path. */
export function contextAsComments(path: string, context: readonly ContextSnippet[]): string {
  if (context.length === 0) return '';
  const mark = lineCommentFor(path);
  const commented = (text: string) =>
    text
      .replace(/\n$/, '')
      .split('\n')
      .map((l) => `${mark} ${l}`.trimEnd())
      .join('\n');
  return context.map((c) => `${mark} Path: ${c.path}\n${commented(c.text)}\n`).join('');
}

const HASH_COMMENTS = /\.(py|pyi|rb|sh|bash|zsh|pl|r|yaml|yml|toml|ex|exs|jl|nim|coffee|cmake|mk|ps1|dockerfile)$/i;
const DASH_COMMENTS = /\.(sql|lua|hs|elm|ada|vhd|vhdl)$/i;

function lineCommentFor(path: string): string {
  if (HASH_COMMENTS.test(path) || /(^|\/)(Makefile|Dockerfile)$/.test(path)) return '#';
  if (DASH_COMMENTS.test(path)) return '--';
  return '//';
}

/**
 * Builds the FIM prompt: the cursor line split at `character`, then lines
 * above and below taken alternately (one above, one below, …) while they fit
 * in `budgetTokens` (the whole prompt, tokens and context included). When one
 * side's next line does not fit, that side stops and the other goes on. Line
 * endings are kept as the file has them (CRLF stays CRLF). Context snippets
 * take at most half the budget (the farthest are dropped first).
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
): Promise<{ prompt: string; stop: string[]; context: ContextSnippet[] }> {
  const tokens = fimTokensFor(family);
  if (tokens === null) throw badRequest(`buildFimPrompt: model family "${family}" has no fill-in-the-middle tokens`);
  const { file, lines, line } = locateCursor(request, 'buildFimPrompt');
  const cursor = lines[line] ?? { text: '', eol: '' };
  let linePrefix = cursor.text.slice(0, request.inputs.cursor.character);
  let lineSuffix = cursor.text.slice(request.inputs.cursor.character);
  let includePath = options.includePath !== false;
  const context = [...(options.context ?? [])];
  const header = () => fimHeader(tokens, { path: file, repoName: options.repoName ?? 'workspace', context }, includePath);
  let { outside, inPrefix } = header();
  while (context.length > 0 && (await countTokens(outside + inPrefix)) > budgetTokens / 2) {
    context.pop();
    ({ outside, inPrefix } = header());
  }

  const assemble = (above: string, below: string): string =>
    `${outside}${tokens.prefix}${inPrefix}${above}${linePrefix}${tokens.suffix}${lineSuffix}${below}${tokens.middle}`;

  // The cursor line must fit; a minified giant line is cut down around the cursor.
  let used = await countTokens(assemble('', ''));
  if (used > budgetTokens && (outside !== '' || inPrefix !== '')) {
    includePath = false;
    context.length = 0;
    ({ outside, inPrefix } = header());
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
    context,
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
 * without it is no worse balanced: `foo())` loses a `)`, `foo()` keeps its own,
 * and `name():` before `():` loses the whole repeat (balanced either way).
 */
function keepsBracketsBalanced(cut: string, body: string, removed: string): boolean {
  if (!/[()[\]{}]/.test(removed)) return true;
  return bracketImbalance(cut) <= bracketImbalance(body);
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
