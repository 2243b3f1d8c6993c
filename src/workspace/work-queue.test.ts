import { describe, expect, it } from 'vitest';
import { createWorkQueue, type ChangeBatch } from './work-queue';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('createWorkQueue', () => {
  it('runs tasks one at a time and merges changes reported meanwhile into one batch', async () => {
    const batches: ChangeBatch[] = [];
    const errors: unknown[] = [];
    const queue = createWorkQueue({ shouldRun: () => true, applyChanges: async (b) => void batches.push(b), onError: (e) => errors.push(e) });
    const gate = deferred();
    const order: string[] = [];
    void queue.enqueue(async () => {
      order.push('pass start');
      await gate.promise;
      order.push('pass end');
    });
    queue.addChanges([{ path: 'a.py', type: 'modified' }]);
    queue.addChanges([{ path: 'b.py', type: 'created' }, { path: 'a.py', type: 'deleted' }]);
    gate.resolve();
    await queue.tail;
    expect(order).toEqual(['pass start', 'pass end']);
    expect(batches).toEqual([new Map([['a.py', 'deleted'], ['b.py', 'created']])]);
    queue.addChanges([{ path: 'c.py', type: 'modified' }]);
    await queue.tail;
    expect(batches).toHaveLength(2);
    expect(errors).toEqual([]);
  });

  it('reports a failed task and goes on; skips tasks when it should not run', async () => {
    let live = true;
    const errors: unknown[] = [];
    const ran: string[] = [];
    const queue = createWorkQueue({ shouldRun: () => live, applyChanges: async () => undefined, onError: (e) => errors.push(e) });
    void queue.enqueue(async () => {
      throw new Error('parse failed');
    });
    await queue.enqueue(async () => void ran.push('after the failure'));
    live = false;
    await queue.enqueue(async () => void ran.push('after dispose'));
    expect(ran).toEqual(['after the failure']);
    expect(errors).toEqual([new Error('parse failed')]);
  });
});
