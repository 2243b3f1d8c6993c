import type { LineEnding, TextEncodingName } from './text-codec';

/** Where a workspace's files live. All three sit behind the same `Workspace`. */
export type WorkspaceSource =
  | 'picked' // a real folder chosen with showDirectoryPicker
  | 'opfs' // a copy imported into the Origin Private File System
  | 'host'; // a folder supplied by an IDE host (embedded mode)

export type EntryKind = 'file' | 'directory';

export interface DirEntry {
  name: string;
  path: string;
  kind: EntryKind;
}

export interface FileStat {
  path: string;
  kind: EntryKind;
  /** Bytes; 0 for directories. */
  size: number;
  /** Milliseconds since the epoch; 0 for directories (the API has none). */
  mtime: number;
}

export interface WalkedFile {
  path: string;
  /** Present when the walk was asked for stats. */
  size?: number;
  mtime?: number;
}

export interface WalkOptions {
  /** Also walk into default-excluded and .gitignore'd entries. */
  includeIgnored?: boolean;
  /** Fetch size and mtime for each file (costs one extra call per file). */
  stat?: boolean;
  /** Walk only below this directory. */
  under?: string;
  /** Stop after this many files (the result says it was truncated). */
  maxFiles?: number;
  signal?: AbortSignal;
}

export interface WalkResult {
  files: WalkedFile[];
  /** Directories that could not be read, with the reason. */
  errors: { path: string; message: string }[];
  truncated: boolean;
}

/** Files larger than this are not decoded as text unless the caller raises it. */
export const DEFAULT_TEXT_LIMIT_BYTES = 1024 * 1024;

export type ReadTextResult =
  | {
      kind: 'text';
      path: string;
      text: string;
      encoding: TextEncodingName;
      bom: boolean;
      eol: LineEnding;
      size: number;
      mtime: number;
    }
  | { kind: 'binary'; path: string; size: number; mtime: number; reason: string }
  | { kind: 'too-large'; path: string; size: number; mtime: number; limit: number; reason: string };

export interface WriteOptions {
  /** Refuse the write (ConflictError) if the file's mtime differs from this. */
  expectMtime?: number;
  encoding?: TextEncodingName;
  bom?: boolean;
}

export type ChangeType = 'created' | 'modified' | 'deleted';

export interface WorkspaceChange {
  type: ChangeType;
  path: string;
}

export type ChangeListener = (changes: WorkspaceChange[]) => void;

/** The one interface every source of files implements. Paths are workspace-relative. */
export interface Workspace {
  readonly id: string;
  readonly name: string;
  readonly source: WorkspaceSource;
  /** The children of a directory, ignore rules applied, directories first. */
  listDir(path?: string, options?: { includeIgnored?: boolean }): Promise<DirEntry[]>;
  walk(options?: WalkOptions): Promise<WalkResult>;
  stat(path: string): Promise<FileStat>;
  exists(path: string): Promise<boolean>;
  readBytes(path: string): Promise<Uint8Array>;
  readText(path: string, options?: { limitBytes?: number }): Promise<ReadTextResult>;
  /** Atomic: readers see the old bytes or the new bytes, never a mix. */
  writeBytes(path: string, bytes: Uint8Array, options?: WriteOptions): Promise<FileStat>;
  writeText(path: string, text: string, options?: WriteOptions): Promise<FileStat>;
  createDirectory(path: string): Promise<void>;
  remove(path: string, options?: { recursive?: boolean }): Promise<void>;
  move(from: string, to: string): Promise<void>;
  /** Is `path` hidden by the default excludes or a .gitignore? */
  isIgnored(path: string, kind: EntryKind): Promise<boolean>;
  /** Batched change notifications: our own writes, and edits made outside the app. */
  watch(listener: ChangeListener): () => void;
  /** Forget cached ignore rules and re-scan for outside changes now. */
  refresh(): Promise<void>;
}
