import { describe, expect, it } from 'vitest';
import { toolContext } from '../test-support/workspace';
import { cat, parsePathWithRange } from './cat';

const lines = (n: number) => Array.from({ length: n }, (_, i) => `line ${i + 1}`).join('\n') + '\n';

describe('cat', () => {
  it('reads several files as context files, with N and N-M ranges', async () => {
    const { ctx } = await toolContext({ 'src/a.ts': lines(30), 'README.md': '# hi\n' });
    const out = await cat.run({ paths: 'src/a.ts:10-12, README.md, src/a.ts:5' }, ctx);
    expect(out.content).toBe('Paths found:\nsrc/a.ts:10-12\nREADME.md:1-1\nsrc/a.ts:5-5\n');
    expect(out.contextFiles).toEqual([
      { file_name: 'src/a.ts', file_content: 'line 10\nline 11\nline 12\n', line1: 10, line2: 12 },
      { file_name: 'README.md', file_content: '# hi\n', line1: 1, line2: 1 },
      { file_name: 'src/a.ts', file_content: 'line 5\n', line1: 5, line2: 5 },
    ]);
  });

  it('accepts a JSON list of paths and a leading slash, and reports missing files with suggestions', async () => {
    const { ctx } = await toolContext({ 'src/app.ts': 'x\n' });
    const out = await cat.run({ paths: ['/src/app.ts', 'src/apps.ts'] }, ctx);
    expect(out.content).toContain('Paths found:\nsrc/app.ts:1-1');
    expect(out.content).toContain('"src/apps.ts" does not exist in the workspace. Did you mean: src/app.ts?');
  });

  it('fails naming the path when nothing could be read', async () => {
    const { ctx } = await toolContext({ 'a.txt': 'x' });
    await expect(cat.run({ paths: 'nope.txt' }, ctx)).rejects.toThrow('cat: "nope.txt" does not exist in the workspace');
    await expect(cat.run({}, ctx)).rejects.toThrow('cat: the argument "paths" is required');
    await expect(cat.run({ paths: '../etc/passwd' }, ctx)).rejects.toThrow(/climbs out/);
  });

  it('explains binary files, folders, ranges past the end, and images for a text-only model', async () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 1, 2]);
    const { ctx } = await toolContext({ 'bin.dat': new Uint8Array([1, 0, 2]), 'logo.png': png, 'src/x.ts': 'a\n', 'short.txt': 'a\nb\n' });
    const out = await cat.run({ paths: 'bin.dat, src, logo.png, short.txt:5-9, src/x.ts' }, ctx);
    expect(out.content).toContain('"bin.dat" is not text (binary file (contains NUL bytes))');
    expect(out.content).toContain('"src" is a folder; use tree');
    expect(out.content).toContain('"logo.png" is an image, and this model cannot see images');
    expect(out.content).toContain('"short.txt" has 2 lines; the range 5-9 is past its end');
  });

  it('returns images as data URLs to multimodal models, one per call', async () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 1, 2]);
    const { ctx } = await toolContext({ 'a.png': png, 'b.png': png }, { multimodal: true });
    const out = await cat.run({ paths: 'a.png, b.png' }, ctx);
    expect(Array.isArray(out.content)).toBe(true);
    const parts = out.content as Exclude<typeof out.content, string>;
    expect(parts[1]).toEqual({ type: 'image_url', image_url: { url: `data:image/png;base64,${Buffer.from(png).toString('base64')}` } });
    expect(parts).toHaveLength(2);
    expect((parts[0] as { text: string }).text).toContain('cat shows one image per call');
  });

  it('cuts long files and says how to ask for the rest; too-large files ask for a range', async () => {
    const { ctx } = await toolContext({ 'long.txt': lines(2500), 'huge.txt': 'x'.repeat(1024 * 1024 + 10) });
    const out = await cat.run({ paths: 'long.txt, huge.txt' }, ctx);
    expect(out.contextFiles?.[0]).toMatchObject({ line1: 1, line2: 2000 });
    expect(out.content).toContain('Ask for "long.txt:2001-2500" for more');
    expect(out.content).toContain('"huge.txt" is too large to show whole');
    const ranged = await cat.run({ paths: 'huge.txt:1-1' }, ctx);
    expect(ranged.contextFiles?.[0]?.file_content.length).toBe(1024 * 1024 + 11);
  });

  it('parses ranges and rejects backwards ones', () => {
    expect(parsePathWithRange('cat', 'a.ts:3-7')).toEqual({ path: 'a.ts', range: { start: 3, end: 7 } });
    expect(parsePathWithRange('cat', 'C++/x:y')).toEqual({ path: 'C++/x:y' });
    expect(() => parsePathWithRange('cat', 'a.ts:7-3')).toThrow('must be N or N-M');
  });
});
