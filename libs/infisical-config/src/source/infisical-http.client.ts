import { InfisicalHttpError } from './infisical-http.error.js';

/** One call to Infisical. */
export interface InfisicalRequest {
  readonly method: 'GET' | 'POST';
  /** Path under the site URL, e.g. `/api/v3/secrets/raw`. */
  readonly path: string;
  readonly query?: Readonly<Record<string, string>>;
  readonly body?: object;
  /** Sent as `Authorization: Bearer …`. */
  readonly accessToken?: string;
  /** Aborts the request: the caller's deadline (a load's timeout). */
  readonly signal?: AbortSignal;
  /** What a successful reply is, for the error when it is not JSON: `an Infisical secrets list`. */
  readonly expecting: string;
  /** The ETag of the last answer: a 304 then comes back as `notModified`, without a body. */
  readonly ifNoneMatch?: string;
}

/** A 2xx answer (parsed JSON), or a 304 to a conditional request. */
export type InfisicalReply = { readonly notModified: false; readonly body: unknown; readonly etag: string | undefined } | { readonly notModified: true };

/**
 * The module's own HTTP client for the runtime path (login, renew, list). One attempt per call, never a
 * hidden retry: the caller decides, with the server's `retry-after` in hand. Every request is bounded by a
 * timeout and aborted on shutdown. A non-2xx reply becomes an {@link InfisicalHttpError} with the status,
 * Infisical's `error` name and `message`; a failed connection is thrown at once with its system error.
 */
export class InfisicalHttpClient {
  constructor(
    private readonly siteUrl: string,
    private readonly requestTimeoutMs: number,
    /** Aborted when the app shuts down: nothing the module started outlives it. */
    private readonly shutdown: AbortSignal,
  ) {}

  async request(request: InfisicalRequest): Promise<InfisicalReply> {
    const url = new URL(`${this.siteUrl}${request.path}`);
    for (const [name, value] of Object.entries(request.query ?? {})) url.searchParams.set(name, value);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (request.body) headers['content-type'] = 'application/json';
    if (request.accessToken) headers.authorization = `Bearer ${request.accessToken}`;
    if (request.ifNoneMatch) headers['if-none-match'] = request.ifNoneMatch;
    const signals = [this.shutdown, AbortSignal.timeout(this.requestTimeoutMs)];
    if (request.signal) signals.push(request.signal);
    const reply = await fetch(url, {
      method: request.method,
      headers,
      body: request.body ? JSON.stringify(request.body) : undefined,
      signal: AbortSignal.any(signals),
    });
    if (reply.status === 304 && request.ifNoneMatch) {
      await reply.body?.cancel();
      return { notModified: true };
    }
    const text = await reply.text();
    const parsed = parseJson(text);
    if (!reply.ok) throw errorReply(reply, text, parsed);
    if (parsed === undefined) throw new InfisicalHttpError(reply.status, `the reply is not ${request.expecting} (${describeBody(text, parsed)})`, { notInfisical: true });
    return { notModified: false, body: parsed, etag: reply.headers.get('etag') ?? undefined };
  }
}

const NOT_INFISICAL_ERROR = 'not an Infisical error reply:';

/** Infisical's errors are `{statusCode, message, error}`; `message` is an array for a ValidationFailure. */
function errorReply(reply: Response, text: string, parsed: unknown): InfisicalHttpError {
  const retryAfter = retryAfterMs(reply.headers.get('retry-after'));
  const json = isObject(parsed) ? parsed : undefined;
  const errorName = typeof json?.error === 'string' ? shortText(json.error) : undefined;
  if (typeof json?.message === 'string') return new InfisicalHttpError(reply.status, json.message, { retryAfterMs: retryAfter, errorName });
  if (errorName && json?.message !== undefined) return new InfisicalHttpError(reply.status, errorName, { retryAfterMs: retryAfter, errorName });
  // A 5xx or 429 without Infisical's body comes from a proxy in front of it: still a server problem.
  const foreign = reply.status !== 429 && reply.status < 500;
  const description = `${shortText(reply.statusText) || 'no message'}${foreign ? ` (${NOT_INFISICAL_ERROR} ${describeBody(text, parsed)})` : ''}`;
  return new InfisicalHttpError(reply.status, description, { retryAfterMs: retryAfter, notInfisical: foreign });
}

/** What kind of body came back, without any of its content. */
export function describeBody(text: string, parsed: unknown): string {
  if (text.trim() === '') return 'an empty body';
  if (parsed === undefined) return /^\s*</.test(text) ? 'an HTML page, not JSON' : 'not JSON';
  return isObject(parsed) ? 'JSON without the expected fields' : 'JSON of another shape';
}

/** A status text or error name as the server sent it: printable, short. */
function shortText(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, '').trim().slice(0, 60);
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `retry-after` in seconds (Infisical's form) or as an HTTP date. */
function retryAfterMs(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(header) - Date.now();
  return Number.isFinite(ms) && ms > 0 ? ms : undefined;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
