// Infisical locks an identity out for minutes after 3 failed logins within 30 s. After a refused login the
// next attempt waits 15 s, then 30 s, ... up to 5 min, so no two retries fall inside one lockout window.
// A rate-limited login waits what the server asked. Server errors and network failures are not counted:
// they cannot lock anyone out, and recovery after an outage should be immediate.
const FIRST_WAIT_MS = 15_000;
const MAX_WAIT_MS = 300_000;
const DEFAULT_RATE_LIMIT_WAIT_MS = 60_000;

/** Spaces out login attempts after refusals; a success resets it. */
export class LoginThrottle {
  private refusals = 0;
  private notBefore = 0;
  private lastFailure: unknown;

  /** The error of the last failure while the caller must still wait, else undefined. */
  blockedError(now: number): unknown {
    return now < this.notBefore ? this.lastFailure : undefined;
  }

  /** The server refused the credentials (4xx). */
  refused(error: unknown, now: number): void {
    this.refusals += 1;
    this.block(error, now + Math.min(MAX_WAIT_MS, FIRST_WAIT_MS * 2 ** (this.refusals - 1)));
  }

  /** 429: wait what the server asked (`retry-after`), else Infisical's fixed minute. */
  rateLimited(error: unknown, now: number, retryAfterMs = DEFAULT_RATE_LIMIT_WAIT_MS): void {
    this.block(error, now + retryAfterMs);
  }

  succeeded(): void {
    this.refusals = 0;
    this.notBefore = 0;
    this.lastFailure = undefined;
  }

  private block(error: unknown, until: number): void {
    this.lastFailure = error;
    this.notBefore = Math.max(this.notBefore, until);
  }
}
