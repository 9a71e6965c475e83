// Infisical locks an identity out for minutes after 3 failed logins within 30 s. After a refused login the
// next attempt waits 15 s, then 30 s, ... up to 5 min, so no two retries fall inside one lockout window.
// Network failures are not counted: they cannot lock anyone out, and recovery should be quick.
const FIRST_WAIT_MS = 15_000;
const MAX_WAIT_MS = 300_000;

/** Spaces out login attempts after failures; a success resets it. */
export class LoginThrottle {
  private failures = 0;
  private notBefore = 0;
  private lastFailure: unknown;

  /** The error of the last failure while the caller must still wait, else undefined. */
  blockedError(now: number): unknown {
    return now < this.notBefore ? this.lastFailure : undefined;
  }

  /** `minWaitMs`: what the server asked for (a 429's retry-after), when longer than the backoff. */
  failed(error: unknown, now: number, minWaitMs = 0): void {
    this.failures += 1;
    this.lastFailure = error;
    this.notBefore = now + Math.max(minWaitMs, Math.min(MAX_WAIT_MS, FIRST_WAIT_MS * 2 ** (this.failures - 1)));
  }

  succeeded(): void {
    this.failures = 0;
    this.notBefore = 0;
    this.lastFailure = undefined;
  }
}
