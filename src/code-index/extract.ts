import type { Node, Point, Query } from 'web-tree-sitter';
import { SIGNATURE_MAX, collapseSignature } from './signature';
import { SYMBOL_KINDS, type AstDefinition, type AstUsage, type SymbolKind, type UsageKind } from '../worker-api/ast';

/**
 * Turns one tags-query run over a syntax tree into definitions with qualified
 * paths and usages linked to same-file definitions by scope. The capture
 * conventions are described in queries/index.ts.
 */

export interface ExtractInput {
  text: string;
  root: Node;
  query: Query;
  /** Path segments every symbol in the file starts with (e.g. the Python module), unless the file declares a package. */
  modulePrefix: readonly string[];
  /** The module an import's source names, as path segments (languages.ts resolveImportSource), or null. */
  resolveImport?: (source: string) => string[] | null;
}

export interface Extracted {
  definitions: AstDefinition[];
  usages: AstUsage[];
}

const KINDS = new Set<string>(SYMBOL_KINDS);
const USAGE_KINDS = new Set<string>(['call', 'new', 'type', 'inherit', 'ref']);
/** Containers whose functions are methods, and that `self`/`this` refers to. */
const CLASS_LIKE = new Set<string>(['class', 'struct', 'interface', 'trait', 'enum', 'union']);
/** Kinds whose signature runs up to their body; the others show their first line. */
const HAS_BODY = new Set<string>(['function', 'method', 'class', 'struct', 'interface', 'trait', 'enum', 'union', 'module']);
/** Definitions that do not qualify what is nested in them (C's `typedef struct point {...} Point;`). */
const NOT_CONTAINERS = new Set<string>(['type', 'macro']);
/** Usages that name a type: they resolve to types, not to functions of the same name (Java constructors). */
const TYPE_USAGES = new Set<string>(['type', 'new', 'inherit']);
const VALUE_KINDS = new Set<string>(['function', 'method', 'variable', 'constant']);
const SELF_RECEIVERS = new Set(['self', 'this', 'cls', '$this', 'static', 'Self', '@']);

/** A definition (or a scope such as `impl Foo`) while the file is being processed. */
interface Container {
  patternIndex: number;
  kind: SymbolKind | 'scope';
  start: number;
  end: number;
  startRow: number;
  endRow: number;
  node: Node;
  /** Where the declaration's own node ends (before a `@body` sibling). */
  nodeEnd: number;
  name: string;
  nameStart: number;
  nameRow: number;
  nameColumn: number;
  /** Segments between the enclosing container and the name. */
  qualifier: string[];
  hasBody: boolean;
  // Filled by the containment sweep:
  path: string;
  segments: string[];
  parent: Container | null;
}

/** A `@definition`, `@scope` or `@chained` match, before it becomes a Container. */
interface DefinitionCapture {
  patternIndex: number;
  role: 'definition' | 'scope';
  kind: string;
  node: Node;
  nameNode: Node;
  qualifierNode: Node | null;
  bodyNode: Node | null;
}

interface RawUsage {
  patternIndex: number;
  kind: UsageKind;
  name: string;
  start: number;
  line: number;
  column: number;
  receiver: string | null;
  container: Container | null;
}

/** `a.b`, `a::b`, `A\B`, `a->b` -> ['a', 'b']. */
export function splitQualified(text: string): string[] {
  return text
    .split(/::|\.|->|\\/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** The receiver as written when it is a plain name chain (`self`, `os.path`, `$this`, `Foo::Bar`), else null. */
export function normalizeReceiver(raw: string): string | null {
  const text = raw.replace(/\s+/g, '');
  if (text === '' || text.length > 80) return null;
  return /^[\p{L}\p{N}_$@:.\\>-]+$/u.test(text) ? text : null;
}

/** The last name of a receiver chain: `os.path` -> `path`, `crate::net::Tcp` -> `Tcp`. */
export function receiverName(receiver: string): string {
  const parts = splitQualified(receiver);
  return parts[parts.length - 1] ?? receiver;
}

export function isSelfReceiver(receiver: string): boolean {
  return SELF_RECEIVERS.has(receiver);
}

function signatureOf(c: Container, text: string): string {
  if (c.hasBody) {
    // The declaration up to where its body starts.
    const body = c.node.childForFieldName('body');
    if (body && body.startIndex > c.start) {
      return collapseSignature(text.slice(c.start, body.startIndex).replace(/[\s{:=]*$/, ''));
    }
  }
  const firstLine = text.indexOf('\n', c.start);
  const lineEnd = firstLine < 0 || firstLine > c.nodeEnd ? c.nodeEnd : firstLine;
  return collapseSignature(text.slice(c.start, Math.min(lineEnd, c.start + SIGNATURE_MAX * 2)));
}

/**
 * Where a node's code ends: after its last token that is not a comment. A Python block takes in
 * the comment lines after its last statement (up to the dedent), but CPython's `end_lineno`, and
 * a reader, end a function at its last statement.
 */
function codeEnd(node: Node): Point {
  let end = node;
  for (let child = node.lastChild; child; child = end.lastChild) {
    while (child && isComment(child)) child = child.previousSibling;
    if (!child) break;
    end = child;
  }
  return end.endPosition;
}

/** The outermost of a chain of nested nodes of one type: `A = B = 1` for the `B = 1` in it. */
function chainRoot(node: Node): Node {
  let outermost = node;
  for (let up = node.parent; up && up.type === node.type; up = up.parent) outermost = up;
  return outermost;
}

function isComment(node: Node): boolean {
  return node.type === 'comment' || node.type.endsWith('_comment');
}

function contains(outer: Container, start: number, end: number): boolean {
  return outer.start <= start && end <= outer.end;
}

/** Names bound by one statement (`a, b = 1, 2`, Go's `var a, b int`) share its node: siblings, not nested. */
function sameStatement(outer: Container, inner: Container): boolean {
  return outer.node.id === inner.node.id && VALUE_KINDS.has(outer.kind) && VALUE_KINDS.has(inner.kind);
}

export function extractSymbols({ text, root, query, modulePrefix, resolveImport }: ExtractInput): Extracted {
  const containers = new Map<string, Container>();
  const refs = new Map<number, RawUsage>();
  /** Local name -> the qualified path segments it was imported as. */
  const imports = new Map<string, string[]>();
  let packageSegments: string[] | null = null;
  const slice = (n: Node) => text.slice(n.startIndex, n.endIndex);

  /** Records a definition or scope; when several patterns capture the same one, the earliest wins. */
  const addContainer = ({ patternIndex, role, kind, node, nameNode, qualifierNode, bodyNode }: DefinitionCapture): void => {
    const key = `${node.startIndex}:${nameNode.startIndex}`;
    const existing = containers.get(key);
    if (existing && existing.patternIndex <= patternIndex) return;
    const nameSegments = splitQualified(slice(nameNode));
    const name = nameSegments.pop();
    if (name === undefined) return;
    const last = bodyNode && bodyNode.endIndex > node.endIndex ? bodyNode : node;
    const end = codeEnd(last);
    // A node that ends with its line break (C's #define) ends on the line before.
    const endRow = end.column === 0 && end.row > node.startPosition.row ? end.row - 1 : end.row;
    containers.set(key, {
      patternIndex,
      kind: role === 'scope' ? 'scope' : (kind as SymbolKind),
      start: node.startIndex,
      end: last.endIndex,
      startRow: node.startPosition.row,
      endRow,
      node,
      nodeEnd: node.endIndex,
      name,
      nameStart: nameNode.startIndex,
      nameRow: nameNode.startPosition.row,
      nameColumn: nameNode.startPosition.column,
      qualifier: [...(qualifierNode ? splitQualified(slice(qualifierNode)) : []), ...nameSegments],
      hasBody: bodyNode === null && HAS_BODY.has(kind),
      path: '',
      segments: [],
      parent: null,
    });
  };
  /** Ids of the nodes captured as `@chain`, and the `@chained` targets waiting for them. */
  const chainRoots = new Set<number>();
  const chained: DefinitionCapture[] = [];

  for (const match of query.matches(root)) {
    let role: 'definition' | 'scope' | 'chained' | 'reference' | 'package' | 'import' | 'module_import' | null = null;
    let kind = '';
    let node: Node | null = null;
    let nameNode: Node | null = null;
    let receiverNode: Node | null = null;
    let qualifierNode: Node | null = null;
    let bodyNode: Node | null = null;
    let sourceNode: Node | null = null;
    let originalNode: Node | null = null;
    for (const capture of match.captures) {
      const name = capture.name;
      if (name === 'name') nameNode = capture.node;
      else if (name === 'receiver') receiverNode = capture.node;
      else if (name === 'qualifier') qualifierNode = capture.node;
      else if (name === 'body') bodyNode = capture.node;
      else if (name === 'source') sourceNode = capture.node;
      else if (name === 'original') originalNode = capture.node;
      else if (name === 'chain') chainRoots.add(capture.node.id);
      else if (name === 'package' || name === 'import' || name === 'module_import') {
        role = name;
        node = capture.node;
      } else {
        const dot = name.indexOf('.');
        if (dot < 0) continue;
        const prefix = name.slice(0, dot);
        if (prefix === 'definition' || prefix === 'scope' || prefix === 'chained' || prefix === 'reference') {
          role = prefix;
          kind = name.slice(dot + 1);
          node = capture.node;
        }
      }
    }
    if (role === null || node === null || nameNode === null) continue;

    if (role === 'package') {
      packageSegments ??= splitQualified(slice(nameNode));
      continue;
    }
    if (role === 'import' || role === 'module_import') {
      const local = slice(nameNode);
      if (sourceNode === null) {
        if (role === 'module_import') imports.set(local, [local]); // `import os.path` binds `os`
        continue;
      }
      const module = resolveImport?.(slice(sourceNode));
      if (!module) continue;
      const original = originalNode ? splitQualified(slice(originalNode)) : [local];
      imports.set(local, role === 'module_import' ? module : [...module, ...original]);
      continue;
    }
    if (role === 'reference') {
      if (!USAGE_KINDS.has(kind)) continue;
      const start = nameNode.startIndex;
      const existing = refs.get(start);
      if (existing && existing.patternIndex <= match.patternIndex) continue;
      const position = nameNode.startPosition;
      refs.set(start, {
        patternIndex: match.patternIndex,
        kind: kind as UsageKind,
        name: slice(nameNode),
        start,
        line: position.row + 1,
        column: position.column + 1,
        receiver: receiverNode ? normalizeReceiver(slice(receiverNode)) : null,
        container: null,
      });
      continue;
    }

    if (role !== 'scope' && !KINDS.has(kind)) continue;
    const capture: DefinitionCapture = { patternIndex: match.patternIndex, role: role === 'scope' ? 'scope' : 'definition', kind, node, nameNode, qualifierNode, bodyNode };
    if (role === 'chained') chained.push(capture);
    else addContainer(capture);
  }
  // After the statements' first targets, in source order: each joins them as a sibling (same node).
  for (const c of chained.sort((a, b) => a.nameNode.startIndex - b.nameNode.startIndex)) {
    const outermost = chainRoot(c.node);
    if (chainRoots.has(outermost.id)) addContainer({ ...c, node: outermost });
  }

  const prefix = packageSegments ?? [...modulePrefix];
  const sorted = [...containers.values()].sort((a, b) => a.start - b.start || b.end - a.end);

  // Containment sweep: outer containers come first, so a stack gives each one its parent.
  const stack: Container[] = [];
  for (const c of sorted) {
    while (stack.length > 0 && (!contains(stack[stack.length - 1]!, c.start, c.end) || sameStatement(stack[stack.length - 1]!, c))) stack.pop();
    const parent = stack[stack.length - 1] ?? null;
    c.parent = parent;
    c.segments = [...(parent ? parent.segments : prefix), ...c.qualifier, c.name];
    c.path = c.segments.join('::');
    if (c.kind === 'function' && parent && (CLASS_LIKE.has(parent.kind) || parent.kind === 'scope')) c.kind = 'method';
    if (!NOT_CONTAINERS.has(c.kind)) stack.push(c);
  }

  const definitionsOnly = sorted.filter((c) => c.kind !== 'scope');
  const classNames = new Set(definitionsOnly.filter((c) => CLASS_LIKE.has(c.kind)).map((c) => c.name));
  const defNameStarts = new Set<number>();
  const byName = new Map<string, Container[]>();
  for (const c of definitionsOnly) {
    // `void Foo::bar() {}` defined out of line is a method when Foo is a class here.
    if (c.kind === 'function' && !c.parent && c.qualifier.length > 0 && classNames.has(c.qualifier[c.qualifier.length - 1]!)) {
      c.kind = 'method';
    }
    defNameStarts.add(c.nameStart);
    const list = byName.get(c.name);
    if (list) list.push(c);
    else byName.set(c.name, [c]);
  }

  // Usages in position order, each given its innermost container by the same sweep.
  const rawUsages = [...refs.values()].filter((u) => !defNameStarts.has(u.start)).sort((a, b) => a.start - b.start);
  stack.length = 0;
  let next = 0;
  for (const u of rawUsages) {
    while (next < sorted.length && sorted[next]!.start <= u.start) {
      const c = sorted[next++]!;
      if (NOT_CONTAINERS.has(c.kind)) continue;
      while (stack.length > 0 && !contains(stack[stack.length - 1]!, c.start, c.end)) stack.pop();
      stack.push(c);
    }
    while (stack.length > 0 && stack[stack.length - 1]!.end <= u.start) stack.pop();
    u.container = stack[stack.length - 1] ?? null;
  }

  const parentPath = (c: Container): string | null => {
    if (c.parent) return c.parent.path;
    const segments = c.segments.slice(prefix.length, -1);
    return segments.length > 0 ? [...prefix, ...segments].join('::') : null;
  };

  const definitions: AstDefinition[] = definitionsOnly.map((c) => ({
    name: c.name,
    path: c.path,
    kind: c.kind as SymbolKind,
    line1: c.startRow + 1,
    line2: c.endRow + 1,
    nameLine: c.nameRow + 1,
    nameColumn: c.nameColumn + 1,
    signature: signatureOf(c, text),
    parent: parentPath(c),
  }));

  const usages: AstUsage[] = rawUsages.map((u) => {
    const target = resolveInFile(u, byName.get(u.name), parentPath);
    return {
      name: u.name,
      kind: u.kind,
      line: u.line,
      column: u.column,
      receiver: u.receiver,
      scope: u.container ? u.container.path : null,
      target,
      imported: target === null && imports.size > 0 ? importedPath(u, imports) : null,
    };
  });

  return { definitions, usages };
}

/** `rate()` after `from shop.tax import rate` -> `shop::tax::rate`; `np.zeros()` after `import numpy as np` -> `numpy::zeros`. */
function importedPath(u: RawUsage, imports: Map<string, string[]>): string | null {
  if (u.receiver === null) return imports.get(u.name)?.join('::') ?? null;
  const [head, ...rest] = splitQualified(u.receiver);
  const binding = head === undefined ? undefined : imports.get(head);
  return binding ? [...binding, ...rest, u.name].join('::') : null;
}

/**
 * The same-file definition a usage refers to, by scope: a bare name is looked up
 * from the innermost container outwards; `self.x`/`this.x` in the enclosing
 * class; `Foo.x` among Foo's members. Null when nothing in this file fits.
 */
function resolveInFile(
  u: RawUsage,
  all: Container[] | undefined,
  parentPath: (c: Container) => string | null,
): string | null {
  const candidates = all && TYPE_USAGES.has(u.kind) ? all.filter((c) => !VALUE_KINDS.has(c.kind)) : all;
  if (!candidates || candidates.length === 0) return null;
  if (u.receiver === null) {
    let scope = u.container;
    for (;;) {
      const path = scope ? scope.path : null;
      const hit = candidates.find((c) => parentPath(c) === path);
      if (hit) return hit.path;
      if (!scope) return null;
      scope = scope.parent;
    }
  }
  if (isSelfReceiver(u.receiver)) {
    let owner = u.container;
    while (owner && !CLASS_LIKE.has(owner.kind) && owner.kind !== 'scope') owner = owner.parent;
    if (!owner) return null;
    const ownerPath = owner.path;
    return candidates.find((c) => parentPath(c) === ownerPath)?.path ?? null;
  }
  const name = receiverName(u.receiver);
  return candidates.find((c) => c.parent !== null && c.parent.name === name)?.path ?? candidates.find((c) => c.qualifier[c.qualifier.length - 1] === name)?.path ?? null;
}
