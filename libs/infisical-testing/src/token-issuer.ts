import { randomBytes, randomUUID } from 'node:crypto';
import {
  renewPastMaxTtl,
  tokenJwtExpired,
  tokenMalformed,
  tokenNotFound,
  tokenTtlExpired,
} from './infisical-error.replies.js';

/** Who a token is for and how long it lives (seconds; 0 = no limit, as upstream treats a 0 TTL). */
export interface TokenSubject {
  identityId: string;
  accessTokenTTL: number;
  accessTokenMaxTTL: number;
}

/** The body of a successful login or renewal. */
export interface AccessTokenGrant {
  accessToken: string;
  /** seconds */
  expiresIn: number;
  /** seconds */
  accessTokenMaxTTL: number;
  tokenType: 'Bearer';
}

interface TokenRecord {
  identityId: string;
  ttlSeconds: number;
  maxTtlSeconds: number;
  createdAt: number;
  /** start of the current TTL window: login, then each renewal */
  renewedAt: number;
  /** deleted tokens stay known, so their use answers 401 'not found' rather than 403 'malformed' */
  deleted: boolean;
}

const base64url = (value: string | Buffer): string => Buffer.from(value).toString('base64url');

/** A lifetime in ms; 0 seconds means none. */
const lifetimeMs = (seconds: number): number => (seconds > 0 ? seconds * 1000 : Number.POSITIVE_INFINITY);

/**
 * Issues machine-identity access tokens (Universal Auth and the workload logins alike) and enforces their lifetime like Infisical: the JWT itself
 * expires at the max TTL, the shorter TTL is a server-side check, and renewal never passes the max TTL.
 */
export class TokenIssuer {
  private readonly tokens = new Map<string, TokenRecord>();

  constructor(private readonly now: () => number) {}

  issue(identity: TokenSubject): AccessTokenGrant {
    const createdAt = this.now();
    const accessToken = this.mintJwtLookalike(identity, createdAt);
    this.tokens.set(accessToken, {
      identityId: identity.identityId,
      ttlSeconds: identity.accessTokenTTL,
      maxTtlSeconds: identity.accessTokenMaxTTL,
      createdAt,
      renewedAt: createdAt,
      deleted: false,
    });
    return this.grant(accessToken, identity.accessTokenTTL, identity.accessTokenMaxTTL);
  }

  /**
   * Checks a bearer token in Infisical's order (signature, JWT expiry, revocation, TTL) and returns
   * the identity id it belongs to. A token found past its TTL is deleted, as the server does.
   */
  verify(accessToken: string): string {
    const record = this.tokens.get(accessToken);
    if (!record) throw tokenMalformed();
    const now = this.now();
    if (now >= record.createdAt + lifetimeMs(record.maxTtlSeconds)) throw tokenJwtExpired();
    if (record.deleted) throw tokenNotFound();
    if (now > record.renewedAt + lifetimeMs(record.ttlSeconds)) {
      record.deleted = true;
      throw tokenTtlExpired();
    }
    return record.identityId;
  }

  /** Same token string, new TTL window; a renewal that would pass the max TTL deletes the token. */
  renew(accessToken: string): AccessTokenGrant {
    this.verify(accessToken);
    const record = this.tokens.get(accessToken) as TokenRecord;
    const now = this.now();
    // `>=` so that with TTL = max TTL (the default) every renewal fails, even within the same millisecond
    const maxEnd = record.createdAt + lifetimeMs(record.maxTtlSeconds);
    if (Number.isFinite(maxEnd) && now + lifetimeMs(record.ttlSeconds) >= maxEnd) {
      record.deleted = true;
      throw renewPastMaxTtl();
    }
    record.renewedAt = now;
    return this.grant(accessToken, record.ttlSeconds, record.maxTtlSeconds);
  }

  /** Deletes the live tokens of one identity, or of all identities. */
  revoke(identityId?: string): void {
    for (const record of this.tokens.values()) {
      if (identityId === undefined || record.identityId === identityId) record.deleted = true;
    }
  }

  /**
   * Forgets every token, as a server restored from a backup or given a new AUTH_SECRET does: tokens issued
   * before can no longer be verified and get 403 TokenError (malformed / invalid signature).
   */
  rekey(): void {
    this.tokens.clear();
  }

  private grant(accessToken: string, ttlSeconds: number, maxTtlSeconds: number): AccessTokenGrant {
    return { accessToken, expiresIn: ttlSeconds, accessTokenMaxTTL: maxTtlSeconds, tokenType: 'Bearer' };
  }

  /**
   * Three base64url parts with a readable payload, so clients that decode the JWT (for `exp`) work;
   * the "signature" is random bytes: only this server's memory makes a token valid.
   */
  private mintJwtLookalike(identity: TokenSubject, createdAt: number): string {
    const issuedAt = Math.floor(createdAt / 1000);
    const header = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
    const payload = base64url(
      JSON.stringify({
        identityId: identity.identityId,
        identityAccessTokenId: randomUUID(),
        authTokenType: 'identityAccessToken',
        iat: issuedAt,
        // no max TTL, no `exp`, as upstream signs such tokens
        ...(identity.accessTokenMaxTTL > 0 && { exp: Math.floor((createdAt + identity.accessTokenMaxTTL * 1000) / 1000) }),
      }),
    );
    return `${header}.${payload}.${base64url(randomBytes(32))}`;
  }
}
