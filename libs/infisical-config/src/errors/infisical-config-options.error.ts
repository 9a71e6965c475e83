import { INVALID_OPTIONS } from '../infisical-config.messages.js';

/** Thrown at boot when the module options are invalid; lists every problem at once. */
export class InfisicalConfigOptionsError extends Error {
  override readonly name = 'InfisicalConfigOptionsError';

  constructor(readonly problems: readonly string[]) {
    super(INVALID_OPTIONS(problems));
  }
}
