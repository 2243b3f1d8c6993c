import type { LocalEngine } from '../src/inference/engine';

/**
 * What each engine instance is generating, so a chat and code completion can
 * share one loaded model without hurting each other. Both engines run one
 * generation at a time per instance (web-llm holds a per-model lock and its
 * interrupt flag is engine-wide; transformers.js serializes), so:
 * - a completion never waits behind a chat: while a chat generates, it is
 *   answered "busy" at once (the editor says completion is paused);
 * - a chat never gets cut by a completion's abort: it first aborts the
 *   running completion (they are short) and waits for it to end;
 * - a new completion supersedes the one running (only the newest cursor
 *   position matters), which stops generating before the new one starts.
 */
interface Activity {
  kind: 'chat' | 'completion';
  controller: AbortController;
  done: Promise<unknown>;
  /** The chat this one queues behind, until it ends: drain stops the whole queue. */
  previous: Activity | undefined;
}

export class EngineActivity {
  private readonly active = new Map<LocalEngine, Activity>();

  /** A chat is generating on this engine. */
  chatting(engine: LocalEngine): boolean {
    return this.active.get(engine)?.kind === 'chat';
  }

  /** Stops what `engine` is generating (unload, delete), chats queued behind one another too, and waits for it to end. */
  async drain(engine: LocalEngine): Promise<void> {
    const current = this.active.get(engine);
    if (!current) return;
    for (let activity: Activity | undefined = current; activity; activity = activity.previous) activity.controller.abort();
    await current.done.catch(() => undefined);
  }

  run<T>(kind: Activity['kind'], engine: LocalEngine, controller: AbortController, work: () => Promise<T>): Promise<T> {
    const previous = this.active.get(engine);
    // A chat after a chat queues in the engine as before; anything else ends what runs first.
    if (previous && !(kind === 'chat' && previous.kind === 'chat')) previous.controller.abort();
    const done = (async () => {
      if (previous) await previous.done.catch(() => undefined);
      return work();
    })();
    const activity: Activity = { kind, controller, done, previous };
    this.active.set(engine, activity);
    const clear = () => {
      // Unlinked once ended, so a run of overlapping chats does not keep every earlier one alive.
      activity.previous = undefined;
      if (this.active.get(engine) === activity) this.active.delete(engine);
    };
    done.then(clear, clear);
    return done;
  }
}
