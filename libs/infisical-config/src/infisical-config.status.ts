import type { SecretsSource } from './snapshot/secrets-snapshot.js';
import type { FleetStatus } from './fleet/fleet.link.js';

/** A problem as status() reports it: cause and status, never a URL query string or a value. */
export interface InfisicalConfigProblem {
  reason: string;
  status?: number;
  at: string;
}

/** The state of the loaded secrets, for health checks, metrics and operators. Holds no value. */
export interface InfisicalConfigStatus {
  /** Where the current values came from. */
  source: SecretsSource;
  /** True when the values are not live from Infisical. */
  fallback: boolean;
  /** When the current values were fetched (ISO 8601). */
  fetchedAt: string;
  /** How old the current values are; keeps growing while refreshes fail. */
  ageMs: number;
  /** Duration of the fetch that produced the current values. */
  lastLatencyMs: number;
  secretCount: number;
  /**
   * Keyed fingerprint of the content: equal on replicas that serve the same values. Null when the module
   * holds no shared secret to key it with (Kubernetes or AWS auth without a file cache key).
   */
  fingerprint: string | null;
  /** When the next scheduled refresh runs (null when none is scheduled). */
  nextRefreshAt: string | null;
  refreshing: boolean;
  consecutiveFailures: number;
  /** The last failed refresh (kept after recovery; compare its time with fetchedAt). */
  lastError: InfisicalConfigProblem | null;
  /** The last load or refresh that was fetched but not applied (mass deletion, schema). */
  lastRefusal: InfisicalConfigProblem | null;
  /** When the current access token expires (null before the first login). */
  tokenExpiresAt: string | null;
  /** Fleet mode: this replica's role, Redis's state, the version applied and whether it matches; null when off. */
  fleet: FleetStatus | null;
}
