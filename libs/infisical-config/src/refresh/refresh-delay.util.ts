// setTimeout cannot wait longer than 2^31-1 ms (about 24.8 days); longer waits are re-armed.
export const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

/** Next regular refresh: a share of the TTL, spread by +-jitter so a fleet does not refresh in lockstep. */
export function regularRefreshDelay(ttlMs: number, refreshAt: number, jitter: number, random = Math.random): number {
  return Math.round(ttlMs * refreshAt * (1 + jitter * (2 * random() - 1)));
}

/** Retry after a failure: exponential from `baseMs`, capped at `maxMs`, with half of it random. */
export function retryDelay(consecutiveFailures: number, baseMs: number, maxMs: number, random = Math.random): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, consecutiveFailures - 1));
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}
