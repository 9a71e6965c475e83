/** When the Infisical indicator reports down. Every field is optional; the defaults are documented. */
export interface InfisicalHealthRules {
  /**
   * Down when the values have not been refreshed from Infisical for this long (for a fallback: since it
   * was taken at boot).
   * @default the cache TTL plus 5 minutes: Infisical unreachable for 5 minutes past the TTL (no limit when
   * `refresh.enabled` is false: the values then stay as loaded on purpose)
   */
  maxStalenessMs?: number;
  /**
   * Down while serving a fallback (file cache or `.env`). Off by default: an orchestrator must not
   * restart-loop pods because Infisical blinked; the fallback is reported in the details either way.
   * @default false
   */
  fallbackIsDown?: boolean;
  /**
   * A fetch slower than this is reported as a warning in the details (not down).
   * @default 2000
   */
  slowFetchMs?: number;
}

export const HEALTH_DEFAULTS = { stalenessPastTtlMs: 5 * 60_000, slowFetchMs: 2_000, fallbackIsDown: false } as const;
