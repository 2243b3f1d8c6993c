/**
 * checkpoint.*: snapshots of the corpus into the shadow git repository
 * (src/checkpoints: isomorphic-git over lightning-fs over IndexedDB) against
 * native git on the same files.
 *
 * The suite works on its own OPFS copy of the corpus (`bench-checkpoint-corpus/`,
 * copied from the dev server like the shared one), because it edits files;
 * native git runs with GIT_DIR in a temporary directory and GIT_WORK_TREE = the
 * on-disk corpus, so no .git appears in bench/.corpus.
 *
 * - checkpoint.first_ratio_vs_git: ours = createCheckpoint() on an empty shadow
 *   repository (a new workspace id, so a new database, each run) over a fresh
 *   HandleWorkspace; reference = `git init -q && git add -A && git commit -q`
 *   (three processes, spawnSync wall time, a fresh GIT_DIR each run). 1 warm-up
 *   + 5 runs each, alternating ours and git, medians; ours timed in the page
 * *   with performance.now() (a fresh database each run, deleted after it).
 *   The blob ids of our first snapshot are compared with `git ls-tree -r HEAD`.
 * - checkpoint.incremental10_ms: on a repository holding the corpus, append a
 *   line to 10 .py files (through the workspace, as the agent writes), then
 *   time createCheckpoint(). 5 runs, each editing 10 other files, median.
 *   Where a FileSystemObserver runs (Chromium), only the paths changed since
 *   the last snapshot are re-checked (src/checkpoints/change-journal.ts); the
 *   log also shows 3 runs with `scan: 'full'`, which stats every file.
 * - checkpoint.restore10_ms: restoreCheckpoints() back to the snapshot taken
 *   before 10 files were edited: undo snapshot (a full walk, always) + 10 writes
 *   verified by hash + the verifying re-scan. 5 runs, median.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const RUNS = 5;
const DIR = 'bench-checkpoint-corpus';
const PROFILE = !!process.env.BENCH_PROFILE;

function gitEnv(gitDir, workTree) {
  return {
    ...process.env,
    GIT_DIR: gitDir,
    GIT_WORK_TREE: workTree,
    GIT_AUTHOR_NAME: 'bench',
    GIT_AUTHOR_EMAIL: 'bench@example.invalid',
    GIT_COMMITTER_NAME: 'bench',
    GIT_COMMITTER_EMAIL: 'bench@example.invalid',
    GIT_CONFIG_NOSYSTEM: '1',
    HOME: os.tmpdir(), // no user config (hooks, fsmonitor, gc.auto ...) changes what git does
  };
}

function runGit(args, env, cwd) {
  const r = spawnSync('git', args, { env, cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.error || r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.error ?? r.stderr}`);
  return r.stdout;
}

/** One native run: init + add -A + commit into a fresh GIT_DIR. Returns ms. */
function nativeFirstCommit(workTree) {
  const gitDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-ckpt-git-'));
  const env = gitEnv(gitDir, workTree);
  try {
    const t0 = performance.now();
    runGit(['init', '-q'], env, workTree);
    runGit(['add', '-A'], env, workTree);
    runGit(['commit', '-q', '-m', 'bench'], env, workTree);
    return performance.now() - t0;
  } finally {
    fs.rmSync(gitDir, { recursive: true, force: true });
  }
}

function nativeBlobIds(workTree) {
  const gitDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-ckpt-git-'));
  const env = gitEnv(gitDir, workTree);
  try {
    runGit(['init', '-q'], env, workTree);
    runGit(['add', '-A'], env, workTree);
    runGit(['commit', '-q', '-m', 'bench'], env, workTree);
    const out = runGit(['ls-tree', '-r', '-z', 'HEAD'], env, workTree);
    const ids = {};
    for (const entry of out.split('\0').filter(Boolean)) {
      const tab = entry.indexOf('\t');
      ids[entry.slice(tab + 1)] = entry.slice(0, tab).split(' ')[2];
    }
    return ids;
  } finally {
    fs.rmSync(gitDir, { recursive: true, force: true });
  }
}

export default {
  name: 'checkpoint',
  metrics: ['checkpoint.first_ratio_vs_git', 'checkpoint.incremental10_ms', 'checkpoint.restore10_ms'],
  preload: ['/src/checkpoints/index.ts', '/src/workspace/handle-workspace.ts'],
  optimizeDeps: ['ignore', 'isomorphic-git', '@isomorphic-git/lightning-fs', 'buffer'],

  async run(ctx) {
    const corpus = ctx.corpus;
    const gitVersion = ctx.which('git');
    const copy = await ctx.evaluate((dir) => window.bench.copyCorpus(dir), DIR);
    ctx.log(`own OPFS copy ${DIR}/: ${copy.files} files, ${(copy.bytes / 1e6).toFixed(1)} MB in ${(copy.ms / 1000).toFixed(1)} s`);

    // ---- first snapshot: ours and native git, round-robin ------------------------------
    // Alternating one run of each keeps load from other processes (the machine is shared)
    // from landing on one side only.
    const firstRun = (arg) =>
      ctx.evaluate(
        async ({ dir, run, wantIds, settle }) => {
          const { HandleWorkspace } = await import('/src/workspace/handle-workspace.ts');
          const { createCheckpoint, deleteCheckpoints } = await import('/src/checkpoints/index.ts');
          const { shadowRepo } = await import('/src/checkpoints/shadow-repo.ts');
          const root = await window.bench.opfsDir(dir);
          // Let the fresh copy age past the racy window, as files on a disk would be.
          if (settle) await new Promise((r) => setTimeout(r, 1000));
          const id = `bench-first-${run}-${Date.now()}`;
          const ws = new HandleWorkspace({ id, source: 'opfs', root });
          const profile = {};
          const t0 = performance.now();
          const result = await createCheckpoint(ws, 'bench', { profile });
          const ms = performance.now() - t0;
          const blobIds = wantIds ? Object.fromEntries(await shadowRepo(id).flattenTree(result.tree)) : null;
          await deleteCheckpoints(id);
          const { files, hashed, newObjects, newBytes, skipped } = result;
          return { ms, profile, files, hashed, newObjects, newBytes, skipped, blobIds };
        },
        arg,
      );
    const ourRuns = [];
    const gitRuns = [];
    for (let run = 0; run <= RUNS; run++) {
      // run 0 is the warm-up of both
      const ours = await firstRun({ dir: DIR, run, wantIds: run === RUNS, settle: run === 0 });
      const ref = gitVersion ? nativeFirstCommit(corpus.dir) : null;
      if (run > 0) {
        ourRuns.push(ours);
        if (ref !== null) gitRuns.push(ref);
      }
    }
    const first = ourRuns.at(-1);
    const firstMedian = ctx.median(ourRuns.map((r) => r.ms));
    ctx.log(
      `ours, first snapshot: ${first.files} files, ${first.newObjects} objects, ${(first.newBytes / 1e6).toFixed(1)} MB stored; ` +
        `median ${firstMedian.toFixed(0)} ms (runs: ${ourRuns.map((r) => r.ms.toFixed(0)).join(', ')})`,
    );
    if (first.skipped.length) ctx.log(`skipped: ${JSON.stringify(first.skipped.slice(0, 3))}`);
    const phases = Object.keys(first.profile).filter((p) => p !== 'journal');
    ctx.log(
      `  where the time goes (median ms): ` +
        phases.map((p) => `${p} ${ctx.median(ourRuns.map((x) => x.profile[p])).toFixed(0)}`).join(', '),
    );

    const metrics = {};
    if (!gitVersion) {
      metrics['checkpoint.first_ratio_vs_git'] = {
        value: null, unit: 'x', goal: '<= 1.5', ours: firstMedian / 1000, ref_unit: 's', note: 'git not installed',
      };
    } else {
      const gitMedian = ctx.median(gitRuns);
      ctx.log(`${gitVersion}: init + add -A + commit: median ${gitMedian.toFixed(0)} ms (runs: ${gitRuns.map((s) => s.toFixed(0)).join(', ')})`);
      ctx.log(`per-run ratios: ${ourRuns.map((r, i) => (r.ms / gitRuns[i]).toFixed(2)).join(', ')}`);
      const ids = nativeBlobIds(corpus.dir);
      const ourPaths = Object.keys(first.blobIds);
      const mismatched = ourPaths.filter((p) => ids[p] !== first.blobIds[p]);
      const missing = Object.keys(ids).filter((p) => !(p in first.blobIds));
      ctx.log(
        `blob ids vs git ls-tree: ${ourPaths.length - mismatched.length} of ${ourPaths.length} equal` +
          (missing.length ? `, ${missing.length} only in git (e.g. ${missing.slice(0, 3).join(', ')})` : ', same file set'),
      );
      if (mismatched.length || missing.length) throw new Error(`snapshot differs from git: ${mismatched.slice(0, 5).join(', ')}`);
      metrics['checkpoint.first_ratio_vs_git'] = {
        value: firstMedian / gitMedian, unit: 'x', goal: '<= 1.5',
        ours: firstMedian / 1000, reference: gitMedian / 1000, ref_unit: 's',
      };
    }

    // ---- incremental and restore, ours ------------------------------------------------
    const inc = await ctx.evaluate(
      async ({ dir, runs }) => {
        const { HandleWorkspace } = await import('/src/workspace/handle-workspace.ts');
        const { createCheckpoint, restoreCheckpoints, deleteCheckpoints } = await import('/src/checkpoints/index.ts');
        const root = await window.bench.opfsDir(dir);
        const id = `bench-inc-${Date.now()}`;
        const ws = new HandleWorkspace({ id, source: 'opfs', root });
        const base = await createCheckpoint(ws, 'bench');
        const { files } = await ws.walk();
        const py = files.map((f) => f.path).filter((p) => p.endsWith('.py')).sort();
        const pick = (run) => Array.from({ length: 10 }, (_, k) => py[(run * 10 + k) * 7 % py.length]);
        const originals = new Map();
        const edit = async (paths, run) => {
          for (const p of paths) {
            const bytes = await ws.readBytes(p);
            if (!originals.has(p)) originals.set(p, bytes);
            const extra = new TextEncoder().encode(`\n# edited by the checkpoint bench, run ${run}\n`);
            const next = new Uint8Array(bytes.length + extra.length);
            next.set(bytes);
            next.set(extra, bytes.length);
            await ws.writeBytes(p, next);
          }
        };
        const incremental = [];
        const incProfiles = [];
        const hashed = [];
        for (let run = 0; run < runs; run++) {
          await edit(pick(run), run);
          const profile = {};
          const t0 = performance.now();
          const snap = await createCheckpoint(ws, 'bench', { profile });
          incremental.push(performance.now() - t0);
          incProfiles.push(profile);
          hashed.push(`${snap.hashed}${profile.journal ? '' : ' (full walk)'}`);
        }
        // The same without the change journal (every file statted), for comparison.
        const fullWalk = [];
        for (let run = 0; run < 3; run++) {
          await edit(pick(50 + run), 50 + run);
          const t0 = performance.now();
          await createCheckpoint(ws, 'bench', { scan: 'full' });
          fullWalk.push(performance.now() - t0);
        }
        // restore10: put 10 edited files back to `before` (taken right before editing them).
        const restore = [];
        const restoreCounts = [];
        for (let run = 0; run < runs; run++) {
          const before = await createCheckpoint(ws, 'bench');
          await edit(pick(100 + run), 100 + run);
          const t0 = performance.now();
          const report = await restoreCheckpoints(ws, [before.checkpoint]);
          restore.push(performance.now() - t0);
          restoreCounts.push(`${report.restored.length}${report.verified ? '' : ' UNVERIFIED'}`);
          if (!report.complete || !report.verified) throw new Error(`restore incomplete: ${JSON.stringify(report.error_log)}`);
        }
        // Leave the copy as it was (and prove the base checkpoint restores all edited files).
        const back = await restoreCheckpoints(ws, [base.checkpoint]);
        await deleteCheckpoints(id);
        return {
          incremental, incProfiles, hashed, restore, restoreCounts, fullWalk,
          backRestored: back.restored.length, backVerified: back.verified, edited: originals.size,
        };
      },
      { dir: DIR, runs: RUNS },
    );
    const med = ctx.median(inc.incremental);
    ctx.log(
      `incremental after 10 edits: median ${med.toFixed(1)} ms (runs: ${inc.incremental.map((s) => s.toFixed(1)).join(', ')}; ` +
        `files hashed per run: ${inc.hashed.join(', ')})`,
    );
    const incPhases = Object.keys(inc.incProfiles[0] ?? {}).filter((p) => p !== 'journal');
    ctx.log(
      `  where the time goes (median ms): ` +
        incPhases.map((p) => `${p} ${ctx.median(inc.incProfiles.map((x) => x[p])).toFixed(1)}`).join(', '),
    );
    ctx.log(
      `  the same with scan: 'full' (no change journal, every file statted): median ${ctx.median(inc.fullWalk).toFixed(1)} ms ` +
        `(runs: ${inc.fullWalk.map((s) => s.toFixed(1)).join(', ')})`,
    );
    const rmed = ctx.median(inc.restore);
    ctx.log(`restore of 10 files: median ${rmed.toFixed(1)} ms (runs: ${inc.restore.map((s) => s.toFixed(1)).join(', ')}; restored: ${inc.restoreCounts.join(', ')})`);
    ctx.log(`back to the base checkpoint: ${inc.backRestored} files restored (of ${inc.edited} edited), verified=${inc.backVerified}`);
    metrics['checkpoint.incremental10_ms'] = { value: med, unit: 'ms', goal: '< 100' };
    metrics['checkpoint.restore10_ms'] = { value: rmed, unit: 'ms', goal: 'report' };
    if (PROFILE) ctx.log(`profiles (first): ${JSON.stringify(ourRuns.map((r) => r.profile))}`);
    return metrics;
  },
};
