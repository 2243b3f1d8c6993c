/**
 * The shadow repository of one workspace: a bare git repository (isomorphic-git)
 * on lightning-fs, in its own IndexedDB database `refact-checkpoints:<workspace id>`.
 * The user's folder never gets a .git of ours; the working tree is read and
 * written through the Workspace interface only.
 *
 * Besides objects and refs the gitdir holds `refact-index.json`: git's index
 * in spirit, path -> (size, mtime, blob id) for every file of the last
 * snapshot, so that the next one reads and hashes only files whose size or
 * mtime changed.
 */
import { git, LightningFS } from './git';
import { BatchedIdbBackend } from './idb-backend';
import { withExclusiveLock } from './locks';
import { REPO_DB_PREFIX } from './repo-names';

export { REPO_DB_PREFIX };
import { zlibStored } from './zlib-stored';

export const GITDIR = '/checkpoints.git';
const INDEX_PATH = `${GITDIR}/refact-index.json`;
/** Touched by every garbage collection that deletes objects: in-memory state from before is stale. */
const GC_MARKER_PATH = `${GITDIR}/refact-gc`;
const INDEX_VERSION = 1;

export interface IndexEntry {
  size: number;
  mtime: number;
  oid: string;
  /**
   * The file changed so recently (mtime within the racy window of the scan)
   * that a later change with the same size could keep the same mtime; such an
   * entry is always re-hashed next time (git's "racy git" rule).
   */
  racy: boolean;
}

type IndexJson = { v: number; entries: Record<string, [number, number, string, 0 | 1]> };

function isIndexJson(value: unknown): value is IndexJson {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as IndexJson).v === INDEX_VERSION &&
    typeof (value as IndexJson).entries === 'object' &&
    (value as IndexJson).entries !== null
  );
}

function objectPath(oid: string): string {
  return `${GITDIR}/objects/${oid.slice(0, 2)}/${oid.slice(2)}`;
}

function errorCode(error: unknown): unknown {
  return (error as { code?: unknown } | null)?.code;
}

export const CHECKPOINT_AUTHOR = { name: 'Refact checkpoints', email: 'checkpoints@refact.invalid' };

export class ShadowRepo {
  readonly dbName: string;
  readonly fs: LightningFS;
  readonly backend: BatchedIdbBackend;
  /** isomorphic-git's cache object, shared by every call on this repository. */
  readonly cache: object = {};
  private initialized = false;
  /** commit id -> tree id; commits never change. */
  private readonly commitTrees = new Map<string, string>();
  /** commit id -> message (for the skipped-paths comparison of unchanged snapshots). */
  private readonly commitMessages = new Map<string, string>();
  /**
   * A tree's entries (as text) -> its id, for trees known to be stored: an
   * unchanged folder costs no hashing and no lookup. Cleared when a garbage
   * collection may have deleted trees (see `syncWithGc`).
   */
  readonly storedTrees = new Map<string, string>();
  private knownGcMarker = -1;
  /** tree id -> flattened file list; trees never change. A few recent ones are kept. */
  private readonly flatTrees = new Map<string, Map<string, string>>();

  constructor(readonly workspaceId: string) {
    this.dbName = REPO_DB_PREFIX + workspaceId;
    this.backend = new BatchedIdbBackend(this.dbName);
    // defer: activate (take lightning-fs's lock, load the superblock) on first use, not now.
    this.fs = new LightningFS(this.dbName, { db: this.backend as unknown as LightningFS.IDB, defer: true });
  }

  /** Runs `task` holding this repository's cross-tab lock. */
  exclusive<T>(task: () => Promise<T>, options: { init?: boolean } = {}): Promise<T> {
    return withExclusiveLock(`${this.dbName}#op`, async () => {
      if (options.init !== false) await this.ensureInitialized();
      return task();
    });
  }

  private async ensureInitialized(): Promise<void> {
    if (this.initialized) return;
    const exists = await this.fs.promises.stat(`${GITDIR}/HEAD`).then(
      () => true,
      () => false,
    );
    if (!exists) {
      await git.init({ fs: this.fs, dir: GITDIR, bare: true, defaultBranch: 'undo' });
    }
    this.initialized = true;
  }

  // ---- objects ----------------------------------------------------------------

  async hasObject(oid: string): Promise<boolean> {
    try {
      await this.fs.promises.stat(objectPath(oid));
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Stores a wrapped object (`<type> <size>\0<content>`) as a loose object in
   * stored-block zlib (see zlib-stored.ts). Returns the bytes written, 0 if it
   * was there already. A write that fails (quota) removes the file entry it
   * created, so no object appears to exist without its data.
   */
  async writeObject(oid: string, wrapped: Uint8Array): Promise<number> {
    if (await this.hasObject(oid)) return 0;
    const data = zlibStored(wrapped);
    try {
      // format 'deflated': isomorphic-git stores the bytes as they are (its own path would deflate at level 6).
      await git.writeObject({ fs: this.fs, gitdir: GITDIR, type: 'blob', object: data, format: 'deflated', oid });
    } catch (error) {
      await this.fs.promises.unlink(objectPath(oid)).catch(() => undefined);
      throw error;
    }
    return data.length;
  }

  /** Runs `task` with the store held (see BatchedIdbBackend.hold): writes commit in large batches. */
  async batched<T>(task: () => Promise<T>): Promise<T> {
    this.backend.hold();
    try {
      return await task();
    } finally {
      this.backend.release();
    }
  }

  async readBlob(oid: string): Promise<Uint8Array> {
    const { blob } = await git.readBlob({ fs: this.fs, gitdir: GITDIR, oid, cache: this.cache });
    return blob;
  }

  async readCommit(oid: string) {
    const { commit } = await git.readCommit({ fs: this.fs, gitdir: GITDIR, oid, cache: this.cache });
    this.commitTrees.set(oid, commit.tree);
    this.commitMessages.set(oid, commit.message);
    return commit;
  }

  /** Tree and message of a commit, from memory when this tab read or wrote it before. */
  async commitSummary(oid: string): Promise<{ tree: string; message: string }> {
    const tree = this.commitTrees.get(oid);
    const message = this.commitMessages.get(oid);
    if (tree !== undefined && message !== undefined) return { tree, message };
    return this.readCommit(oid);
  }

  async treeOfCommit(oid: string): Promise<string> {
    return this.commitTrees.get(oid) ?? (await this.readCommit(oid)).tree;
  }

  /** Every file of a tree, path -> blob id (cached per tree id). */
  async flattenTree(treeOid: string): Promise<Map<string, string>> {
    const hit = this.flatTrees.get(treeOid);
    if (hit) return hit;
    const files = new Map<string, string>();
    const visit = async (oid: string, prefix: string): Promise<void> => {
      const { tree } = await git.readTree({ fs: this.fs, gitdir: GITDIR, oid, cache: this.cache });
      await Promise.all(
        tree.map((entry) => {
          const path = prefix + entry.path;
          if (entry.type === 'tree') return visit(entry.oid, path + '/');
          if (entry.type === 'blob') files.set(path, entry.oid);
          return undefined;
        }),
      );
    };
    await visit(treeOid, '');
    this.flatTrees.set(treeOid, files);
    if (this.flatTrees.size > 8) this.flatTrees.delete(this.flatTrees.keys().next().value!);
    return files;
  }

  async writeCommit(tree: string, parent: string | null, message: string, timestampMs = Date.now()): Promise<string> {
    const person = {
      ...CHECKPOINT_AUTHOR,
      timestamp: Math.floor(timestampMs / 1000),
      timezoneOffset: new Date(timestampMs).getTimezoneOffset(),
    };
    const oid = await git.writeCommit({
      fs: this.fs,
      gitdir: GITDIR,
      commit: { tree, parent: parent ? [parent] : [], author: person, committer: person, message },
    });
    this.commitTrees.set(oid, tree);
    this.commitMessages.set(oid, message);
    return oid;
  }

  // ---- refs -------------------------------------------------------------------------

  async resolveRef(ref: string): Promise<string | null> {
    try {
      return await git.resolveRef({ fs: this.fs, gitdir: GITDIR, ref });
    } catch (error) {
      if (errorCode(error) === 'NotFoundError') return null;
      throw error;
    }
  }

  async writeRef(ref: string, oid: string): Promise<void> {
    await git.writeRef({ fs: this.fs, gitdir: GITDIR, ref, value: oid, force: true });
  }

  async deleteRef(ref: string): Promise<void> {
    await git.deleteRef({ fs: this.fs, gitdir: GITDIR, ref });
  }

  /** Every branch as a full ref name (`refs/heads/...`). */
  async listBranches(): Promise<string[]> {
    const names = await git.listBranches({ fs: this.fs, gitdir: GITDIR });
    return names.map((name) => `refs/heads/${name}`);
  }

  // ---- the stat index ---------------------------------------------------------------

  async loadIndex(): Promise<Map<string, IndexEntry>> {
    const index = new Map<string, IndexEntry>();
    let text: string;
    try {
      text = await this.fs.promises.readFile(INDEX_PATH, 'utf8');
    } catch {
      return index;
    }
    try {
      const parsed: unknown = JSON.parse(text);
      if (!isIndexJson(parsed)) return index;
      for (const [path, [size, mtime, oid, racy]] of Object.entries(parsed.entries)) {
        index.set(path, { size, mtime, oid, racy: racy === 1 });
      }
    } catch {
      // A damaged index only costs a full re-hash.
    }
    return index;
  }

  async saveIndex(index: ReadonlyMap<string, IndexEntry>): Promise<void> {
    const entries: IndexJson['entries'] = {};
    for (const [path, e] of index) entries[path] = [e.size, e.mtime, e.oid, e.racy ? 1 : 0];
    await this.fs.promises.writeFile(INDEX_PATH, JSON.stringify({ v: INDEX_VERSION, entries } satisfies IndexJson));
  }

  // ---- housekeeping --------------------------------------------------------------

  /** Changes whenever a garbage collection (in any tab) deleted objects. */
  async gcMarker(): Promise<number> {
    try {
      const stat = await this.fs.promises.stat(GC_MARKER_PATH);
      return Number(stat.mtimeMs) || 0;
    } catch {
      return 0;
    }
  }

  async touchGcMarker(): Promise<void> {
    await this.fs.promises.writeFile(GC_MARKER_PATH, String(Date.now()));
    this.storedTrees.clear();
  }

  /** Forgets cached "stored" knowledge if a collection (maybe in another tab) ran since. Returns the marker. */
  async syncWithGc(): Promise<number> {
    const marker = await this.gcMarker();
    if (marker !== this.knownGcMarker) {
      this.storedTrees.clear();
      this.knownGcMarker = marker;
    }
    return marker;
  }

  /** Persists lightning-fs's directory tree now (it otherwise saves 500 ms after the last write). */
  async flush(): Promise<void> {
    await this.fs.promises.flush();
  }

  /** Loose objects as [oid, stored bytes]. */
  async listObjects(): Promise<[string, number][]> {
    const out: [string, number][] = [];
    let fanouts: string[];
    try {
      fanouts = await this.fs.promises.readdir(`${GITDIR}/objects`);
    } catch {
      return out;
    }
    for (const fanout of fanouts) {
      if (!/^[0-9a-f]{2}$/.test(fanout)) continue;
      const names = await this.fs.promises.readdir(`${GITDIR}/objects/${fanout}`);
      for (const name of names) {
        const stat = await this.fs.promises.stat(`${GITDIR}/objects/${fanout}/${name}`);
        out.push([fanout + name, stat.size]);
      }
    }
    return out;
  }

  async deleteObject(oid: string): Promise<void> {
    await this.fs.promises.unlink(objectPath(oid));
  }

  /** Bytes of everything in the gitdir (objects, refs, index), as stored before IndexedDB's own compression. */
  async bytes(): Promise<number> {
    return this.fs.promises.du(GITDIR).catch(() => 0);
  }

  /** Forgets in-memory state; the next call re-reads everything. */
  forgetCaches(): void {
    this.initialized = false;
    this.commitTrees.clear();
    this.commitMessages.clear();
    this.flatTrees.clear();
    this.storedTrees.clear();
  }
}

const repos = new Map<string, ShadowRepo>();

/** The shadow repository of a workspace (one instance per id in this tab). */
export function shadowRepo(workspaceId: string): ShadowRepo {
  let repo = repos.get(workspaceId);
  if (!repo) {
    repo = new ShadowRepo(workspaceId);
    repos.set(workspaceId, repo);
  }
  return repo;
}

/** Drops a repository instance (after its database was deleted, or between tests). */
export function forgetShadowRepo(workspaceId: string): void {
  repos.delete(workspaceId);
}
