/**
 * Refact's AST RAG for completion: the definitions of the symbols used near
 * the cursor, looked up in the AST index, rendered as signatures (classes and
 * the like as a short skeleton of their members), nearest use first, grouped
 * by file, within a budget. Definitions close to the cursor in the same file
 * are left out: the prompt shows them already.
 */
import type { CodeSymbol, DefinitionMatch } from '../code-index/types';
import type { ContextSnippet } from './backend';

/** The slice of the code index context gathering needs (CodeIndex has it). */
export interface ContextIndex {
  definitions(query: string, options: { limit: number; fuzzy: false }): Promise<DefinitionMatch[]>;
  fileSymbols(path: string): Promise<CodeSymbol[]>;
}

export interface ContextRequest {
  path: string;
  text: string;
  /** 0-based cursor line. */
  line: number;
  /** Characters the snippets may take in all (a token budget times ~3.5). */
  budgetChars: number;
  signal?: AbortSignal;
}

/** Lines around the cursor whose names are looked up. */
const NEAR_LINES = 30;
/** Same-file definitions this close to the cursor are in the prompt already. */
const IN_PROMPT_LINES = 60;
const MAX_NAMES = 24;
const PER_NAME = 2;
const CONTAINER_KINDS = new Set(['class', 'struct', 'interface', 'trait', 'enum', 'union', 'module']);

const KEYWORDS = new Set(
  `if else elif for while return function def class import from export const let var new this self true false null
  none undefined async await try catch except finally raise throw pass break continue in of is not and or lambda with
  as yield static public private protected void int string bool boolean float double char long short byte struct enum
  interface impl fn pub mut use mod match type package func go defer chan map range switch case default do extends
  implements super print len str dict list tuple set object any number unknown never readonly declare namespace
  where trait dyn crate ref move loop unsafe extern include define ifdef endif typedef sizeof auto final abstract
  override virtual internal using get typeof instanceof delete nil end begin then elsif unless until module require`.split(/\s+/),
);

/** Identifiers near the cursor, nearest line first (cursor line, above, below, ...). */
export function namesNearCursor(text: string, line: number, nearLines = NEAR_LINES): string[] {
  const lines = text.split('\n');
  const names: string[] = [];
  const seen = new Set<string>();
  for (let d = 0; d <= nearLines && names.length < MAX_NAMES; d++) {
    for (const at of d === 0 ? [line] : [line - d, line + d]) {
      const source = lines[at];
      if (source === undefined) continue;
      for (const match of source.matchAll(/[A-Za-z_$][\w$]*/g)) {
        const name = match[0];
        if (name.length < 2 || seen.has(name) || KEYWORDS.has(name.toLowerCase())) continue;
        seen.add(name);
        names.push(name);
      }
    }
  }
  return names.slice(0, MAX_NAMES);
}

/** The snippets for a request, grouped by file, nearest first, within `budgetChars`. */
export async function gatherContext(index: ContextIndex, request: ContextRequest): Promise<ContextSnippet[]> {
  const picked: CodeSymbol[] = [];
  const taken = new Set<string>();
  for (const name of namesNearCursor(request.text, request.line)) {
    request.signal?.throwIfAborted();
    const matches = await index.definitions(name, { limit: 8, fuzzy: false });
    const useful = matches
      .map((m) => m.symbol)
      .filter((s) => s.name === name && !inPrompt(s, request) && !taken.has(`${s.file}#${s.path}`))
      .slice(0, PER_NAME);
    for (const symbol of useful) {
      taken.add(`${symbol.file}#${symbol.path}`);
      picked.push(symbol);
    }
  }
  const shown: Rendered[] = [];
  let used = 0;
  for (const symbol of picked) {
    // A member whose class is shown already is in the class's skeleton.
    if (shown.some((r) => r.symbol.file === symbol.file && r.members.has(symbol.path))) continue;
    const rendered = await render(index, symbol);
    // Members shown on their own so far give way to their class's skeleton, which takes their (nearer) place.
    const members = shown.filter((r) => r.symbol.file === symbol.file && rendered.members.has(r.symbol.path));
    const freed = members.reduce((n, r) => n + r.text.length, 0);
    if (used - freed + rendered.text.length > request.budgetChars) continue;
    used += rendered.text.length - freed;
    const at = members.length > 0 ? shown.indexOf(members[0]!) : shown.length;
    shown.splice(at, 0, rendered);
    for (const member of members) shown.splice(shown.indexOf(member), 1);
  }
  return groupByFile(shown.map((r) => ({ path: r.symbol.file, text: r.text, symbol: r.symbol.path })));
}

interface Rendered {
  symbol: CodeSymbol;
  text: string;
  /** Paths of the members listed in the text (a class's skeleton). */
  members: Set<string>;
}

function inPrompt(symbol: CodeSymbol, request: ContextRequest): boolean {
  return symbol.file === request.path && Math.abs(symbol.nameLine - 1 - request.line) <= IN_PROMPT_LINES;
}

/** A signature; a class-like definition as its signature and its members' signatures. */
async function render(index: ContextIndex, symbol: CodeSymbol): Promise<Rendered> {
  const head = symbol.signature || symbol.name;
  if (!CONTAINER_KINDS.has(symbol.kind)) return { symbol, text: head, members: new Set() };
  const members = (await index.fileSymbols(symbol.file)).filter((s) => s.parent === symbol.path).slice(0, 24);
  return {
    symbol,
    text: [head, ...members.map((m) => `    ${m.signature || m.name}`)].join('\n'),
    members: new Set(members.map((m) => m.path)),
  };
}

function groupByFile(snippets: ContextSnippet[]): ContextSnippet[] {
  const byFile = new Map<string, ContextSnippet[]>();
  for (const s of snippets) byFile.set(s.path, [...(byFile.get(s.path) ?? []), s]);
  return [...byFile].map(([path, list]) => ({
    path,
    text: list.map((s) => s.text).join('\n'),
    symbol: list.map((s) => s.symbol ?? '').filter(Boolean).join(', '),
  }));
}
