import type { CodeIndex, CodeReference, DefinitionMatch } from './types';

/**
 * The code index as the agent engine's tools and @-commands see it
 * (search_symbol_definition, search_symbol_usages, @definition, @references:
 * src/engine/tools/types.ts `CodeIndexPort`, `CodeLocation`). Declared here by
 * shape, so the two folders do not import each other; the engine passes
 * `createAgentIndexPort(index)` as its `index`.
 */
export interface AgentCodeLocation {
  file_name: string;
  line1: number;
  line2: number;
  text?: string;
  symbol?: string;
}

export interface AgentIndexPort {
  definitions(symbol: string, signal: AbortSignal): Promise<AgentCodeLocation[]>;
  references(symbol: string, signal: AbortSignal): Promise<AgentCodeLocation[]>;
  /** `@tree --ast`: a file's outline, or null when it is not indexed. */
  skeleton(path: string): Promise<string | null>;
}

/** Fuzzy matches offered when nothing matches exactly: a few, and only close ones. */
const FUZZY_SHOWN = 3;
const FUZZY_MIN_SCORE = 0.5;
const MAX_DEFINITIONS = 20;
const MAX_REFERENCES = 200;

function checkSignal(signal: AbortSignal, method: string): void {
  if (signal.aborted) throw new DOMException(`${method}() was cancelled`, 'AbortError');
}

/**
 * A pass that stopped on an error left files out: "not found" (or a short list of usages) would
 * pass for the whole truth, so say why the index cannot answer instead.
 */
function checkComplete(index: CodeIndex, method: string): void {
  const status = index.status();
  if (status.state !== 'error') return;
  throw new Error(
    `${method}() failed: the code index stopped before indexing every file (${status.error ?? 'unknown error'}), so its answers would be incomplete; use search_pattern, tree and cat instead`,
  );
}

export function definitionLocations(matches: readonly DefinitionMatch[]): AgentCodeLocation[] {
  const exact = matches.filter((m) => m.match !== 'fuzzy');
  const shown = exact.length > 0 ? exact.slice(0, MAX_DEFINITIONS) : matches.filter((m) => m.score >= FUZZY_MIN_SCORE).slice(0, FUZZY_SHOWN);
  return shown.map(({ symbol, match }) => ({
    file_name: symbol.file,
    line1: symbol.line1,
    line2: symbol.line2,
    symbol: match === 'fuzzy' ? `${symbol.path} (similar name)` : symbol.path,
  }));
}

export function referenceLocations(references: readonly CodeReference[]): AgentCodeLocation[] {
  return references.map((r) => ({
    file_name: r.file,
    line1: r.line,
    line2: r.line,
    symbol: `${r.kind} of ${r.definition ?? r.name}${r.scope ? ` in ${r.scope}` : ''}${r.confidence === 'name' ? ' (by name)' : ''}`,
  }));
}

export function createAgentIndexPort(index: CodeIndex): AgentIndexPort {
  return {
    async definitions(symbol, signal) {
      checkSignal(signal, 'definitions');
      checkComplete(index, 'definitions');
      return definitionLocations(await index.definitions(symbol, { limit: MAX_DEFINITIONS }));
    },
    async references(symbol, signal) {
      checkSignal(signal, 'references');
      checkComplete(index, 'references');
      return referenceLocations(await index.references(symbol, { limit: MAX_REFERENCES }));
    },
    async skeleton(path) {
      checkComplete(index, 'skeleton');
      return index.skeleton(path);
    },
  };
}
