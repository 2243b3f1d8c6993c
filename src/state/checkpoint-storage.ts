import { signal } from '@preact/signals';
import { anyShadowRepo } from '../checkpoints/repo-names';
import { openAppDb } from '../storage/db';

/**
 * How much the shadow repositories hold, and their clean-up: on start-up
 * (when the tab is idle) and on request, checkpoints older than 30 days or
 * beyond 512 MB go, except those of chats still in the history list. The
 * checkpoints module (isomorphic-git) loads only when this runs.
 */

export const checkpointBytes = signal<{ bytes: number; commits: number } | null>(null);
export const checkpointCleanup = signal<string | null>(null);

async function chatIds(): Promise<string[]> {
  return (await (await openAppDb()).getAllKeys('history')).map(String);
}

export async function refreshCheckpointUsage(): Promise<void> {
  const { checkpointUsage } = await import('../checkpoints');
  const usage = await checkpointUsage();
  checkpointBytes.value = { bytes: usage.bytes, commits: usage.commits };
}

export async function cleanUpCheckpoints(): Promise<void> {
  const { collectGarbage } = await import('../checkpoints');
  const report = await collectGarbage({ keepChatIds: await chatIds() });
  checkpointBytes.value = { bytes: report.usage.bytes, commits: report.usage.commits };
  checkpointCleanup.value = report.deletedBranches.length
    ? `Removed ${report.deletedBranches.length} old chat checkpoint branches (${report.deletedObjects} objects).`
    : 'Nothing to clean up.';
}

/**
 * Start-up clean-up, when the tab has nothing better to do, and only when
 * some checkpoint exists: most starts then never load isomorphic-git.
 */
export function scheduleCheckpointCleanup(): void {
  const run = () =>
    void anyShadowRepo()
      .then((some) => (some ? cleanUpCheckpoints() : undefined))
      .catch(() => undefined);
  if (typeof requestIdleCallback === 'function') requestIdleCallback(run, { timeout: 60_000 });
  else setTimeout(run, 30_000);
}
