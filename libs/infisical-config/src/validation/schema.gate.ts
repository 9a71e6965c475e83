import { InfisicalConfigValidationError } from '../errors/infisical-config-validation.error.js';
import { errorClassName } from '../errors/sanitized-cause.util.js';
import { SCHEMA_THREW } from '../infisical-config.messages.js';
import type { SecretsSnapshot } from '../snapshot/secrets-snapshot.js';
import { checkConfigSchema, type ConfigSchema, type SchemaCheck } from './config-schema.validator.js';
import { SchemaPeersMissingError } from './schema-peers.loader.js';

/**
 * Checks every snapshot against the user's schema, at boot (whatever the source) and on each refresh.
 * Without a schema the typed config is the values themselves. A schema whose own code throws (a
 * `@Transform` that cannot handle a value) fails the check like invalid values: it never throws.
 */
export class SchemaGate {
  constructor(private readonly schema: ConfigSchema | undefined) {}

  async check(snapshot: SecretsSnapshot): Promise<SchemaCheck<object>> {
    if (!this.schema) return { ok: true, config: snapshot.values };
    try {
      return await checkConfigSchema(this.schema, snapshot.values, snapshot.source);
    } catch (error) {
      if (error instanceof SchemaPeersMissingError) throw error;
      const problem = { key: '(schema)', rules: [SCHEMA_THREW(errorClassName(error))], missing: false };
      return { ok: false, error: new InfisicalConfigValidationError([problem], snapshot.source, this.schema.name || undefined) };
    }
  }
}
