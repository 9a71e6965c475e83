import { SCHEMA_PEERS_MISSING } from './config-validation.messages.js';

/**
 * The part of a class-validator ValidationError the library reads. Declared here so the published types
 * do not depend on class-validator, an optional peer.
 */
export interface SchemaViolation {
  property: string;
  constraints?: Record<string, string>;
  children?: SchemaViolation[];
}

/** @internal The two functions used from the optional peers class-transformer and class-validator. */
export interface SchemaPeers {
  /** class-transformer's plainToInstance, without implicit conversion (see convertToDeclaredType). */
  toInstance(schema: new () => object, plain: Record<string, unknown>): object;
  /** class-validator's validate, with options that keep values out of the errors. */
  validate(instance: object): Promise<SchemaViolation[]>;
}

/** class-validator or class-transformer is not installed: a set-up problem, never a problem of the values. */
export class SchemaPeersMissingError extends Error {
  override readonly name = 'SchemaPeersMissingError';
}

/**
 * @internal Imports class-validator and class-transformer on first use, so that apps without a schema
 * do not need them installed.
 */
export async function loadSchemaPeers(): Promise<SchemaPeers> {
  let validator: typeof import('class-validator');
  let transformer: typeof import('class-transformer');
  try {
    [validator, transformer] = await Promise.all([import('class-validator'), import('class-transformer')]);
  } catch (error) {
    throw new SchemaPeersMissingError(SCHEMA_PEERS_MISSING, { cause: error });
  }
  return {
    // No implicit conversion: it runs before @Transform (which would then see true for 'false').
    toInstance: (schema, plain) => transformer.plainToInstance(schema, plain, { enableImplicitConversion: false }),
    validate: (instance) =>
      validator.validate(instance, {
        whitelist: false,
        forbidUnknownValues: false,
        skipMissingProperties: false,
        // The library reports constraint names only; do not keep values or targets in the errors either.
        validationError: { target: false, value: false },
      }),
  };
}
