import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { IV_BYTES, TAG_BYTES } from './cache-envelope.js';

const ALGORITHM = 'aes-256-gcm';

export interface SealedData {
  iv: Buffer;
  tag: Buffer;
  data: Buffer;
}

/** AES-256-GCM with a fresh random IV each time: reusing an IV under one key breaks GCM. */
export function seal(plaintext: Buffer, key: Buffer, aad: Buffer): SealedData {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad);
  const data = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { iv, tag: cipher.getAuthTag(), data };
}

/** The plaintext, or undefined when authentication fails (another key, or the file or its header changed). */
export function open(sealed: SealedData, key: Buffer, aad: Buffer): Buffer | undefined {
  try {
    const decipher = createDecipheriv(ALGORITHM, key, sealed.iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(aad);
    decipher.setAuthTag(sealed.tag);
    return Buffer.concat([decipher.update(sealed.data), decipher.final()]);
  } catch {
    return undefined;
  }
}
