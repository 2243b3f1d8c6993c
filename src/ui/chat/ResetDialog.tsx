import { signal } from '@preact/signals';
import type { ComponentType } from 'preact';
import type { Checkpoint } from '../../engine/index';
import type { CheckpointDialogProps } from '../../checkpoints/ui/index';
import { draft, truncateAt } from '../../state/chat';
import { workspace } from '../../state/workspace';

/** The checkpoints dialog loads on demand (it brings the shadow repository with it). */
const open = signal<{ index: number; checkpoint: Checkpoint; Dialog: ComponentType<CheckpointDialogProps> } | null>(null);

export async function openReset(index: number, checkpoint: Checkpoint): Promise<void> {
  const { CheckpointDialog } = await import('../../checkpoints/ui/index');
  open.value = { index, checkpoint, Dialog: CheckpointDialog };
}

/** After a restore the chat is cut at that message; its text goes back into the input. */
export function ResetDialog() {
  const state = open.value;
  const ws = workspace.value;
  if (!state || !ws) return null;
  const { Dialog } = state;
  return (
    <Dialog
      workspace={ws}
      checkpoint={state.checkpoint}
      onRestored={() => {
        draft.value = truncateAt(state.index);
      }}
      onClose={() => (open.value = null)}
    />
  );
}
