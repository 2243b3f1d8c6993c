import { h, render } from 'preact';
import { CheckpointDialog, type CheckpointDialogProps } from './CheckpointDialog';

export { CheckpointDialog, type CheckpointDialogProps, type CheckpointApi } from './CheckpointDialog';

/** Renders the dialog into `container` (for hosts that are not Preact); returns the unmount function. */
export function mountCheckpointDialog(container: Element, props: CheckpointDialogProps): () => void {
  render(h(CheckpointDialog, props), container);
  return () => render(null, container);
}
