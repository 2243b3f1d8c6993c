/**
 * Caps how many file-system calls are in flight. Each call on a browser file
 * handle is an IPC round trip; a few dozen in parallel hides the latency,
 * thousands at once only queue up in the browser process.
 */
export function createLimiter(maxConcurrent: number) {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async function limit<T>(task: () => Promise<T>): Promise<T> {
    if (active >= maxConcurrent) await new Promise<void>((resolve) => waiting.push(resolve));
    active++;
    try {
      return await task();
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
}
