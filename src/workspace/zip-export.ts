import { zipSync, type Zippable } from 'fflate';
import type { Workspace } from './types';

/**
 * Packs every file of a workspace (ignored ones included: it is the user's
 * copy) into a zip, so edits made to an OPFS copy can leave the browser.
 */
export async function workspaceToZip(ws: Workspace, onProgress?: (done: number, total: number) => void): Promise<Blob> {
  const { files } = await ws.walk({ includeIgnored: true });
  const tree: Zippable = {};
  let done = 0;
  for (const { path } of files) {
    tree[`${ws.name}/${path}`] = await ws.readBytes(path);
    onProgress?.(++done, files.length);
  }
  const zipped = zipSync(tree, { level: 6 });
  return new Blob([zipped as Uint8Array<ArrayBuffer>], { type: 'application/zip' });
}

export function downloadBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
