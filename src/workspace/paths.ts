/**
 * Workspace-relative paths: '/'-separated, no leading slash, no '.' or '..'
 * segments. Every path that reaches a file handle goes through
 * `normalizeWorkspacePath`, so nothing can address a file outside the root.
 */

export class PathEscapeError extends Error {
  override name = 'PathEscapeError';
  constructor(
    readonly path: string,
    why: string,
  ) {
    super(`Refused path "${path}": ${why}. Paths must stay inside the workspace folder.`);
  }
}

// Windows drive ("C:"), UNC ("\\server"), URL schemes ("file:") and home ("~").
const ABSOLUTE_LIKE = /^(?:[a-zA-Z]:|\\\\|[a-zA-Z][a-zA-Z0-9+.-]*:\/\/|~)/;
// Control characters (incl. NUL) never belong in a file name.
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;

/** Returns the canonical relative path ('' is the root) or throws PathEscapeError. */
export function normalizeWorkspacePath(input: string): string {
  if (typeof input !== 'string') throw new PathEscapeError(String(input), 'not a string');
  if (CONTROL_CHARS.test(input)) throw new PathEscapeError(input, 'it contains control characters');
  if (input.startsWith('/')) throw new PathEscapeError(input, 'it is absolute');
  if (ABSOLUTE_LIKE.test(input)) throw new PathEscapeError(input, 'it is absolute or a URL');
  if (input.includes('\\')) throw new PathEscapeError(input, 'it contains a backslash');
  const out: string[] = [];
  for (const segment of input.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') throw new PathEscapeError(input, 'it climbs out with ".."');
    out.push(segment);
  }
  return out.join('/');
}

export function splitPath(path: string): string[] {
  return path === '' ? [] : path.split('/');
}

export function joinPath(dir: string, name: string): string {
  return dir === '' ? name : `${dir}/${name}`;
}

export function parentPath(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i);
}

export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** True when `path` is `dir` itself or lies below it. */
export function isWithin(path: string, dir: string): boolean {
  return dir === '' || path === dir || path.startsWith(dir + '/');
}
