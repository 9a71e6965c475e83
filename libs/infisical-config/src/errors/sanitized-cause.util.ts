// A failed request's error can carry the request URL with its query string (the SDK puts it in the
// message), a response body, or headers. A load error's `cause` keeps only what is safe to log.

/** An error code such as ECONNREFUSED or CERT_HAS_EXPIRED; anything else is not a code. */
const SAFE_CODE = /^[A-Z][A-Z0-9_]{1,63}$/;
const SAFE_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;

/** The `code` of an error when it looks like a system or TLS error code, else undefined. */
export function safeErrorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'string' && SAFE_CODE.test(code) ? code : undefined;
}

/**
 * The original error reduced to what can be logged: its name, the value-free `reason` as message, its
 * `code` when it is an error code, and its stack frames (never the stack's first line, which repeats the
 * original message).
 * @internal
 */
export function sanitizedCause(error: unknown, reason: string, code?: string): Error | undefined {
  if (error === undefined || error === null) return undefined;
  const cause = new Error(reason);
  const name = (error as { name?: unknown }).name;
  cause.name = typeof name === 'string' && SAFE_NAME.test(name) ? name : 'Error';
  const safeCode = code ?? safeErrorCode(error);
  if (safeCode) Object.assign(cause, { code: safeCode });
  const stack = error instanceof Error && typeof error.stack === 'string' ? error.stack : '';
  const frames = stack.split('\n').filter((line) => /^\s+at [^?]*$/.test(line));
  cause.stack = [`${cause.name}: ${reason}`, ...frames].join('\n');
  return cause;
}

/** The class of a thrown value, for a log line that must not carry its message. */
export function errorClassName(error: unknown): string {
  if (error instanceof Error) {
    const name = error.constructor?.name || error.name;
    return SAFE_NAME.test(name) ? name : 'Error';
  }
  return `a thrown ${error === null ? 'null' : typeof error}`;
}
