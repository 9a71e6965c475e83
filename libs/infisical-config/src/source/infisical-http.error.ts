/** A non-2xx reply from Infisical to a call the library makes itself (login, renew). */
export class InfisicalHttpError extends Error {
  override readonly name = 'InfisicalHttpError';

  constructor(
    readonly status: number,
    /** The server's `message`, which never carries a secret value. */
    readonly serverMessage: string,
    /** From a `retry-after` header (429), in ms. */
    readonly retryAfterMs?: number,
  ) {
    super(`HTTP ${status} ${serverMessage}`);
  }
}
