import { identityLocked } from './infisical-error.replies.js';

/** Universal Auth lockout settings; the defaults are what newer Infisical servers do. */
export interface LoginLockoutOptions {
  /** failed logins within the window that lock the identity; @default 3 */
  attempts?: number;
  /** sliding window the failures are counted in; @default 30 */
  windowSeconds?: number;
  /** how long the identity stays locked; @default 300 */
  lockSeconds?: number;
}

/** The lockout in effect, as upstream's Universal Auth configuration reports its own. */
export interface LoginLockoutSettings {
  enabled: boolean;
  attempts: number;
  windowSeconds: number;
  lockSeconds: number;
}

interface LockoutState {
  /** ms timestamps of the failed logins still inside the window */
  failures: number[];
  /** ms; set while locked */
  lockedUntil?: number;
}

function assertValidOptions(options: LoginLockoutOptions): void {
  const { attempts, windowSeconds, lockSeconds } = options;
  if (attempts !== undefined && (!Number.isInteger(attempts) || attempts < 1)) {
    throw new RangeError(`loginLockout 'attempts' must be a positive integer, got ${attempts}`);
  }
  if (windowSeconds !== undefined && !(Number.isFinite(windowSeconds) && windowSeconds > 0)) {
    throw new RangeError(`loginLockout 'windowSeconds' must be a positive number, got ${windowSeconds}`);
  }
  if (lockSeconds !== undefined && !(Number.isFinite(lockSeconds) && lockSeconds > 0)) {
    throw new RangeError(`loginLockout 'lockSeconds' must be a positive number, got ${lockSeconds}`);
  }
}

/**
 * Locks an identity's Universal Auth after too many failed logins in a sliding window, so clients that
 * retry a failed login in a tight loop fail here as they would against a newer server.
 * `false` disables it: nothing is recorded and nothing locks.
 */
export class LoginLockout {
  private readonly states = new Map<string, LockoutState>();
  private readonly attempts: number;
  private readonly windowMs: number;
  private readonly lockMs: number;
  private readonly enabled: boolean;

  constructor(
    options: LoginLockoutOptions | false | undefined,
    private readonly now: () => number,
  ) {
    this.enabled = options !== false;
    const settings = options === false ? {} : (options ?? {});
    assertValidOptions(settings);
    this.attempts = settings.attempts ?? 3;
    this.windowMs = (settings.windowSeconds ?? 30) * 1000;
    this.lockMs = (settings.lockSeconds ?? 300) * 1000;
  }

  settings(): LoginLockoutSettings {
    return { enabled: this.enabled, attempts: this.attempts, windowSeconds: this.windowMs / 1000, lockSeconds: this.lockMs / 1000 };
  }

  isLocked(clientId: string): boolean {
    return this.lockedUntil(clientId) !== undefined;
  }

  /** Throws the 429 while locked; a refused login does not extend the lock. */
  assertNotLocked(clientId: string): void {
    const lockedUntil = this.lockedUntil(clientId);
    if (lockedUntil !== undefined) throw identityLocked(Math.ceil((lockedUntil - this.now()) / 1000));
  }

  recordFailure(clientId: string): void {
    if (!this.enabled) return;
    const now = this.now();
    const state = this.states.get(clientId) ?? { failures: [] };
    state.failures = state.failures.filter((at) => at > now - this.windowMs);
    state.failures.push(now);
    if (state.failures.length >= this.attempts) {
      state.lockedUntil = now + this.lockMs;
      state.failures = [];
    }
    this.states.set(clientId, state);
  }

  recordSuccess(clientId: string): void {
    this.states.delete(clientId);
  }

  /** The lock's end while it holds; an ended lock is dropped so the counter starts fresh. */
  private lockedUntil(clientId: string): number | undefined {
    const lockedUntil = this.states.get(clientId)?.lockedUntil;
    if (lockedUntil === undefined) return undefined;
    if (this.now() < lockedUntil) return lockedUntil;
    this.states.delete(clientId);
    return undefined;
  }
}
