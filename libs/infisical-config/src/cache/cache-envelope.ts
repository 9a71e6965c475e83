import type { CacheProblem } from '../errors/infisical-cache.error.js';
import { CACHE_CORRUPT, CACHE_NOT_A_CACHE_FILE, CACHE_UNSUPPORTED_VERSION } from './cache.messages.js';

/** Marks a file as ours, so a stray file at the cache path is told apart from a damaged cache. */
export const CACHE_FORMAT = 'nestjs-infisical-config/secrets-cache';
export const CACHE_FORMAT_VERSION = 1;
export const IV_BYTES = 12;
export const TAG_BYTES = 16;

/** The fields that are authenticated but not encrypted. */
export interface CacheHeader {
  format: typeof CACHE_FORMAT;
  version: typeof CACHE_FORMAT_VERSION;
  /** SHA-256 hex of the canonical binding, in clear so a foreign cache is recognised before decrypting. */
  binding: string;
  /** ISO 8601; authenticated, so the age cannot be faked. */
  writtenAt: string;
}

/** The file, once parsed: the header plus the AES-GCM output, decoded. */
export interface CacheEnvelope extends CacheHeader {
  iv: Buffer;
  tag: Buffer;
  data: Buffer;
}

export type EnvelopeParseResult =
  | { ok: true; envelope: CacheEnvelope }
  | { ok: false; problem: Extract<CacheProblem, 'not-a-cache-file' | 'corrupt'>; reason: string };

export type ValuesParseResult = { ok: true; values: Record<string, string> } | { ok: false; reason: string };

/**
 * Additional authenticated data: the header in a fixed order, so changing the binding or the date in the
 * file makes decryption fail.
 */
export function envelopeAad(header: CacheHeader): Buffer {
  return Buffer.from(JSON.stringify([header.format, header.version, header.binding, header.writtenAt]), 'utf8');
}

export function formatEnvelope(envelope: CacheEnvelope): string {
  // Field order puts the format first, which lets a truncated file still be recognised as ours.
  return `${JSON.stringify({
    format: envelope.format,
    version: envelope.version,
    binding: envelope.binding,
    writtenAt: envelope.writtenAt,
    iv: envelope.iv.toString('base64'),
    tag: envelope.tag.toString('base64'),
    data: envelope.data.toString('base64'),
  })}\n`;
}

const FORMAT_MARKER = new RegExp(`"format"\\s*:\\s*"${CACHE_FORMAT.replace(/[/.]/g, '\\$&')}"`);
const FORMAT_PREFIX = `{"format":"${CACHE_FORMAT}"`;
const SHA256_HEX = /^[0-9a-f]{64}$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Parses and validates the file's text; decryption is the caller's. */
export function parseEnvelope(text: string, filePath: string): EnvelopeParseResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // A file that starts like ours but does not parse was cut short or damaged; anything else is foreign.
    const trimmed = text.trim();
    return looksLikeOurs(trimmed)
      ? corrupt(filePath, trimmed === '' ? 'the file is empty' : 'it is not complete JSON, probably truncated')
      : notACacheFile(filePath, 'it is not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return notACacheFile(filePath, 'it is JSON but not an object');
  }
  const fields = parsed as Record<string, unknown>;
  if (fields['format'] !== CACHE_FORMAT) return notACacheFile(filePath, `its "format" is not "${CACHE_FORMAT}"`);
  if (fields['version'] !== CACHE_FORMAT_VERSION) {
    return {
      ok: false,
      problem: 'not-a-cache-file',
      reason: CACHE_UNSUPPORTED_VERSION(filePath, fields['version'], CACHE_FORMAT_VERSION),
    };
  }

  const { binding, writtenAt } = fields;
  if (typeof binding !== 'string' || !SHA256_HEX.test(binding)) {
    return corrupt(filePath, '"binding" is not a SHA-256 hex digest');
  }
  if (typeof writtenAt !== 'string' || !isCanonicalIsoDate(writtenAt)) {
    return corrupt(filePath, '"writtenAt" is not an ISO 8601 date');
  }
  const iv = decodeBase64(fields['iv']);
  if (iv?.length !== IV_BYTES) return corrupt(filePath, `"iv" is not ${IV_BYTES} bytes of base64`);
  const tag = decodeBase64(fields['tag']);
  if (tag?.length !== TAG_BYTES) return corrupt(filePath, `"tag" is not ${TAG_BYTES} bytes of base64`);
  const data = decodeBase64(fields['data']);
  if (data === undefined) return corrupt(filePath, '"data" is not base64');

  const header: CacheHeader = { format: CACHE_FORMAT, version: CACHE_FORMAT_VERSION, binding, writtenAt };
  return { ok: true, envelope: { ...header, iv, tag, data } };
}

/** The plaintext: JSON of the values record. */
export function serializeValues(values: Readonly<Record<string, string>>): Buffer {
  return Buffer.from(JSON.stringify(values), 'utf8');
}

/**
 * Values back from the plaintext, into an object without prototype so that a key such as `__proto__` stays
 * plain data. Anything but an object of string values is refused.
 */
export function parseValues(plaintext: Buffer): ValuesParseResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(plaintext.toString('utf8'));
  } catch {
    return { ok: false, reason: 'the decrypted content is not JSON' };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { ok: false, reason: 'the decrypted content is not an object of values' };
  }
  const values = Object.create(null) as Record<string, string>;
  // JSON.parse defines `__proto__` as an own property, so Object.keys sees it like any other key.
  for (const [name, value] of Object.entries(parsed)) {
    if (typeof value !== 'string') return { ok: false, reason: 'a decrypted value is not a string' };
    values[name] = value;
  }
  return { ok: true, values };
}

function looksLikeOurs(trimmed: string): boolean {
  return trimmed === '' || FORMAT_MARKER.test(trimmed) || FORMAT_PREFIX.startsWith(trimmed);
}

function isCanonicalIsoDate(text: string): boolean {
  const date = new Date(text);
  return !Number.isNaN(date.getTime()) && date.toISOString() === text;
}

function decodeBase64(value: unknown): Buffer | undefined {
  return typeof value === 'string' && BASE64.test(value) ? Buffer.from(value, 'base64') : undefined;
}

function notACacheFile(filePath: string, what: string): EnvelopeParseResult {
  return { ok: false, problem: 'not-a-cache-file', reason: CACHE_NOT_A_CACHE_FILE(filePath, what) };
}

function corrupt(filePath: string, what: string): EnvelopeParseResult {
  return { ok: false, problem: 'corrupt', reason: CACHE_CORRUPT(filePath, what) };
}
