/**
 * A reference model of the agent's edit tools (update_textdoc, _by_lines,
 * _regex, create_textdoc, rm, mv) over a plain map of files, for the fuzz
 * test (src/engine/tools/edit-tools.fuzz.test.ts). Written apart from the
 * tools and in another shape (offsets and line walks instead of split/join and
 * splices), so a bug in one is not the same bug in the other.
 *
 * Files are text with one kind of line end each (all LF or all CRLF, as the
 * fuzzer makes them); the tools work on LF text and write the file's own line
 * ends back. `null` from a tool means: it must fail and change nothing.
 */

export type Files = ReadonlyMap<string, string>;

const crlf = (text: string) => text.includes('\r\n');
const toLf = (text: string) => text.replace(/\r\n/g, '\n');
/** LF text written back with `original`'s line ends. */
const withEnds = (original: string, lfText: string) => (crlf(original) ? lfText.replace(/\n/g, '\r\n') : lfText);

/** A workspace-relative path the tools accept, normalized; null for one they must refuse. */
export function refPath(path: string): string | null {
  // Models write "/src/a.ts" meaning the project's root: a leading slash is read as relative.
  path = path.trim().replace(/^\/+/, '');
  if (path.includes('\\')) return null;
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') return null; // refused, even where it would stay inside
    parts.push(part);
  }
  return parts.length ? parts.join('/') : null;
}

/** The files with `path` set to `text`; null (refused) when `text` has half of a surrogate pair, which UTF-8 cannot hold. */
function written(files: Files, path: string, text: string): Map<string, string> | null {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
      else return null;
    } else if (c >= 0xdc00 && c <= 0xdfff) return null;
  }
  return new Map(files).set(path, text);
}

function replaceAt(text: string, at: number[], length: number, replacement: string): string {
  let out = '';
  let from = 0;
  for (const start of at) {
    out += text.slice(from, start) + replacement;
    from = start + length;
  }
  return out + text.slice(from);
}

/** Non-overlapping occurrences, left to right. */
function findAll(text: string, needle: string): number[] {
  const found: number[] = [];
  let at = 0;
  while (at <= text.length - needle.length) {
    if (text.startsWith(needle, at)) {
      found.push(at);
      at += needle.length;
    } else at++;
  }
  return found;
}

export function refUpdateTextdoc(files: Files, path: string, oldStr: string, replacement: string, multiple: boolean): Map<string, string> | null {
  const p = refPath(path);
  const file = p === null ? undefined : files.get(p);
  if (file === undefined || oldStr === '') return null;
  const text = toLf(file);
  const found = findAll(text, toLf(oldStr));
  if (found.length === 0 || (found.length > 1 && !multiple)) return null;
  return written(files, p!, withEnds(file, replaceAt(text, found, toLf(oldStr).length, toLf(replacement))));
}

export interface RefRange {
  start: number;
  end: number;
  content: string;
}

/** `ranges` as the fuzzer made them (valid, non-overlapping, within the file) with their contents. */
export function refUpdateByLines(files: Files, path: string, ranges: readonly RefRange[]): Map<string, string> | null {
  const p = refPath(path);
  const file = p === null ? undefined : files.get(p);
  if (file === undefined) return null;
  const text = toLf(file);
  const endsWithNewline = text.endsWith('\n');
  const lines = text === '' ? [] : (endsWithNewline ? text.slice(0, -1) : text).split('\n');
  if (lines.length === 0) return null;
  const out: string[] = [];
  for (let n = 1; n <= lines.length; n++) {
    const range = ranges.find((r) => r.start <= n && n <= r.end);
    if (!range) {
      out.push(lines[n - 1]!);
      continue;
    }
    if (n !== range.start) continue;
    // The content's lines stand for the range; a final newline closes the last line, it is no extra line.
    const content = toLf(range.content);
    if (content !== '') out.push(...(content.endsWith('\n') ? content.slice(0, -1) : content).split('\n'));
  }
  const after = out.length ? out.join('\n') + (endsWithNewline ? '\n' : '') : '';
  return written(files, p!, withEnds(file, after));
}

export function refUpdateRegex(files: Files, path: string, pattern: string, replacement: string, multiple: boolean): Map<string, string> | null {
  const p = refPath(path);
  const file = p === null ? undefined : files.get(p);
  if (file === undefined) return null;
  // Unicode mode where the pattern allows it (no match between an emoji's halves), else the classic syntax.
  let regex: RegExp | null = null;
  for (const flags of ['gmu', 'gm']) {
    try {
      regex = new RegExp(pattern, flags);
      break;
    } catch {
      // next
    }
  }
  if (!regex) return null;
  const text = toLf(file);
  let count = 0;
  for (let m = regex.exec(text); m !== null; m = regex.exec(text)) {
    count++;
    // An empty match: step on by one character, as matchAll and replace do (a whole surrogate pair in Unicode mode).
    if (m[0] === '') regex.lastIndex += regex.unicode && (text.codePointAt(regex.lastIndex) ?? 0) > 0xffff ? 2 : 1;
  }
  if (count === 0 || (count > 1 && !multiple)) return null;
  regex.lastIndex = 0;
  const after = text.replace(regex, toLf(replacement));
  return written(files, p!, withEnds(file, after));
}

/** Whether `path` is a file or a folder of `files` (folders exist through the files under them). */
function kindOf(files: Files, path: string): 'file' | 'directory' | null {
  if (files.has(path)) return 'file';
  for (const f of files.keys()) if (f.startsWith(path + '/')) return 'directory';
  return null;
}

export function refCreate(files: Files, path: string, content: string): Map<string, string> | null {
  const p = refPath(path);
  if (p === null || kindOf(files, p) === 'directory') return null;
  // A file cannot be created under a path that is a file.
  const parents = p.split('/').slice(0, -1).map((_, i, all) => all.slice(0, i + 1).join('/'));
  if (parents.some((dir) => files.has(dir))) return null;
  const existing = files.get(p);
  return written(files, p, existing === undefined ? content : withEnds(existing, toLf(content)));
}

export function refRm(files: Files, path: string, recursive: boolean): Map<string, string> | null {
  const p = refPath(path);
  const kind = p === null ? null : kindOf(files, p);
  if (kind === null) return null;
  if (kind === 'file') {
    const next = new Map(files);
    next.delete(p!);
    return next;
  }
  if (!recursive) return null;
  return new Map([...files].filter(([f]) => !f.startsWith(p + '/')));
}

export function refMv(files: Files, source: string, destination: string): Map<string, string> | null {
  const from = refPath(source);
  let to = refPath(destination);
  const kind = from === null ? null : kindOf(files, from);
  if (kind === null || to === null) return null;
  if (kindOf(files, to) === 'directory') to = `${to}/${from!.split('/').pop()}`;
  else if (kindOf(files, to) === 'file') return null;
  if (to === from || kindOf(files, to) !== null) return null;
  // Not into itself, and not under a path that is a file.
  if (to.startsWith(from + '/')) return null;
  const parents = to.split('/').slice(0, -1).map((_, i, all) => all.slice(0, i + 1).join('/'));
  if (parents.some((dir) => files.has(dir) && dir !== from)) return null;
  const next = new Map<string, string>();
  for (const [f, text] of files) {
    if (f === from) next.set(to, text);
    else if (f.startsWith(from + '/')) next.set(to + f.slice(from!.length), text);
    else next.set(f, text);
  }
  return next;
}
