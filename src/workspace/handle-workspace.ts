import { changesFromRecords, startPolling, type Fingerprints } from './change-watcher';
import { ConflictError, NotFoundError, WorkspaceError, translateFsError } from './errors';
import { IgnoreRules, IgnoreStack, isExcluded, PARTIAL_WRITE_PREFIX } from './ignore-rules';
import { createLimiter } from './limiter';
import { PathEscapeError, baseName, isWithin, joinPath, normalizeWorkspacePath, parentPath, splitPath } from './paths';
import { formatBytes } from './format';
import { decodeText, encodeText } from './text-codec';
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
  type WorkspaceSource,
  type WriteOptions,
} from './types';

export interface HandleWorkspaceOptions {
  id: string;
  name?: string;
  source: WorkspaceSource;
  root: FileSystemDirectoryHandle;
  /** Polling period when FileSystemObserver is unavailable. */
  pollIntervalMs?: number;
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

function byDirectoriesThenName(a: DirEntry, b: DirEntry): number {
  if (a.kind !== b.kind) return a.kind === 'directory' ? -1 : 1;
  return collator.compare(a.name, b.name);
}

function abortError(): DOMException {
  return new DOMException('The walk was cancelled', 'AbortError');
}

/** A Workspace over any FileSystemDirectoryHandle: a picked folder, an OPFS copy, or a host-provided one. */
/** Replaces a file's bytes: createWritable writes a swap file that takes the file's place on close(), so an interrupted write leaves the old bytes. */
async function writeWhole(handle: FileSystemFileHandle, bytes: Uint8Array): Promise<void> {
  const writable = await handle.createWritable({ keepExistingData: false });
  try {
    await writable.write(bytes as Uint8Array<ArrayBuffer>);
    await writable.close();
  } catch (err) {
    await writable.abort().catch(() => undefined);
    throw err;
  }
}

export class HandleWorkspace implements Workspace {
  readonly id: string;
  readonly name: string;
  readonly source: WorkspaceSource;
  private readonly root: FileSystemDirectoryHandle;
  private readonly pollIntervalMs: number;
  private readonly limit = createLimiter(32);
  private readonly rules = new IgnoreRules(async (dirPath) => this.readGitignore(await this.dirHandle(dirPath)).catch(() => null));
  private readonly dirCache = new Map<string, FileSystemDirectoryHandle>();
  /**
   * File handles the walks met: the indexes read every file they just listed, and
   * reading through the walked handle skips resolving the path (a third of a read's
   * browser round trips). Forgotten with their folder, like `dirCache`.
   */
  private readonly fileCache = new Map<string, FileSystemFileHandle>();
  private readonly listeners = new Set<ChangeListener>();
  private stopWatching: (() => void) | null = null;
  private pollNow: (() => Promise<void>) | null = null;

  constructor(options: HandleWorkspaceOptions) {
    this.id = options.id;
    this.name = options.name ?? options.root.name;
    this.source = options.source;
    this.root = options.root;
    this.pollIntervalMs = options.pollIntervalMs ?? 5000;
  }

  get rootHandle(): FileSystemDirectoryHandle {
    return this.root;
  }

  // ---- handle resolution -------------------------------------------------

  /**
   * Resolving a path costs one IPC per segment, so directory handles are
   * cached. A cached handle can go stale when the folder changes outside the
   * app; `fs()` then drops the cache and retries once.
   */
  private async dirHandle(path: string, create = false): Promise<FileSystemDirectoryHandle> {
    const hit = this.dirCache.get(path);
    if (hit) return hit;
    let dir = this.root;
    let at = '';
    for (const segment of splitPath(path)) {
      at = joinPath(at, segment);
      const known = this.dirCache.get(at);
      dir = known ?? (await dir.getDirectoryHandle(segment, { create }));
      if (!known) this.dirCache.set(at, dir);
    }
    return dir;
  }

  /** Forgets the cached directories on the way to `path`; true if there were any. */
  private dropCachedAncestors(path: string): boolean {
    let dropped = false;
    dropped = this.fileCache.delete(path) || dropped;
    for (let dir = path; ; dir = parentPath(dir)) {
      dropped = this.dirCache.delete(dir) || dropped;
      if (dir === '') return dropped;
    }
  }

  private forgetDirs(under: string): void {
    for (const path of this.dirCache.keys()) if (isWithin(path, under)) this.dirCache.delete(path);
    for (const path of this.fileCache.keys()) if (isWithin(path, under)) this.fileCache.delete(path);
  }

  private async fileHandle(path: string, create = false): Promise<FileSystemFileHandle> {
    if (path === '') throw new WorkspaceError('The workspace root is a folder, not a file', path);
    const dir = await this.dirHandle(parentPath(path), create);
    return dir.getFileHandle(baseName(path), { create });
  }

  /** Runs a file-system call, turning browser DOMExceptions into errors that name the path. */
  private async fs<T>(path: string, op: () => Promise<T>): Promise<T> {
    try {
      return await op();
    } catch (err) {
      if ((err as DOMException).name === 'NotFoundError' && this.dropCachedAncestors(path)) {
        // Maybe a stale cached directory (deleted or replaced outside the app): resolve afresh once.
        try {
          return await op();
        } catch (retryErr) {
          throw translateFsError(retryErr, path);
        }
      }
      throw translateFsError(err, path);
    }
  }

  private async entryHandle(path: string): Promise<FileSystemHandle> {
    if (path === '') return this.root;
    const dir = await this.dirHandle(parentPath(path));
    const name = baseName(path);
    try {
      return await dir.getFileHandle(name);
    } catch (err) {
      if ((err as DOMException).name !== 'TypeMismatchError') throw err;
      return dir.getDirectoryHandle(name);
    }
  }

  // ---- ignore rules --------------------------------------------------------

  private async readGitignore(dir: FileSystemDirectoryHandle): Promise<string | null> {
    try {
      const file = await (await dir.getFileHandle('.gitignore')).getFile();
      return await file.text();
    } catch {
      return null;
    }
  }

  isIgnored(path: string, kind: EntryKind): Promise<boolean> {
    return this.rules.isIgnored(normalizeWorkspacePath(path), kind);
  }

  // ---- reading -------------------------------------------------------------

  async listDir(path = '', options: { includeIgnored?: boolean } = {}): Promise<DirEntry[]> {
    const dirPath = normalizeWorkspacePath(path);
    return this.fs(dirPath, async () => {
      const dir = await this.dirHandle(dirPath);
      const stack = options.includeIgnored ? IgnoreStack.empty : await this.rules.stackFor(dirPath);
      const out: DirEntry[] = [];
      for await (const [name, handle] of dir.entries()) {
        const kind = handle.kind;
        const entryPath = joinPath(dirPath, name);
        if (!options.includeIgnored && isExcluded(stack, entryPath, name, kind === 'directory')) continue;
        out.push({ name, path: entryPath, kind });
      }
      return out.sort(byDirectoriesThenName);
    });
  }

  async walk(options: WalkOptions = {}): Promise<WalkResult> {
    const { includeIgnored = false, stat = false, signal } = options;
    const maxFiles = options.maxFiles ?? Infinity;
    const start = normalizeWorkspacePath(options.under ?? '');
    const files: WalkedFile[] = [];
    const errors: WalkResult['errors'] = [];
    let truncated = false;

    const visit = async (dirPath: string, dir: FileSystemDirectoryHandle, outer: IgnoreStack): Promise<void> => {
      if (signal?.aborted) throw abortError();
      if (truncated) return;
      let entries: [string, FileSystemHandle][];
      try {
        entries = await this.limit(async () => {
          const list: [string, FileSystemHandle][] = [];
          for await (const entry of dir.entries()) list.push(entry);
          return list;
        });
      } catch (err) {
        errors.push({ path: dirPath, message: String((translateFsError(err, dirPath) as Error).message ?? err) });
        return;
      }
      let stack = outer;
      if (!includeIgnored) {
        const gitignore = entries.find(([name, h]) => name === '.gitignore' && h.kind === 'file');
        if (gitignore) {
          const text = await this.limit(() => (gitignore[1] as FileSystemFileHandle).getFile().then((f) => f.text())).catch(() => null);
          stack = outer.with(dirPath, text);
        }
      }
      const pending: Promise<void>[] = [];
      for (const [name, handle] of entries) {
        const path = joinPath(dirPath, name);
        const isDir = handle.kind === 'directory';
        if (!includeIgnored && isExcluded(stack, path, name, isDir)) continue;
        if (isDir) {
          pending.push(visit(path, handle as FileSystemDirectoryHandle, stack));
          continue;
        }
        if (files.length >= maxFiles) {
          truncated = true;
          break;
        }
        const record: WalkedFile = { path };
        files.push(record);
        this.fileCache.set(path, handle as FileSystemFileHandle);
        if (stat) {
          pending.push(
            this.limit(() => (handle as FileSystemFileHandle).getFile()).then(
              (file) => {
                record.size = file.size;
                record.mtime = file.lastModified;
              },
              (err: unknown) => {
                errors.push({ path, message: String((translateFsError(err, path) as Error).message ?? err) });
              },
            ),
          );
        }
      }
      await Promise.all(pending);
    };

    const startDir = await this.fs(start, () => this.dirHandle(start));
    const outer = includeIgnored || start === '' ? IgnoreStack.empty : await this.rules.stackFor(parentPath(start));
    await visit(start, startDir, outer);
    return { files, errors, truncated };
  }

  async stat(path: string): Promise<FileStat> {
    const clean = normalizeWorkspacePath(path);
    return this.fs(clean, async () => {
      const handle = await this.entryHandle(clean);
      if (handle.kind === 'directory') return { path: clean, kind: 'directory', size: 0, mtime: 0 };
      const file = await (handle as FileSystemFileHandle).getFile();
      return { path: clean, kind: 'file', size: file.size, mtime: file.lastModified };
    });
  }

  async exists(path: string): Promise<boolean> {
    try {
      await this.stat(path);
      return true;
    } catch (err) {
      if (err instanceof NotFoundError) return false;
      throw err;
    }
  }

  async readBytes(path: string): Promise<Uint8Array> {
    const clean = normalizeWorkspacePath(path);
    return this.fs(clean, async () => {
      const file = await (this.fileCache.get(clean) ?? (await this.fileHandle(clean))).getFile();
      return new Uint8Array(await file.arrayBuffer());
    });
  }

  async readText(path: string, options: { limitBytes?: number } = {}): Promise<ReadTextResult> {
    const clean = normalizeWorkspacePath(path);
    const limit = options.limitBytes ?? DEFAULT_TEXT_LIMIT_BYTES;
    return this.fs(clean, async () => {
      const file = await (this.fileCache.get(clean) ?? (await this.fileHandle(clean))).getFile();
      const base = { path: clean, size: file.size, mtime: file.lastModified };
      if (file.size > limit) {
        return {
          kind: 'too-large',
          ...base,
          limit,
          reason: `file is ${formatBytes(file.size)}, over the ${formatBytes(limit)} limit for text`,
        };
      }
      const decoded = decodeText(new Uint8Array(await file.arrayBuffer()));
      return decoded.kind === 'text' ? { ...decoded, ...base } : { kind: 'binary', ...base, reason: decoded.reason };
    });
  }

  // ---- writing -------------------------------------------------------------

  async writeBytes(path: string, bytes: Uint8Array, options: WriteOptions = {}): Promise<FileStat> {
    const clean = normalizeWorkspacePath(path);
    const result = await this.fs(clean, async () => {
      let handle: FileSystemFileHandle | null = null;
      try {
        handle = await this.fileHandle(clean);
      } catch (err) {
        if ((err as DOMException).name !== 'NotFoundError') throw err;
      }
      const existed = handle !== null;
      if (options.expectMtime !== undefined) {
        const current = handle ? (await handle.getFile()).lastModified : undefined;
        if (current !== options.expectMtime) throw new ConflictError(clean);
      }
      if (handle) await writeWhole(handle, bytes);
      else handle = await this.createWhole(clean, bytes);
      const file = await handle.getFile();
      return { stat: { path: clean, kind: 'file' as const, size: file.size, mtime: file.lastModified }, existed };
    });
    this.emit([{ type: result.existed ? 'modified' : 'created', path: clean }]);
    return result.stat;
  }

  /**
   * A new file, written under a hidden temporary name and then renamed: creating the handle
   * makes an empty file at once, so writing in place would leave an empty or no file at all
   * if the tab closes mid-write. Where handles cannot move, it is written in place.
   */
  private async createWhole(path: string, bytes: Uint8Array): Promise<FileSystemFileHandle> {
    const dir = await this.dirHandle(parentPath(path), true);
    const name = baseName(path);
    const temp = await dir.getFileHandle(`${PARTIAL_WRITE_PREFIX}${name}`, { create: true });
    if (typeof temp.move !== 'function') {
      await dir.removeEntry(temp.name).catch(() => undefined);
      const handle = await dir.getFileHandle(name, { create: true });
      await writeWhole(handle, bytes);
      return handle;
    }
    await writeWhole(temp, bytes);
    await temp.move(dir, name);
    return temp;
  }

  async writeText(path: string, text: string, options: WriteOptions = {}): Promise<FileStat> {
    let { encoding, bom } = options;
    if (encoding === undefined && bom === undefined) {
      // Keep the file's own encoding and BOM when the caller does not say.
      const kept = await this.sniffEncoding(path);
      encoding = kept.encoding;
      bom = kept.bom;
    }
    return this.writeBytes(path, encodeText(text, { encoding, bom }), options);
  }

  private async sniffEncoding(path: string): Promise<{ encoding: 'utf-8' | 'utf-16le' | 'utf-16be'; bom: boolean }> {
    try {
      const file = await (await this.fileHandle(normalizeWorkspacePath(path))).getFile();
      const head = new Uint8Array(await file.slice(0, 3).arrayBuffer());
      if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return { encoding: 'utf-8', bom: true };
      if (head[0] === 0xff && head[1] === 0xfe) return { encoding: 'utf-16le', bom: true };
      if (head[0] === 0xfe && head[1] === 0xff) return { encoding: 'utf-16be', bom: true };
    } catch (err) {
      if (err instanceof PathEscapeError) throw err;
    }
    return { encoding: 'utf-8', bom: false };
  }

  async createDirectory(path: string): Promise<void> {
    const clean = normalizeWorkspacePath(path);
    await this.fs(clean, () => this.dirHandle(clean, true));
  }

  async remove(path: string, options: { recursive?: boolean } = {}): Promise<void> {
    const clean = normalizeWorkspacePath(path);
    if (clean === '') throw new WorkspaceError('Refusing to delete the workspace root', clean);
    const removed = await this.fs(clean, async () => {
      const dir = await this.dirHandle(parentPath(clean));
      const handle = await this.entryHandle(clean);
      const files = handle.kind === 'directory' ? (await this.walk({ under: clean, includeIgnored: true })).files : [{ path: clean }];
      await dir.removeEntry(baseName(clean), { recursive: options.recursive ?? false });
      return files;
    });
    this.forgetDirs(clean);
    if (clean.endsWith('.gitignore')) this.rules.clear();
    this.emit(removed.map((f) => ({ type: 'deleted' as const, path: f.path })));
  }

  async move(from: string, to: string): Promise<void> {
    const src = normalizeWorkspacePath(from);
    const dest = normalizeWorkspacePath(to);
    if (src === '' || dest === '') throw new WorkspaceError('The workspace root cannot be moved', src);
    if (isWithin(dest, src)) throw new WorkspaceError(`Cannot move "${src}" into itself ("${dest}")`, src);
    if (await this.exists(dest)) throw new WorkspaceError(`Cannot move "${src}": "${dest}" already exists`, dest);
    const handle = await this.fs(src, () => this.entryHandle(src));
    const movedFiles =
      handle.kind === 'directory' ? (await this.walk({ under: src, includeIgnored: true })).files.map((f) => f.path) : [src];
    const native = handle.kind === 'file' && typeof handle.move === 'function';
    if (native) {
      await this.fs(dest, async () => handle.move!(await this.dirHandle(parentPath(dest), true), baseName(dest)));
    } else {
      await this.copyTree(src, dest, handle);
      await this.fs(src, async () => (await this.dirHandle(parentPath(src))).removeEntry(baseName(src), { recursive: true }));
    }
    this.rules.clear();
    this.forgetDirs(src);
    this.emit([
      ...movedFiles.map((p) => ({ type: 'deleted' as const, path: p })),
      ...movedFiles.map((p) => ({ type: 'created' as const, path: dest + p.slice(src.length) })),
    ]);
  }

  private async copyTree(src: string, dest: string, handle: FileSystemHandle): Promise<void> {
    if (handle.kind === 'file') {
      const bytes = await this.readBytes(src);
      const target = await this.fs(dest, () => this.fileHandle(dest, true));
      await this.fs(dest, async () => {
        const writable = await target.createWritable();
        await writable.write(bytes as Uint8Array<ArrayBuffer>);
        await writable.close();
      });
      return;
    }
    await this.createDirectory(dest);
    for await (const [name, child] of (handle as FileSystemDirectoryHandle).entries()) {
      await this.copyTree(joinPath(src, name), joinPath(dest, name), child);
    }
  }

  // ---- change detection ------------------------------------------------------

  watch(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    if (this.listeners.size === 1) this.startWatching();
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) {
        this.stopWatching?.();
        this.stopWatching = null;
        this.pollNow = null;
      }
    };
  }

  async refresh(): Promise<void> {
    this.rules.clear();
    this.dirCache.clear();
    this.fileCache.clear();
    await this.pollNow?.();
  }

  private emit(changes: WorkspaceChange[]): void {
    if (changes.length === 0) return;
    if (changes.some((c) => baseName(c.path) === '.gitignore')) this.rules.clear();
    for (const change of changes) if (change.type === 'deleted') this.forgetDirs(change.path);
    for (const listener of this.listeners) listener(changes);
  }

  private async emitVisible(changes: WorkspaceChange[]): Promise<void> {
    const visible: WorkspaceChange[] = [];
    for (const change of changes) {
      if (!(await this.isIgnored(change.path, 'file').catch(() => false))) visible.push(change);
    }
    this.emit(visible);
  }

  private startWatching(): void {
    const Observer = typeof FileSystemObserver === 'function' ? FileSystemObserver : undefined;
    const hasObserver = Observer !== undefined;
    const poller = startPolling({
      snapshot: () => this.fingerprints(),
      // With an observer the poll is only a safety net, so it can be rare.
      intervalMs: hasObserver ? Math.max(this.pollIntervalMs, 60_000) : this.pollIntervalMs,
      onChanges: (changes) => this.emit(changes),
    });
    this.pollNow = poller.pollNow;
    let stopObserver = () => {};
    if (Observer) {
      // The observer reports edits as they happen; the poller stays as a
      // slow safety net for dropped events ('unknown' records).
      try {
        const observer = new Observer((records) => {
          const changes = changesFromRecords(records);
          if (changes === null) void poller.pollNow();
          else void this.emitVisible(changes);
        });
        void observer.observe(this.root, { recursive: true }).catch(() => undefined);
        stopObserver = () => observer.disconnect();
      } catch {
        // Some builds expose the constructor but refuse certain handle kinds.
      }
    }
    this.stopWatching = () => {
      poller.stop();
      stopObserver();
    };
  }

  private async fingerprints(): Promise<Fingerprints> {
    const { files } = await this.walk({ stat: true });
    return new Map(files.map((f) => [f.path, `${f.size ?? -1}:${f.mtime ?? -1}`]));
  }
}
