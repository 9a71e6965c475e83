import { createHmac, hkdfSync } from 'node:crypto';
import type { SecretValues } from './secrets-snapshot.js';

/**
 * A keyed fingerprint of the content, for replicas sharing an identity to compare and spot drift. Keyed
 * (HMAC with a key derived from a secret the replicas share: the client secret, an access token, or the
 * file cache key), never a plain hash: a plain hash of a short secret can be brute-forced by whoever reads
 * the health payload. Without such a secret (Kubernetes or AWS auth and no cache key) there is none.
 */
export class ContentFingerprinter {
  private readonly key: Buffer | undefined;

  constructor(secret: string | Buffer | undefined, projectId: string) {
    this.key = secret === undefined ? undefined : Buffer.from(hkdfSync('sha256', secret, 'nestjs-infisical-config', `fingerprint:${projectId}`, 32));
  }

  fingerprint(values: SecretValues): string | null {
    if (!this.key) return null;
    const hmac = createHmac('sha256', this.key);
    // Length-prefixed so that no two different contents serialize alike.
    for (const key of Object.keys(values).sort()) {
      const value = values[key];
      hmac.update(`${key.length}:${key}${value.length}:${value}`);
    }
    return hmac.digest('hex').slice(0, 32);
  }
}
