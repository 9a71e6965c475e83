import type { ConfigService } from '@nestjs/config';
import type { ProcessEnvWriter } from './process-env.writer.js';
import type { SecretsDiff } from './snapshot-diff.js';
import type { SecretsSnapshot } from './secrets-snapshot.js';

/**
 * Makes `ConfigService` and `process.env` follow a new snapshot. `ConfigService.get` prefers its internal
 * config over `process.env`, so only `ConfigService.set` reaches every reader (it also emits
 * `ConfigService.changes$`). Only the keys in the diff are touched.
 */
export class ConfigServicePublisher {
  constructor(
    private readonly config: ConfigService,
    private readonly env: ProcessEnvWriter,
  ) {}

  publish(next: SecretsSnapshot, diff: SecretsDiff): void {
    for (const key of [...diff.added, ...diff.changed]) this.put(key, next.get(key));
    for (const key of diff.removed) this.put(key, undefined);
  }

  private put(key: string, value: string | undefined): void {
    const before = process.env[key];
    this.config.set(key, value);
    this.env.settle(key, value, before);
  }
}
