import { InfisicalLoadError, type InfisicalLoadErrorOptions, type InfisicalLoadStep } from './infisical-load.error.js';

/** Why Infisical refused the machine identity. */
export type InfisicalAuthProblem =
  /** 401 `Invalid credentials` (or another 401) on login: wrong, revoked or expired client secret. */
  | 'invalid-client-secret'
  /** 404 `No identity with specified client ID was found` on login. */
  | 'unknown-client-id'
  /** The login request itself was rejected (ValidationFailure): a credential is missing or malformed. */
  | 'invalid-request'
  /** 429 after repeated failed logins: Universal Auth of the identity is locked for minutes. */
  | 'locked-out'
  /** 403 on login: trusted IPs or a disabled auth method. */
  | 'login-denied'
  /** A list call refused a token that a login had just issued (401, or 403 TokenError). */
  | 'token-rejected'
  /** No machine identity has this id, or it lacks the auth method used (404 on a workload login). */
  | 'unknown-identity'
  /** The credentials could not be gathered before any request: a token file missing, no AWS credentials. */
  | 'credentials-unavailable';

/**
 * Infisical refused to authenticate the machine identity (Universal Auth): the remedy names the variable
 * to check (INFISICAL_CLIENT_ID, INFISICAL_CLIENT_SECRET) or says to wait for a lockout to end.
 */
export class InfisicalAuthError extends InfisicalLoadError {
  override readonly name: string = 'InfisicalAuthError';

  constructor(
    message: string,
    step: InfisicalLoadStep,
    status: number | undefined,
    reason: string,
    readonly problem: InfisicalAuthProblem,
    options?: InfisicalLoadErrorOptions,
  ) {
    super(message, step, status, reason, options);
  }
}
