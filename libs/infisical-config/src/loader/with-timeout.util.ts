/**
 * Settles like `work`, or rejects with `onTimeout()` after `ms` and then aborts `cancel`, so the work's own
 * cancellation can never win over the timeout's error; the timer never outlives the race.
 */
export async function withTimeout<T>(work: Promise<T>, ms: number, onTimeout: () => Error, cancel?: AbortController): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(onTimeout());
      cancel?.abort();
    }, ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
