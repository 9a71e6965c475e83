/** A non-2xx reply from Infisical, or a reply that is not Infisical's, to a call the library makes itself (login, renew). */
export class InfisicalHttpError extends Error {
  override readonly name = 'InfisicalHttpError';

  constructor(
    readonly status: number,
    /** The server's `message` (never a secret value), or a description of the reply: never its body. */
    readonly serverMessage: string,
    /** From a `retry-after` header (429), in ms. */
    readonly retryAfterMs?: number,
    /**
     * True when the reply is not Infisical's (not JSON, or JSON without the fields Infisical sends): the
     * site URL points at something else, such as a proxy's login page or the web app behind a wrong path.
     */
    readonly notInfisical = false,
  ) {
    super(`HTTP ${status} ${serverMessage}`);
  }
}
