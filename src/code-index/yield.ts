/**
 * Gives the browser a chance to render and handle input between chunks of work.
 * `scheduler.yield()` where the browser has it; otherwise a message-channel
 * round trip, which (unlike setTimeout) is not throttled in background tabs,
 * so indexing keeps its speed while the user looks at another tab.
 */
export function yieldToUi(): Promise<void> {
  const scheduler = (globalThis as { scheduler?: { yield?: () => Promise<void> } }).scheduler;
  if (typeof scheduler?.yield === 'function') return scheduler.yield();
  if (typeof MessageChannel === 'function') {
    return new Promise((resolve) => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => {
        channel.port1.close();
        resolve();
      };
      channel.port2.postMessage(null);
    });
  }
  return new Promise((resolve) => setTimeout(resolve, 0));
}
