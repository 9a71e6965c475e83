import { readFileSync } from 'node:fs';
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { rootCertificates } from 'node:tls';
import { InfisicalHttpError } from './infisical-http.error.js';
import { LARGE_LOAD, yieldToEventLoop } from '../loader/yield.util.js';

/** One call to Infisical. */
export interface InfisicalRequest {
  readonly method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
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

/** How the client connects. */
export interface InfisicalHttpClientOptions {
  readonly siteUrl: string;
  readonly requestTimeoutMs: number;
  /** Aborted when the app shuts down: nothing the module started outlives it. */
  readonly shutdown: AbortSignal;
  /** PEM certificates trusted in addition to Node's own (a private CA); `NODE_EXTRA_CA_CERTS` works too. */
  readonly extraCaCertificates?: readonly string[];
}

/** A timeout of the client's own, told apart from the caller's deadline and from shutdown. */
export class RequestTimeoutError extends Error {
  override readonly name = 'TimeoutError';
}

/** The caller's deadline passed, or the app shut down: the request was cancelled, whatever the socket said. */
export class RequestCancelledError extends Error {
  override readonly name = 'AbortError';
}

/**
 * The module's own HTTP client for the runtime path (login, renew, list). One attempt per call, never a
 * hidden retry: the caller decides, with the server's `retry-after` in hand. Every request is bounded by a
 * timeout and aborted on shutdown, when its connections are closed too. A non-2xx reply becomes an
 * {@link InfisicalHttpError} with the status, Infisical's `error` name and `message`; a failed connection
 * is thrown at once with its system error (ECONNREFUSED, CERT_HAS_EXPIRED…).
 */
export class InfisicalHttpClient {
  private readonly base: URL;
  private readonly agent: HttpAgent | HttpsAgent;

  constructor(private readonly options: InfisicalHttpClientOptions) {
    this.base = new URL(options.siteUrl);
    const extra = options.extraCaCertificates ?? [];
    // With extra CAs, Node's bundled roots stay trusted (and NODE_EXTRA_CA_CERTS, which Node adds to them).
    this.agent =
      this.base.protocol === 'https:'
        ? new HttpsAgent({ keepAlive: true, ...(extra.length > 0 ? { ca: [...rootCertificates, ...extraCaFromEnv(), ...extra] } : {}) })
        : new HttpAgent({ keepAlive: true });
    options.shutdown.addEventListener('abort', () => this.agent.destroy(), { once: true });
  }

  async request(request: InfisicalRequest): Promise<InfisicalReply> {
    const url = new URL(`${this.base.pathname.replace(/\/$/, '')}${request.path}`, this.base);
    for (const [name, value] of Object.entries(request.query ?? {})) url.searchParams.set(name, value);
    const headers: Record<string, string> = { accept: 'application/json' };
    const body = request.body ? JSON.stringify(request.body) : undefined;
    if (body !== undefined) {
      headers['content-type'] = 'application/json';
      // Framed by its length, whatever the method (Node would not frame a DELETE body otherwise).
      headers['content-length'] = String(Buffer.byteLength(body));
    }
    if (request.accessToken) headers.authorization = `Bearer ${request.accessToken}`;
    if (request.ifNoneMatch) headers['if-none-match'] = request.ifNoneMatch;

    const reply = await this.sendOnce(url, request.method, headers, body, request.signal);
    if (reply.status === 304 && request.ifNoneMatch) return { notModified: true };
    // Decoding and parsing a large list are two long steps: the event loop turns between them.
    if (reply.text.length > LARGE_LOAD * 100) await yieldToEventLoop();
    const parsed = parseJson(reply.text);
    if (reply.status < 200 || reply.status >= 300) throw errorReply(reply, parsed);
    if (parsed === undefined) throw new InfisicalHttpError(reply.status, `the reply is not ${request.expecting} (${describeBody(reply.text, parsed)})`, { notInfisical: true });
    return { notModified: false, body: parsed, etag: reply.etag };
  }

  /**
   * Sends, and sends once more on a fresh connection when a kept-alive one turns out to be closed by the
   * server (a restart, an idle timeout): that request never reached it. Not a retry of an answer.
   */
  private async sendOnce(url: URL, method: string, headers: Record<string, string>, body: string | undefined, deadline: AbortSignal | undefined): Promise<RawReply> {
    try {
      return await this.send(url, method, headers, body, deadline);
    } catch (error) {
      if (!(error instanceof StaleConnectionError)) throw error;
      return this.send(url, method, headers, body, deadline, false); // the stale socket has left the pool
    }
  }

  private send(url: URL, method: string, headers: Record<string, string>, body: string | undefined, deadline: AbortSignal | undefined, firstTry = true): Promise<RawReply> {
    const timeout = AbortSignal.timeout(this.options.requestTimeoutMs);
    const signal = AbortSignal.any([this.options.shutdown, timeout, ...(deadline ? [deadline] : [])]);
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise<RawReply>((resolve, reject) => {
      // Why it failed, read at the time: shutdown or the caller's deadline is a cancellation, the client's own
      // timeout a timeout, anything else what the socket said.
      const fail = (error: Error) => {
        if (this.options.shutdown.aborted || deadline?.aborted) return reject(new RequestCancelledError('the request was cancelled', { cause: error }));
        if (timeout.aborted) return reject(new RequestTimeoutError('the request timed out', { cause: error }));
        if (outgoing.reusedSocket && (error as { code?: string }).code === 'ECONNRESET' && firstTry) return reject(new StaleConnectionError(error.message, { cause: error }));
        reject(error);
      };
      const outgoing = send(url, { method, headers, agent: this.agent, signal }, (incoming: IncomingMessage) => {
        // Decoded chunk by chunk as it arrives (a multi-byte character split between chunks is kept whole),
        // not in one long step at the end.
        incoming.setEncoding('utf8');
        const chunks: string[] = [];
        incoming.on('data', (chunk: string) => chunks.push(chunk));
        incoming.on('error', fail);
        incoming.on('end', () =>
          resolve({
            status: incoming.statusCode ?? 0,
            statusText: incoming.statusMessage ?? '',
            text: chunks.join(''),
            etag: headerOf(incoming, 'etag'),
            retryAfter: headerOf(incoming, 'retry-after'),
          }),
        );
      });
      outgoing.on('error', fail);
      outgoing.end(body);
    });
  }
}

/** A kept-alive connection the server had closed. */
class StaleConnectionError extends Error {}

interface RawReply {
  status: number;
  statusText: string;
  text: string;
  etag: string | undefined;
  retryAfter: string | undefined;
}

const NOT_INFISICAL_ERROR = 'not an Infisical error reply:';

const headerOf = (incoming: IncomingMessage, name: string) => {
  const value = incoming.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/** The certificates of `NODE_EXTRA_CA_CERTS`: an explicit `ca` list replaces Node's defaults, so they are added back. */
function extraCaFromEnv(): string[] {
  // Node read the file at startup but offers no way to get its certificates on Node 20: read it again.
  const file = process.env.NODE_EXTRA_CA_CERTS;
  if (!file) return [];
  try {
    return [readFileSync(file, 'utf8')];
  } catch {
    return [];
  }
}

/** Infisical's errors are `{statusCode, message, error}`; `message` is an array for a ValidationFailure. */
function errorReply(reply: RawReply, parsed: unknown): InfisicalHttpError {
  const retryAfter = retryAfterMs(reply.retryAfter);
  const json = isObject(parsed) ? parsed : undefined;
  const errorName = typeof json?.error === 'string' ? shortText(json.error) : undefined;
  if (typeof json?.message === 'string') return new InfisicalHttpError(reply.status, json.message, { retryAfterMs: retryAfter, errorName });
  if (errorName && json?.message !== undefined) return new InfisicalHttpError(reply.status, errorName, { retryAfterMs: retryAfter, errorName });
  // A 5xx or 429 without Infisical's body comes from a proxy in front of it: still a server problem.
  const foreign = reply.status !== 429 && reply.status < 500;
  const description = `${shortText(reply.statusText) || 'no message'}${foreign ? ` (${NOT_INFISICAL_ERROR} ${describeBody(reply.text, parsed)})` : ''}`;
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
function retryAfterMs(header: string | undefined): number | undefined {
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
