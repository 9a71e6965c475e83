import type { InfisicalConfigStatus } from '../infisical-config.status.js';
import type { SecretsSource } from '../snapshot/secrets-snapshot.js';

export type FetchOutcome = 'success' | 'failure';
export type RefreshMetricOutcome = 'applied' | 'unchanged' | 'refused' | 'failed';
export type CacheReadOutcome = 'hit' | 'miss' | 'refused';

/**
 * What the library reports to metrics. Labels are scope identifiers (`environment:path`), outcomes,
 * causes and sources: never a value, never a secret's name.
 */
export interface InfisicalMetrics {
  observeFetch(scope: string, outcome: FetchOutcome, seconds: number): void;
  countFailure(cause: string): void;
  countRefresh(outcome: RefreshMetricOutcome): void;
  /** A `@RotationProbe()` (by `Class.method`, never a key or value) refused new values. */
  countProbeFailure(probe: string): void;
  countFallback(source: Exclude<SecretsSource, 'infisical'>): void;
  countCacheRead(outcome: CacheReadOutcome): void;
  countCacheWrite(outcome: FetchOutcome): void;
  /** Where gauges (current source, values' age) read the state. */
  track(status: () => InfisicalConfigStatus): void;
}

/** Used when metrics are off or prom-client is not installed. */
export const NO_METRICS: InfisicalMetrics = {
  observeFetch: () => undefined,
  countFailure: () => undefined,
  countRefresh: () => undefined,
  countProbeFailure: () => undefined,
  countFallback: () => undefined,
  countCacheRead: () => undefined,
  countCacheWrite: () => undefined,
  track: () => undefined,
};
