import { InfisicalConfigValidationError } from '../errors/infisical-config-validation.error.js';
import { convertToDeclaredType, declaredTypeOf } from './declared-type.converter.js';
import { deepFreeze } from './deep-freeze.util.js';
import { loadSchemaPeers } from './schema-peers.loader.js';
import { toValidationProblems } from './validation-problems.util.js';

/** A class whose properties carry class-validator (and optionally class-transformer) decorators. */
export type ConfigSchema<T extends object = object> = new () => T;

/** The outcome of checking values against a schema: the typed config, or every problem at once. */
export type SchemaCheck<T> = { ok: true; config: Readonly<T> } | { ok: false; error: InfisicalConfigValidationError };

/**
 * Turns the loaded string values into an instance of `schema`, validates it, and freezes it.
 *
 * Conversion. A property with its own `@Transform()` or `@Type()` gets what that returns (a `@Transform`
 * receives the raw string). Any other property is converted from its declared type (emitDecoratorMetadata):
 * - `number`: `Number(value)`, so junk becomes NaN and fails `@IsInt()`/`@IsNumber()`;
 * - `boolean`: `true`/`1` and `false`/`0` (any case); any other word stays a string and fails `@IsBoolean()`;
 * - `Date`: `new Date(value)`;
 * - `string` and anything else: unchanged.
 * An empty value for a number, boolean or Date is left unset, so `@IsOptional()` skips it and a required
 * key is reported as missing.
 *
 * This is class-transformer's `enableImplicitConversion` without its traps: it makes `Boolean('false')`,
 * i.e. true, and `Number('')`, i.e. 0, and it runs before `@Transform`, so the common
 * `@Transform(({ value }) => value === 'true')` would see a boolean and always return false. Here that
 * transform works as written, and a plain `@IsBoolean() FLAG!: boolean` needs no transform at all.
 * Avoid `@Type(() => Boolean)`: it is `Boolean(value)`, true for 'false'.
 *
 * Keys the schema does not declare are kept on the instance as strings, unvalidated (as with Nest's
 * `validate` recipe); the type `T` does not show them, read them through `ConfigService`.
 *
 * Never throws for invalid values (returns `ok: false`, with rule names only, never a value). Throws when
 * class-validator or class-transformer is not installed, and when a `@Transform` of the schema throws.
 */
export async function checkConfigSchema<T extends object>(
  schema: ConfigSchema<T>,
  values: Readonly<Record<string, string>>,
  source: string,
): Promise<SchemaCheck<T>> {
  const peers = await loadSchemaPeers();
  const instance = peers.toInstance(schema, { ...values }) as T;
  const fields = instance as Record<string, unknown>;
  for (const [key, raw] of Object.entries(values)) {
    // Still the raw string: no @Transform or @Type of the schema took care of this key.
    if (fields[key] === raw) fields[key] = convertToDeclaredType(raw, declaredTypeOf(schema, key));
  }
  const violations = await peers.validate(instance);
  if (violations.length > 0) {
    const problems = toValidationProblems(violations, values);
    return { ok: false, error: new InfisicalConfigValidationError(problems, source, schema.name || undefined) };
  }
  return { ok: true, config: deepFreeze(instance) };
}
