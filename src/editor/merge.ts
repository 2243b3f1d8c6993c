/**
 * The merge view inside a tab (@codemirror/merge's unified view): the
 * original's lines show as deletions above the current text, each hunk with
 * two buttons. For an agent's change the original is the text before it:
 * Keep leaves the change, Revert puts the old lines back (and the session
 * writes them to disk). For a file changed on disk the original is the disk's
 * text: Keep keeps my lines, Take theirs puts the disk's back.
 */
import { Compartment, type Extension } from '@codemirror/state';
import { unifiedMergeView } from '@codemirror/merge';
import type { TabInfo } from './tabs';

export const mergeSlot = new Compartment();

const LABELS = {
  agent: { accept: 'Keep', reject: 'Revert' },
  disk: { accept: 'Keep mine', reject: 'Take theirs' },
} as const;

export function mergeExtension(merge: NonNullable<TabInfo['merge']>): Extension {
  const labels = LABELS[merge.kind];
  return unifiedMergeView({
    original: merge.original,
    gutter: true,
    syntaxHighlightDeletions: true,
    mergeControls: (type, action) => {
      const button = document.createElement('button');
      button.type = 'button';
      button.className = `merge-${type}`;
      button.textContent = labels[type];
      button.dataset.testid = `merge-${type}`;
      button.addEventListener('mousedown', (event) => {
        event.preventDefault();
        action(event);
      });
      return button;
    },
  });
}
