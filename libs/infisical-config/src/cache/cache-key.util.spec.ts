import { randomBytes } from 'node:crypto';
import { InfisicalCacheError } from '../errors/infisical-cache.error.js';
import { parseCacheKey } from './cache-key.util.js';

function rejection(raw: string): InfisicalCacheError {
  try {
    parseCacheKey(raw);
  } catch (error) {
    expect(error).toBeInstanceOf(InfisicalCacheError);
    return error as InfisicalCacheError;
  }
  throw new Error('parseCacheKey accepted an invalid key');
}

describe('parseCacheKey', () => {
  const key = randomBytes(32);

  it('accepts 32 bytes as standard base64, with or without padding', () => {
    expect(parseCacheKey(key.toString('base64')).equals(key)).toBe(true);
    expect(parseCacheKey(key.toString('base64').replace(/=+$/, '')).equals(key)).toBe(true);
  });

  it('accepts 32 bytes as URL-safe base64', () => {
    // 0xfb 0xff in a row gives both "-" and "_" in URL-safe base64.
    const urlKey = Buffer.alloc(32, 0xfb);
    urlKey.fill(0xff, 16);
    const text = urlKey.toString('base64url');
    expect(text).toMatch(/[-_]/);
    expect(parseCacheKey(text).equals(urlKey)).toBe(true);
  });

  it('accepts 64 hex characters in either case, and ignores surrounding whitespace', () => {
    expect(parseCacheKey(key.toString('hex')).equals(key)).toBe(true);
    expect(parseCacheKey(key.toString('hex').toUpperCase()).equals(key)).toBe(true);
    expect(parseCacheKey(`  ${key.toString('base64')}\n`).equals(key)).toBe(true);
  });

  it.each([
    ['16 bytes of base64', randomBytes(16).toString('base64')],
    ['64 bytes of base64', randomBytes(64).toString('base64')],
    ['31 bytes of hex', randomBytes(31).toString('hex')],
    ['33 bytes of base64url', randomBytes(33).toString('base64url')],
    ['a passphrase', 'correct horse battery staple'],
  ])('rejects %s with the expected format and how to make a key', (_label, raw) => {
    const error = rejection(raw);
    expect(error.problem).toBe('invalid-key');
    expect(error.filePath).toBeUndefined();
    expect(error.name).toBe('InfisicalCacheError');
    expect(error.message).toContain('32');
    expect(error.message).toContain('base64');
    expect(error.message).toContain('64 hex characters');
    expect(error.message).toContain('openssl rand -base64 32');
    expect(error.message).toContain("require('crypto').randomBytes(32).toString('base64')");
    expect(error.message).not.toContain(raw.trim());
  });

  it('rejects an empty key', () => {
    expect(rejection('   ').message).toContain('empty');
  });

  it('never puts the input, or a part of it, in the message', () => {
    const canary = 'CANARYxKEYxSHOULDxNEVERxBExPRINTED';
    for (const raw of [canary, `${canary}==`, `${canary}${canary}`, `${canary}!`]) {
      const { message } = rejection(raw);
      expect(message).not.toContain('CANARY');
      expect(message).not.toContain('PRINTED');
    }
  });
});
