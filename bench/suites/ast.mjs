/**
 * ast.*: the tree-sitter code index (src/code-index) over two corpora in OPFS
 * (Debian's Python stdlib, and the TypeScript/JavaScript sources of a fixed
 * list of packages in node_modules: bench/lib/corpus.mjs), against
 * universal-ctags over the same files on disk.
 *
 * - ast.index_ratio_vs_ctags: what ctags produces, a definitions index, on
 *   our side. For each corpus, ours = createCodeIndex() on a fresh
 *   HandleWorkspace over its OPFS copy, from the call until whenDefinitions()
 *   resolves, i.e. until every indexable file's definitions (qualified path,
 *   kind, lines, signature) can be queried: starting the worker pool
 *   (hardwareConcurrency - 1 module workers, 1 on a two-core machine),
 *   walking, reading every indexable file and running its language's quick
 *   tagger (src/code-index/quick-tags: hand-written lexers, like ctags' own
 *   parsers) in the workers, building the in-memory tables. Files of
 *   languages without a quick tagger would only get their definitions from
 *   the parse (one C file of the Python corpus). Each run uses a new
 *   workspace id, so nothing comes from the cache. 1 warm-up + 3 runs,
 *   median, timed in the page with performance.now(). Reference: `ctags -R -f
 *   <tmp> .` with cwd = the on-disk corpus (spawnSync wall time, process
 *   start included), 1 warm-up + 5 runs, median. The metric is (sum of our
 *   medians) / (sum of ctags medians) over both corpora; the log gives each
 *   corpus's own figures and ratio.
 * - ast.full_index_ratio_vs_ctags (report): the same runs until whenIdle():
 *   after the definitions, web-tree-sitter and the grammars load, every file
 *   is parsed, definitions get tree-sitter's precise ranges and usages are
 *   extracted (references() needs no further parsing), and the IndexedDB
 *   cache is committed (one record per file). ctags has no usages at all.
 * - ast.quick_tags_recall / ast.quick_tags_precision (report): over every
 *   file of both corpora, the share of tree-sitter's definitions the quick
 *   tags had (same qualified path, kind, name line and column), and the share
 *   of quick tags tree-sitter confirms.
 * - ast.incremental_ms (Python corpus): with that index alive and watching,
 *   append a function to one file through the workspace (as the agent writes)
 *   and time from the workspace's change notification until whenIdle(): read,
 *   hash, parse in a worker, update the tables, IndexedDB write committed. The
 *   new function must then be found by definitions(). 1 warm-up + 5 edits,
 *   median, 150 ms apart so FileSystemObserver's duplicate report of each edit
 *   (a no-op pass: the hash is unchanged) does not land inside the next timing.
 *   The file's original bytes are written back afterwards (other suites read
 *   the corpus).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const INDEX_RUNS = 3;
const CTAGS_RUNS = 5;
const EDITS = 5;
const DB_NAME = 'bench-ast-index';
/** A mid-sized module of the stdlib (about the median .py size there); any .py works if it is missing. */
const EDIT_FILE = 'json/decoder.py';
const PROFILE = !!process.env.BENCH_PROFILE;
/** What src/code-index/languages.ts parses. */
const INDEXABLE = /\.(py|pyi|c|h|cc|cpp|cxx|hh|hpp|hxx|js|mjs|cjs|jsx|ts|mts|cts|tsx|rs|go|java|cs|rb|php|swift|dart|sol)$/i;

function pct(part, whole) {
  return whole ? `${((100 * part) / whole).toFixed(1)}%` : 'n/a';
}

function runCtags(dir, out) {
  const t0 = performance.now();
  const r = spawnSync('ctags', ['-R', '-f', out, '.'], { cwd: dir, encoding: 'utf8' });
  const ms = performance.now() - t0;
  if (r.error || r.status !== 0) throw new Error(`ctags -R: ${r.error ?? r.stderr}`);
  return ms;
}

/** ctags over `dir`: { median, samples, tags }. */
async function timeCtags(ctx, dir) {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bench-ctags-')), 'tags');
  try {
    const ref = await ctx.time(() => runCtags(dir, out), CTAGS_RUNS, { warmup: 1 });
    const tags = fs.readFileSync(out, 'utf8').split('\n').filter((l) => l && !l.startsWith('!_')).length;
    return { ...ref, tags };
  } finally {
    fs.rmSync(path.dirname(out), { recursive: true, force: true });
  }
}

/** In the page: full indexes of one OPFS corpus (warm-up + runs), plus a breakdown when profiling. */
async function fullIndexInPage({ dirName, runs, dbName, profile }) {
  const { createCodeIndex, createAstPool } = await import('/src/code-index/index.ts');
  const { HandleWorkspace } = await import('/src/workspace/handle-workspace.ts');
  const { closeAppDb } = await import('/src/storage/db.ts');
  const B = window.bench;
  const root = await B.opfsDir(dirName);
  const dropDb = async () => {
    await closeAppDb(dbName);
    await new Promise((resolve) => {
      const req = indexedDB.deleteDatabase(dbName);
      req.onsuccess = req.onerror = req.onblocked = () => resolve(null);
    });
  };
  await dropDb();
  let n = 0;
  const fresh = (workers) => {
    const ws = new HandleWorkspace({ id: `bench-ast-${Date.now()}-${n++}`, source: 'opfs', root });
    return createCodeIndex(ws, { dbName, watch: false, workers, maxFiles: 100_000 });
  };
  const samples = [];
  const defSamples = [];
  let status = null;
  let atDefinitions = null;
  // Main-thread tasks over 50 ms while indexing (what would make the UI stutter).
  const longTasks = [];
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) longTasks.push(e.duration);
  });
  observer.observe({ type: 'longtask' });
  for (let i = 0; i < runs + 1; i++) {
    const t0 = performance.now();
    const index = fresh();
    atDefinitions = await index.whenDefinitions();
    const defMs = performance.now() - t0;
    status = await index.whenIdle();
    const ms = performance.now() - t0;
    index.dispose();
    // The first run warms up V8, the HTTP cache and OPFS.
    if (i > 0) {
      samples.push(ms);
      defSamples.push(defMs);
    }
  }
  await new Promise((r) => setTimeout(r, 50));
  observer.disconnect();
  const extra = {};
  if (profile) {
    for (const workers of [1, 2, 3]) {
      const t0 = performance.now();
      const index = fresh(workers);
      await index.whenIdle();
      extra[`full index, workers=${workers}`] = performance.now() - t0;
      index.dispose();
    }
    {
      const t0 = performance.now();
      const index = createCodeIndex(new HandleWorkspace({ id: 'p', source: 'opfs', root }), { persist: false, watch: false });
      await index.whenIdle();
      extra['full index, no IndexedDB'] = performance.now() - t0;
      index.dispose();
    }
    const ws = new HandleWorkspace({ id: 'p', source: 'opfs', root });
    let t0 = performance.now();
    const { files } = await ws.walk();
    const sources = files.filter((f) => /\.(py|c|ts|js|mjs|cjs|mts|cts|tsx|jsx)$/.test(f.path));
    const texts = await B.pool(sources, 16, async (f) => ({ path: f.path, text: (await ws.readText(f.path)).text }));
    extra['walk + readText of the source files, 16 in flight'] = performance.now() - t0;
    const languages = [...new Set(sources.map((f) => (f.path.endsWith('.py') ? 'python' : f.path.endsWith('.c') ? 'c' : /\.[mc]?ts$/.test(f.path) ? 'typescript' : 'javascript')))];
    for (const workers of [1, 2]) {
      const pool = createAstPool({ size: workers });
      t0 = performance.now();
      pool.prepare(languages);
      await pool.parse([{ path: 'warm.py', text: 'x = 1' }]);
      extra[`pool start + grammar load, workers=${workers}`] = performance.now() - t0;
      const batches = [];
      for (let i = 0; i < texts.length; i += 24) batches.push(texts.slice(i, i + 24));
      t0 = performance.now();
      let ms = 0;
      await B.pool(batches, workers * 2, async (b) => {
        for (const r of await pool.parse(b)) if (r.ok) ms += r.file.ms;
      });
      extra[`parse + extract all texts, workers=${workers} (in-worker sum ${ms.toFixed(0)} ms)`] = performance.now() - t0;
      pool.dispose();
    }
  }
  /**
   * How far the quick tags agree with tree-sitter's definitions that replace
   * them, over every file of the corpus: a definition is the same when its
   * qualified path, kind and name position are. (Defined in here: the page
   * gets only this function's source.)
   */
  async function quickTagAgreement(root, fresh) {
    const { quickTags } = await import('/src/code-index/quick-tags/index.ts');
    const { indexedLanguageForPath } = await import('/src/code-index/languages.ts');
    const { HandleWorkspace } = await import('/src/workspace/handle-workspace.ts');
    const index = fresh();
    await index.whenIdle();
    const ws = new HandleWorkspace({ id: 'agreement', source: 'opfs', root });
    const { files } = await ws.walk();
    const key = (d) => `${d.path} ${d.kind} ${d.nameLine}:${d.nameColumn}`;
    const totals = { tagged: 0, parsed: 0, same: 0, sameLines: 0, sameSignature: 0, files: 0 };
    for (const f of files) {
      const language = indexedLanguageForPath(f.path);
      if (language === null) continue;
      const read = await ws.readText(f.path, { limitBytes: 1024 * 1024 });
      if (read.kind !== 'text') continue;
      const quick = quickTags(f.path, language, read.text);
      if (quick === null) continue;
      totals.files++;
      const parsed = new Map((await index.fileSymbols(f.path)).map((d) => [key(d), d]));
      totals.tagged += quick.length;
      totals.parsed += parsed.size;
      for (const d of quick) {
        const twin = parsed.get(key(d));
        if (!twin) continue;
        totals.same++;
        if (twin.line1 === d.line1 && twin.line2 === d.line2) totals.sameLines++;
        if (twin.signature === d.signature) totals.sameSignature++;
      }
    }
    index.dispose();
    return totals;
  }
  const agreement = await quickTagAgreement(root, fresh);
  await dropDb();
  return { samples, defSamples, status, atDefinitions, extra, longTasks, agreement };
}


/** In the page: one-edit re-index timings over the OPFS corpus. */
async function incrementalInPage({ dirName, edits, dbName, editFile }) {
  const { createCodeIndex } = await import('/src/code-index/index.ts');
  const { HandleWorkspace } = await import('/src/workspace/handle-workspace.ts');
  const { closeAppDb } = await import('/src/storage/db.ts');
  const root = await window.bench.opfsDir(dirName);
  const ws = new HandleWorkspace({ id: `bench-ast-inc-${Date.now()}`, source: 'opfs', root });
  const index = createCodeIndex(ws, { dbName, watch: true, maxFiles: 100_000 });
  let notified = null;
  // Called in the same emit as the index's own listener, right after it.
  const stopListening = ws.watch((changes) => {
    if (notified === null && changes.some((c) => c.path === editFile)) notified = performance.now();
  });
  await index.whenIdle();
  const original = await ws.readBytes(editFile);
  const text = new TextDecoder().decode(original);
  const editSamples = [];
  const found = [];
  try {
    for (let i = 0; i < edits + 1; i++) {
      const name = `bench_edit_${i}`;
      notified = null;
      const writeStarted = performance.now();
      await ws.writeText(editFile, `${text}\n\ndef ${name}():\n    return ${i}\n`);
      const t0 = notified ?? writeStarted;
      await index.whenIdle();
      const ms = performance.now() - t0;
      found.push((await index.definitions(name, { fuzzy: false })).map((m) => `${m.symbol.file}:${m.symbol.line1}`).join(','));
      if (i > 0) editSamples.push(ms);
      await new Promise((r) => setTimeout(r, 150));
      await index.whenIdle();
    }
  } finally {
    stopListening();
    await ws.writeBytes(editFile, original);
    await index.whenIdle();
    index.dispose();
    await closeAppDb(dbName);
    await new Promise((resolve) => {
      const req = indexedDB.deleteDatabase(dbName);
      req.onsuccess = req.onerror = req.onblocked = () => resolve(null);
    });
  }
  return { editSamples, found };
}

export default {
  name: 'ast',
  metrics: ['ast.index_ratio_vs_ctags', 'ast.full_index_ratio_vs_ctags', 'ast.quick_tags_recall', 'ast.quick_tags_precision', 'ast.incremental_ms'],
  preload: ['/src/code-index/index.ts', '/src/workspace/handle-workspace.ts', '/src/storage/db.ts'],
  optimizeDeps: ['web-tree-sitter'],

  async run(ctx) {
    const metrics = {};
    const version = ctx.which('ctags');
    const haveCtags = !!version && /universal/i.test(version);
    if (!haveCtags) ctx.log(`universal-ctags is not installed (apt-get install universal-ctags; found: ${version ?? 'none'}): ratio skipped`);
    else ctx.log(version);

    const fullWanted = ['ast.index_ratio_vs_ctags', 'ast.full_index_ratio_vs_ctags', 'ast.quick_tags_recall', 'ast.quick_tags_precision'];
    if (fullWanted.some((id) => ctx.wants(id))) {
      const totals = { ours: 0, full: 0, ctags: 0 };
      const agreement = { tagged: 0, parsed: 0, same: 0, sameLines: 0, sameSignature: 0, files: 0 };
      for (const corpus of [ctx.corpus, ctx.tsCorpus]) {
        const opfs = await ctx.opfsCorpus(corpus.name);
        const indexable = corpus.files.filter((f) => INDEXABLE.test(f.path));
        const ours = await ctx.evaluate(fullIndexInPage, { dirName: opfs.dirName, runs: INDEX_RUNS, dbName: DB_NAME, profile: PROFILE });
        const st = ours.status;
        ctx.log(
          `[${corpus.name}] our index: ${st.files} files (${st.unsupported} other files not indexed, ${st.skippedCount} skipped, ${st.errors.length} errors), ` +
            `${st.definitions} definitions, ${st.usages} usages, ${st.workers} worker(s)`,
        );
        if (st.skipped.length) ctx.log(`skipped: ${st.skipped.slice(0, 5).map((s) => `${s.path} (${s.reason})`).join('; ')}`);
        if (st.errors.length) ctx.log(`errors: ${JSON.stringify(st.errors.slice(0, 5))}`);
        if (st.files + st.skippedCount !== indexable.length)
          throw new Error(`[${corpus.name}] indexed ${st.files} files and skipped ${st.skippedCount}, the corpus has ${indexable.length} source files`);
        const defs = ours.atDefinitions;
        const a = ours.agreement;
        // a.files: the corpus's files whose language has a quick tagger (counted in the page by quickTags()).
        if (defs.quick !== a.files)
          throw new Error(`[${corpus.name}] when definitions were ready, ${defs.quick} files were quick-tagged; the corpus has ${a.files} files of quick-tagged languages`);
        if (a.files < st.files) ctx.log(`[${corpus.name}] ${st.files - a.files} file(s) of languages without a quick tagger get their definitions with the parse`);
        const oursMs = ctx.median(ours.defSamples);
        const fullMs = ctx.median(ours.samples);
        const lt = ours.longTasks;
        for (const k of Object.keys(agreement)) agreement[k] += a[k];
        ctx.log(
          `[${corpus.name}] definitions ready: median ${oursMs.toFixed(0)} ms (runs: ${ours.defSamples.map((s) => s.toFixed(0)).join(', ')}), ` +
            `${defs.definitions} definitions; quick tags vs tree-sitter over ${a.files} files: ${a.same} of ${a.parsed} found (${pct(a.same, a.parsed)}), ` +
            `${a.tagged - a.same} of ${a.tagged} not confirmed; of the found, same lines ${pct(a.sameLines, a.same)}, same signature ${pct(a.sameSignature, a.same)}`,
        );
        ctx.log(
          `[${corpus.name}] full index: median ${fullMs.toFixed(0)} ms (runs: ${ours.samples.map((s) => s.toFixed(0)).join(', ')}); ` +
            `main thread: ${lt.length} task(s) over 50 ms` +
            (lt.length ? ` (longest ${Math.max(...lt).toFixed(0)} ms, total ${lt.reduce((a, b) => a + b, 0).toFixed(0)} ms)` : ''),
        );
        for (const [what, ms] of Object.entries(ours.extra)) ctx.log(`  profile: ${what}: ${ms.toFixed(0)} ms`);
        totals.ours += oursMs;
        totals.full += fullMs;
        if (haveCtags) {
          const ref = await timeCtags(ctx, corpus.dir);
          ctx.log(
            `[${corpus.name}] ctags -R: ${ref.tags} tags; median ${ref.median.toFixed(0)} ms (runs: ${ref.samples.map((s) => s.toFixed(0)).join(', ')}); ` +
              `ratio ${(oursMs / ref.median).toFixed(2)}x (full index ${(fullMs / ref.median).toFixed(2)}x)`,
          );
          totals.ctags += ref.median;
        }
      }
      const ratio = (ours, goal) =>
        haveCtags
          ? { value: ours / totals.ctags, unit: 'x', goal, ours: ours / 1000, reference: totals.ctags / 1000, ref_unit: 's' }
          : { value: null, unit: 'x', goal, ours: ours / 1000, ref_unit: 's', note: 'universal-ctags not installed' };
      metrics['ast.index_ratio_vs_ctags'] = ratio(totals.ours, '<= 3');
      metrics['ast.full_index_ratio_vs_ctags'] = ratio(totals.full, 'report');
      metrics['ast.quick_tags_recall'] = { value: agreement.same / agreement.parsed, unit: 'share', goal: 'report' };
      metrics['ast.quick_tags_precision'] = { value: agreement.same / agreement.tagged, unit: 'share', goal: 'report' };
    }

    if (ctx.wants('ast.incremental_ms')) {
      const corpus = ctx.corpus;
      const opfs = await ctx.opfsCorpus();
      const pyFiles = corpus.files.filter((f) => f.path.endsWith('.py'));
      const editFile = pyFiles.some((f) => f.path === EDIT_FILE) ? EDIT_FILE : [...pyFiles].sort((a, b) => a.size - b.size)[pyFiles.length >> 1]?.path;
      const inc = await ctx.evaluate(incrementalInPage, { dirName: opfs.dirName, edits: EDITS, dbName: DB_NAME, editFile });
      const missing = inc.found.map((_, i) => i).filter((i) => !inc.found[i]?.startsWith(editFile));
      if (missing.length) throw new Error(`after editing ${editFile}, definitions() did not find bench_edit_${missing.join(', bench_edit_')}`);
      const incMs = ctx.median(inc.editSamples);
      ctx.log(`incremental (${editFile}): median ${incMs.toFixed(1)} ms (runs: ${inc.editSamples.map((s) => s.toFixed(1)).join(', ')})`);
      metrics['ast.incremental_ms'] = { value: incMs, unit: 'ms', goal: '< 50' };
    }
    return metrics;
  },
};
