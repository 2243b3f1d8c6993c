/**
 * search.*: the agent's regex search (the search_pattern tool,
 * src/engine/tools/search-pattern.ts) over both corpora in OPFS, against
 * ripgrep over the same files on disk.
 *
 * - search.pattern_ratio_vs_rg: for each corpus and each of three patterns (a
 *   literal identifier, an alternation of two words, a case-insensitive word;
 *   each matches well under the tool's 500-line cap, so both sides read every
 *   file), ours = searchPattern.run() with max_results 500 on a HandleWorkspace
 *   over the OPFS copy, with the app's file list (src/engine/file-list.ts) in
 *   the tool context, timed in the page with performance.now(). Warm, as in a
 *   chat: the first search of the corpus (which walks the folder and reads
 *   every file) is logged but not counted; then 5 runs per pattern, median.
 *   What stays warm is what the app keeps: the file list and the texts the
 *   tool has read (dropped when the workspace reports a change). Reference:
 *   `rg -n [-i] <pattern> .` with cwd = the on-disk corpus (spawnSync wall
 *   time, process start included; rg uses every core), 1 warm-up + 5 runs,
 *   median. Both must report the same number of matching lines (ours counted
 *   from its answer, rg's from its output; files with more than the tool's 20
 *   lines per file are compared up to that). The metric is the sum of our
 *   medians over the sum of rg's medians, all patterns of both corpora.
 */
import { spawnSync } from 'node:child_process';

const RUNS = 5;
const RG_RUNS = 5;
const PER_FILE = 20; // src/engine/tools/search-pattern.ts PER_FILE

/** Per corpus: [pattern, ignoreCase]. */
const PATTERNS = {
  'python-stdlib': [
    ['getaddrinfo', false],
    ['\\b(TimeoutError|BrokenPipeError)\\b', false],
    ['\\bdeprecationwarning\\b', true],
  ],
  'ts-node-modules': [
    ['structuredClone', false],
    ['\\b(WeakRef|FinalizationRegistry)\\b', false],
    ['\\bsharedarraybuffer\\b', true],
  ],
};

function runRg(dir, pattern, ignoreCase) {
  const args = ['--no-config', '-n', ...(ignoreCase ? ['-i'] : []), '--', pattern, '.'];
  const t0 = performance.now();
  const r = spawnSync('rg', args, { cwd: dir, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const ms = performance.now() - t0;
  // Exit status 1: no match.
  if (r.error || (r.status !== 0 && r.status !== 1)) throw new Error(`rg ${args.join(' ')}: ${r.error ?? r.stderr}`);
  return { ms, stdout: r.stdout };
}

/** Matching lines per file, capped as the tool caps them. */
function rgLineCount(stdout) {
  const perFile = new Map();
  for (const line of stdout.split('\n')) {
    const m = /^(?:\.\/)?(.+?):\d+:/.exec(line);
    if (m) perFile.set(m[1], (perFile.get(m[1]) ?? 0) + 1);
  }
  let n = 0;
  for (const count of perFile.values()) n += Math.min(count, PER_FILE);
  return n;
}

async function searchInPage({ dirName, patterns, runs }) {
  const { searchPattern } = await import('/src/engine/tools/search-pattern.ts');
  const { createFileList } = await import('/src/engine/file-list.ts');
  const { HandleWorkspace } = await import('/src/workspace/handle-workspace.ts');
  const root = await window.bench.opfsDir(dirName);
  const workspace = new HandleWorkspace({ id: `bench-search-${Date.now()}`, source: 'opfs', root });
  const files = createFileList(workspace);
  const ctx = {
    workspace,
    chatId: 'bench',
    checkpoints: null,
    knowledge: null,
    index: null,
    files,
    multimodal: false,
    signal: new AbortController().signal,
  };
  const search = async (pattern, ignoreCase) => {
    const t0 = performance.now();
    const out = await searchPattern.run({ pattern, ignore_case: ignoreCase, max_results: 500 }, ctx);
    const ms = performance.now() - t0;
    const text = String(out.content);
    // Lines of the answer's "Lines matching" section: `path:line: text` (and the per-file "more matches" notes).
    const section = text.split('\n\n').find((p) => p.startsWith('Lines matching')) ?? '';
    const lines = section.split('\n').slice(1).filter((l) => /^.+?:\d+: /.test(l)).length;
    return { ms, lines, capped: text.includes('Stopped at 500 results') };
  };
  try {
    const first = await search(patterns[0][0], patterns[0][1]);
    const results = [];
    for (const [pattern, ignoreCase] of patterns) {
      const samples = [];
      let last = null;
      for (let i = 0; i < runs; i++) {
        last = await search(pattern, ignoreCase);
        samples.push(last.ms);
      }
      results.push({ pattern, ignoreCase, samples, lines: last.lines, capped: last.capped });
    }
    return { firstMs: first.ms, results };
  } finally {
    files.dispose();
  }
}

export default {
  name: 'search',
  metrics: ['search.pattern_ratio_vs_rg'],
  preload: ['/src/engine/tools/search-pattern.ts', '/src/engine/file-list.ts', '/src/workspace/handle-workspace.ts'],

  async run(ctx) {
    const version = ctx.which('rg');
    if (!version) {
      ctx.log('ripgrep is not installed (apt-get install ripgrep): ratio skipped');
    } else ctx.log(version);
    const totals = { ours: 0, rg: 0 };
    for (const corpus of [ctx.corpus, ctx.tsCorpus]) {
      const opfs = await ctx.opfsCorpus(corpus.name);
      const patterns = PATTERNS[corpus.name];
      const ours = await ctx.evaluate(searchInPage, { dirName: opfs.dirName, patterns, runs: RUNS });
      ctx.log(`[${corpus.name}] first search (walk + read every file): ${ours.firstMs.toFixed(0)} ms`);
      for (const r of ours.results) {
        const oursMs = ctx.median(r.samples);
        const label = `/${r.pattern}/${r.ignoreCase ? 'i' : ''}`;
        if (r.capped) throw new Error(`[${corpus.name}] ${label} hit the tool's 500-result cap: pick a rarer pattern`);
        totals.ours += oursMs;
        let line = `[${corpus.name}] ${label}: ${r.lines} lines; ours median ${oursMs.toFixed(1)} ms (runs: ${r.samples.map((s) => s.toFixed(1)).join(', ')})`;
        if (version) {
          const ref = await ctx.time(() => runRg(corpus.dir, r.pattern, r.ignoreCase).ms, RG_RUNS, { warmup: 1 });
          const rgLines = rgLineCount(runRg(corpus.dir, r.pattern, r.ignoreCase).stdout);
          if (rgLines !== r.lines) throw new Error(`[${corpus.name}] ${label}: we found ${r.lines} lines, rg ${rgLines}`);
          totals.rg += ref.median;
          line += `; rg median ${ref.median.toFixed(1)} ms; ratio ${(oursMs / ref.median).toFixed(2)}x`;
        }
        ctx.log(line);
      }
    }
    return {
      'search.pattern_ratio_vs_rg': version
        ? { value: totals.ours / totals.rg, unit: 'x', goal: '<= 3', ours: totals.ours / 1000, reference: totals.rg / 1000, ref_unit: 's' }
        : { value: null, unit: 'x', goal: '<= 3', ours: totals.ours / 1000, ref_unit: 's', note: 'ripgrep not installed' },
    };
  },
};
