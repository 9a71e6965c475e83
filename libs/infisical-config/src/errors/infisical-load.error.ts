import { sanitizedCause } from './sanitized-cause.util.js';

/** The step of a load that failed. */
export type InfisicalLoadStep = 'login' | 'list secrets' | 'startup';

/** Optional details of an {@link InfisicalLoadError}. */
export interface InfisicalLoadErrorOptions {
  /**
   * The original failure. It is never kept as is (an SDK error's message carries the request URL with its
   * query string): another InfisicalLoadError is kept, anything else becomes an Error whose message is the
   * reason, with the original name, error code and stack frames.
   */
  cause?: unknown;
  /** How long the server asked to wait before trying again, in ms. */
  retryAfterMs?: number;
  /** What to check or do, in one or two sentences (also at the end of the message). */
  remedy?: string;
  /** The system or TLS error code of the failure (ECONNREFUSED, CERT_HAS_EXPIRED…), kept on the cause. */
  code?: string;
}

/**
 * Thrown when secrets cannot be loaded. The message names the step, the HTTP status and the server's
 * reason, never a secret value or a request's query string. Subclasses say what kind of failure it is:
 * {@link InfisicalAuthError}, {@link InfisicalAccessError}, {@link SecretNotFoundError},
 * {@link InfisicalConnectionError}.
 */
export class InfisicalLoadError extends Error {
  override readonly name: string = 'InfisicalLoadError';

  constructor(
    message: string,
    readonly step: InfisicalLoadStep,
    /** HTTP status of the failed request, when there was one. */
    readonly status: number | undefined,
    /** The cause in a few words (status and server message), for status() and health; no values. */
    readonly reason: string = message,
    options?: InfisicalLoadErrorOptions,
  ) {
    const cause = options?.cause instanceof InfisicalLoadError ? options.cause : sanitizedCause(options?.cause, reason, options?.code);
    super(message, cause === undefined ? undefined : { cause });
    this.retryAfterMs = options?.retryAfterMs;
    this.remedy = options?.remedy;
  }

  /** How long the server asked to wait before trying again (429), when it said so. */
  readonly retryAfterMs: number | undefined;

  /** What to check or do, when known. */
  readonly remedy: string | undefined;
}
