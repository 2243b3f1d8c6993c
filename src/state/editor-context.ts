/**
 * What the rest of the app knows of the editor without loading it (CodeMirror
 * loads with the Files page's editor, not with the shell): the file and
 * selection the user is looking at (the chat offers them as context, like
 * Refact's active file and selected snippet), the files with unsaved edits
 * (the agent may not overwrite them), and notices the editor shows when the
 * agent was refused.
 */
import { signal } from '@preact/signals';
import { normalizeWorkspacePath } from '../workspace/paths';
import { delegateWorkspace } from '../workspace/delegate';
import type { Workspace } from '../workspace/types';

export interface ActiveFileInfo {
  path: string;
  /** 1-based lines of the selection (the cursor's line twice when nothing is selected). */
  line1: number;
  line2: number;
  /** The selected text; '' when nothing is selected. */
  selection: string;
  /** The whole file as the user sees it (the editor's buffer, unsaved edits included; in an IDE, read through it). */
  text: () => Promise<string>;
}

export const activeFile = signal<ActiveFileInfo | null>(null);
/** Workspace paths open in the editor with unsaved edits. */
export const unsavedPaths = signal<ReadonlySet<string>>(new Set());
/** Paths whose agent write was refused because of unsaved edits, for the editor's notice. */
export const refusedWrites = signal<ReadonlySet<string>>(new Set());

/** The chat attaches the active file (or the selection) to the next message. */
export const attachActiveFile = signal(false);
/** Attach the active file to every message without asking (a setting on the chat page). */
export const attachByDefault = signal(false);

export class UnsavedEditsError extends Error {
  override name = 'UnsavedEditsError';
  constructor(readonly path: string) {
    super(
      `"${path}" has unsaved edits in the editor, so it was not changed. Ask the user to save or discard them, then read the file again and redo the change.`,
    );
  }
}

function refuse(path: string): never {
  refusedWrites.value = new Set([...refusedWrites.value, path]);
  throw new UnsavedEditsError(path);
}

/** The path as the workspace resolves it ("./a.py" is "a.py"); an invalid one as given (the workspace refuses it). */
function canonical(path: string): string {
  try {
    return normalizeWorkspacePath(path);
  } catch {
    return path;
  }
}

/** Refuses when `path` is a file with unsaved edits. */
function refuseIfUnsaved(path: string): void {
  const file = canonical(path);
  if (unsavedPaths.value.has(file)) refuse(file);
}

/** Refuses when `path` is, or is a folder holding, a file with unsaved edits. */
function refuseIfHoldsUnsaved(path: string): void {
  const target = canonical(path);
  for (const dirty of unsavedPaths.value) if (dirty === target || dirty.startsWith(`${target}/`)) refuse(dirty);
}

/**
 * The workspace as the agent's tools get it: a write, removal or move of a file with unsaved
 * edits (or of a folder holding one) is refused with a clear error (the tool reports it to the
 * model), and the editor says so. Refusals are rejected promises, as every Workspace failure is.
 */
export function guardUnsavedEdits(ws: Workspace): Workspace {
  return delegateWorkspace(ws, {
    writeText: async (path, text, options) => {
      refuseIfUnsaved(path);
      return ws.writeText(path, text, options);
    },
    writeBytes: async (path, bytes, options) => {
      refuseIfUnsaved(path);
      return ws.writeBytes(path, bytes, options);
    },
    remove: async (path, options) => {
      refuseIfHoldsUnsaved(path);
      return ws.remove(path, options);
    },
    move: async (from, to) => {
      refuseIfHoldsUnsaved(from);
      refuseIfHoldsUnsaved(to);
      return ws.move(from, to);
    },
  });
}
