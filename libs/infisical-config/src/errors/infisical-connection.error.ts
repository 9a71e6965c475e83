import { InfisicalLoadError, type InfisicalLoadErrorOptions, type InfisicalLoadStep } from './infisical-load.error.js';

/** Why no usable answer came back from the site URL. */
export type InfisicalConnectionProblem =
  /** Connection refused or reset, DNS failure, dropped socket. */
  | 'network'
  /** The TLS handshake failed: untrusted, expired or mismatched certificate. */
  | 'tls'
  /** No answer within the request timeout. */
  | 'timeout'
  /** 429 rate limiting (not a login lockout, which is an {@link InfisicalAuthError}). */
  | 'rate-limited'
  /** 5xx from Infisical or a proxy in front of it. */
  | 'server-error'
  /** Something answered, but not Infisical: an HTML page, JSON of another shape, an unknown route. */
  | 'not-infisical';

/**
 * Infisical could not be reached, or something other than Infisical answered. Usually transient (network,
 * timeout, rate limit, server error); `tls` and `not-infisical` point at the configuration.
 */
export class InfisicalConnectionError extends InfisicalLoadError {
  override readonly name: string = 'InfisicalConnectionError';

  constructor(
    message: string,
    step: InfisicalLoadStep,
    status: number | undefined,
    reason: string,
    readonly problem: InfisicalConnectionProblem,
    options?: InfisicalLoadErrorOptions,
  ) {
    super(message, step, status, reason, options);
    this.code = options?.code;
  }

  /** The system or TLS error code (ECONNREFUSED, CERT_HAS_EXPIRED…), when there was one. */
  readonly code: string | undefined;
}
