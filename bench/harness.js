/**
 * In-page side of the bench (loaded by bench/harness.html). Exposes window.bench:
 *
 *   bench.median(samples), bench.time(fn, runs, { warmup })  same as ctx.median / ctx.time (ms)
 *   bench.copyCorpus(dirName, { corpus })  fetches /__corpus/* (?corpus=<name>: not the default one) into OPFS <dirName> (wiped first)
 *   bench.opfsDir(dirName)        the FileSystemDirectoryHandle of an OPFS top-level dir
 *   bench.pool(items, n, fn)      runs fn over items, at most n at a time
 *   bench.readAll(ws, n)          a Workspace's walk() then readBytes() of every file, n in flight: { files, bytes }
 *
 * Suites import app modules themselves, e.g.
 *   const { HandleWorkspace } = await import('/src/workspace/handle-workspace.ts');
 *
 * `?preload=/src/a.ts,/src/b.ts` imports those modules before window.benchReady
 * turns true, so Vite discovers (and pre-bundles) their dependencies now, not in
 * the middle of a timed run.
 */
import { median, time } from './lib/stats.mjs';

const status = document.getElementById('status');
const say = (text) => {
  if (status) status.textContent = text;
};

/** Runs `fn(item, index)` over `items` with at most `n` calls in flight; results in order. */
async function pool(items, n, fn) {
  const out = new Array(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, lane));
  return out;
}

/** Walks `ws` and reads every file's bytes, `n` reads in flight (the walk and read suites' "walk + read"). */
async function readAll(ws, n) {
  const { files } = await ws.walk();
  let bytes = 0;
  await pool(files, n, async (f) => {
    const size = (await ws.readBytes(f.path)).byteLength; // not `bytes += await ...`: that reads `bytes` before the await
    bytes += size;
  });
  return { files: files.length, bytes };
}

async function opfsDir(dirName, create = false) {
  const opfs = await navigator.storage.getDirectory();
  return opfs.getDirectoryHandle(dirName, { create });
}

/** Copies the corpus served by the dev server into OPFS <dirName>. */
async function copyCorpus(dirName, { concurrency = 8, corpus = null } = {}) {
  const t0 = performance.now();
  const query = corpus ? `?corpus=${encodeURIComponent(corpus)}` : '';
  const res = await fetch(`/__corpus/manifest.json${query}`);
  if (!res.ok) throw new Error(`manifest: HTTP ${res.status}`);
  const manifest = await res.json();
  const opfs = await navigator.storage.getDirectory();
  await opfs.removeEntry(dirName, { recursive: true }).catch((err) => {
    if (err.name !== 'NotFoundError') throw err;
  });
  const root = await opfs.getDirectoryHandle(dirName, { create: true });
  const dirs = new Map([['', Promise.resolve(root)]]);
  const dirFor = (path) => {
    let p = dirs.get(path);
    if (!p) {
      const cut = path.lastIndexOf('/');
      const parent = cut < 0 ? '' : path.slice(0, cut);
      p = dirFor(parent).then((d) => d.getDirectoryHandle(path.slice(cut + 1), { create: true }));
      dirs.set(path, p);
    }
    return p;
  };
  let done = 0;
  let bytes = 0;
  await pool(manifest.files, concurrency, async ({ path, size }) => {
    const url = '/__corpus/file/' + path.split('/').map(encodeURIComponent).join('/') + query;
    const r = await fetch(url);
    if (!r.ok) throw new Error(`${path}: HTTP ${r.status}`);
    const data = await r.arrayBuffer();
    if (data.byteLength !== size) throw new Error(`${path}: got ${data.byteLength} bytes, manifest says ${size}`);
    const cut = path.lastIndexOf('/');
    const dir = await dirFor(cut < 0 ? '' : path.slice(0, cut));
    const handle = await dir.getFileHandle(path.slice(cut + 1), { create: true });
    const w = await handle.createWritable();
    await w.write(data);
    await w.close();
    bytes += size;
    if (++done % 100 === 0) say(`copying corpus: ${done}/${manifest.files.length}`);
  });
  say(`corpus in OPFS: ${done} files`);
  return { files: done, bytes, dirs: dirs.size - 1, ms: performance.now() - t0 };
}

window.bench = { median, time, pool, readAll, opfsDir, copyCorpus };

const preload = (new URLSearchParams(location.search).get('preload') ?? '').split(',').filter(Boolean);
try {
  for (const mod of preload) await import(/* @vite-ignore */ mod);
  window.benchReady = true;
  say(`ready (preloaded ${preload.length} modules)`);
} catch (err) {
  window.benchError = String(err?.stack ?? err);
  say(`preload failed: ${window.benchError}`);
}
