/**
 * Opening a file in a tab: text files get an editor state (with their line
 * endings, encoding and BOM remembered), binary files and files over the
 * text limit get a notice instead, large ones lose colours or edits with the
 * reason shown.
 */
import type { EditorState } from '@codemirror/state';
import { formatBytes } from '../workspace/format';
import { PermissionLostError } from '../workspace/errors';
import { reportAccessLost } from '../state/workspace';
import type { OpenRequest } from '../state/files';
import type { ReadTextResult, Workspace } from '../workspace/types';
import { activePath, addTab, bufferOf, publishActive, reveal, setBuffer, tabOf, updateTab, type TabInfo } from './tabs';

type TextRead = Extract<ReadTextResult, { kind: 'text' }>;

/** Colours stop here: a syntax tree over more text costs more than it helps. */
export const HIGHLIGHT_LIMIT_BYTES = 1024 * 1024;
/** Past this a file opened anyway is shown, not edited. */
export const EDIT_LIMIT_BYTES = 8 * 1024 * 1024;

export type MakeState = (file: TextRead, options: { readOnly: string | null; highlight: boolean }) => EditorState;

const blankTab = (path: string): TabInfo => ({
  path,
  status: 'loading',
  dirty: false,
  readOnly: null,
  plain: null,
  conflict: null,
  deleted: false,
  merge: null,
});

export async function openPath(ws: Workspace, request: OpenRequest, makeState: MakeState): Promise<void> {
  const { path } = request;
  const existing = tabOf(path);
  activePath.value = path;
  if (existing && existing.status !== 'error' && !(request.limitBytes && existing.status === 'too-large')) {
    const buffer = bufferOf(path);
    if (buffer) {
      buffer.mark = request.line ?? null;
      publishActive(path, buffer.state);
      reveal.value = reveal.peek() + 1;
    }
    return;
  }
  addTab(blankTab(path));
  let file: ReadTextResult;
  try {
    file = await ws.readText(path, request.limitBytes ? { limitBytes: request.limitBytes } : {});
  } catch (error) {
    if (error instanceof PermissionLostError) reportAccessLost();
    updateTab(path, { status: 'error', message: error instanceof Error ? error.message : String(error) });
    return;
  }
  if (!tabOf(path)) return; // closed while reading
  if (file.kind !== 'text') {
    updateTab(path, { status: file.kind, message: file.reason, size: file.size });
    return;
  }
  const readOnly = file.size > EDIT_LIMIT_BYTES ? `read-only: files over ${formatBytes(EDIT_LIMIT_BYTES)} are shown, not edited` : null;
  const plain = file.size > HIGHLIGHT_LIMIT_BYTES ? `no syntax colours: the file is over ${formatBytes(HIGHLIGHT_LIMIT_BYTES)}` : null;
  const state = makeState(file, { readOnly, highlight: plain === null });
  setBuffer(path, { state, saved: state.doc, mtime: file.mtime, encoding: file.encoding, bom: file.bom, eol: file.eol, mark: request.line ?? null });
  updateTab(path, { status: 'text', size: file.size, readOnly, plain });
  publishActive(path, state);
}
