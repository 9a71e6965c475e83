import { InfisicalLoadError } from './infisical-load.error.js';

/**
 * Infisical authenticated the machine identity but refused it the secrets (403 on list): it is not a member
 * of the project, or its role cannot read that environment and path.
 */
export class InfisicalAccessError extends InfisicalLoadError {
  override readonly name: string = 'InfisicalAccessError';
}
