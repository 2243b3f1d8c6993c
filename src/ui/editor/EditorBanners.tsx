import type { ComponentChildren } from 'preact';
import { refusedWrites } from '../../state/editor-context';
import { workspace } from '../../state/workspace';
import { agentDiffError, applyMerge } from '../../editor/session';
import { keepMine, saveError, saveFile, takeTheirs } from '../../editor/save';
import { updateTab, type TabInfo } from '../../editor/tabs';

/** What the tab needs the user to know or decide: a change on disk, a refused agent write, a merge. */
export function EditorBanners({ tab }: { tab: TabInfo }) {
  const ws = workspace.value;
  const refused = refusedWrites.value.has(tab.path);
  return (
    <>
      {tab.conflict && (
        <Banner kind="warn" testId="disk-conflict">
          "{tab.path}" changed on disk while you had unsaved edits. Nothing is lost either way:
          <button type="button" class="secondary" onClick={() => keepMine(tab.path)}>
            Keep mine
          </button>
          <button type="button" class="secondary" onClick={() => takeTheirs(tab.path)}>
            Take theirs
          </button>
          <button type="button" class="secondary" onClick={() => compare(tab)}>
            Compare
          </button>
        </Banner>
      )}
      {tab.deleted && <Banner kind="warn" testId="deleted">"{tab.path}" was deleted on disk. Save to write it back, or close the tab.</Banner>}
      {refused && (
        <Banner kind="warn" testId="agent-refused" onDismiss={() => dismissRefused(tab.path)}>
          The agent tried to change this file while it had unsaved edits: its change was refused and your edits were kept. Save or
          discard them, then ask it again.
        </Banner>
      )}
      {tab.merge && (
        <Banner kind="notice" testId="merge-banner">
          {tab.merge.kind === 'agent'
            ? "The agent's changes: Keep or Revert each one (Revert writes the old lines back, after a checkpoint)."
            : 'Comparing with the file on disk: Keep mine or Take theirs for each change, then save.'}
          <button
            type="button"
            class="secondary"
            onClick={() => {
              updateTab(tab.path, { merge: null });
              applyMerge(tab.path);
            }}
          >
            Done
          </button>
        </Banner>
      )}
      {agentDiffError.value && (
        <Banner kind="error" testId="agent-diff-error" onDismiss={() => (agentDiffError.value = null)}>
          Cannot show the agent's change: {agentDiffError.value}
        </Banner>
      )}
      {saveError.value?.path === tab.path && (
        <Banner kind="error" testId="save-error" onDismiss={() => (saveError.value = null)}>
          Could not save: {saveError.value.message}. Your text is still here.
          {ws && (
            <button type="button" class="secondary" onClick={() => void saveFile(ws, tab.path)}>
              Try again
            </button>
          )}
        </Banner>
      )}
    </>
  );
}

/** Compare: the next save overwrites the disk's version, and the difference shows hunk by hunk. */
function compare(tab: TabInfo): void {
  const conflict = tab.conflict;
  if (!conflict) return;
  keepMine(tab.path);
  updateTab(tab.path, { merge: { original: conflict.diskText, kind: 'disk' } });
  applyMerge(tab.path);
}

function dismissRefused(path: string): void {
  const next = new Set(refusedWrites.value);
  next.delete(path);
  refusedWrites.value = next;
}

function Banner({ kind, testId, onDismiss, children }: { kind: 'warn' | 'error' | 'notice'; testId: string; onDismiss?: () => void; children: ComponentChildren }) {
  return (
    <div class={`banner ${kind === 'notice' ? 'notice' : 'error'} editor-banner`} role={kind === 'notice' ? 'status' : 'alert'} data-testid={testId}>
      {children}
      {onDismiss && (
        <button type="button" class="icon" aria-label="Dismiss" onClick={onDismiss}>
          ×
        </button>
      )}
    </div>
  );
}
