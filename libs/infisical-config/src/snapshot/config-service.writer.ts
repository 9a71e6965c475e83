import type { ConfigService } from '@nestjs/config';
import type { Subject } from 'rxjs';
import type { SecretsDiff } from './snapshot-diff.js';
import type { SecretsSnapshot } from './secrets-snapshot.js';

/**
 * `@nestjs/config` keeps its configuration in an object provided under this token (one per app), filled
 * from the `load` factories; `ConfigService.get` reads it before `process.env`.
 */
export const CONFIGURATION_TOKEN = 'CONFIGURATION_TOKEN';

/** What `ConfigService.changes$` emits (`@nestjs/config`'s `ConfigChangeEvent`). */
interface ConfigChange {
  path: string;
  oldValue: unknown;
  newValue: unknown;
}

/**
 * The only writer of `ConfigService`'s configuration after boot. It changes the keys of a refresh in the
 * object `ConfigService.get` reads, in one synchronous step, and emits `ConfigService.changes$` for them.
 * Not `ConfigService.set`: per key, that re-reads and re-interpolates the `.env` files and writes
 * `process.env` whatever `processEnv` says. `config-service.writer.spec.ts` fails if a `@nestjs/config`
 * release changes what this relies on.
 */
export class ConfigServiceWriter {
  private readonly changes: Subject<ConfigChange> | undefined;

  constructor(
    /** The object under {@link CONFIGURATION_TOKEN}. */
    private readonly configuration: Record<string, unknown>,
    config: ConfigService,
  ) {
    this.changes = (config as unknown as { _changes$?: Subject<ConfigChange> })._changes$;
  }

  apply(next: SecretsSnapshot, diff: SecretsDiff): void {
    const emit = this.changes?.observed === true;
    const events: ConfigChange[] = [];
    for (const key of [...diff.added, ...diff.changed]) {
      if (emit) events.push({ path: key, oldValue: this.configuration[key], newValue: next.get(key) });
      this.configuration[key] = next.get(key);
    }
    for (const key of diff.removed) {
      if (emit) events.push({ path: key, oldValue: this.configuration[key], newValue: undefined });
      delete this.configuration[key];
    }
    for (const event of events) this.changes?.next(event);
  }
}
