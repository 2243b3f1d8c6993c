import { rememberFolder } from '../storage/handles';
import type { FolderRecord } from '../storage/schema';
import { translateFsError } from './errors';
import { newFolderId } from './folder-access';
import { DEFAULT_EXCLUDED_DIRS } from './ignore-rules';
import { createLimiter } from './limiter';
import { normalizeWorkspacePath, splitPath } from './paths';

/**
 * Browsers without showDirectoryPicker (Firefox, Safari) can still hand us a
 * folder through <input type=file webkitdirectory>. We copy it into the Origin
 * Private File System and work on that copy; edits stay in the browser until
 * the user exports them as a zip.
 */

export const IMPORTS_DIR = 'imports';

export interface ImportProgress {
  done: number;
  total: number;
  bytes: number;
}

export interface ImportResult {
  record: FolderRecord;
  copied: number;
  /** Files under default-excluded folders (node_modules, .git, ...), not copied. */
  skipped: number;
}

/** The path of a picked file below the chosen folder, and that folder's name. */
function splitRelative(file: File): { folder: string; path: string } {
  const rel = (file as File & { webkitRelativePath?: string }).webkitRelativePath || file.name;
  const [folder = 'imported', ...rest] = rel.split('/');
  return { folder, path: rest.length ? rest.join('/') : folder };
}

export async function importFolderToOpfs(
  files: ArrayLike<File>,
  onProgress?: (p: ImportProgress) => void,
): Promise<ImportResult> {
  const list = Array.from(files);
  if (list.length === 0) throw new Error('The chosen folder has no files to import.');
  const folderName = splitRelative(list[0]!).folder;
  const wanted = list.filter((f) => !splitPath(splitRelative(f).path).some((s) => DEFAULT_EXCLUDED_DIRS.has(s)));
  const id = newFolderId();
  const opfs = await navigator.storage.getDirectory();
  const imports = await opfs.getDirectoryHandle(IMPORTS_DIR, { create: true });
  const root = await imports.getDirectoryHandle(id, { create: true });
  const limit = createLimiter(8);
  const progress: ImportProgress = { done: 0, total: wanted.length, bytes: 0 };
  try {
    await Promise.all(
      wanted.map((file) =>
        limit(async () => {
          const path = normalizeWorkspacePath(splitRelative(file).path);
          try {
            let dir = root;
            const segments = splitPath(path);
            for (const s of segments.slice(0, -1)) dir = await dir.getDirectoryHandle(s, { create: true });
            const handle = await dir.getFileHandle(segments.at(-1)!, { create: true });
            const writable = await handle.createWritable();
            await writable.write(file);
            await writable.close();
          } catch (err) {
            throw translateFsError(err, path);
          }
          progress.done++;
          progress.bytes += file.size;
          onProgress?.({ ...progress });
        }),
      ),
    );
  } catch (err) {
    // Half an import is worse than none: drop the partial copy, keep the error.
    await imports.removeEntry(id, { recursive: true }).catch(() => undefined);
    throw err;
  }
  const record: FolderRecord = { id, name: folderName, kind: 'opfs', handle: root, lastOpened: Date.now() };
  await rememberFolder(record);
  return { record, copied: wanted.length, skipped: list.length - wanted.length };
}

/** Frees the browser storage an imported copy used. */
export async function deleteOpfsCopy(id: string): Promise<void> {
  const opfs = await navigator.storage.getDirectory();
  const imports = await opfs.getDirectoryHandle(IMPORTS_DIR, { create: true });
  await imports.removeEntry(id, { recursive: true }).catch((err: DOMException) => {
    if (err.name !== 'NotFoundError') throw err;
  });
}
