#!/usr/bin/env node
/**
 * `npm run soak`: the long versions of the property tests `npm test` runs
 * short. Each prints its seed and counts; the exit code is non-zero on any
 * failure. SOAK_SEED replays a run; SOAK_CASES and SOAK_ROUNDS set the sizes.
 *
 *   edit tools   src/engine/tools/edit-tools.fuzz.test.ts   10,000 random calls against a reference model
 *   checkpoints  src/checkpoints/checkpoints.soak.test.ts   1,000 rounds of random edits, checkpoints, restores and undos (~1.5 min)
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const seed = process.env.SOAK_SEED ?? String(Math.floor(Math.random() * 2 ** 31));
const runs = [
  { name: 'edit tools', file: 'src/engine/tools/edit-tools.fuzz.test.ts', env: { SOAK_CASES: process.env.SOAK_CASES ?? '10000' } },
  { name: 'checkpoints', file: 'src/checkpoints/checkpoints.soak.test.ts', env: { SOAK_ROUNDS: process.env.SOAK_ROUNDS ?? '1000' } },
];

let failed = 0;
for (const run of runs) {
  console.log(`\n=== soak: ${run.name} (seed ${seed}) ===`);
  const r = spawnSync(process.execPath, [path.join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run', run.file], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, ...run.env, SOAK_SEED: seed },
  });
  if (r.status !== 0) failed++;
}
console.log(failed ? `\nsoak: ${failed} of ${runs.length} failed (seed ${seed})` : `\nsoak: all ${runs.length} passed (seed ${seed})`);
process.exit(failed ? 1 : 0);
