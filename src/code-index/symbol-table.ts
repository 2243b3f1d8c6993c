import type { AstDefinition, AstUsage } from '../worker-api/ast';
import { isSelfReceiver, receiverName } from './extract';
import type { CodeReference, CodeSymbol, DefinitionMatch, DefinitionQueryOptions } from './types';

/**
 * The in-memory index the queries run on: every indexed file's definitions and
 * usages, with definitions and usages bucketed by bare name (then by file) so
 * that exact, suffix and reference lookups touch only one bucket, and replacing
 * a file touches only its own entries, however common its names (`constructor`,
 * `__init__`): a first pass replaces every quick-tagged file once parsed.
 */

export interface FileSymbols {
  path: string;
  language: string;
  definitions: AstDefinition[];
  usages: AstUsage[];
}

interface FileEntry {
  language: string;
  definitions: CodeSymbol[];
  usages: AstUsage[];
}

/** Bare name -> file -> what that file has under that name. */
type Buckets<T> = Map<string, Map<string, T[]>>;

const CLASS_LIKE = new Set<string>(['class', 'struct', 'interface', 'trait', 'enum', 'union']);

/** `Class.method`, `Class#method`, `a->b`, `A\B`, `::a::b`, `f()` -> `Class::method`, ... */
export function normalizeSymbolQuery(query: string): string {
  return query
    .trim()
    .replace(/\(\)$/, '')
    .replace(/\.|#|->|\\/g, '::')
    .replace(/^(::)+|(::)+$/g, '');
}

function lastSegment(path: string): string {
  const cut = path.lastIndexOf('::');
  return cut < 0 ? path : path.slice(cut + 2);
}

function secondLastSegment(path: string): string | null {
  const parts = path.split('::');
  return parts.length >= 2 ? parts[parts.length - 2]! : null;
}

function bySourceOrder(a: CodeSymbol, b: CodeSymbol): number {
  return a.file < b.file ? -1 : a.file > b.file ? 1 : a.line1 - b.line1;
}

/** 0..1 similarity of a definition name to a query name (both compared without case and underscores). */
export function fuzzyScore(name: string, query: string): number {
  const n = name.toLowerCase().replace(/_/g, '');
  const q = query.toLowerCase().replace(/_/g, '');
  if (q === '' || n === '') return 0;
  if (n === q) return 0.95;
  const lengthFit = Math.min(n.length, q.length) / Math.max(n.length, q.length);
  if (n.startsWith(q)) return 0.6 + 0.3 * lengthFit;
  if (n.includes(q)) return 0.45 + 0.3 * lengthFit;
  if (q.includes(n) && n.length >= 3 && lengthFit >= 0.5) return 0.3 + 0.3 * lengthFit;
  // Every query character in order (e.g. "hdlReq" ~ "handleRequest").
  let i = 0;
  for (const ch of n) if (ch === q[i]) i++;
  return i === q.length ? 0.1 + 0.3 * lengthFit : 0;
}

export class SymbolTable {
  private readonly files = new Map<string, FileEntry>();
  private readonly definitionsByName: Buckets<CodeSymbol> = new Map();
  private readonly usagesByName: Buckets<AstUsage> = new Map();
  private definitionTotal = 0;
  private usageTotal = 0;

  get fileCount(): number {
    return this.files.size;
  }

  get definitionCount(): number {
    return this.definitionTotal;
  }

  get usageCount(): number {
    return this.usageTotal;
  }

  has(path: string): boolean {
    return this.files.has(path);
  }

  paths(): string[] {
    return [...this.files.keys()];
  }

  /** Adds a file, replacing what was indexed for it before. */
  set(file: FileSymbols): void {
    this.remove(file.path);
    const definitions = file.definitions.map((d): CodeSymbol => ({ ...d, file: file.path, language: file.language }));
    this.files.set(file.path, { language: file.language, definitions, usages: file.usages });
    for (const d of definitions) push(this.definitionsByName, d.name, file.path, d);
    for (const usage of file.usages) push(this.usagesByName, usage.name, file.path, usage);
    this.definitionTotal += definitions.length;
    this.usageTotal += file.usages.length;
  }

  remove(path: string): boolean {
    const entry = this.files.get(path);
    if (!entry) return false;
    this.files.delete(path);
    for (const d of entry.definitions) drop(this.definitionsByName, d.name, path);
    for (const u of entry.usages) drop(this.usagesByName, u.name, path);
    this.definitionTotal -= entry.definitions.length;
    this.usageTotal -= entry.usages.length;
    return true;
  }

  fileSymbols(path: string): CodeSymbol[] | null {
    return this.files.get(path)?.definitions ?? null;
  }

  definitions(query: string, { limit = 50, fuzzy = true }: DefinitionQueryOptions = {}): DefinitionMatch[] {
    const q = normalizeSymbolQuery(query);
    if (q === '') return [];
    const name = lastSegment(q);
    const bucket = this.definitionsByName.get(name)?.values() ?? [];
    const hits: DefinitionMatch[] = [];
    const suffix = `::${q}`;
    for (const symbols of bucket) {
      for (const symbol of symbols) {
        if (q === name || symbol.path === q) hits.push({ symbol, match: 'exact', score: 1 });
        else if (symbol.path.endsWith(suffix)) hits.push({ symbol, match: 'suffix', score: 1 });
      }
    }
    if (hits.length > 0 || !fuzzy) {
      return hits
        .sort((a, b) => (a.match === b.match ? bySourceOrder(a.symbol, b.symbol) : a.match === 'exact' ? -1 : 1))
        .slice(0, limit);
    }
    return this.fuzzyDefinitions(q, name, limit);
  }

  private fuzzyDefinitions(q: string, name: string, limit: number): DefinitionMatch[] {
    const qualifier = q === name ? null : q.slice(0, -name.length - 2).toLowerCase();
    const scored: DefinitionMatch[] = [];
    for (const [candidate, byFile] of this.definitionsByName) {
      const score = fuzzyScore(candidate, name);
      if (score <= 0) continue;
      for (const symbols of byFile.values()) for (const symbol of symbols) {
        // `Cls.meth` typed loosely: prefer members of something like Cls.
        const bonus = qualifier !== null && symbol.path.toLowerCase().includes(qualifier) ? 0.04 : 0;
        scored.push({ symbol, match: 'fuzzy', score: Math.min(0.99, score + bonus) });
      }
    }
    return scored.sort((a, b) => b.score - a.score || bySourceOrder(a.symbol, b.symbol)).slice(0, limit);
  }

  /**
   * Usages of `symbol`. Each usage of the same name is linked to one of the
   * matching definitions by scope when the file says which (a same-file
   * definition, `self.x`, `Cls.x`), dropped when it clearly refers to something
   * else (another definition in its file, a member of another known class), and
   * otherwise kept as a name-only match.
   */
  references(symbol: string | CodeSymbol, { limit = 500 }: { limit?: number } = {}): CodeReference[] {
    const targets = typeof symbol === 'string' ? this.definitions(symbol, { fuzzy: false, limit: 1000 }).map((m) => m.symbol) : [symbol];
    const name = targets[0]?.name ?? lastSegment(normalizeSymbolQuery(typeof symbol === 'string' ? symbol : symbol.name));
    const refs: CodeReference[] = [];
    for (const [file, usages] of this.usagesByName.get(name) ?? []) {
      for (const usage of usages) {
        if (targets.length === 0) {
          refs.push({ ...usage, file, definition: null, confidence: 'name' });
          continue;
        }
        const link = this.link(file, usage, targets);
        if (link) refs.push({ ...usage, file, definition: link.definition, confidence: link.confidence });
      }
    }
    refs.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column));
    return refs.slice(0, limit);
  }

  private hasClassNamed(name: string): boolean {
    for (const symbols of this.definitionsByName.get(name)?.values() ?? []) if (symbols.some((d) => CLASS_LIKE.has(d.kind))) return true;
    return false;
  }

  private link(
    file: string,
    usage: AstUsage,
    targets: CodeSymbol[],
  ): { definition: string | null; confidence: CodeReference['confidence'] } | null {
    if (usage.target !== null) {
      // The file itself says which definition this is.
      const hit = targets.find((t) => t.file === file && t.path === usage.target);
      return hit ? { definition: hit.path, confidence: 'scope' } : null;
    }
    const only = targets.length === 1 ? targets[0]!.path : null;
    if (usage.imported !== null) {
      // Imported as e.g. shop::tax::rate: the definition with that path (also when the
      // project's modules sit below a folder such as src/).
      const imported = usage.imported;
      const hit = targets.find((t) => t.path === imported || t.path.endsWith(`::${imported}`));
      if (hit) return { definition: hit.path, confidence: 'scope' };
    }
    if (usage.receiver !== null && !isSelfReceiver(usage.receiver)) {
      const owner = receiverName(usage.receiver);
      // `Cls.name()` with Cls the definition's class, or `pkg.Name()` / `mod::name()` with
      // pkg its package or module.
      const hit = targets.find((t) => (t.parent !== null && lastSegment(t.parent) === owner) || secondLastSegment(t.path) === owner);
      if (hit) return { definition: hit.path, confidence: 'scope' };
      // `Other.name()` where Other is a known class that does not own any target.
      const ownerIsClass = this.hasClassNamed(owner);
      if (ownerIsClass) return null;
    }
    return { definition: only, confidence: 'name' };
  }
}

function push<T>(buckets: Buckets<T>, name: string, file: string, value: T): void {
  let byFile = buckets.get(name);
  if (!byFile) buckets.set(name, (byFile = new Map()));
  const list = byFile.get(file);
  if (list) list.push(value);
  else byFile.set(file, [value]);
}

function drop<T>(buckets: Buckets<T>, name: string, file: string): void {
  const byFile = buckets.get(name);
  if (byFile?.delete(file) && byFile.size === 0) buckets.delete(name);
}
