/**
 * The benchmark corpora, real code that no one here wrote:
 *
 * - python-stdlib (the default `ctx.corpus`): Debian's Python standard library (/usr/lib/python3.N,
 * the newest N present), real code that no one here wrote. It is copied once
 * into bench/.corpus/python-stdlib (gitignored) so that our walk (over an OPFS
 * copy in the browser) and the native references (rg, ctags, git over the
 * on-disk copy) see exactly the same files.
 *
 * Left out of the copy: __pycache__ directories (compiled bytecode, rebuilt
 * by Python at will) and site-packages / dist-packages (third-party installs,
 * not the standard library). Symlinks to files are copied as the file they
 * point to (cp -L); broken links and links to directories are skipped.
 *
 * - ts-node-modules: the TypeScript and JavaScript sources (.ts/.d.ts/.js ...)
 *   of a fixed list of installed packages (TS_CORPUS_PACKAGES), copied to
 *   bench/.corpus/ts-node-modules/<package path>. Left out: files under the
 *   folders the app's walk never enters (dist, build, node_modules ...: see
 *   src/workspace/ignore-rules.ts, so that every tool sees the same files),
 *   minified bundles (*.min.js) and files of 1 MB or more (the code index's
 *   per-file limit), e.g. typescript/lib/lib.dom.d.ts.
 *
 * Each copy is cached: bench/.corpus/<name>.json records the source and file
 * count; a later run re-copies only when either changed or the copy on disk
 * no longer has that many files.
 */
import fs from 'node:fs';
import path from 'node:path';

export const CORPUS_NAME = 'python-stdlib';
export const COPY_EXCLUDED_DIRS = ['__pycache__', 'site-packages', 'dist-packages'];

/** /usr/lib/python3.N with the highest N (numeric compare: 3.13 > 3.9). */
export function findPythonStdlib(base = '/usr/lib') {
  let names = [];
  try {
    names = fs.readdirSync(base);
  } catch {
    /* no /usr/lib */
  }
  const versions = names
    .map((n) => /^python3\.(\d+)$/.exec(n))
    .filter(Boolean)
    .map((m) => ({ dir: path.join(base, m[0]), minor: Number(m[1]) }))
    .filter((v) => fs.statSync(v.dir).isDirectory())
    .sort((a, b) => b.minor - a.minor);
  if (!versions.length) throw new Error(`no ${base}/python3.N directory: install Debian's python3 (apt-get install python3)`);
  return versions[0].dir;
}

/** Files below `root` as sorted workspace-relative paths, skipping COPY_EXCLUDED_DIRS. */
function listSource(root) {
  const files = [];
  const skipped = { excludedDirs: 0, symlinks: 0 };
  const visit = (rel) => {
    for (const d of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
      const childRel = rel ? `${rel}/${d.name}` : d.name;
      if (d.isDirectory()) {
        if (COPY_EXCLUDED_DIRS.includes(d.name)) skipped.excludedDirs++;
        else visit(childRel);
      } else if (d.isFile()) {
        files.push(childRel);
      } else if (d.isSymbolicLink()) {
        let st = null;
        try {
          st = fs.statSync(path.join(root, childRel));
        } catch {
          /* broken link */
        }
        if (st?.isFile()) files.push(childRel);
        else skipped.symlinks++;
      }
    }
  };
  visit('');
  return { files: files.sort(), skipped };
}

/** Files below `root` (a plain copy: no links, no exclusions) with sizes. */
export function listTree(root) {
  const out = [];
  const visit = (rel) => {
    for (const d of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
      const childRel = rel ? `${rel}/${d.name}` : d.name;
      if (d.isDirectory()) visit(childRel);
      else if (d.isFile()) out.push({ path: childRel, size: fs.statSync(path.join(root, childRel)).size });
    }
  };
  visit('');
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/**
 * Makes sure bench/.corpus/python-stdlib holds the current copy and describes it:
 * { name, source, dir, files: [{path, size}], bytes, dirs, copied, skipped }.
 */
export function prepareCorpus(benchDir, log = console.log) {
  const source = findPythonStdlib();
  const { files, skipped } = listSource(source);
  return { ...cachedCopy(benchDir, CORPUS_NAME, source, files, log), skipped, excludedFromCopy: COPY_EXCLUDED_DIRS };
}

export const TS_CORPUS_NAME = 'ts-node-modules';
/** Package folders (below node_modules) whose sources make up the TypeScript corpus. */
export const TS_CORPUS_PACKAGES = [
  'typescript/lib',
  'preact',
  '@preact/signals',
  '@preact/signals-core',
  'idb',
  'comlink',
  'isomorphic-git',
  'ajv',
  'fake-indexeddb',
  '@types/node',
  '@huggingface/transformers/src',
  '@huggingface/transformers/types',
  'vite/types',
  'web-tree-sitter',
];
const TS_EXTENSIONS = /\.(ts|mts|cts|tsx|js|mjs|cjs|jsx)$/;
/** The app's walk never enters these (src/workspace/ignore-rules.ts DEFAULT_EXCLUDED_DIRS). */
const WALK_EXCLUDED_DIRS = new Set(['.git', 'node_modules', 'dist', 'build', 'target', '.venv', '__pycache__']);
const TS_MAX_BYTES = 1024 * 1024;

/** Like prepareCorpus, for the TypeScript corpus from `nodeModules` (default <benchDir>/../node_modules). */
export function prepareTsCorpus(benchDir, log = console.log, nodeModules = path.join(benchDir, '..', 'node_modules')) {
  const files = [];
  const missing = [];
  const excluded = { walkExcludedDirs: 0, minified: 0, tooLarge: 0 };
  const visit = (rel) => {
    for (const d of fs.readdirSync(path.join(nodeModules, rel), { withFileTypes: true })) {
      const childRel = `${rel}/${d.name}`;
      if (d.isDirectory()) {
        if (WALK_EXCLUDED_DIRS.has(d.name)) excluded.walkExcludedDirs++;
        else visit(childRel);
      } else if (d.isFile() && TS_EXTENSIONS.test(d.name)) {
        if (d.name.endsWith('.min.js')) excluded.minified++;
        else if (fs.statSync(path.join(nodeModules, childRel)).size >= TS_MAX_BYTES) excluded.tooLarge++;
        else files.push(childRel);
      }
    }
  };
  for (const pkg of TS_CORPUS_PACKAGES) {
    if (fs.existsSync(path.join(nodeModules, pkg))) visit(pkg);
    else missing.push(pkg);
  }
  if (missing.length) log(`corpus ${TS_CORPUS_NAME}: not installed, left out: ${missing.join(', ')}`);
  files.sort();
  return { ...cachedCopy(benchDir, TS_CORPUS_NAME, nodeModules, files, log), excluded, missingPackages: missing };
}

/** Copies `sourceFiles` (relative to `source`) to bench/.corpus/<name> unless the cached copy matches; describes the copy. */
function cachedCopy(benchDir, name, source, sourceFiles, log) {
  const cacheDir = path.join(benchDir, '.corpus');
  const dir = path.join(cacheDir, name);
  const stampPath = path.join(cacheDir, `${name}.json`);

  let stamp = null;
  try {
    stamp = JSON.parse(fs.readFileSync(stampPath, 'utf8'));
  } catch {
    /* first run */
  }
  let files = fs.existsSync(dir) ? listTree(dir) : [];
  const fresh = stamp && stamp.source === source && stamp.fileCount === sourceFiles.length && files.length === sourceFiles.length;
  let copied = false;
  if (!fresh) {
    log(`corpus: copying ${source} -> ${path.relative(process.cwd(), dir)} (${sourceFiles.length} files)`);
    fs.rmSync(dir, { recursive: true, force: true });
    for (const rel of sourceFiles) {
      const to = path.join(dir, rel);
      fs.mkdirSync(path.dirname(to), { recursive: true });
      fs.copyFileSync(path.join(source, rel), to); // follows symlinks: copies the target's bytes
    }
    fs.writeFileSync(stampPath, JSON.stringify({ source, fileCount: sourceFiles.length, copiedAt: new Date().toISOString() }, null, 2));
    files = listTree(dir);
    copied = true;
  }
  const dirs = new Set(files.flatMap((f) => f.path.split('/').slice(0, -1).map((_, i, a) => a.slice(0, i + 1).join('/'))));
  return { name, source, dir, files, bytes: files.reduce((n, f) => n + f.size, 0), dirs: dirs.size, copied };
}
