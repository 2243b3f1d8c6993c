/**
 * The benchmark corpus: Debian's Python standard library (/usr/lib/python3.N,
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
 * The copy is cached: bench/.corpus/python-stdlib.json records the source
 * path and file count; a later run re-copies only when either changed or the
 * copy on disk no longer has that many files.
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
  const cacheDir = path.join(benchDir, '.corpus');
  const dir = path.join(cacheDir, CORPUS_NAME);
  const stampPath = path.join(cacheDir, `${CORPUS_NAME}.json`);
  const { files: sourceFiles, skipped } = listSource(source);

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
  return {
    name: CORPUS_NAME,
    source,
    dir,
    files,
    bytes: files.reduce((n, f) => n + f.size, 0),
    dirs: dirs.size,
    copied,
    skipped,
    excludedFromCopy: COPY_EXCLUDED_DIRS,
  };
}
