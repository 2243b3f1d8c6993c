import { createFileList, type WorkspaceFileList } from '../engine/file-list';
import type { Workspace } from '../workspace/types';

/** The open folder's file list, kept current (@file completion, the agent, quick open share it). */
let filesFor: { id: string; files: WorkspaceFileList } | null = null;

export function fileListOf(ws: Workspace): WorkspaceFileList {
  if (filesFor?.id !== ws.id) {
    filesFor?.files.dispose();
    filesFor = { id: ws.id, files: createFileList(ws) };
  }
  return filesFor.files;
}
