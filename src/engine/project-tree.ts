/**
 * A project tree as text, for the tree tool, @tree and the system prompt:
 * folders first, two spaces per level, a folder deeper than `maxDepth`
 * folded into one line with its file count, long folders and long trees cut
 * with a line saying how much was left out.
 */

export interface TreeOptions {
  /** Paths are relative to this folder ('' = the workspace root). */
  root?: string;
  /** Folder levels to open below the root; deeper folders show as "name/ (N files)". */
  maxDepth?: number;
  /** Entries shown per folder before "... N more". */
  maxPerFolder?: number;
  /** Lines in all. */
  maxLines?: number;
}

interface Folder {
  folders: Map<string, Folder>;
  files: string[];
  count: number;
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

function newFolder(): Folder {
  return { folders: new Map(), files: [], count: 0 };
}

function buildTree(paths: readonly string[], root: string): Folder {
  const top = newFolder();
  const prefix = root === '' ? '' : `${root}/`;
  for (const path of paths) {
    if (!path.startsWith(prefix)) continue;
    const parts = path.slice(prefix.length).split('/');
    let folder = top;
    folder.count++;
    for (const part of parts.slice(0, -1)) {
      let next = folder.folders.get(part);
      if (!next) folder.folders.set(part, (next = newFolder()));
      next.count++;
      folder = next;
    }
    folder.files.push(parts.at(-1)!);
  }
  return top;
}

function render(top: Folder, maxDepth: number, maxPerFolder: number, maxLines: number): string {
  const lines: string[] = [];
  let omitted = 0;
  const emit = (line: string) => {
    if (lines.length < maxLines) lines.push(line);
    else omitted++;
  };
  const visit = (folder: Folder, depth: number) => {
    const indent = '  '.repeat(depth);
    const names = [...folder.folders.keys()].sort(collator.compare);
    const files = [...folder.files].sort(collator.compare);
    const total = names.length + files.length;
    for (let i = 0; i < total; i++) {
      if (i >= maxPerFolder) {
        emit(`${indent}... ${total - maxPerFolder} more`);
        break;
      }
      if (i >= names.length) {
        emit(`${indent}${files[i - names.length]!}`);
        continue;
      }
      const name = names[i]!;
      const child = folder.folders.get(name)!;
      if (depth + 1 >= maxDepth) {
        emit(`${indent}${name}/ (${child.count} ${child.count === 1 ? 'file' : 'files'})`);
        continue;
      }
      emit(`${indent}${name}/`);
      visit(child, depth + 1);
    }
  };
  visit(top, 0);
  if (omitted > 0) lines.push(`... ${omitted} more lines`);
  return lines.join('\n');
}

export function renderTree(paths: readonly string[], options: TreeOptions = {}): string {
  const { root = '', maxDepth = Infinity, maxPerFolder = 100, maxLines = 1000 } = options;
  return render(buildTree(paths, root), maxDepth, maxPerFolder, maxLines);
}

/** The deepest tree (up to 12 levels) that fits in `maxLines` lines: wide projects fold earlier. */
export function renderTreeWithin(paths: readonly string[], maxLines: number, options: Omit<TreeOptions, 'maxDepth' | 'maxLines'> = {}): string {
  const { root = '', maxPerFolder = 100 } = options;
  const top = buildTree(paths, root);
  let best = render(top, 1, maxPerFolder, maxLines);
  for (let depth = 2; depth <= 12; depth++) {
    const tree = render(top, depth, maxPerFolder, maxLines + 1);
    if (tree.split('\n').length > maxLines) break;
    best = tree;
    if (!tree.includes('/ (')) break; // nothing left folded
  }
  return best;
}
