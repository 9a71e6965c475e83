import type { InfisicalLoadError } from '../errors/infisical-load.error.js';

/** A sanitized error: cause and status, no URL query string, no value. */
export interface RefreshProblem {
  readonly reason: string;
  readonly status?: number;
  readonly at: Date;
  /** What the server asked to wait (429). */
  readonly retryAfterMs?: number;
}

/** The outcome history of refreshes that status() reports. */
export class RefreshState {
  consecutiveFailures = 0;
  lastError: RefreshProblem | undefined;
  lastRefusal: RefreshProblem | undefined;
  nextRefreshAt: Date | undefined;

  succeeded(): void {
    this.consecutiveFailures = 0;
  }

  failed(error: InfisicalLoadError, at: Date): void {
    this.consecutiveFailures += 1;
    this.lastError = { reason: error.reason, status: error.status, at, retryAfterMs: error.retryAfterMs };
  }

  refused(reason: string, at: Date): void {
    this.lastRefusal = { reason, at };
  }
}
