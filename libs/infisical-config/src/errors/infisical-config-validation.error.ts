import { CONFIG_VALIDATION_FAILED } from '../validation/config-validation.messages.js';

/** One key that failed: its name and the rules it broke (constraint names such as isInt, min), never its value. */
export interface ConfigValidationProblem {
  /** The key, or a dotted path for a nested property. */
  key: string;
  /** Constraint names, never class-validator's messages: those can embed the value (`$value`). */
  rules: string[];
  /** The key is absent from the values, or empty (only whitespace). */
  missing: boolean;
}

/**
 * The loaded values do not match the configuration schema. Lists every failing key at once, with rule
 * names only: no value, no class-validator message.
 */
export class InfisicalConfigValidationError extends Error {
  override readonly name = 'InfisicalConfigValidationError';

  constructor(
    readonly problems: readonly ConfigValidationProblem[],
    /** Where the values came from: 'infisical', 'file-cache' or 'dotenv'. */
    readonly source: string,
    /** The schema class's name, for the message. */
    readonly schemaName: string = 'the configuration schema',
  ) {
    super(CONFIG_VALIDATION_FAILED(schemaName, problems, source));
  }
}
