import { InfisicalLoadError, type InfisicalLoadErrorOptions, type InfisicalLoadStep } from './infisical-load.error.js';

/** What could not be found, when the server said. */
export type MissingSecretsTarget = 'project' | 'environment' | 'folder' | 'scope';

/**
 * What was asked for does not exist: an unknown project id (404), an unknown environment on a recursive
 * list (404), or a scope that comes back empty. The remedy names INFISICAL_PROJECT_ID,
 * INFISICAL_ENVIRONMENT or the secret path.
 */
export class SecretNotFoundError extends InfisicalLoadError {
  override readonly name: string = 'SecretNotFoundError';

  constructor(
    message: string,
    step: InfisicalLoadStep,
    status: number | undefined,
    reason: string,
    /** `scope` when the server did not say which part is wrong (or a scope came back empty). */
    readonly missing: MissingSecretsTarget = 'scope',
    options?: InfisicalLoadErrorOptions,
  ) {
    super(message, step, status, reason, options);
  }
}
