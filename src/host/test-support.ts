/**
 * Test fixtures for the host protocol: a frame boundary between the app and
 * a fake IDE (messages pass with structured clone, a task later, as
 * postMessage does), and an in-memory IDE host that answers every fs/*
 * request the way the extension does over `vscode.workspace.fs`.
 */
import { normalizeWorkspacePath, parentPath } from '../workspace/paths';
import { HostChannel, type ChannelEndpoint } from './channel';
import type { HostFiles } from './host-workspace';
import {
  CHANNEL,
  PROTOCOL_VERSION,
  type AppToHostRequests,
  type ErrorCode,
  type HostEntry,
  type HostFileChange,
  type HostStat,
  type HostToAppEvents,
  type Params,
  type RequestMessage,
  type WireMessage,
} from './protocol';

export const IDE_ORIGIN = 'vscode-webview://abc123';

interface Arrival {
  data: unknown;
  origin: string;
  fromParent: boolean;
}

/** The app's window and its parent frame, with the parent's hands on both directions. */
export class FramePair {
  /** Everything the app posted, with the origin it addressed. */
  readonly sent: { message: WireMessage; targetOrigin: string }[] = [];
  private readonly appListeners = new Set<(event: Arrival) => void>();
  private readonly hostListeners = new Set<(message: WireMessage) => void>();

  constructor(readonly hostOrigin = IDE_ORIGIN) {}

  readonly endpoint: ChannelEndpoint = {
    listen: (handler) => {
      this.appListeners.add(handler);
      return () => this.appListeners.delete(handler);
    },
    post: (message, targetOrigin) => {
      this.sent.push({ message, targetOrigin });
      // The browser delivers only when the parent's origin matches the target.
      if (targetOrigin !== '*' && targetOrigin !== this.hostOrigin) return;
      const copy = structuredClone(message);
      setTimeout(() => this.hostListeners.forEach((l) => l(copy)));
    },
  };

  /** A message arriving at the app's window: from the host frame by default. */
  deliver(data: unknown, from: { origin?: string; fromParent?: boolean } = {}): void {
    const event = { data: structuredClone(data), origin: from.origin ?? this.hostOrigin, fromParent: from.fromParent ?? true };
    setTimeout(() => this.appListeners.forEach((l) => l(event)));
  }

  /** The host side: what the app posts, once it reached the parent. */
  onAppMessage(listener: (message: WireMessage) => void): () => void {
    this.hostListeners.add(listener);
    return () => this.hostListeners.delete(listener);
  }

  /** Sends a wire message from the host frame. */
  fromHost(message: Record<string, unknown>, from?: { origin?: string; fromParent?: boolean }): void {
    this.deliver({ channel: CHANNEL, version: PROTOCOL_VERSION, ...message }, from);
  }

  event<K extends keyof HostToAppEvents>(type: K, payload: HostToAppEvents[K]): void {
    this.fromHost({ kind: 'event', type, payload });
  }

  /** The app's messages of one kind, as sent. */
  sentOf(kind: WireMessage['kind']): WireMessage[] {
    return this.sent.map((s) => s.message).filter((m) => m.kind === kind);
  }
}

/** Lets posted messages and their answers go round (a few tasks). */
export async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((resolve) => setTimeout(resolve));
}

/** A request from the app that the host holds, to answer when the test says. */
export async function nextRequest(pair: FramePair): Promise<RequestMessage> {
  return new Promise((resolve) => {
    const stop = pair.onAppMessage((message) => {
      if (message.kind !== 'request') return;
      stop();
      resolve(message);
    });
  });
}

export class HostFsError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

interface MemoryFile {
  bytes: Uint8Array;
  mtime: number;
}

type FsRequest = Exclude<keyof AppToHostRequests, 'ide/toolEdit' | 'shell/run'>;

/**
 * The workspace as the extension sees it: files by path, with mtimes that
 * only go up, and the answers (and error codes) the extension gives.
 */
export class MemoryHost {
  readonly files = new Map<string, MemoryFile>();
  readonly dirs = new Set<string>(['']);
  /** Every request the host answered, as "type path". */
  readonly log: string[] = [];
  private clock = Date.UTC(2026, 0, 1);

  constructor(files: Record<string, string | Uint8Array> = {}) {
    for (const [path, content] of Object.entries(files)) this.put(path, content);
  }

  /** A change made in the IDE (by the user, git, another extension): no event unless the test sends one. */
  put(path: string, content: string | Uint8Array): void {
    this.mkdirs(parentPath(path));
    this.files.set(path, { bytes: typeof content === 'string' ? new TextEncoder().encode(content) : content, mtime: (this.clock += 1000) });
  }

  private mkdirs(path: string): void {
    for (let dir = path; dir !== ''; dir = parentPath(dir)) this.dirs.add(dir);
  }

  private forget(path: string): void {
    this.files.delete(path);
    this.dirs.delete(path);
  }

  private under(path: string): string[] {
    const prefix = path === '' ? '' : `${path}/`;
    return [...this.files.keys(), ...this.dirs].filter((p) => p !== '' && p.startsWith(prefix));
  }

  private stat(path: string): HostStat | null {
    const file = this.files.get(path);
    if (file) return { kind: 'file', size: file.bytes.length, mtime: file.mtime };
    return this.dirs.has(path) ? { kind: 'directory', size: 0, mtime: 0 } : null;
  }

  /** The answer to one fs/* request, or a HostFsError with the extension's code. */
  answer(type: FsRequest, params: Record<string, unknown>): unknown {
    const paths = 'from' in params ? [params.from, params.to] : [params.path];
    for (const path of paths as string[]) {
      // The extension resolves paths under the workspace folder: the app must send clean ones.
      if (normalizeWorkspacePath(path) !== path) throw new HostFsError('bad-request', `unclean path "${path}"`);
    }
    this.log.push(`${type} ${paths.join(' ')}`);
    const path = params.path as string;
    switch (type) {
      case 'fs/stat':
        return this.stat(path);
      case 'fs/listDir': {
        if (!this.dirs.has(path)) throw new HostFsError(this.files.has(path) ? 'failed' : 'not-found', `no folder ${path}`);
        const entries: HostEntry[] = [];
        for (const p of this.under(path)) {
          if (parentPath(p) === path) entries.push({ name: p.slice(p.lastIndexOf('/') + 1), kind: this.dirs.has(p) ? 'directory' : 'file' });
        }
        return entries;
      }
      case 'fs/readFile': {
        const file = this.files.get(path);
        if (!file) throw new HostFsError(this.dirs.has(path) ? 'failed' : 'not-found', `no file ${path}`);
        return file.bytes;
      }
      case 'fs/writeFile': {
        const { bytes, expectMtime } = params as Params<AppToHostRequests, 'fs/writeFile'>;
        if (expectMtime !== undefined && this.files.get(path)?.mtime !== expectMtime) throw new HostFsError('conflict', `${path} changed`);
        this.put(path, bytes);
        return this.stat(path);
      }
      case 'fs/createDirectory':
        this.mkdirs(path);
        return null;
      case 'fs/delete': {
        if (!this.stat(path)) throw new HostFsError('not-found', `no ${path}`);
        const inside = this.under(path);
        if (inside.length > 0 && !params.recursive) throw new HostFsError('failed', `${path} is not empty`);
        for (const p of [path, ...inside]) this.forget(p);
        return null;
      }
      case 'fs/rename': {
        const { from, to } = params as { from: string; to: string };
        if (!this.stat(from)) throw new HostFsError('not-found', `no ${from}`);
        if (this.stat(to)) throw new HostFsError('conflict', `${to} exists`);
        this.mkdirs(parentPath(to));
        for (const p of [from, ...this.under(from)]) {
          const dest = to + p.slice(from.length);
          const file = this.files.get(p);
          if (file) this.files.set(dest, file);
          else this.dirs.add(dest);
          this.forget(p);
        }
        return null;
      }
    }
  }

  /** The same host directly as HostFiles (no channel); `fs/changed` through `changed`. */
  direct(): HostFiles & { changed(changes: HostFileChange[]): void } {
    const listeners = new Set<(changes: HostFileChange[]) => void>();
    return {
      request: async (type, params) => {
        if (type === 'ide/toolEdit' || type === 'shell/run') throw new Error(`${type} is not served here`);
        return this.answer(type as FsRequest, params as Record<string, unknown>) as never;
      },
      onChanges: (listener) => {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
      changed: (changes) => listeners.forEach((l) => l(changes)),
    };
  }

  /** Serves the fs/* requests the app posts through `pair`, as the extension does. */
  serve(pair: FramePair): () => void {
    return pair.onAppMessage((message) => {
      if (message.kind !== 'request' || !message.type.startsWith('fs/')) return;
      let reply: Record<string, unknown>;
      try {
        reply = { ok: true, payload: this.answer(message.type as FsRequest, message.payload as Record<string, unknown>) };
      } catch (error) {
        const code = error instanceof HostFsError ? error.code : 'failed';
        reply = { ok: false, error: { code, message: (error as Error).message } };
      }
      pair.fromHost({ kind: 'response', id: message.id, ...reply });
    });
  }
}

/** HostWorkspace's view of a channel: its requests and its `fs/changed` events. */
export function hostFiles(channel: HostChannel): HostFiles {
  return {
    request: (type, params) => channel.request(type, params),
    onChanges: (listener) => channel.on('fs/changed', listener),
  };
}

/**
 * An app channel that a host at IDE_ORIGIN already spoke to (so it is trusted);
 * with `host`, its fs/* requests are answered, otherwise the test answers them.
 */
export async function connectedChannel(options: { host?: MemoryHost; timeoutMs?: number } = {}) {
  const { host, ...rest } = options;
  const pair = new FramePair();
  const channel = new HostChannel({ endpoint: pair.endpoint, trusts: (origin) => origin === IDE_ORIGIN, ...rest });
  host?.serve(pair);
  pair.event('chatThread/new', null);
  await settle(1);
  if (channel.hostOrigin !== IDE_ORIGIN) throw new Error('the handshake did not reach the channel');
  return { pair, channel, host };
}
