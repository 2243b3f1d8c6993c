/**
 * walk.*: HandleWorkspace.walk() over the corpus copied into OPFS, against
 * `rg --files` over the same files on disk.
 *
 * Ours: in the page, `new HandleWorkspace({ id: 'bench', source: 'opfs', root }).walk()`,
 * a fresh workspace per run (so no cached .gitignore rules), 1 untimed warm-up
 * then 5 timed runs, median; timed with performance.now() inside the page (no
 * Playwright round trip). Then "walk + read": a fresh workspace walks and
 * readBytes() every file, 32 reads in flight (the workspace's own limiter
 * width), giving MB/s.
 *
 * Reference: `rg --files` (ripgrep, Debian package) with cwd = the on-disk
 * corpus copy, spawnSync wall time (process start included), 1 warm-up + 5 runs,
 * median. Default flags first: like our walk, ripgrep then applies ignore files
 * (.gitignore/.ignore/.rgignore, looked up in every directory). Default rg also
 * hides dot-files, which our walk lists; the corpus has none, so both list the
 * same set. The set of paths is compared with ours; if it ever differs (a dot
 * file appears, or an ignore file from a parent directory of bench/.corpus
 * applies), `rg --files --no-ignore --hidden` is tried instead, since our only
 * exclusions then are the default-excluded dirs, which the corpus copy lacks.
 */
import { spawnSync } from 'node:child_process';

const RUNS = 5;
/** BENCH_PROFILE=1 adds a breakdown of where the walk and the reads spend their time (not metrics). */
const PROFILE = !!process.env.BENCH_PROFILE;
const READ_CONCURRENCY = 32;

function runRg(dir, flags) {
  const t0 = performance.now();
  const r = spawnSync('rg', ['--files', ...flags], { cwd: dir, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const ms = performance.now() - t0;
  // rg exits 1 when it finds no files; anything else is an error.
  if (r.error || (r.status !== 0 && r.status !== 1)) throw new Error(`rg --files ${flags.join(' ')}: ${r.error ?? r.stderr}`);
  return { ms, paths: r.stdout.split('\n').filter(Boolean).map((p) => p.replace(/^\.\//, '')) };
}

function diff(a, b) {
  const sb = new Set(b);
  const sa = new Set(a);
  return { onlyA: a.filter((p) => !sb.has(p)), onlyB: b.filter((p) => !sa.has(p)) };
}

export default {
  name: 'walk',
  metrics: ['walk.ratio_vs_rg', 'walk.files_per_s', 'walk.read_mb_per_s'],
  preload: ['/src/workspace/handle-workspace.ts', '/src/workspace/ignore-rules.ts'],
  optimizeDeps: ['ignore'],

  async run(ctx) {
    const corpus = ctx.corpus;
    const opfs = await ctx.opfsCorpus();

    // ---- ours, in the page ----------------------------------------------------
    const ours = await ctx.evaluate(
      async ({ dirName, runs, readConcurrency, wantRead }) => {
        const { HandleWorkspace } = await import('/src/workspace/handle-workspace.ts');
        const { DEFAULT_EXCLUDED_DIRS } = await import('/src/workspace/ignore-rules.ts');
        const root = await window.bench.opfsDir(dirName);
        const fresh = () => new HandleWorkspace({ id: 'bench', source: 'opfs', root });
        let result;
        const walk = await window.bench.time(
          async () => {
            result = await fresh().walk();
          },
          runs,
          { warmup: 1 },
        );
        let read = null;
        if (wantRead) {
          let bytes = 0;
          let files = 0;
          read = await window.bench.time(async () => {
            ({ bytes, files } = await window.bench.readAll(fresh(), readConcurrency));
          }, runs);
          read = { ...read, bytes, files };
        }
        return {
          walk,
          read,
          paths: result.files.map((f) => f.path),
          errors: result.errors,
          truncated: result.truncated,
          defaultExcluded: [...DEFAULT_EXCLUDED_DIRS],
        };
      },
      { dirName: opfs.dirName, runs: RUNS, readConcurrency: READ_CONCURRENCY, wantRead: ctx.wants('walk.read_mb_per_s') },
    );

    // Expected: the corpus minus what the default excludes and .gitignore files remove.
    const excluded = new Set(ours.defaultExcluded);
    const expected = corpus.files.filter((f) => !f.path.split('/').slice(0, -1).some((s) => excluded.has(s))).map((f) => f.path);
    const gitignores = corpus.files.filter((f) => f.path.split('/').at(-1) === '.gitignore').length;
    const walked = ours.paths.length;
    ctx.log(
      `our walk: ${walked} files; corpus ${corpus.files.length} files, ${corpus.files.length - expected.length} under default-excluded dirs ` +
        `(${ours.defaultExcluded.join(', ')}), ${gitignores} .gitignore files -> expected ${expected.length}` +
        (gitignores ? ' before .gitignore rules' : ''),
    );
    if (ours.errors.length) ctx.log(`walk errors: ${JSON.stringify(ours.errors.slice(0, 5))}`);
    if (ours.truncated) throw new Error('walk reported truncated without maxFiles');
    const d = diff(ours.paths, expected);
    if (gitignores === 0 && (d.onlyA.length || d.onlyB.length)) {
      throw new Error(
        `walk listed the wrong files: ${d.onlyB.length} missing (e.g. ${d.onlyB.slice(0, 3).join(', ')}), ` +
          `${d.onlyA.length} unexpected (e.g. ${d.onlyA.slice(0, 3).join(', ')})`,
      );
    }
    const walkS = ours.walk.median / 1000;
    ctx.log(`our walk: median ${ours.walk.median.toFixed(1)} ms (runs: ${ours.walk.samples.map((s) => s.toFixed(1)).join(', ')})`);

    const metrics = {
      'walk.files_per_s': { value: walked / walkS, unit: 'files/s', goal: 'report' },
    };

    // ---- reference: rg --files ----------------------------------------------------
    const rgVersion = ctx.which('rg');
    if (!rgVersion) {
      ctx.log('ripgrep (rg) is not installed (apt-get install ripgrep): walk.ratio_vs_rg skipped');
      metrics['walk.ratio_vs_rg'] = { value: null, unit: 'x', goal: '<= 10', ours: walkS, ref_unit: 's', note: 'rg not installed' };
    } else {
      let flags = [];
      let check = runRg(corpus.dir, flags);
      let dr = diff(ours.paths, check.paths);
      if (dr.onlyA.length || dr.onlyB.length) {
        ctx.log(`rg --files lists a different set (${dr.onlyA.length} only ours, ${dr.onlyB.length} only rg); trying --no-ignore --hidden`);
        flags = ['--no-ignore', '--hidden'];
        check = runRg(corpus.dir, flags);
        dr = diff(ours.paths, check.paths);
      }
      const same = !dr.onlyA.length && !dr.onlyB.length;
      if (!same) ctx.log(`WARNING: rg lists ${check.paths.length} files, ours ${walked}: e.g. only ours ${dr.onlyA.slice(0, 3)}, only rg ${dr.onlyB.slice(0, 3)}`);
      const rg = await ctx.time(() => runRg(corpus.dir, flags), RUNS, { warmup: 1 });
      const rgS = rg.median / 1000;
      ctx.log(
        `${rgVersion.split('\n')[0]}: rg --files ${flags.join(' ')} lists ${check.paths.length} files (${same ? 'same set as ours' : 'DIFFERENT set'}); ` +
          `median ${rg.median.toFixed(1)} ms (runs: ${rg.samples.map((s) => s.toFixed(1)).join(', ')})`,
      );
      metrics['walk.ratio_vs_rg'] = { value: walkS / rgS, unit: 'x', goal: '<= 10', ours: walkS, reference: rgS, ref_unit: 's' };
    }

    if (ours.read) {
      const s = ours.read.median / 1000;
      ctx.log(
        `walk + readBytes of ${ours.read.files} files (${(ours.read.bytes / 1e6).toFixed(1)} MB, ${READ_CONCURRENCY} in flight): ` +
          `median ${ours.read.median.toFixed(0)} ms (runs: ${ours.read.samples.map((x) => x.toFixed(0)).join(', ')})`,
      );
      if (ours.read.bytes !== corpus.bytes && gitignores === 0 && expected.length === corpus.files.length)
        throw new Error(`read ${ours.read.bytes} bytes, corpus has ${corpus.bytes}`);
      metrics['walk.read_mb_per_s'] = { value: ours.read.bytes / 1e6 / s, unit: 'MB/s', goal: 'report' };
    }
    if (PROFILE) await profile(ctx, opfs.dirName);
    return metrics;
  },
};

/**
 * The walk and the reads taken apart: raw handle calls vs what HandleWorkspace
 * adds. Variants run round-robin (one run of each, 5 times) so that load from
 * other processes drifts over all of them alike.
 */
async function profile(ctx, dirName) {
  const rows = await ctx.evaluate(
    async ({ dirName, concurrency, rounds }) => {
      const { HandleWorkspace } = await import('/src/workspace/handle-workspace.ts');
      const B = window.bench;
      const root = await B.opfsDir(dirName);
      const rawWalk = async (dir, acc) => {
        const subs = [];
        for await (const [, h] of dir.entries()) {
          if (h.kind === 'directory') subs.push(rawWalk(h, acc));
          else acc.push(h);
        }
        await Promise.all(subs);
        return acc;
      };
      const handles = await rawWalk(root, []);
      const ws = new HandleWorkspace({ id: 'p', source: 'opfs', root });
      const { files } = await ws.walk();
      const resolve = async (path) => {
        const seg = path.split('/');
        let d = root;
        for (const s of seg.slice(0, -1)) d = await d.getDirectoryHandle(s);
        return d.getFileHandle(seg.at(-1));
      };
      const variants = [
        ['raw recursive entries(), no ignore rules, unbounded', () => rawWalk(root, [])],
        ['HandleWorkspace.walk()', () => new HandleWorkspace({ id: 'p', source: 'opfs', root }).walk()],
        ['HandleWorkspace.walk({ stat: true })  (+1 getFile per file)', () => new HandleWorkspace({ id: 'p', source: 'opfs', root }).walk({ stat: true })],
        [`getFile() on the walked handles, ${concurrency} in flight`, () => B.pool(handles, concurrency, (h) => h.getFile())],
        [`path -> file handle from the root (readBytes' first step), ${concurrency} in flight`, () => B.pool(files, concurrency, (f) => resolve(f.path))],
        [`getFile().arrayBuffer() on the walked handles, ${concurrency} in flight`, () => B.pool(handles, concurrency, async (h) => (await h.getFile()).arrayBuffer())],
        [`readBytes(path) for every file, ${concurrency} in flight`, () => B.pool(files, concurrency, (f) => ws.readBytes(f.path))],
        ['getFile().arrayBuffer() on the walked handles, one at a time', () => B.pool(handles, 1, async (h) => (await h.getFile()).arrayBuffer())],
        ['readBytes(path) for every file, one at a time', () => B.pool(files, 1, (f) => ws.readBytes(f.path))],
      ];
      const samples = variants.map(() => []);
      for (const [, fn] of variants) await fn(); // warm-up
      for (let r = 0; r < rounds; r++) {
        for (let i = 0; i < variants.length; i++) {
          const t0 = performance.now();
          await variants[i][1]();
          samples[i].push(performance.now() - t0);
        }
      }
      return variants.map(([what], i) => [what, B.median(samples[i])]);
    },
    { dirName, concurrency: READ_CONCURRENCY, rounds: 5 },
  );
  ctx.log('profile (median of 5 round-robin runs, ms):');
  for (const [what, ms] of rows) ctx.log(`  ${ms.toFixed(1).padStart(8)}  ${what}`);
}
