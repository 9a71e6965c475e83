import { verify as verifySignature } from 'node:crypto';
import type { KeyObject } from 'node:crypto';

/** A JWT split and parsed; the signature is not checked yet. */
export interface DecodedJwt {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  /** `<header>.<payload>`, the bytes the signature covers */
  signingInput: string;
  signature: Buffer;
}

/**
 * A verification failure, with the message the `jsonwebtoken` package gives (Infisical verifies OIDC and
 * JWT Auth tokens with it and quotes the message after "Access denied: ").
 */
export class JwtVerificationError extends Error {
  override readonly name = 'JwtVerificationError';

  constructor(
    message: string,
    /** which check failed, so callers that word failures differently (Kubernetes) can tell them apart */
    readonly reason: 'algorithm' | 'signature' | 'claim' | 'notBefore' | 'expired' | 'issuer',
  ) {
    super(message);
  }
}

const BASE64URL_PART = /^[A-Za-z0-9_-]+$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parsePart(part: string): Record<string, unknown> | undefined {
  if (!BASE64URL_PART.test(part)) return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return isRecord(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** Three base64url parts, a JSON header and a JSON object payload; undefined otherwise (Infisical: "Invalid JWT"). */
export function decodeJwt(token: string): DecodedJwt | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  const header = parsePart(headerPart);
  const payload = parsePart(payloadPart);
  if (!header || !payload) return undefined;
  if (signaturePart !== '' && !BASE64URL_PART.test(signaturePart)) return undefined;
  return { header, payload, signingInput: `${headerPart}.${payloadPart}`, signature: Buffer.from(signaturePart, 'base64url') };
}

/** The algorithms jsonwebtoken accepts for RSA and EC public keys (the RSA-PSS family is left out). */
const ALGORITHMS: Record<string, { keyType: 'rsa' | 'ec'; hash: string; curve?: string }> = {
  RS256: { keyType: 'rsa', hash: 'sha256' },
  RS384: { keyType: 'rsa', hash: 'sha384' },
  RS512: { keyType: 'rsa', hash: 'sha512' },
  ES256: { keyType: 'ec', hash: 'sha256', curve: 'prime256v1' },
  ES384: { keyType: 'ec', hash: 'sha384', curve: 'secp384r1' },
  ES512: { keyType: 'ec', hash: 'sha512', curve: 'secp521r1' },
};

export interface JwtVerifyOptions {
  /** ms clock: the server's `now` */
  now: number;
  /** like jsonwebtoken's `issuer` option: checked after the expiry */
  issuer?: string;
}

/**
 * Verifies a decoded JWT in jsonwebtoken's order and with its messages: algorithm (must suit the key),
 * signature, `nbf`, `exp`, then the issuer when asked. Throws JwtVerificationError; returns the payload.
 */
export function verifyJwt(jwt: DecodedJwt, key: KeyObject, options: JwtVerifyOptions): Record<string, unknown> {
  const algorithm = typeof jwt.header.alg === 'string' ? ALGORITHMS[jwt.header.alg] : undefined;
  const keyCurve = key.asymmetricKeyDetails?.namedCurve;
  if (!algorithm || algorithm.keyType !== key.asymmetricKeyType || (algorithm.curve && algorithm.curve !== keyCurve)) {
    throw new JwtVerificationError('invalid algorithm', 'algorithm');
  }
  if (jwt.signature.length === 0) throw new JwtVerificationError('jwt signature is required', 'signature');
  const valid = verifySignature(
    algorithm.hash,
    Buffer.from(jwt.signingInput),
    algorithm.keyType === 'ec' ? { key, dsaEncoding: 'ieee-p1363' } : key,
    jwt.signature,
  );
  if (!valid) throw new JwtVerificationError('invalid signature', 'signature');

  const { payload } = jwt;
  const clockSeconds = Math.floor(options.now / 1000);
  if (payload.nbf !== undefined) {
    if (typeof payload.nbf !== 'number') throw new JwtVerificationError('invalid nbf value', 'claim');
    if (payload.nbf > clockSeconds) throw new JwtVerificationError('jwt not active', 'notBefore');
  }
  if (payload.exp !== undefined) {
    if (typeof payload.exp !== 'number') throw new JwtVerificationError('invalid exp value', 'claim');
    if (clockSeconds >= payload.exp) throw new JwtVerificationError('jwt expired', 'expired');
  }
  if (options.issuer !== undefined && payload.iss !== options.issuer) {
    throw new JwtVerificationError(`jwt issuer invalid. expected: ${options.issuer}`, 'issuer');
  }
  return payload;
}

/** `aud` as a list: a JWT may carry one audience as a string or several as an array. */
export function audiencesOf(payload: Record<string, unknown>): string[] {
  const { aud } = payload;
  if (typeof aud === 'string') return [aud];
  return Array.isArray(aud) ? aud.filter((entry): entry is string => typeof entry === 'string') : [];
}

/**
 * Infisical matches bound subjects, audiences, namespaces and names exactly or as a picomatch glob; this
 * covers the common part of that: `*` (no '/'), `**` (anything) and `?`.
 */
export function matchesPolicy(value: string, policy: string): boolean {
  if (value === policy) return true;
  if (!/[*?]/.test(policy)) return false;
  const pattern = policy
    .split(/(\*\*|\*|\?)/)
    .map((piece) => {
      if (piece === '**') return '.*';
      if (piece === '*') return '[^/]*';
      if (piece === '?') return '[^/]';
      return piece.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    })
    .join('');
  return new RegExp(`^${pattern}$`).test(value);
}
