/**
 * Test-only extension: a `memfs` file system provider holding the sample
 * project of an e2e test, so the workbench opens `memfs:/workspace` with
 * files the test chose and nothing touches a disk.
 *
 * Also: "Memfs Test: Toggle instant inline completion", a provider that
 * answers every inline request at once (the IDE bench's reference).
 *
 * The e2e server (e2e/support/vscode-workbench.ts) serves this file
 * transpiled to CommonJS as /memfs-ext/extension.js, the test's files as
 * /memfs-ext/seed.json, and takes the command "Memfs Test: Report workspace
 * to the test" as a POST to /memfs-ext/report: every file of the workspace,
 * read back through `vscode.workspace.fs` (as any extension sees them).
 */
import * as vscode from 'vscode';

const ROOT = vscode.Uri.from({ scheme: 'memfs', path: '/workspace' });

/** seed.json: workspace-relative path -> UTF-8 text or base64 bytes. */
type Seed = Record<string, string | { base64: string }>;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const memfs = new MemFs();
  // Seeded before it is registered: the workbench resolves the folder it
  // opens as soon as the provider exists (it awaits this activation first).
  const seed = (await (await fetch(asUrl(context, 'seed.json'))).json()) as Seed;
  memfs.seed(ROOT.path, seed);
  context.subscriptions.push(vscode.workspace.registerFileSystemProvider('memfs', memfs, { isCaseSensitive: true }));
  // The IDE bench's reference (bench/ide/ide.bench.ts): an inline completion answered at once with
  // no work at all, i.e. what VS Code itself takes from a keystroke to a shown suggestion. Off until toggled.
  let instant = false;
  context.subscriptions.push(
    vscode.commands.registerCommand('memfsTest.toggleInstantCompletion', () => (instant = !instant)),
    vscode.languages.registerInlineCompletionItemProvider(
      { pattern: '**' },
      {
        provideInlineCompletionItems: (_document, position) =>
          instant ? [new vscode.InlineCompletionItem('instant_suggestion()', new vscode.Range(position, position))] : undefined,
      },
    ),
  );
  context.subscriptions.push(
    vscode.commands.registerCommand('memfsTest.report', async () => {
      const files: Record<string, string> = {};
      await collect(ROOT, '', files);
      await fetch(asUrl(context, 'report'), { method: 'POST', body: JSON.stringify({ files }) });
    }),
  );
}

function asUrl(context: vscode.ExtensionContext, name: string): string {
  return vscode.Uri.joinPath(context.extensionUri, name).toString(true);
}

async function collect(dir: vscode.Uri, prefix: string, files: Record<string, string>): Promise<void> {
  for (const [name, type] of await vscode.workspace.fs.readDirectory(dir)) {
    const uri = vscode.Uri.joinPath(dir, name);
    const path = prefix + name;
    if (type === vscode.FileType.Directory) await collect(uri, `${path}/`, files);
    else files[path] = toBase64(await vscode.workspace.fs.readFile(uri));
  }
}

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

function fromBase64(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

interface Entry {
  type: vscode.FileType;
  ctime: number;
  mtime: number;
  data: Uint8Array;
}

/** A flat map of absolute paths; folders are entries without data. */
class MemFs implements vscode.FileSystemProvider {
  private lastMtime = 0; // before `entries`, whose initializer uses it
  private readonly entries = new Map<string, Entry>([['/', this.entry(vscode.FileType.Directory)]]);
  private readonly emitter = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.emitter.event;

  seed(root: string, files: Seed): void {
    this.mkdirs(root);
    for (const [path, content] of Object.entries(files)) {
      const full = `${root}/${path}`;
      this.mkdirs(parentOf(full));
      const data = typeof content === 'string' ? new TextEncoder().encode(content) : fromBase64(content.base64);
      this.entries.set(full, { ...this.entry(vscode.FileType.File), data });
    }
  }

  watch(): vscode.Disposable {
    // Every change is reported anyway; VS Code filters by what is watched.
    return new vscode.Disposable(() => {});
  }

  stat(uri: vscode.Uri): vscode.FileStat {
    const e = this.get(uri);
    return { type: e.type, ctime: e.ctime, mtime: e.mtime, size: e.data.byteLength };
  }

  readDirectory(uri: vscode.Uri): [string, vscode.FileType][] {
    const dir = this.get(uri);
    if (dir.type !== vscode.FileType.Directory) throw vscode.FileSystemError.FileNotADirectory(uri);
    const prefix = uri.path === '/' ? '/' : `${uri.path}/`;
    const out: [string, vscode.FileType][] = [];
    for (const [path, e] of this.entries) {
      if (path !== '/' && path.startsWith(prefix) && !path.slice(prefix.length).includes('/')) {
        out.push([path.slice(prefix.length), e.type]);
      }
    }
    return out;
  }

  createDirectory(uri: vscode.Uri): void {
    if (this.entries.has(uri.path)) throw vscode.FileSystemError.FileExists(uri);
    this.parentDir(uri);
    this.entries.set(uri.path, this.entry(vscode.FileType.Directory));
    this.fire(uri, vscode.FileChangeType.Created);
  }

  readFile(uri: vscode.Uri): Uint8Array {
    const e = this.get(uri);
    if (e.type === vscode.FileType.Directory) throw vscode.FileSystemError.FileIsADirectory(uri);
    return e.data;
  }

  writeFile(uri: vscode.Uri, content: Uint8Array, options: { create: boolean; overwrite: boolean }): void {
    const existing = this.entries.get(uri.path);
    if (existing?.type === vscode.FileType.Directory) throw vscode.FileSystemError.FileIsADirectory(uri);
    if (!existing && !options.create) throw vscode.FileSystemError.FileNotFound(uri);
    if (existing && !options.overwrite) throw vscode.FileSystemError.FileExists(uri);
    this.parentDir(uri);
    const data = new Uint8Array(content);
    this.entries.set(uri.path, existing ? { ...existing, mtime: this.nextMtime(), data } : { ...this.entry(vscode.FileType.File), data });
    this.fire(uri, existing ? vscode.FileChangeType.Changed : vscode.FileChangeType.Created);
  }

  delete(uri: vscode.Uri, options: { recursive: boolean }): void {
    this.get(uri);
    const inside = [...this.entries.keys()].filter((p) => p.startsWith(`${uri.path}/`));
    if (inside.length > 0 && !options.recursive) throw vscode.FileSystemError.NoPermissions('folder not empty');
    for (const p of [uri.path, ...inside]) this.entries.delete(p);
    this.fire(uri, vscode.FileChangeType.Deleted);
  }

  rename(from: vscode.Uri, to: vscode.Uri, options: { overwrite: boolean }): void {
    this.get(from);
    if (this.entries.has(to.path) && !options.overwrite) throw vscode.FileSystemError.FileExists(to);
    this.parentDir(to);
    for (const [path, e] of [...this.entries]) {
      if (path === from.path || path.startsWith(`${from.path}/`)) {
        this.entries.delete(path);
        this.entries.set(to.path + path.slice(from.path.length), e);
      }
    }
    this.emitter.fire([
      { type: vscode.FileChangeType.Deleted, uri: from },
      { type: vscode.FileChangeType.Created, uri: to },
    ]);
  }

  private get(uri: vscode.Uri): Entry {
    const e = this.entries.get(uri.path);
    if (!e) throw vscode.FileSystemError.FileNotFound(uri);
    return e;
  }

  private parentDir(uri: vscode.Uri): void {
    const parent = this.entries.get(parentOf(uri.path));
    if (parent?.type !== vscode.FileType.Directory) throw vscode.FileSystemError.FileNotFound(uri.with({ path: parentOf(uri.path) }));
  }

  private mkdirs(path: string): void {
    let at = '';
    for (const segment of path.split('/').filter(Boolean)) {
      at += `/${segment}`;
      if (!this.entries.has(at)) this.entries.set(at, this.entry(vscode.FileType.Directory));
    }
  }

  private entry(type: vscode.FileType): Entry {
    const now = this.nextMtime();
    return { type, ctime: now, mtime: now, data: new Uint8Array() };
  }

  /** Strictly increasing, so two writes in the same millisecond still differ (the host's conflict check compares mtimes). */
  private nextMtime(): number {
    this.lastMtime = Math.max(Date.now(), this.lastMtime + 1);
    return this.lastMtime;
  }

  private fire(uri: vscode.Uri, type: vscode.FileChangeType): void {
    this.emitter.fire([{ type, uri }]);
  }
}

function parentOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}
