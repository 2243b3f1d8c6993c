/**
 * The loop's thread and its change events. Every change is one event naming
 * the message index, so a UI keeping one signal per message updates only the
 * message that changed (a streamed token touches one message).
 */
import type { PauseReason } from './confirmation';
import type { Checkpoint, CompressionStrength, ThreadMessage, UserMessage } from './messages';
import { lastUserIndex } from './messages';

export type LoopStatus =
  | { kind: 'waiting' } // request sent, nothing back yet
  | { kind: 'streaming' }
  | { kind: 'running-tool'; toolCallId: string; name: string }
  | { kind: 'paused'; pause_reasons: PauseReason[] };

export type ChatEvent =
  | { type: 'append'; index: number; message: ThreadMessage }
  | { type: 'update'; index: number; message: ThreadMessage }
  | { type: 'status'; status: LoopStatus };

/** `thread` is the writer's own array, changed in place: copy what you keep. */
export type ChatEventListener = (event: ChatEvent, thread: readonly ThreadMessage[]) => void;

export class ThreadWriter {
  readonly thread: ThreadMessage[];

  constructor(
    initial: readonly ThreadMessage[],
    private readonly listener: ChatEventListener | undefined,
  ) {
    this.thread = [...initial];
  }

  append(message: ThreadMessage): number {
    this.thread.push(message);
    const index = this.thread.length - 1;
    this.listener?.({ type: 'append', index, message }, this.thread);
    return index;
  }

  replace(index: number, message: ThreadMessage): void {
    this.thread[index] = message;
    this.listener?.({ type: 'update', index, message }, this.thread);
  }

  status(status: LoopStatus): void {
    this.listener?.({ type: 'status', status }, this.thread);
  }

  private updateLastUser(change: (user: UserMessage) => UserMessage | null): void {
    const at = lastUserIndex(this.thread);
    const user = this.thread[at];
    if (user?.role !== 'user') return;
    const next = change(user);
    if (next) this.replace(at, next);
  }

  /** The first restore point of a turn is the one that undoes the whole turn; later ones are not kept. */
  attachCheckpoint(checkpoint: Checkpoint): void {
    this.updateLastUser((user) =>
      user.checkpoints?.some((c) => c.workspace_folder === checkpoint.workspace_folder)
        ? null
        : { ...user, checkpoints: [...(user.checkpoints ?? []), checkpoint] },
    );
  }

  markCompressed(strength: CompressionStrength): void {
    if (strength === 'absent') return;
    this.updateLastUser((user) => (user.compression_strength === strength ? null : { ...user, compression_strength: strength }));
  }
}
