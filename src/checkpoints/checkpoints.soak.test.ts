/**
 * Checkpoints under random use: rounds of random edits to a folder (new,
 * changed, deleted and moved files, text and binary, nested folders, same-size
 * rewrites right after a checkpoint), a checkpoint after each, and now and
 * then a restore to a random earlier checkpoint, then often its undo. After
 * every restore the folder must equal, byte for byte, what it was when that
 * checkpoint was taken (or, after the undo, just before the restore).
 *
 * `npm test` runs SHORT_ROUNDS with a fixed seed; `npm run soak` runs
 * SOAK_ROUNDS (default 1,000) with SOAK_SEED, printed to replay a failure.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { seededRandom, type SeededRandom } from '../engine/test-support/random';
import type { Checkpoint } from '../engine/messages';
import { createCheckpoint, restoreCheckpoints } from './index';
import { dumpFolder, freshCheckpointDb, memoryFolder, type TestFolder } from './test-support';

const SHORT_ROUNDS = 40;
const ROUNDS = Number(process.env.SOAK_ROUNDS ?? SHORT_ROUNDS);
const SEED = Number(process.env.SOAK_SEED ?? 20261207);

const NAMES = ['a.txt', 'b.py', 'src/c.ts', 'src/d.bin', 'src/deep/e.md', 'docs/f.txt', 'g h.txt', 'é.txt'];

beforeEach(() => freshCheckpointDb());

function content(r: SeededRandom): string | Uint8Array {
  if (r.next() < 0.2) return Uint8Array.from({ length: r.int(0, 64) }, () => r.int(0, 255));
  return Array.from({ length: r.int(0, 6) }, () => r.pick(['x = 1', 'def f():', '  return 2', '🙂', ''])).join(r.pick(['\n', '\r\n']));
}

/** Same length, other bytes: a size-and-mtime check alone would miss it. */
function sameSize(bytes: Uint8Array): Uint8Array {
  return bytes.map((b) => (b === 0x41 ? 0x42 : 0x41));
}

async function randomEdits(r: SeededRandom, folder: TestFolder): Promise<void> {
  const files = [...(await dumpFolder(folder.root)).keys()];
  for (let n = r.int(1, 4); n > 0; n--) {
    const roll = r.next();
    if (roll < 0.4 || files.length === 0) await folder.root.put(r.pick(NAMES), content(r));
    else if (roll < 0.6) {
      const path = r.pick(files);
      const bytes = (await dumpFolder(folder.root)).get(path);
      if (bytes) await folder.root.put(path, sameSize(bytes));
    } else if (roll < 0.8) await folder.ws.remove(r.pick(files)).catch(() => undefined);
    else {
      const from = r.pick(files);
      const to = r.pick(NAMES);
      if (from !== to && !(await folder.ws.exists(to))) await folder.ws.move(from, to).catch(() => undefined);
    }
  }
}

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
async function state(folder: TestFolder): Promise<string> {
  return JSON.stringify([...(await dumpFolder(folder.root))].map(([p, b]) => [p, hex(b)]).sort());
}

describe('checkpoints under random edits and restores', () => {
  it(`${ROUNDS} rounds: every restore gives back the folder byte for byte, and so does its undo`, { timeout: Math.max(60_000, ROUNDS * 400) }, async () => {
    const r = seededRandom(SEED);
    const folder = await memoryFolder({ 'a.txt': 'first\n' });
    const taken: Array<{ checkpoint: Checkpoint; state: string }> = [];
    const counts = { rounds: 0, checkpoints: 0, restores: 0, undos: 0, failures: 0 };
    for (let round = 0; round < ROUNDS; round++) {
      counts.rounds++;
      await randomEdits(r, folder);
      const snap = await createCheckpoint(folder.ws, 'soak');
      taken.push({ checkpoint: snap.checkpoint, state: await state(folder) });
      counts.checkpoints++;
      if (r.next() < 0.3) continue;
      // Edits after the checkpoint, then a restore to a random earlier one.
      await randomEdits(r, folder);
      const target = r.pick(taken);
      const before = await state(folder);
      const report = await restoreCheckpoints(folder.ws, [target.checkpoint]);
      counts.restores++;
      const after = await state(folder);
      if (!report.complete || !report.verified || after !== target.state) {
        counts.failures++;
        expect({ round, seed: SEED, complete: report.complete, verified: report.verified, errors: report.error_log, after }).toEqual({
          round,
          seed: SEED,
          complete: true,
          verified: true,
          errors: [],
          after: target.state,
        });
      }
      if (r.next() < 0.5) {
        const undo = await restoreCheckpoints(folder.ws, report.checkpoints_for_undo);
        counts.undos++;
        expect({ round, undo: await state(folder), complete: undo.complete }).toEqual({ round, undo: before, complete: true });
      }
    }
    console.log(
      `checkpoint soak: seed ${SEED}, ${counts.rounds} rounds, ${counts.checkpoints} checkpoints, ${counts.restores} restores, ${counts.undos} undos, ${counts.failures} failures`,
    );
    expect(counts.restores).toBeGreaterThan(ROUNDS / 3);
  });
});
