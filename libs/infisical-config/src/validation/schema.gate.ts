import type { SecretsSnapshot } from '../snapshot/secrets-snapshot.js';
import { checkConfigSchema, type ConfigSchema, type SchemaCheck } from './config-schema.validator.js';

/**
 * Checks every snapshot against the user's schema, at boot (whatever the source) and on each refresh.
 * Without a schema the typed config is the values themselves.
 */
export class SchemaGate {
  constructor(private readonly schema: ConfigSchema | undefined) {}

  check(snapshot: SecretsSnapshot): Promise<SchemaCheck<object>> {
    if (!this.schema) return Promise.resolve({ ok: true, config: snapshot.values });
    return checkConfigSchema(this.schema, snapshot.values, snapshot.source);
  }
}
