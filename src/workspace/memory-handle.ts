/**
 * An in-memory FileSystemDirectoryHandle: the subset of the File System Access
 * API that HandleWorkspace uses. It lets the workspace run in Node tests, and
 * can back a folder whose files arrive by message (an IDE host) rather than
 * from a disk. Browser behaviour it copies: NotFoundError / TypeMismatchError /
 * InvalidModificationError names, and writes that land only on close().
 */

type Node = MemoryFileHandle | MemoryDirectoryHandle;

function domError(name: string, message: string): DOMException {
  return new DOMException(message, name);
}

export class MemoryFileHandle {
  readonly kind = 'file' as const;
  bytes: Uint8Array = new Uint8Array(0);
  lastModified = Date.now();
  /** Set when the entry is deleted: like the browser's, a stale handle then throws NotFoundError. */
  removed = false;
  constructor(readonly name: string) {}

  async getFile(): Promise<File> {
    if (this.removed) throw domError('NotFoundError', `${this.name} was removed`);
    return new File([this.bytes as Uint8Array<ArrayBuffer>], this.name, { lastModified: this.lastModified });
  }

  async createWritable(options: { keepExistingData?: boolean } = {}) {
    let pending = options.keepExistingData ? this.bytes.slice() : new Uint8Array(0);
    let open = true;
    return {
      write: async (data: Uint8Array | string | Blob) => {
        if (!open) throw domError('InvalidStateError', 'stream closed');
        const chunk =
          typeof data === 'string'
            ? new TextEncoder().encode(data)
            : data instanceof Blob
              ? new Uint8Array(await data.arrayBuffer())
              : data;
        const next = new Uint8Array(pending.length + chunk.length);
        next.set(pending);
        next.set(chunk, pending.length);
        pending = next;
      },
      close: async () => {
        open = false;
        this.bytes = pending;
        // Strictly increasing, so two writes in one millisecond still differ.
        this.lastModified = Math.max(Date.now(), this.lastModified + 1);
      },
      abort: async () => {
        open = false;
      },
    };
  }
}

export class MemoryDirectoryHandle {
  readonly kind = 'directory' as const;
  private readonly children = new Map<string, Node>();
  removed = false;
  constructor(readonly name: string) {}

  private alive(): void {
    if (this.removed) throw domError('NotFoundError', `${this.name} was removed`);
  }

  private markRemoved(): void {
    this.removed = true;
    for (const child of this.children.values()) {
      if (child.kind === 'directory') child.markRemoved();
      else child.removed = true;
    }
  }

  async *entries(): AsyncGenerator<[string, Node]> {
    this.alive();
    for (const entry of [...this.children.entries()]) yield entry;
  }

  async getDirectoryHandle(name: string, options: { create?: boolean } = {}): Promise<MemoryDirectoryHandle> {
    this.alive();
    const found = this.children.get(name);
    if (found?.kind === 'directory') return found;
    if (found) throw domError('TypeMismatchError', `${name} is a file`);
    if (!options.create) throw domError('NotFoundError', `${name} not found`);
    const dir = new MemoryDirectoryHandle(name);
    this.children.set(name, dir);
    return dir;
  }

  async getFileHandle(name: string, options: { create?: boolean } = {}): Promise<MemoryFileHandle> {
    this.alive();
    const found = this.children.get(name);
    if (found?.kind === 'file') return found;
    if (found) throw domError('TypeMismatchError', `${name} is a directory`);
    if (!options.create) throw domError('NotFoundError', `${name} not found`);
    const file = new MemoryFileHandle(name);
    this.children.set(name, file);
    return file;
  }

  async removeEntry(name: string, options: { recursive?: boolean } = {}): Promise<void> {
    this.alive();
    const found = this.children.get(name);
    if (!found) throw domError('NotFoundError', `${name} not found`);
    if (found.kind === 'directory' && found.children.size > 0 && !options.recursive) {
      throw domError('InvalidModificationError', `${name} is not empty`);
    }
    this.children.delete(name);
    if (found.kind === 'directory') found.markRemoved();
    else found.removed = true;
  }

  /** Test helper: create a file (and its parents) with the given content. */
  async put(path: string, content: string | Uint8Array): Promise<void> {
    const parts = path.split('/');
    let dir: MemoryDirectoryHandle = this;
    for (const part of parts.slice(0, -1)) dir = await dir.getDirectoryHandle(part, { create: true });
    const file = await dir.getFileHandle(parts.at(-1)!, { create: true });
    const w = await file.createWritable();
    await w.write(content);
    await w.close();
  }

  /** Use where the DOM type is expected. */
  asHandle(): FileSystemDirectoryHandle {
    return this as unknown as FileSystemDirectoryHandle;
  }
}
