/** A sanitized error: cause and status, no URL query string, no value. */
export interface RefreshProblem {
  readonly reason: string;
  readonly status?: number;
  readonly at: Date;
  /** What the server asked to wait (429). */
  readonly retryAfterMs?: number;
}

/** The outcome history of loads and refreshes that status() and health report. */
export class RefreshState {
  consecutiveFailures = 0;
  /** Refusals in a row (a probe that fails until the new values work); reset by an applied refresh. */
  consecutiveRefusals = 0;
  lastError: RefreshProblem | undefined;
  lastRefusal: RefreshProblem | undefined;
  nextRefreshAt: Date | undefined;

  succeeded(): void {
    this.consecutiveFailures = 0;
    this.consecutiveRefusals = 0;
  }

  /** A load or refresh that got no usable answer (an InfisicalLoadError's fields, or an unexpected error). */
  failed(problem: { reason: string; status?: number; retryAfterMs?: number }, at: Date): void {
    this.consecutiveFailures += 1;
    this.lastError = { reason: problem.reason, status: problem.status, at, retryAfterMs: problem.retryAfterMs };
  }

  refused(reason: string, at: Date): void {
    this.consecutiveRefusals += 1;
    this.lastRefusal = { reason, at };
  }
}
