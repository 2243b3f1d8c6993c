async function prof({ dirName }) {
  const { HandleWorkspace } = await import('/src/workspace/handle-workspace.ts');
  const { indexedLanguageForPath } = await import('/src/code-index/languages.ts');
  const { decodeText } = await import('/src/workspace/text-codec.ts');
  const B = window.bench;
  const root = await B.opfsDir(dirName);
  const out = {};
  const handles = new Map();
  const visit = async (dir, rel) => {
    for await (const [name, h] of dir.entries()) {
      const p = rel ? `${rel}/${name}` : name;
      if (h.kind === 'directory') await visit(h, p);
      else handles.set(p, h);
    }
  };
  await visit(root, '');
  const paths = [...handles.keys()].filter((p) => indexedLanguageForPath(p) !== null);
  for (let round = 0; round < 3; round++) {
    for (const conc of [16, 64]) {
      const ws = new HandleWorkspace({ id: 'q' + round + conc, source: 'opfs', root });
      let t0 = performance.now();
      await B.pool(paths, conc, (p) => ws.readText(p, { limitBytes: 1 << 20 }));
      out[`readText c=${conc} r${round}`] = (performance.now() - t0).toFixed(0);
      t0 = performance.now();
      await B.pool(paths, conc, async (p) => (await handles.get(p).getFile()).arrayBuffer());
      out[`handle getFile+arrayBuffer c=${conc} r${round}`] = (performance.now() - t0).toFixed(0);
      t0 = performance.now();
      await B.pool(paths, conc, async (p) => decodeText(new Uint8Array(await (await handles.get(p).getFile()).arrayBuffer())));
      out[`handle getFile+arrayBuffer+decode c=${conc} r${round}`] = (performance.now() - t0).toFixed(0);
      t0 = performance.now();
      await B.pool(paths, conc, async (p) => (await handles.get(p).getFile()).text());
      out[`handle getFile+text c=${conc} r${round}`] = (performance.now() - t0).toFixed(0);
    }
  }
  return out;
}
export default {
  name: 'zzprof',
  metrics: ['zzprof.x'],
  preload: ['/src/workspace/handle-workspace.ts'],
  async run(ctx) {
    for (const corpus of [ctx.corpus]) {
      const opfs = await ctx.opfsCorpus(corpus.name);
      const r = await ctx.evaluate(prof, { dirName: opfs.dirName });
      for (const [k, v] of Object.entries(r)) ctx.log(`[${corpus.name}] ${k}: ${v}`);
    }
    return {};
  },
};
