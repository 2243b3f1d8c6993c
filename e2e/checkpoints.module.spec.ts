/**
 * Checkpoints (src/checkpoints) in Chromium with real IndexedDB (the shadow
 * repository: isomorphic-git over lightning-fs) and real OPFS handles (the
 * folder, through HandleWorkspace), served by the Vite dev server.
 *
 * 1. Property test: 200+ rounds of random edits (create, modify, delete,
 *    rename, binary and CRLF files, nested folders; half through the
 *    workspace as the agent writes, half straight through the OPFS handles as
 *    another program would, seen by FileSystemObserver), each followed by a
 *    snapshot that must record exactly the folder's files; then restores to
 *    random earlier checkpoints, each compared byte for byte (git blob hashes
 *    computed here, independently of the code under test) with what the
 *    folder held at that round, and undos of some of them.
 *    The seed and the round count are printed; CHECKPOINT_SEED=<n> replays a run.
 * 2. A restore interrupted by a revoked permission.
 * 3. The reset dialog (src/checkpoints/ui) on a real preview and restore.
 */
import type { Page } from '@playwright/test';
import { expect, test } from './support/privacy';

type CheckpointsModule = typeof import('../src/checkpoints/index');
type WorkspaceModule = typeof import('../src/workspace/handle-workspace');
type RepoModule = typeof import('../src/checkpoints/shadow-repo');
/** src/checkpoints/ui/index.ts, typed by hand: the node tsconfig that checks e2e/ does not compile JSX. */
type UiModule = {
  mountCheckpointDialog(
    container: Element,
    props: {
      workspace: unknown;
      checkpoint: unknown;
      onRestored?: (report: { restored: unknown[] }) => void;
      onUndone?: (report: { restored: unknown[] }) => void;
      onClose: () => void;
    },
  ): () => void;
};

const ROUNDS = 220;
const RESTORES = 24;

/**
 * Opens the harness page with the checkpoint modules loaded. The first import
 * can make Vite discover isomorphic-git & co., pre-bundle them and reload the
 * page, so import once, then load the page afresh.
 */
async function openHarness(page: Page): Promise<void> {
  for (let attempt = 0; attempt < 3; attempt++) {
    await page.goto('/e2e/harness/index.html');
    try {
      await page.evaluate(async () => {
        await import('/src/checkpoints/index.ts' as string);
        await import('/src/checkpoints/ui/index.ts' as string);
        await import('/src/workspace/handle-workspace.ts' as string);
      });
      await page.waitForTimeout(300);
      // Still the same document and the modules resolve: done.
      if (await page.evaluate(async () => !!(await import('/src/checkpoints/index.ts' as string)))) return;
    } catch {
      // The page reloaded under us while Vite optimized dependencies; try again.
    }
  }
  throw new Error('the harness page kept reloading');
}

test.beforeEach(async ({ page }) => {
  await openHarness(page);
});

test('random edits, snapshots and restores stay byte-exact', async ({ page }) => {
  // ~65 s on an idle 2-core machine; room for CI sharing the cores with the other Playwright worker.
  test.setTimeout(300_000);
  const seed = Number(process.env.CHECKPOINT_SEED) || (Date.now() % 2 ** 31);
  test.info().annotations.push({ type: 'seed', description: String(seed) });
  test.info().annotations.push({ type: 'rounds', description: String(ROUNDS) });
  console.log(`checkpoints property test: seed ${seed}, ${ROUNDS} rounds, ${RESTORES} restores (replay with CHECKPOINT_SEED=${seed})`);

  const result = await page.evaluate(
    async ({ seed, rounds, restores }) => {
      const t0 = performance.now();
      const { HandleWorkspace } = (await import('/src/workspace/handle-workspace.ts' as string)) as WorkspaceModule;
      const ck = (await import('/src/checkpoints/index.ts' as string)) as CheckpointsModule;
      const { shadowRepo } = (await import('/src/checkpoints/shadow-repo.ts' as string)) as RepoModule;

      // ---- deterministic randomness ---------------------------------------------------
      let state = seed >>> 0;
      const random = () => {
        // mulberry32
        state = (state + 0x6d2b79f5) >>> 0;
        let t = state;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
      };
      const int = (n: number) => Math.floor(random() * n);
      const pick = <T,>(items: readonly T[]): T => items[int(items.length)]!;

      // ---- the folder and the truth --------------------------------------------------------
      const dirName = `checkpoints-e2e-${seed}`;
      const opfs = await navigator.storage.getDirectory();
      await opfs.removeEntry(dirName, { recursive: true }).catch(() => undefined);
      const root = await opfs.getDirectoryHandle(dirName, { create: true });
      const workspaceId = `ck-e2e-${seed}-${Date.now()}`;
      const ws = new HandleWorkspace({ id: workspaceId, source: 'opfs', root });
      /** What the folder holds, as the test believes: path -> bytes. */
      const model = new Map<string, Uint8Array>();

      const encoder = new TextEncoder();
      const hex = (buffer: ArrayBuffer) => Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, '0')).join('');
      const gitHash = async (type: string, body: Uint8Array) => {
        const header = encoder.encode(`${type} ${body.length}\0`);
        const all = new Uint8Array(header.length + body.length);
        all.set(header);
        all.set(body, header.length);
        return hex(await crypto.subtle.digest('SHA-1', all));
      };
      // File contents are never mutated once in the model, so each is hashed once.
      const known = new WeakMap<Uint8Array, string>();
      const blobId = async (bytes: Uint8Array) => {
        let id = known.get(bytes);
        if (id === undefined) known.set(bytes, (id = await gitHash('blob', bytes)));
        return id;
      };
      const idsOf = async (files: Map<string, Uint8Array>) => {
        const out = new Map<string, string>();
        for (const [path, bytes] of files) out.set(path, await blobId(bytes));
        return out;
      };
      /**
       * The root tree id git would give these files, written here from git's format (not with
       * the code under test): "<mode> <name>\0<20-byte id>" per entry, sorted by name bytes with
       * folders compared as "<name>/".
       */
      const treeId = async (ids: Map<string, string>): Promise<string> => {
        type Node = { files: Map<string, string>; dirs: Map<string, Node> };
        const top: Node = { files: new Map(), dirs: new Map() };
        for (const [path, id] of ids) {
          const parts = path.split('/');
          let node = top;
          for (const part of parts.slice(0, -1)) {
            if (!node.dirs.has(part)) node.dirs.set(part, { files: new Map(), dirs: new Map() });
            node = node.dirs.get(part)!;
          }
          node.files.set(parts.at(-1)!, id);
        }
        const hashNode = async (node: Node): Promise<string> => {
          const entries: { key: Uint8Array; head: Uint8Array; id: string }[] = [];
          for (const [name, id] of node.files) entries.push({ key: encoder.encode(name), head: encoder.encode(`100644 ${name}\0`), id });
          for (const [name, child] of node.dirs) {
            entries.push({ key: encoder.encode(name + '/'), head: encoder.encode(`40000 ${name}\0`), id: await hashNode(child) });
          }
          entries.sort((a, b) => {
            for (let i = 0; i < Math.min(a.key.length, b.key.length); i++) if (a.key[i] !== b.key[i]) return a.key[i]! - b.key[i]!;
            return a.key.length - b.key.length;
          });
          const body = new Uint8Array(entries.reduce((n, e) => n + e.head.length + 20, 0));
          let at = 0;
          for (const e of entries) {
            body.set(e.head, at);
            at += e.head.length;
            for (let i = 0; i < 20; i++) body[at++] = parseInt(e.id.slice(i * 2, i * 2 + 2), 16);
          }
          return gitHash('tree', body);
        };
        return hashNode(top);
      };
      /** Every file under the OPFS folder, read straight through the handles. */
      const readFolder = async () => {
        const out = new Map<string, Uint8Array>();
        const visit = async (dir: FileSystemDirectoryHandle, prefix: string) => {
          for await (const [name, handle] of dir.entries()) {
            if (handle.kind === 'directory') await visit(handle as FileSystemDirectoryHandle, `${prefix}${name}/`);
            else out.set(prefix + name, new Uint8Array(await (await (handle as FileSystemFileHandle).getFile()).arrayBuffer()));
          }
        };
        await visit(root, '');
        return out;
      };
      const diffIds = (want: Map<string, string>, got: Map<string, string>) => {
        const bad: string[] = [];
        for (const [p, id] of want) if (got.get(p) !== id) bad.push(`${p}: want ${id.slice(0, 8)} got ${got.get(p)?.slice(0, 8)}`);
        for (const p of got.keys()) if (!want.has(p)) bad.push(`${p}: unexpected`);
        return bad;
      };

      // ---- random content and names ---------------------------------------------------------
      const dirs = ['src', 'lib', 'docs', 'données', 'deep', 'a b', '名前'];
      const names = ['main.py', 'readme.md', 'data.bin', 'win.txt', 'x', 'ünï.txt', 'empty', 'notes.rst'];
      const content = (): Uint8Array => {
        switch (int(5)) {
          case 0: // binary, every byte value possible
            return Uint8Array.from({ length: int(3000) }, () => int(256));
          case 1: // CRLF text
            return encoder.encode(Array.from({ length: int(40) }, (_, i) => `line ${i} ${int(1000)}`).join('\r\n') + '\r\n');
          case 2: // empty
            return new Uint8Array(0);
          case 3: // text without a final newline, non-ASCII
            return encoder.encode(`déjà vu ${int(1e6)}\nzweite Zeile ☕`);
          default: // LF text
            return encoder.encode(Array.from({ length: int(80) }, (_, i) => `def f${i}(): return ${int(100)}`).join('\n') + '\n');
        }
      };
      const randomPath = () => {
        const depth = int(4);
        const parts = Array.from({ length: depth }, () => pick(dirs));
        return [...parts, `${int(3)}-${pick(names)}`].join('/');
      };
      /** A path usable for a new file: no file at one of its folders, no folder at its place. */
      const freePath = (): string | null => {
        for (let i = 0; i < 20; i++) {
          const p = randomPath();
          if (model.has(p)) continue;
          const parts = p.split('/');
          const clash =
            parts.slice(0, -1).some((_, k) => model.has(parts.slice(0, k + 1).join('/'))) ||
            [...model.keys()].some((q) => q.startsWith(p + '/'));
          if (!clash) return p;
        }
        return null;
      };

      // ---- two ways of editing: through the workspace (the agent) and straight through handles (another program) ----
      const rawDir = async (path: string, create: boolean) => {
        let d = root;
        for (const part of path.split('/').slice(0, -1)) d = await d.getDirectoryHandle(part, { create });
        return d;
      };
      const base = (path: string) => path.slice(path.lastIndexOf('/') + 1);
      const rawWrite = async (path: string, bytes: Uint8Array) => {
        const handle = await (await rawDir(path, true)).getFileHandle(base(path), { create: true });
        const w = await handle.createWritable();
        await w.write(bytes as Uint8Array<ArrayBuffer>);
        await w.close();
      };
      const rawDelete = async (path: string) => (await rawDir(path, false)).removeEntry(base(path));
      const rawMove = async (from: string, to: string) => {
        const handle = await (await rawDir(from, false)).getFileHandle(base(from));
        await (handle as FileSystemFileHandle & { move(d: FileSystemDirectoryHandle, n: string): Promise<void> }).move(
          await rawDir(to, true),
          base(to),
        );
      };

      let rawEdits = 0;
      let agentEdits = 0;
      const editOnce = async () => {
        const outside = random() < 0.5;
        const existing = [...model.keys()];
        const op = existing.length < 8 ? 0 : int(6);
        if (op === 0 || op === 5) {
          const p = freePath();
          if (!p) return;
          const bytes = content();
          if (outside) await rawWrite(p, bytes);
          else await ws.writeBytes(p, bytes);
          model.set(p, bytes);
        } else if (op === 1 || op === 2) {
          const p = pick(existing);
          const old = model.get(p)!;
          let bytes: Uint8Array;
          if (op === 1 || old.length === 0) bytes = content();
          else {
            // Same size, a few bytes changed: only the content (and mtime) tells the difference.
            bytes = old.slice();
            for (let k = 0; k < 3; k++) bytes[int(bytes.length)] = int(256);
          }
          if (outside) await rawWrite(p, bytes);
          else await ws.writeBytes(p, bytes);
          model.set(p, bytes);
        } else if (op === 3) {
          const p = pick(existing);
          if (outside) await rawDelete(p);
          else await ws.remove(p);
          model.delete(p);
        } else {
          const from = pick(existing);
          const to = freePath();
          if (!to) return;
          if (outside) await rawMove(from, to);
          else await ws.move(from, to);
          model.set(to, model.get(from)!);
          model.delete(from);
        }
        if (outside) rawEdits++;
        else agentEdits++;
      };

      // ---- rounds: edit, snapshot, check the snapshot -----------------------------------------------
      const history: { checkpoint: { workspace_folder: string; commit_hash: string }; files: Map<string, Uint8Array> }[] = [];
      const problems: string[] = [];
      const chats = ['chat-a', 'chat-b', 'chat-c'];
      let journalSnapshots = 0;
      let hashedTotal = 0;
      for (let round = 0; round < rounds; round++) {
        const edits = round === 0 ? 12 : 1 + int(4);
        for (let e = 0; e < edits; e++) await editOnce();
        const profile: Record<string, number> = {};
        const snap = await ck.createCheckpoint(ws, pick(chats), { profile, scan: random() < 0.15 ? 'full' : 'auto' });
        journalSnapshots += profile.journal ?? 0;
        hashedTotal += snap.hashed;
        // The snapshot must be exactly the folder: same root tree id as computed here from the model.
        const want = await idsOf(model);
        if (snap.tree !== (await treeId(want))) {
          const bad = diffIds(want, await shadowRepo(workspaceId).flattenTree(snap.tree));
          problems.push(`round ${round} snapshot (${profile.journal ? 'journal' : 'full walk'}): ${bad.slice(0, 3).join('; ')}`);
        }
        history.push({ checkpoint: snap.checkpoint, files: new Map(model) });
      }
      const snapshotMs = performance.now() - t0;

      // ---- restores to random earlier checkpoints ----------------------------------------------
      const t1 = performance.now();
      let undos = 0;
      let restoredFiles = 0;
      for (let r = 0; r < restores; r++) {
        const target = pick(history);
        const before = new Map(model);
        const report = await ck.restoreCheckpoints(ws, [target.checkpoint]);
        restoredFiles += report.restored.length;
        if (!report.complete || !report.verified) problems.push(`restore ${r}: ${report.error_log.join(' | ')}`);
        const bad = diffIds(await idsOf(target.files), await idsOf(await readFolder()));
        if (bad.length) problems.push(`restore ${r} to ${target.checkpoint.commit_hash.slice(0, 8)}: ${bad.slice(0, 3).join('; ')}`);
        model.clear();
        for (const [p, b] of target.files) model.set(p, b);
        if (r % 3 === 0) {
          // Undo it: the folder must be back as before the restore.
          const undo = await ck.restoreCheckpoints(ws, report.checkpoints_for_undo);
          undos++;
          const badUndo = diffIds(await idsOf(before), await idsOf(await readFolder()));
          if (!undo.verified || badUndo.length) problems.push(`undo of restore ${r}: ${badUndo.slice(0, 3).join('; ')}`);
          model.clear();
          for (const [p, b] of before) model.set(p, b);
        }
        // Keep editing on top of the restored state, through the journal.
        for (let e = 0; e < 2; e++) await editOnce();
        const snap = await ck.createCheckpoint(ws, pick(chats));
        const want = await idsOf(model);
        if (snap.tree !== (await treeId(want))) {
          const bad2 = diffIds(want, await shadowRepo(workspaceId).flattenTree(snap.tree));
          problems.push(`snapshot after restore ${r}: ${bad2.slice(0, 3).join('; ')}`);
        }
        history.push({ checkpoint: snap.checkpoint, files: new Map(model) });
      }
      const restoreMs = performance.now() - t1;
      const usage = await ck.checkpointUsage(workspaceId);
      await ck.stopChangeJournal(ws);
      await ck.deleteCheckpoints(workspaceId);
      await opfs.removeEntry(dirName, { recursive: true });
      return {
        problems,
        rounds,
        checkpoints: history.length,
        journalSnapshots,
        hashedTotal,
        rawEdits,
        agentEdits,
        restoredFiles,
        undos,
        snapshotMs,
        restoreMs,
        finalFiles: model.size,
        usage: { bytes: usage.bytes, objects: usage.objects, commits: usage.commits, chats: usage.repos[0]?.chats.length },
      };
    },
    { seed, rounds: ROUNDS, restores: RESTORES },
  );
  const summary =
    `seed ${seed}: ${result.rounds} rounds (${result.agentEdits} edits through the workspace, ${result.rawEdits} straight through OPFS handles), ` +
    `${result.checkpoints} checkpoints (${result.journalSnapshots} from the change journal, ${result.hashedTotal} files hashed) in ` +
    `${(result.snapshotMs / 1000).toFixed(1)} s; ${RESTORES} restores (${result.restoredFiles} file changes) and ${result.undos} undos in ` +
    `${(result.restoreMs / 1000).toFixed(1)} s; repository ${result.usage.objects} objects, ${(result.usage.bytes / 1024).toFixed(0)} KB, ` +
    `${result.usage.commits} commits on ${result.usage.chats} branches`;
  console.log(summary);
  test.info().annotations.push({ type: 'result', description: summary });
  expect(result.problems, `seed ${seed}`).toEqual([]);
  expect(result.journalSnapshots).toBeGreaterThan(ROUNDS / 2);
});

test('a restore interrupted by a revoked permission reports what it did, and its undo works', async ({ page }) => {
  const result = await page.evaluate(async () => {
    const { HandleWorkspace } = (await import('/src/workspace/handle-workspace.ts' as string)) as WorkspaceModule;
    const ck = (await import('/src/checkpoints/index.ts' as string)) as CheckpointsModule;
    const opfs = await navigator.storage.getDirectory();
    await opfs.removeEntry('checkpoints-revoked', { recursive: true }).catch(() => undefined);
    const root = await opfs.getDirectoryHandle('checkpoints-revoked', { create: true });
    const ws = new HandleWorkspace({ id: `ck-revoked-${Date.now()}`, source: 'opfs', root });
    const text = (s: string) => new TextEncoder().encode(s);
    for (let i = 0; i < 12; i++) await ws.writeBytes(`dir${i % 3}/f${i}.txt`, text(`version 1 of ${i}\n`));
    const snap = await ck.createCheckpoint(ws, 'chat');
    for (let i = 0; i < 12; i++) await ws.writeBytes(`dir${i % 3}/f${i}.txt`, text(`version 2 of ${i}\r\n`));
    await ws.writeBytes('added-later.bin', new Uint8Array([0, 255, 0]));
    const read = async () => {
      const out: Record<string, string> = {};
      for (const f of (await ws.walk()).files) out[f.path] = new TextDecoder().decode(await ws.readBytes(f.path));
      return out;
    };
    const edited = await read();

    // Playwright cannot revoke a real permission: OPFS has no permission prompt at all, and a picked
    // folder's grant cannot be withdrawn by automation. So do what the browser does once it is revoked:
    // after 5 files, createWritable() and getFile() reject with NotAllowedError.
    const proto = FileSystemFileHandle.prototype;
    const realCreateWritable = proto.createWritable;
    const realGetFile = proto.getFile;
    let writes = 0;
    let revoked = false;
    const denied = () => Promise.reject(new DOMException('The request is not allowed by the user agent.', 'NotAllowedError'));
    proto.createWritable = function (this: FileSystemFileHandle, ...args: Parameters<typeof realCreateWritable>) {
      if (++writes > 5) revoked = true;
      return revoked ? denied() : realCreateWritable.apply(this, args);
    } as typeof realCreateWritable;
    proto.getFile = function (this: FileSystemFileHandle) {
      return revoked ? denied() : realGetFile.apply(this);
    } as typeof realGetFile;
    const progress: string[] = [];
    let report;
    try {
      report = await ck.restoreCheckpoints(ws, [snap.checkpoint], (p) => progress.push(p.phase));
    } finally {
      proto.createWritable = realCreateWritable;
      proto.getFile = realGetFile;
    }
    const partial = await read();
    // Permission granted again: undo.
    const undo = await ck.restoreCheckpoints(ws, report.checkpoints_for_undo);
    const afterUndo = await read();
    await ck.stopChangeJournal(ws);
    await ck.deleteCheckpoints(ws.id);
    return { report, partial, edited, afterUndo, undo: { complete: undo.complete, verified: undo.verified }, phases: [...new Set(progress)] };
  });
  const { report } = result;
  expect(report.complete).toBe(false);
  expect(report.verified).toBe(false);
  // The deletion (added-later.bin) goes first; then writes, 8 at a time: the 6th createWritable is denied,
  // so are the read-backs of writes still running, and the rest never start.
  expect(report.failed.length).toBeGreaterThanOrEqual(1);
  for (const f of report.failed) expect(f.reason).toMatch(/Access to the folder was revoked/);
  expect(report.restored.length).toBeGreaterThanOrEqual(1);
  expect(report.not_restored.length).toBeGreaterThanOrEqual(1);
  expect(report.restored.length + report.failed.length + report.not_restored.length).toBe(13);
  expect(report.error_log.at(-1)).toMatch(/Restore stopped: \d+ of 13 changes were made and \d+ were not. Undo checkpoint [0-9a-f]{10}/);
  // What the report calls restored is restored; what it calls not restored is untouched.
  for (const f of report.restored) {
    if (f.action === 'deleted') expect(result.partial[f.path], f.path).toBeUndefined();
    else expect(result.partial[f.path], f.path).toMatch(/^version 1 of \d+\n$/);
  }
  for (const f of report.not_restored) expect(result.partial[f.path], f.path).toBe(result.edited[f.path]);
  expect(result.phases).toEqual(['saving-undo', 'restoring', 'done']);
  // And the undo checkpoint puts back everything as it was before the restore.
  expect(result.undo).toEqual({ complete: true, verified: true });
  expect(result.afterUndo).toEqual(result.edited);
});

test('the reset dialog previews the changes, restores with progress, and undoes', async ({ page }) => {
  await page.evaluate(async () => {
    await import('/src/ui/app/theme.css' as string);
    const { HandleWorkspace } = (await import('/src/workspace/handle-workspace.ts' as string)) as WorkspaceModule;
    const ck = (await import('/src/checkpoints/index.ts' as string)) as CheckpointsModule;
    const ui = (await import('/src/checkpoints/ui/index.ts' as string)) as UiModule;
    const opfs = await navigator.storage.getDirectory();
    await opfs.removeEntry('checkpoints-ui', { recursive: true }).catch(() => undefined);
    const root = await opfs.getDirectoryHandle('checkpoints-ui', { create: true });
    const ws = new HandleWorkspace({ id: `ck-ui-${Date.now()}`, source: 'opfs', root });
    await ws.writeText('src/app.ts', 'const a = 1;\nconst b = 2;\nconst c = 3;\n');
    await ws.writeText('gone.md', '# will come back\n');
    await ws.writeBytes('logo.png', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 1]));
    const { checkpoint } = await ck.createCheckpoint(ws, 'chat');
    await ws.writeText('src/app.ts', 'const a = 1;\nconst b = 20;\nconst c = 3;\n');
    await ws.remove('gone.md');
    await ws.writeText('notes/new.txt', 'added by the agent\n');
    await ws.writeBytes('logo.png', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 9]));
    const host = document.createElement('div');
    document.body.append(host);
    const w = window as unknown as { restored?: number; undone?: number; dialogClosed?: boolean; read?: () => Promise<string[]> };
    w.read = async () => (await ws.walk()).files.map((f) => f.path).sort();
    ui.mountCheckpointDialog(host, {
      workspace: ws,
      checkpoint,
      onRestored: (r) => (w.restored = r.restored.length),
      onUndone: (r) => (w.undone = r.restored.length),
      onClose: () => (w.dialogClosed = true),
    });
  });
  const dialog = page.getByRole('dialog', { name: 'Reset files to this checkpoint' });
  await expect(dialog).toBeVisible();
  const files = dialog.getByRole('list', { name: 'Files the restore changes' });
  await expect(files.locator('li')).toHaveCount(4);
  await expect(dialog).toContainText('4 files will change: 2 reverted, 1 restored, 1 removed.');
  await expect(files.locator('li[data-action="added"]')).toContainText('gone.md');
  await expect(files.locator('li[data-action="deleted"]')).toContainText('notes/new.txt');
  await files.locator('li', { hasText: 'src/app.ts' }).locator('summary').click();
  const diff = files.locator('li', { hasText: 'src/app.ts' }).locator('pre');
  await expect(diff).toContainText('@@ -1,3 +1,3 @@');
  await expect(diff.locator('.ckpt-del')).toHaveText('-const b = 20;');
  await expect(diff.locator('.ckpt-add')).toHaveText('+const b = 2;');
  await files.locator('li', { hasText: 'logo.png' }).locator('summary').click();
  await expect(files.locator('li', { hasText: 'logo.png' })).toContainText('binary file');

  await dialog.getByRole('button', { name: 'Restore' }).click();
  await expect(dialog.getByRole('status')).toContainText('4 files restored and verified: the folder matches the checkpoint.');
  expect(await page.evaluate(() => (window as unknown as { restored?: number }).restored)).toBe(4);
  expect(await page.evaluate(() => (window as unknown as { read: () => Promise<string[]> }).read())).toEqual([
    'gone.md',
    'logo.png',
    'src/app.ts',
  ]);

  await dialog.getByRole('button', { name: 'Undo restore' }).click();
  await expect(dialog.getByRole('status')).toContainText('Undone: 4 files restored and verified');
  expect(await page.evaluate(() => (window as unknown as { read: () => Promise<string[]> }).read())).toEqual([
    'logo.png',
    'notes/new.txt',
    'src/app.ts',
  ]);
  await dialog.getByRole('button', { name: 'Close' }).click();
  expect(await page.evaluate(() => (window as unknown as { dialogClosed?: boolean }).dialogClosed)).toBe(true);
});
