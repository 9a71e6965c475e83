import { InfisicalCacheError } from '../errors/infisical-cache.error.js';
import { INVALID_CACHE_KEY } from './cache.messages.js';

/** AES-256 takes a 32-byte key. */
export const CACHE_KEY_BYTES = 32;

const HEX = /^[0-9a-fA-F]+$/;
// Standard or URL-safe alphabet, optional padding; mixing is tolerated as Node decodes both.
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

/**
 * 32-byte key from base64 (standard or URL-safe) or 64 hex characters. The message of the error never
 * includes the input: it is the key, or something close to it.
 */
export function parseCacheKey(raw: string): Buffer {
  const text = typeof raw === 'string' ? raw.trim() : '';
  if (text === '') throw invalidKey('it is empty');

  // Hex first: 64 hex characters are also valid base64 (of 48 bytes).
  if (text.length === CACHE_KEY_BYTES * 2 && HEX.test(text)) return Buffer.from(text, 'hex');

  if (!BASE64.test(text) || text.length % 4 === 1) {
    throw invalidKey(`it is ${text.length} characters long and neither base64 nor hex`);
  }
  const key = Buffer.from(text, 'base64');
  if (key.length !== CACHE_KEY_BYTES) throw invalidKey(`it decodes to ${key.length} bytes, not ${CACHE_KEY_BYTES}`);
  return key;
}

/** Checks a key given as bytes (options built in code rather than from an environment variable). */
export function assertCacheKey(key: Buffer): void {
  if (!Buffer.isBuffer(key)) throw invalidKey('it is not a Buffer');
  if (key.length !== CACHE_KEY_BYTES) throw invalidKey(`it is ${key.length} bytes long, not ${CACHE_KEY_BYTES}`);
}

function invalidKey(problem: string): InfisicalCacheError {
  return new InfisicalCacheError(INVALID_CACHE_KEY(problem), 'invalid-key', undefined);
}
