/** What Infisical answers to a Universal Auth login or a token renewal (TTLs in seconds). */
export interface IssuedToken {
  accessToken: string;
  expiresIn: number;
  accessTokenMaxTTL: number;
}

// Renew at two thirds of the token's life, as Infisical's own agent does.
const RENEW_AT_SHARE = 2 / 3;
// A token this close to its expiry (or a tenth of its TTL, if shorter) is not used: a request could
// arrive after it.
const EXPIRY_SKEW_MS = 5_000;

/** An access token and its clock: when to renew it, whether it can still be renewed. */
export class AccessToken {
  private constructor(
    readonly value: string,
    readonly issuedAt: number,
    readonly expiresAt: number,
    /** The JWT's own expiry: no renewal can pass it. */
    readonly maxExpiresAt: number,
    private readonly ttlMs: number,
  ) {}

  /** A token obtained elsewhere (the access-token auth method): no known expiry, never renewed by the module. */
  static given(value: string, now: number): AccessToken {
    return new AccessToken(value, now, Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY);
  }

  static fromLogin(issued: IssuedToken, now: number): AccessToken {
    const ttlMs = issued.expiresIn * 1000;
    const maxTtlMs = (issued.accessTokenMaxTTL || issued.expiresIn) * 1000;
    return new AccessToken(issued.accessToken, now, now + ttlMs, now + maxTtlMs, ttlMs);
  }

  /** A renewal keeps the token string and the max expiry of the login. */
  renewed(issued: IssuedToken, now: number): AccessToken {
    const ttlMs = issued.expiresIn * 1000;
    return new AccessToken(issued.accessToken, now, Math.min(now + ttlMs, this.maxExpiresAt), this.maxExpiresAt, ttlMs);
  }

  get renewAt(): number {
    return this.issuedAt + (this.expiresAt - this.issuedAt) * RENEW_AT_SHARE;
  }

  isUsable(now: number): boolean {
    return now < this.expiresAt - Math.min(EXPIRY_SKEW_MS, this.ttlMs / 10);
  }

  /**
   * Infisical refuses (and deletes the token) when a renewal would pass the max TTL; with its default
   * settings (TTL = max TTL) that is every renewal, so the caller logs in again instead.
   */
  canRenew(now: number): boolean {
    return now + this.ttlMs < this.maxExpiresAt;
  }
}
