/**
 * Usage and garbage collection. Checkpoints live on one branch per chat (plus
 * the branch of undo points); collecting deletes whole branches, by age and
 * then oldest-first until the size budget holds, and then every loose object
 * no remaining branch reaches (mark and sweep: lightning-fs has no packs to
 * repack). A repository left without branches is deleted with its database.
 */
import { chatIdOfRef } from './git-objects';
import { git } from './git';
import { GITDIR, REPO_DB_PREFIX, forgetShadowRepo, shadowRepo, type ShadowRepo } from './shadow-repo';
import type { ChatCheckpoints, CheckpointUsage, GcPolicy, GcReport, RepoUsage } from './types';

export const DEFAULT_MAX_AGE_MS = 30 * 24 * 60 * 60 * 1000;
export const DEFAULT_MAX_BYTES = 512 * 1024 * 1024;

/** Workspace ids that have a shadow repository in this origin. */
export async function listRepoWorkspaceIds(): Promise<string[]> {
  if (typeof indexedDB.databases !== 'function') return [];
  const dbs = await indexedDB.databases();
  return dbs
    .map((db) => db.name ?? '')
    .filter((name) => name.startsWith(REPO_DB_PREFIX) && !name.endsWith('_lock'))
    .map((name) => name.slice(REPO_DB_PREFIX.length));
}

async function branchInfo(repo: ShadowRepo, ref: string): Promise<ChatCheckpoints & { commits: string[] }> {
  const head = await repo.resolveRef(ref);
  const commits: string[] = [];
  let last = 0;
  for (let oid = head; oid; ) {
    const commit = await repo.readCommit(oid);
    if (commits.length === 0) last = commit.committer.timestamp * 1000;
    commits.push(oid);
    oid = commit.parent[0] ?? null;
  }
  return { chatId: chatIdOfRef(ref), ref, checkpoints: commits.length, lastCheckpointAt: last, commits };
}

/** Every object reachable from `refs` (commits, trees, blobs). */
async function reachable(repo: ShadowRepo, refs: readonly string[]): Promise<Set<string>> {
  const seen = new Set<string>();
  const visitTree = async (oid: string): Promise<void> => {
    if (seen.has(oid)) return;
    seen.add(oid);
    const { tree } = await git.readTree({ fs: repo.fs, gitdir: GITDIR, oid, cache: repo.cache });
    await Promise.all(
      tree.map((entry) => {
        if (entry.type === 'tree') return visitTree(entry.oid);
        seen.add(entry.oid);
        return undefined;
      }),
    );
  };
  for (const ref of refs) {
    for (let oid = await repo.resolveRef(ref); oid && !seen.has(oid); ) {
      seen.add(oid);
      const commit = await repo.readCommit(oid);
      await visitTree(commit.tree);
      oid = commit.parent[0] ?? null;
    }
  }
  return seen;
}

async function repoUsage(repo: ShadowRepo): Promise<RepoUsage & { branches: (ChatCheckpoints & { commits: string[] })[] }> {
  const refs = await repo.listBranches();
  const branches = await Promise.all(refs.map((ref) => branchInfo(repo, ref)));
  const objects = await repo.listObjects();
  const commits = new Set(branches.flatMap((b) => b.commits));
  return {
    workspaceId: repo.workspaceId,
    bytes: await repo.bytes(),
    objects: objects.length,
    commits: commits.size,
    chats: branches.map(({ commits: _c, ...chat }) => chat),
    branches,
  };
}

function total(repos: RepoUsage[]): CheckpointUsage {
  return {
    bytes: repos.reduce((s, r) => s + r.bytes, 0),
    objects: repos.reduce((s, r) => s + r.objects, 0),
    commits: repos.reduce((s, r) => s + r.commits, 0),
    repos,
  };
}

/** Bytes and counts of the checkpoints of one workspace, or of every workspace. */
export async function checkpointUsage(workspaceId?: string): Promise<CheckpointUsage> {
  const existing = await listRepoWorkspaceIds();
  // (Opening a repository creates its database; where the browser cannot list databases, look anyway.)
  const canList = typeof indexedDB.databases === 'function';
  const ids = workspaceId === undefined ? existing : !canList || existing.includes(workspaceId) ? [workspaceId] : [];
  const repos: RepoUsage[] = [];
  for (const id of ids) {
    const repo = shadowRepo(id);
    // Looking must not create a repository: a workspace without one has no usage.
    const usage = await repo.exclusive(() => repoUsage(repo), { init: false }).catch(() => null);
    if (!usage || (usage.objects === 0 && usage.chats.length === 0)) continue;
    const { branches: _b, ...plain } = usage;
    repos.push(plain);
  }
  return total(repos);
}

/** Deletes unreachable loose objects; drops index entries pointing at them. Returns [count, bytes]. */
async function sweep(repo: ShadowRepo): Promise<[number, number]> {
  const keep = await reachable(repo, await repo.listBranches());
  let count = 0;
  let bytes = 0;
  for (const [oid, size] of await repo.listObjects()) {
    if (keep.has(oid)) continue;
    await repo.deleteObject(oid);
    count++;
    bytes += size;
  }
  if (count > 0) {
    await repo.touchGcMarker();
    const index = await repo.loadIndex();
    for (const [path, entry] of index) if (!keep.has(entry.oid)) index.delete(path);
    await repo.saveIndex(index);
  }
  await repo.flush();
  return [count, bytes];
}

/** Deletes a workspace's shadow repository and its database (e.g. when the folder is forgotten). */
export async function deleteCheckpoints(workspaceId: string): Promise<void> {
  const repo = shadowRepo(workspaceId);
  await repo.exclusive(
    async () => {
      // lightning-fs may still save its superblock when it goes idle; the disposed backend ignores that.
      await repo.backend.dispose();
      forgetShadowRepo(workspaceId);
      await new Promise<void>((resolve) => {
        const request = indexedDB.deleteDatabase(REPO_DB_PREFIX + workspaceId);
        request.onsuccess = request.onerror = request.onblocked = () => resolve();
      });
    },
    { init: false },
  );
}

/**
 * Applies `policy`: branches older than `maxAgeMs` go, then the least recently
 * used ones until every repository together fits `maxBytes`; then
 * unreachable objects are deleted. Chats in `keepChatIds` are never deleted.
 */
export async function collectGarbage(policy: GcPolicy = {}): Promise<GcReport> {
  const now = policy.now ?? Date.now();
  const maxAge = policy.maxAgeMs ?? DEFAULT_MAX_AGE_MS;
  const maxBytes = policy.maxBytes ?? DEFAULT_MAX_BYTES;
  const keep = new Set(policy.keepChatIds ?? []);
  const existing = await listRepoWorkspaceIds();
  const canList = typeof indexedDB.databases === 'function';
  const ids = policy.workspaceIds ? policy.workspaceIds.filter((id) => !canList || existing.includes(id)) : existing;
  const report: GcReport = { deletedBranches: [], deletedObjects: 0, freedBytes: 0, deletedRepos: [], usage: total([]) };
  const usages = new Map<string, RepoUsage>();
  const candidates: { workspaceId: string; ref: string; chatId: string | null; lastCheckpointAt: number }[] = [];

  // 1. Age, per repository.
  for (const id of ids) {
    const repo = shadowRepo(id);
    const usage = await repo.exclusive(async () => {
      const before = await repoUsage(repo);
      let removed = false;
      for (const branch of before.branches) {
        const protectedChat = branch.chatId !== null && keep.has(branch.chatId);
        if (!protectedChat && now - branch.lastCheckpointAt > maxAge) {
          await repo.deleteRef(branch.ref);
          report.deletedBranches.push({ workspaceId: id, chatId: branch.chatId, reason: 'age' });
          removed = true;
        } else if (!protectedChat) {
          candidates.push({ workspaceId: id, ref: branch.ref, chatId: branch.chatId, lastCheckpointAt: branch.lastCheckpointAt });
        }
      }
      if (removed) {
        const [count, bytes] = await sweep(repo);
        report.deletedObjects += count;
        report.freedBytes += bytes;
      }
      const { branches: _b, ...plain } = await repoUsage(repo);
      return plain;
    });
    usages.set(id, usage);
  }

  // 2. Size, across repositories: oldest branches first.
  candidates.sort((a, b) => a.lastCheckpointAt - b.lastCheckpointAt);
  let bytes = [...usages.values()].reduce((s, u) => s + u.bytes, 0);
  for (const victim of candidates) {
    if (bytes <= maxBytes) break;
    const repo = shadowRepo(victim.workspaceId);
    const usage = await repo.exclusive(async () => {
      await repo.deleteRef(victim.ref);
      const [count, freed] = await sweep(repo);
      report.deletedObjects += count;
      report.freedBytes += freed;
      const { branches: _b, ...plain } = await repoUsage(repo);
      return plain;
    });
    report.deletedBranches.push({ workspaceId: victim.workspaceId, chatId: victim.chatId, reason: 'size' });
    bytes += usage.bytes - (usages.get(victim.workspaceId)?.bytes ?? 0);
    usages.set(victim.workspaceId, usage);
  }

  // 3. Repositories with nothing left.
  for (const [id, usage] of usages) {
    if (usage.chats.length > 0) continue;
    await deleteCheckpoints(id);
    usages.delete(id);
    report.deletedRepos.push(id);
  }
  report.usage = total([...usages.values()]);
  return report;
}

