/**
 * The Workspace interface over the IDE host's files (fs/* requests), so the
 * AST and semantic indexes, checkpoints, search and every tool run unchanged
 * on files that live in VS Code: local, remote or virtual file systems alike.
 * Ignore rules and limits are the app's, as for a picked folder: .gitignore
 * files are read through the host and applied here.
 */
import { ConflictError, NotFoundError, PermissionLostError, WorkspaceError } from '../workspace/errors';
import { formatBytes } from '../workspace/format';
import { IgnoreRules, IgnoreStack, isExcluded } from '../workspace/ignore-rules';
import { createLimiter } from '../workspace/limiter';
import { baseName, isWithin, joinPath, normalizeWorkspacePath } from '../workspace/paths';
import { decodeText, encodeText } from '../workspace/text-codec';
import {
  DEFAULT_TEXT_LIMIT_BYTES,
  type ChangeListener,
  type DirEntry,
  type EntryKind,
  type FileStat,
  type ReadTextResult,
  type WalkOptions,
  type WalkResult,
  type WalkedFile,
  type Workspace,
  type WorkspaceChange,
  type WriteOptions,
} from '../workspace/types';
import { HostRequestError } from './channel';
import type { AppToHostRequests, HostFileChange, Params, Result } from './protocol';

/** What HostWorkspace needs of the channel (a HostChannel, or a test double). */
export interface HostFiles {
  request<K extends keyof AppToHostRequests>(type: K, params: Params<AppToHostRequests, K>): Promise<Result<AppToHostRequests, K>>;
  onChanges(listener: (changes: HostFileChange[]) => void): () => void;
}

// The same order as HandleWorkspace's (numeric, case-insensitive), so the tree and the tools read alike.
const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });
const byDirectoriesThenName = (a: DirEntry, b: DirEntry) =>
  a.kind === b.kind ? collator.compare(a.name, b.name) : a.kind === 'directory' ? -1 : 1;

/** A name the host listed that is one plain path segment (not '', '.', '..', nor 'a/b'). */
function isPlainName(name: string): boolean {
  try {
    return name !== '' && normalizeWorkspacePath(name) === name && !name.includes('/');
  } catch {
    return false;
  }
}

export class HostWorkspace implements Workspace {
  readonly source = 'host' as const;
  /** Requests in flight at once: each is a round trip through the webview to the extension. */
  private readonly limit = createLimiter(32);
  /** Without a .gitignore among a folder's listed entries there is nothing to read: a round trip saved per folder. */
  private readonly rules = new IgnoreRules((dirPath, listing) =>
    listing === undefined || listing.some((e) => e.name === '.gitignore' && e.kind === 'file')
      ? this.readSmallText(joinPath(dirPath, '.gitignore'))
      : Promise.resolve(null),
  );
  private readonly listeners = new Set<ChangeListener>();
  private unsubscribe: (() => void) | null = null;
  /** Host change batches are filtered one after another, so listeners see them in order. */
  private hostChanges: Promise<void> = Promise.resolve();

  constructor(
    readonly id: string,
    readonly name: string,
    private readonly host: HostFiles,
  ) {}

  private async call<K extends keyof AppToHostRequests>(path: string, type: K, params: Params<AppToHostRequests, K>) {
    try {
      return await this.limit(() => this.host.request(type, params));
    } catch (error) {
      throw translate(error, path);
    }
  }

  // ---- ignore rules ----

  private async readSmallText(path: string): Promise<string | null> {
    try {
      const decoded = decodeText(await this.call(path, 'fs/readFile', { path }));
      return decoded.kind === 'text' ? decoded.text : null;
    } catch {
      return null;
    }
  }

  isIgnored(path: string, kind: EntryKind): Promise<boolean> {
    return this.rules.isIgnored(normalizeWorkspacePath(path), kind);
  }

  // ---- reading ----

  async listDir(path = '', options: { includeIgnored?: boolean } = {}): Promise<DirEntry[]> {
    const dirPath = normalizeWorkspacePath(path);
    const entries = await this.call(dirPath, 'fs/listDir', { path: dirPath });
    const stack = options.includeIgnored ? IgnoreStack.empty : await this.rules.stackFor(dirPath, entries);
    const out: DirEntry[] = [];
    for (const { name, kind } of entries) {
      if (!isPlainName(name)) continue; // the host's names go through the path rules too
      const entryPath = joinPath(dirPath, name);
      if (!options.includeIgnored && isExcluded(stack, entryPath, name, kind === 'directory')) continue;
      out.push({ name, path: entryPath, kind });
    }
    return out.sort(byDirectoriesThenName);
  }

  async walk(options: WalkOptions = {}): Promise<WalkResult> {
    const { includeIgnored = false, stat = false, signal } = options;
    const maxFiles = options.maxFiles ?? Infinity;
    const files: WalkedFile[] = [];
    const errors: WalkResult['errors'] = [];
    let truncated = false;
    const visit = async (dirPath: string, entries?: DirEntry[]): Promise<void> => {
      signal?.throwIfAborted();
      if (truncated) return;
      try {
        entries ??= await this.listDir(dirPath, { includeIgnored });
      } catch (error) {
        errors.push({ path: dirPath, message: error instanceof Error ? error.message : String(error) });
        return;
      }
      const pending: Promise<void>[] = [];
      for (const entry of entries) {
        if (entry.kind === 'directory') {
          pending.push(visit(entry.path));
          continue;
        }
        if (files.length >= maxFiles) {
          truncated = true;
          break;
        }
        const record: WalkedFile = { path: entry.path };
        files.push(record);
        if (stat) pending.push(this.statInto(record, errors));
      }
      await Promise.all(pending);
    };
    // A start folder that cannot be listed fails the walk (as in HandleWorkspace); deeper ones are reported.
    const start = normalizeWorkspacePath(options.under ?? '');
    await visit(start, await this.listDir(start, { includeIgnored }));
    return { files, errors, truncated };
  }

  private async statInto(record: WalkedFile, errors: WalkResult['errors']): Promise<void> {
    try {
      const s = await this.stat(record.path);
      record.size = s.size;
      record.mtime = s.mtime;
    } catch (error) {
      errors.push({ path: record.path, message: error instanceof Error ? error.message : String(error) });
    }
  }

  async stat(path: string): Promise<FileStat> {
    const clean = normalizeWorkspacePath(path);
    const s = await this.call(clean, 'fs/stat', { path: clean });
    if (!s) throw new NotFoundError(clean);
    return { path: clean, kind: s.kind, size: s.kind === 'directory' ? 0 : s.size, mtime: s.kind === 'directory' ? 0 : s.mtime };
  }

  async exists(path: string): Promise<boolean> {
    const clean = normalizeWorkspacePath(path);
    return (await this.call(clean, 'fs/stat', { path: clean })) !== null;
  }

  async readBytes(path: string): Promise<Uint8Array> {
    const clean = normalizeWorkspacePath(path);
    return this.call(clean, 'fs/readFile', { path: clean });
  }

  async readText(path: string, options: { limitBytes?: number } = {}): Promise<ReadTextResult> {
    const { kind, size, mtime, path: clean } = await this.stat(path);
    if (kind === 'directory') throw new WorkspaceError(`"${clean}" is a folder where a file was expected, or the other way round`, clean);
    const limit = options.limitBytes ?? DEFAULT_TEXT_LIMIT_BYTES;
    const base = { path: clean, size, mtime };
    if (size > limit) {
      return { kind: 'too-large', ...base, limit, reason: `file is ${formatBytes(size)}, over the ${formatBytes(limit)} limit for text` };
    }
    const decoded = decodeText(await this.readBytes(clean));
    return decoded.kind === 'text' ? { ...decoded, ...base } : { kind: 'binary', ...base, reason: decoded.reason };
  }

  // ---- writing ----

  async writeBytes(path: string, bytes: Uint8Array, options: WriteOptions = {}): Promise<FileStat> {
    const clean = normalizeWorkspacePath(path);
    const existed = await this.exists(clean);
    const s = await this.call(clean, 'fs/writeFile', {
      path: clean,
      bytes,
      ...(options.expectMtime === undefined ? {} : { expectMtime: options.expectMtime }),
    });
    this.emit([{ type: existed ? 'modified' : 'created', path: clean }]);
    return { path: clean, kind: 'file', size: s.size, mtime: s.mtime };
  }

  async writeText(path: string, text: string, options: WriteOptions = {}): Promise<FileStat> {
    let { encoding, bom } = options;
    if (encoding === undefined && bom === undefined) ({ encoding, bom } = await this.sniffEncoding(path));
    return this.writeBytes(path, encodeText(text, { encoding, bom }), options);
  }

  /** Keep a file's own encoding and BOM when the caller does not say. */
  private async sniffEncoding(path: string): Promise<{ encoding: 'utf-8' | 'utf-16le' | 'utf-16be'; bom: boolean }> {
    const head = await this.readBytes(path).catch(() => new Uint8Array());
    if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return { encoding: 'utf-8', bom: true };
    if (head[0] === 0xff && head[1] === 0xfe) return { encoding: 'utf-16le', bom: true };
    if (head[0] === 0xfe && head[1] === 0xff) return { encoding: 'utf-16be', bom: true };
    return { encoding: 'utf-8', bom: false };
  }

  async createDirectory(path: string): Promise<void> {
    const clean = normalizeWorkspacePath(path);
    await this.call(clean, 'fs/createDirectory', { path: clean });
  }

  async remove(path: string, options: { recursive?: boolean } = {}): Promise<void> {
    const clean = normalizeWorkspacePath(path);
    if (clean === '') throw new WorkspaceError('Refusing to delete the workspace root', clean);
    const removed = await this.filesAt(clean);
    await this.call(clean, 'fs/delete', { path: clean, recursive: options.recursive ?? false });
    this.rules.forget(clean);
    this.emit(removed.map((p) => ({ type: 'deleted' as const, path: p })));
  }

  /** The file itself, or every file in a folder: listeners (the file list, the indexes) follow files, not folders. */
  private async filesAt(path: string): Promise<string[]> {
    if ((await this.stat(path)).kind === 'file') return [path];
    return (await this.walk({ under: path, includeIgnored: true })).files.map((f) => f.path);
  }

  async move(from: string, to: string): Promise<void> {
    const src = normalizeWorkspacePath(from);
    const dest = normalizeWorkspacePath(to);
    if (src === '' || dest === '') throw new WorkspaceError('The workspace root cannot be moved', src);
    if (isWithin(dest, src)) throw new WorkspaceError(`Cannot move "${src}" into itself ("${dest}")`, src);
    if (await this.exists(dest)) throw new WorkspaceError(`Cannot move "${src}": "${dest}" already exists`, dest);
    const moved = await this.filesAt(src);
    await this.call(src, 'fs/rename', { from: src, to: dest });
    this.rules.clear();
    this.emit([
      ...moved.map((p) => ({ type: 'deleted' as const, path: p })),
      ...moved.map((p) => ({ type: 'created' as const, path: dest + p.slice(src.length) })),
    ]);
  }

  // ---- changes ----

  watch(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    this.unsubscribe ??= this.host.onChanges((changes) => {
      this.hostChanges = this.hostChanges
        .then(() => this.fromHost(changes))
        .catch((error: unknown) => console.error('Following file changes from the IDE failed', error));
    });
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) {
        this.unsubscribe?.();
        this.unsubscribe = null;
      }
    };
  }

  async refresh(): Promise<void> {
    this.rules.clear();
  }

  /** The host reports every change (node_modules, .git included): pass on those the app's rules show, as HandleWorkspace does. */
  private async fromHost(changes: HostFileChange[]): Promise<void> {
    const clean: WorkspaceChange[] = [];
    for (const change of changes) {
      try {
        clean.push({ type: change.type, path: normalizeWorkspacePath(change.path) });
      } catch {
        // A path outside the workspace: not ours to follow.
      }
    }
    if (clean.some((c) => baseName(c.path) === '.gitignore')) this.rules.clear();
    const visible: WorkspaceChange[] = [];
    for (const change of clean) {
      if (change.path !== '' && !(await this.isIgnored(change.path, 'file').catch(() => false))) visible.push(change);
    }
    this.emit(visible);
  }

  private emit(changes: WorkspaceChange[]): void {
    if (changes.length === 0) return;
    if (changes.some((c) => c.path === '.gitignore' || c.path.endsWith('/.gitignore'))) this.rules.clear();
    for (const listener of this.listeners) listener(changes);
  }
}

/** The host's error codes as the workspace errors the app already handles. */
function translate(error: unknown, path: string): unknown {
  if (!(error instanceof HostRequestError)) return error;
  switch (error.code) {
    case 'not-found':
      return new NotFoundError(path, error);
    case 'conflict':
      return new ConflictError(path);
    case 'permission':
      return new PermissionLostError(path, error);
    case 'cancelled':
      return new DOMException(error.message, 'AbortError');
    default:
      return new WorkspaceError(`${error.message}`, path);
  }
}
