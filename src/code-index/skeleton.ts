import type { AstDefinition } from '../worker-api/ast';

/**
 * A file's outline for `@tree --ast`: the path, then one line per definition
 * (its signature, indented by nesting, with its line range), in source order.
 *
 *   pkg/shapes.py
 *     class Shape(Base)  L6-11
 *       def area(self)  L7-8
 */
export function renderSkeleton(path: string, definitions: readonly AstDefinition[]): string {
  const byPath = new Map<string, AstDefinition>();
  for (const d of definitions) if (!byPath.has(d.path)) byPath.set(d.path, d);
  const depth = (d: AstDefinition): number => {
    let level = 0;
    for (let parent = d.parent; parent !== null && level < 32; level++) {
      const up = byPath.get(parent);
      if (!up) break;
      parent = up.parent;
    }
    return level;
  };
  const lines = [path];
  for (const d of [...definitions].sort((a, b) => a.line1 - b.line1 || b.line2 - a.line2)) {
    const range = d.line1 === d.line2 ? `L${d.line1}` : `L${d.line1}-${d.line2}`;
    lines.push(`${'  '.repeat(depth(d) + 1)}${d.signature || d.name}  ${range}`);
  }
  return lines.join('\n');
}
