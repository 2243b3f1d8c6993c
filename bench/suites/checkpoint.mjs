// TEMPORARY experiment: primitive costs
export default {
  name: 'checkpoint',
  metrics: ['checkpoint.first_ratio_vs_git'],
  preload: ['/src/workspace/handle-workspace.ts'],
  optimizeDeps: ['ignore'],
  async run(ctx) {
    const { dirName } = await ctx.opfsCorpus();
    const rows = await ctx.evaluate(async (dirName) => {
      const B = window.bench;
      const root = await B.opfsDir(dirName);
      const rawWalk = async (dir, acc, prefix = '') => {
        const subs = [];
        for await (const [n, h] of dir.entries()) {
          if (h.kind === 'directory') subs.push(rawWalk(h, acc, prefix + n + '/'));
          else acc.push([prefix + n, h]);
        }
        await Promise.all(subs);
        return acc;
      };
      const out = [];
      const t = async (label, fn) => { const t0 = performance.now(); const r = await fn(); out.push([label, performance.now() - t0]); return r; };
      const handles = await t('raw walk', () => rawWalk(root, []));
      for (const c of [8, 32, 128, 1000]) await t(`getFile x${handles.length} c=${c}`, () => B.pool(handles, c, ([, h]) => h.getFile()));
      const bufs = await t('read all c=32', () => B.pool(handles, 32, async ([, h]) => new Uint8Array(await (await h.getFile()).arrayBuffer())));
      const total = bufs.reduce((a, b) => a + b.length, 0);
      out.push(['MB', total / 1e6]);
      await t('sha1 subtle seq', async () => { for (const b of bufs) await crypto.subtle.digest('SHA-1', b); });
      await t('sha1 subtle parallel', () => Promise.all(bufs.map((b) => crypto.subtle.digest('SHA-1', b))));
      const deflate = async (b) => new Uint8Array(await new Response(new Blob([b]).stream().pipeThrough(new CompressionStream('deflate'))).arrayBuffer());
      let comp = await t('deflate CS c=1', () => B.pool(bufs, 1, deflate));
      out.push(['compressed MB', comp.reduce((a, b) => a + b.length, 0) / 1e6]);
      await t('deflate CS c=8', () => B.pool(bufs, 8, deflate));
      // worker deflate
      const src = `onmessage = async (e) => { const { id, b } = e.data; const r = new Uint8Array(await new Response(new Blob([b]).stream().pipeThrough(new CompressionStream('deflate'))).arrayBuffer()); postMessage({ id, r }, [r.buffer]); }`;
      const url = URL.createObjectURL(new Blob([src], { type: 'text/javascript' }));
      const workers = [new Worker(url), new Worker(url)];
      let nextId = 0; const pending = new Map();
      for (const w of workers) w.onmessage = (e) => { pending.get(e.data.id)(e.data.r); pending.delete(e.data.id); };
      let rr = 0;
      const wdeflate = (b) => new Promise((res) => { const id = nextId++; pending.set(id, res); workers[rr++ % 2].postMessage({ id, b }); });
      await t('deflate 2 workers c=8', () => B.pool(bufs, 8, wdeflate));
      // IDB
      const openDb = (name) => new Promise((res, rej) => { const r = indexedDB.open(name, 1); r.onupgradeneeded = () => r.result.createObjectStore('s'); r.onsuccess = () => res(r.result); r.onerror = () => rej(r.error); });
      const db = await openDb('exp-' + Math.random());
      const done = (tx) => new Promise((res, rej) => { tx.oncomplete = res; tx.onerror = () => rej(tx.error); tx.onabort = () => rej(tx.error); });
      await t('idb put per-tx parallel', () => Promise.all(comp.map((b, i) => { const tx = db.transaction('s', 'readwrite'); tx.objectStore('s').put(b, i); return done(tx); })));
      await t('idb put one tx', () => { const tx = db.transaction('s', 'readwrite'); comp.forEach((b, i) => tx.objectStore('s').put(b, 10000 + i)); return done(tx); });
      await t('idb put one tx relaxed', () => { const tx = db.transaction('s', 'readwrite', { durability: 'relaxed' }); comp.forEach((b, i) => tx.objectStore('s').put(b, 20000 + i)); return done(tx); });
      await t('idb put one tx strict', () => { const tx = db.transaction('s', 'readwrite', { durability: 'strict' }); comp.forEach((b, i) => tx.objectStore('s').put(b, 30000 + i)); return done(tx); });
      const small = comp.slice(0, 20);
      await t('idb put 20 small per-tx', () => Promise.all(small.map((b, i) => { const tx = db.transaction('s', 'readwrite'); tx.objectStore('s').put(b, 40000 + i); return done(tx); })));
      await t('idb put 20 one tx', () => { const tx = db.transaction('s', 'readwrite'); small.forEach((b, i) => tx.objectStore('s').put(b, 50000 + i)); return done(tx); });
      await t('idb get 20 one tx', () => { const tx = db.transaction('s', 'readonly'); small.forEach((b, i) => tx.objectStore('s').get(50000 + i)); return done(tx); });
      db.close();
      return out;
    }, dirName);
    for (const [k, v] of rows) ctx.log(`${v.toFixed(1).padStart(9)}  ${k}`);
    return {};
  },
};
