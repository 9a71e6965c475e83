/** The step of a load that failed. */
export type InfisicalLoadStep = 'login' | 'list secrets' | 'startup';

/**
 * Thrown when secrets cannot be loaded. The message names the step, the HTTP status and the server's
 * reason, never a secret value or a request's query string.
 */
export class InfisicalLoadError extends Error {
  override readonly name = 'InfisicalLoadError';

  constructor(
    message: string,
    readonly step: InfisicalLoadStep,
    /** HTTP status of the failed request, when there was one. */
    readonly status: number | undefined,
    /** The cause in a few words (status and server message), for status() and health; no values. */
    readonly reason: string = message,
    options?: { cause?: unknown; retryAfterMs?: number },
  ) {
    super(message, options);
    this.retryAfterMs = options?.retryAfterMs;
  }

  /** How long the server asked to wait before trying again (429), when it said so. */
  readonly retryAfterMs: number | undefined;
}
