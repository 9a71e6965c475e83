/** Details of an {@link InfisicalHttpError}. */
export interface InfisicalHttpErrorDetails {
  /** From a `retry-after` header (429), in ms. */
  readonly retryAfterMs?: number;
  /** Infisical's `error` field: its error class (`TokenError`, `UnauthorizedError`, `NotFound`…). */
  readonly errorName?: string;
  /**
   * True when the reply is not Infisical's (not JSON, or JSON without the fields Infisical sends): the
   * site URL points at something else, such as a proxy's login page or the web app behind a wrong path.
   */
  readonly notInfisical?: boolean;
}

/** A non-2xx reply from Infisical, or a reply that is not Infisical's. */
export class InfisicalHttpError extends Error {
  override readonly name = 'InfisicalHttpError';
  readonly retryAfterMs: number | undefined;
  readonly errorName: string | undefined;
  readonly notInfisical: boolean;

  constructor(
    readonly status: number,
    /** The server's `message` (never a secret value), or a description of the reply: never its body. */
    readonly serverMessage: string,
    details: InfisicalHttpErrorDetails = {},
  ) {
    super(`HTTP ${status} ${serverMessage}`);
    this.retryAfterMs = details.retryAfterMs;
    this.errorName = details.errorName;
    this.notInfisical = details.notInfisical ?? false;
  }
}
