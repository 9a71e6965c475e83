import { createHmac, timingSafeEqual } from 'node:crypto';
import { ReplayGuard } from './replay.guard.js';

/** Why a delivery was refused; the only detail ever logged about it. */
export type WebhookRefusalReason =
  | 'no secret configured'
  | 'missing signature'
  | 'bad signature'
  | 'stale timestamp'
  | 'replay'
  | 'unreadable body'
  | 'raw body unavailable'
  | 'body too large'
  | 'not JSON';

/** The two `x-infisical-signature` formats. */
export type WebhookSignatureFormat = 'project' | 'v1';

export type WebhookVerification =
  | { readonly ok: true; readonly format: WebhookSignatureFormat; readonly timestamp: number; readonly payload: unknown }
  | { readonly ok: false; readonly reason: WebhookRefusalReason };

interface ParsedSignature {
  readonly format: WebhookSignatureFormat;
  /** as written in the header: v1 signs exactly this text */
  readonly timestampText: string;
  readonly timestamp: number;
  /** 32 bytes each (64 hex digits were required) */
  readonly digests: readonly Buffer[];
}

/** Longer headers are refused before they are parsed. */
const MAX_HEADER_LENGTH = 512;
const TIMESTAMP = /^\d{1,16}$/;
const HEX_DIGEST = /^[0-9a-fA-F]{64}$/;

/**
 * `t=<ms>;<hex>` (Infisical's project webhooks) or `t=<ms>,v1=<hex>[,v1=<hex>…]` (newer servers' event
 * webhooks); undefined for anything else, including a truncated or over-long digest.
 */
export function parseSignatureHeader(header: string): ParsedSignature | undefined {
  if (header.length > MAX_HEADER_LENGTH) return undefined;
  const project = /^t=([^;,]*);([^;,]*)$/.exec(header);
  if (project) {
    const [, timestampText, hex] = project;
    if (!TIMESTAMP.test(timestampText) || !HEX_DIGEST.test(hex)) return undefined;
    return { format: 'project', timestampText, timestamp: Number(timestampText), digests: [Buffer.from(hex, 'hex')] };
  }
  let timestampText: string | undefined;
  const digests: Buffer[] = [];
  for (const part of header.split(',')) {
    const equals = part.indexOf('=');
    if (equals < 0) return undefined;
    const name = part.slice(0, equals).trim();
    const value = part.slice(equals + 1).trim();
    if (name === 't') {
      if (timestampText !== undefined || !TIMESTAMP.test(value)) return undefined;
      timestampText = value;
    } else if (name === 'v1') {
      if (!HEX_DIGEST.test(value)) return undefined;
      digests.push(Buffer.from(value, 'hex'));
    } // other schemes are ignored, as in other `t=,v1=` receivers
  }
  if (timestampText === undefined || digests.length === 0) return undefined;
  return { format: 'v1', timestampText, timestamp: Number(timestampText), digests };
}

/** The HMAC-SHA256 each format signs with `key`. */
function expectedDigest(key: Buffer, signature: ParsedSignature, rawBody: Buffer): Buffer {
  const hmac = createHmac('sha256', key);
  if (signature.format === 'v1') hmac.update(`${signature.timestampText}.`);
  return hmac.update(rawBody).digest();
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Checks `x-infisical-signature` against the exact raw body: format, timestamp window, HMAC (constant-time,
 * on equal-length buffers, against every configured key), then replays. For the `project` format, whose
 * signature does not cover the header's `t`, the body's own (signed) `timestamp` must equal `t`: otherwise
 * a captured delivery could be replayed for ever under a fresh `t`.
 */
export class WebhookSignatureVerifier {
  private readonly replays: ReplayGuard;

  constructor(
    private readonly keys: readonly Buffer[],
    private readonly toleranceMs: number,
    replayCacheSize: number,
    private readonly now: () => number = Date.now,
  ) {
    // A timestamp is accepted until t + tolerance, and t may lie up to `tolerance` ahead of the clock.
    this.replays = new ReplayGuard(2 * toleranceMs, replayCacheSize);
  }

  verify(header: string | readonly string[] | undefined, rawBody: Buffer): WebhookVerification {
    if (this.keys.length === 0) return { ok: false, reason: 'no secret configured' };
    if (header === undefined || header === '') return { ok: false, reason: 'missing signature' };
    if (typeof header !== 'string') return { ok: false, reason: 'bad signature' }; // sent twice
    const signature = parseSignatureHeader(header);
    if (!signature) return { ok: false, reason: 'bad signature' };
    const now = this.now();
    if (Math.abs(now - signature.timestamp) > this.toleranceMs) return { ok: false, reason: 'stale timestamp' };
    const matched = this.matchingDigest(signature, rawBody);
    if (!matched) return { ok: false, reason: 'bad signature' };

    let payload: unknown;
    try {
      payload = JSON.parse(rawBody.toString('utf8'));
    } catch {
      return { ok: false, reason: 'unreadable body' };
    }
    if (signature.format === 'project' && !(isRecord(payload) && payload.timestamp === signature.timestamp)) {
      return { ok: false, reason: 'bad signature' };
    }
    // The computed digest is the same for every copy of this delivery, whatever the header's hex case.
    const replayKey = `${signature.format}:${signature.timestampText}:${matched.toString('hex')}`;
    if (!this.replays.firstSeen(replayKey, now)) return { ok: false, reason: 'replay' };
    return { ok: true, format: signature.format, timestamp: signature.timestamp, payload };
  }

  /** How many signatures are remembered against replays. */
  get rememberedSignatures(): number {
    return this.replays.size;
  }

  /** The first key's digest that the header carries, or undefined. */
  private matchingDigest(signature: ParsedSignature, rawBody: Buffer): Buffer | undefined {
    let matched: Buffer | undefined;
    // Every key and every digest is compared (no early exit), each in constant time on 32-byte buffers.
    for (const key of this.keys) {
      const expected = expectedDigest(key, signature, rawBody);
      for (const digest of signature.digests) {
        if (digest.length === expected.length && timingSafeEqual(digest, expected)) matched ??= expected;
      }
    }
    return matched;
  }
}
