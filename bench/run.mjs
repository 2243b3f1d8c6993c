#!/usr/bin/env node
/**
 * `npm run bench`            every suite in bench/suites/*.mjs
 * `npm run bench -- walk`    only suites with a metric id starting with "walk"
 *                            (several prefixes allowed; only matching ids are recorded)
 * `npm run bench -- --list`  the suites and their metric ids
 *
 * Prints a table and writes bench/results.json in the format of BENCH.md. A
 * filtered run merges into the existing results.json instead of replacing it.
 * Exit code: 0 when every selected suite ran (goals missed or not: it reports),
 * 1 when a suite or the harness itself broke, 2 for a bad command line.
 *
 * A suite is one file, bench/suites/<name>.mjs:
 *
 *   export default {
 *     name: 'walk',
 *     metrics: ['walk.ratio_vs_rg', 'walk.files_per_s'],
 *     preload: ['/src/workspace/handle-workspace.ts'], // optional: modules the page imports
 *     optimizeDeps: ['ignore'],                          // optional: bare deps to pre-bundle
 *     async run(ctx) { return { 'walk.files_per_s': { value: 1234, unit: 'files/s', goal: 'report' } }; },
 *   };
 *
 * ctx (bench/lib/context.mjs): corpus (on-disk copy), opfsCorpus(), page(),
 * evaluate(fn, arg), median(), time(fn, runs), which(cmd), wants(id), log().
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { execFileSync } from 'node:child_process';
import { createContext } from './lib/context.mjs';
import { round, verdict } from './lib/stats.mjs';

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const root = path.dirname(benchDir);
const resultsPath = path.join(benchDir, 'results.json');

function gitCommit() {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
  } catch {
    return 'uncommitted'; // no commit yet (or no git)
  }
}

async function loadSuites() {
  const dir = path.join(benchDir, 'suites');
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.mjs')).sort();
  const suites = [];
  for (const f of files) {
    const mod = (await import(pathToFileURL(path.join(dir, f)).href)).default;
    if (!mod || typeof mod.run !== 'function' || !Array.isArray(mod.metrics) || !mod.name)
      throw new Error(`bench/suites/${f}: default export must be { name, metrics: [ids], run(ctx) }`);
    suites.push({ file: f, ...mod });
  }
  return suites;
}

function fmtNum(v) {
  if (v === null || v === undefined) return '–';
  if (typeof v !== 'number') return String(v);
  const a = Math.abs(v);
  if (a !== 0 && a < 0.001) return v.toExponential(2);
  if (a >= 1000) return Math.round(v).toLocaleString('en-US');
  return String(Number(v.toPrecision(3)));
}

function printTable(rows) {
  const head = ['id', 'ours', 'reference', 'value', 'goal', 'result'];
  const body = rows.map(({ id, m }) => [
    id,
    m.ours !== undefined ? `${fmtNum(m.ours)} ${m.ref_unit ?? ''}`.trim() : '',
    m.reference !== undefined && m.reference !== null ? `${fmtNum(m.reference)} ${m.ref_unit ?? ''}`.trim() : m.note && m.value === null ? 'skipped' : '',
    m.value === null || m.value === undefined ? '–' : `${fmtNum(m.value)} ${m.unit ?? ''}`.trim(),
    m.goal ?? 'report',
    verdict(m.value, m.goal).toUpperCase(),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
  const line = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(line(head));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of body) console.log(line(r));
}

/** Only the fields of BENCH.md's format (plus `note` when a metric was skipped), rounded. */
function cleanMetric(m) {
  const out = { value: m.value === null || m.value === undefined ? null : round(m.value), unit: m.unit, goal: m.goal ?? 'report' };
  if (m.ours !== undefined) out.ours = round(m.ours);
  if (m.reference !== undefined) out.reference = m.reference === null ? null : round(m.reference);
  if (m.ref_unit !== undefined) out.ref_unit = m.ref_unit;
  if (out.value === null && m.note) out.note = m.note;
  return out;
}

async function main() {
  const args = process.argv.slice(2);
  const suites = await loadSuites();
  const allIds = suites.flatMap((s) => s.metrics);
  if (args.includes('--list')) {
    for (const s of suites) console.log(`${s.name} (bench/suites/${s.file}): ${s.metrics.join(', ')}`);
    return 0;
  }
  const unknownFlags = args.filter((a) => a.startsWith('-'));
  if (unknownFlags.length) {
    console.error(`unknown option ${unknownFlags[0]} (usage: npm run bench [-- <id prefix>... | --list])`);
    return 2;
  }
  const prefixes = args;
  const wants = (id) => prefixes.length === 0 || prefixes.some((p) => id.startsWith(p));
  const selected = suites.filter((s) => s.metrics.some(wants));
  if (!selected.length) {
    console.error(`no metric id starts with ${prefixes.map((p) => `"${p}"`).join(' or ')}; known ids:\n  ${allIds.join('\n  ')}`);
    return 2;
  }

  const started = performance.now();
  const ctx = createContext({ root, benchDir, suites: selected, wants });
  const results = {};
  let broken = 0;
  try {
    for (const suite of selected) {
      console.log(`\n== ${suite.name} ==`);
      const t0 = performance.now();
      try {
        const out = (await suite.run(ctx)) ?? {};
        for (const [id, m] of Object.entries(out)) {
          if (!suite.metrics.includes(id)) console.warn(`  warning: ${suite.name} returned ${id}, which it does not declare`);
          if (wants(id)) results[id] = m;
        }
        for (const id of suite.metrics.filter(wants)) {
          if (!(id in out)) console.warn(`  warning: ${suite.name} declares ${id} but returned no value for it`);
        }
      } catch (err) {
        broken++;
        console.error(`  suite ${suite.name} FAILED: ${err?.stack ?? err}`);
      }
      console.log(`  (${suite.name}: ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
    }
  } finally {
    await ctx.close().catch((err) => {
      console.error(`closing the browser/dev server failed: ${err}`);
    });
  }

  const rows = Object.entries(results).map(([id, m]) => ({ id, m }));
  rows.sort((a, b) => allIds.indexOf(a.id) - allIds.indexOf(b.id));
  console.log('');
  if (rows.length) printTable(rows);
  const env = ctx.environment();
  console.log(
    `\n${os.cpus().length} cpus (load average ${os.loadavg()[0].toFixed(2)}), node ${process.version}` +
      (env.browser ? `, Chromium ${env.browser}${env.isolated ? ' (crossOriginIsolated)' : ''}` : '') +
      `; total ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );

  let previous = {};
  if (prefixes.length) {
    try {
      previous = JSON.parse(fs.readFileSync(resultsPath, 'utf8')).metrics ?? {};
    } catch {
      /* nothing to merge into */
    }
  }
  const metrics = { ...previous };
  for (const { id, m } of rows) metrics[id] = cleanMetric(m);
  const ordered = Object.fromEntries(
    Object.entries(metrics).sort(([a], [b]) => {
      const ia = allIds.indexOf(a);
      const ib = allIds.indexOf(b);
      return (ia < 0 ? Infinity : ia) - (ib < 0 ? Infinity : ib) || a.localeCompare(b);
    }),
  );
  const doc = {
    date: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    commit: gitCommit(),
    cpus: os.cpus().length,
    metrics: ordered,
  };
  fs.writeFileSync(resultsPath, JSON.stringify(doc, null, 2) + '\n');
  console.log(`wrote ${path.relative(process.cwd(), resultsPath)}${prefixes.length ? ' (merged)' : ''}`);
  return broken ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`bench harness failed: ${err?.stack ?? err}`);
    process.exit(1);
  },
);
