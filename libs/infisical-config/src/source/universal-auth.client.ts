import type { IssuedToken } from './access-token.js';
import { InfisicalHttpError } from './infisical-http.error.js';

/**
 * Universal Auth login and token renewal over plain HTTP: the SDK's login hides `expiresIn`, which the
 * token lifecycle needs. One attempt per call, bounded by a timeout; retries are the caller's decision.
 */
export class UniversalAuthClient {
  constructor(
    private readonly siteUrl: string,
    private readonly requestTimeoutMs: number,
  ) {}

  login(clientId: string, clientSecret: string): Promise<IssuedToken> {
    return this.post('/api/v1/auth/universal-auth/login', { clientId, clientSecret });
  }

  renew(accessToken: string): Promise<IssuedToken> {
    return this.post('/api/v1/auth/token/renew', { accessToken });
  }

  private async post(path: string, body: object): Promise<IssuedToken> {
    const reply = await fetch(`${this.siteUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(this.requestTimeoutMs),
    });
    const text = await reply.text();
    const parsed = parseJson(text);
    const json = isObject(parsed) ? (parsed as Partial<IssuedToken> & { message?: unknown; error?: unknown }) : undefined;
    if (!reply.ok) {
      const retryAfter = retryAfterMs(reply.headers.get('retry-after'));
      // Infisical's errors are {statusCode, message, error}; `message` is an array for ValidationFailure.
      if (typeof json?.message === 'string') throw new InfisicalHttpError(reply.status, json.message, retryAfter);
      if (typeof json?.error === 'string' && json.message !== undefined) throw new InfisicalHttpError(reply.status, shortText(json.error), retryAfter);
      // A 5xx or 429 without Infisical's body comes from a proxy in front of it: still a server problem.
      const foreign = reply.status !== 429 && reply.status < 500;
      const description = `${shortText(reply.statusText) || 'no message'}${foreign ? ` (${NOT_INFISICAL_ERROR} ${describeBody(text, parsed)})` : ''}`;
      throw new InfisicalHttpError(reply.status, description, retryAfter, foreign);
    }
    if (typeof json?.accessToken !== 'string' || typeof json.expiresIn !== 'number') {
      throw new InfisicalHttpError(reply.status, `${NOT_INFISICAL_TOKEN} (${describeBody(text, parsed)})`, undefined, true);
    }
    return { accessToken: json.accessToken, expiresIn: json.expiresIn, accessTokenMaxTTL: Number(json.accessTokenMaxTTL ?? 0) };
  }
}

const NOT_INFISICAL_TOKEN = 'the reply is not an Infisical access token';
const NOT_INFISICAL_ERROR = 'not an Infisical error reply:';

/** What kind of body came back, without any of its content. */
function describeBody(text: string, parsed: unknown): string {
  if (text.trim() === '') return 'an empty body';
  if (parsed === undefined) return /^\s*</.test(text) ? 'an HTML page, not JSON' : 'not JSON';
  return isObject(parsed) ? 'JSON without the expected fields' : 'JSON of another shape';
}

/** A status text or error name as the server sent it: printable, short. */
function shortText(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, '').trim().slice(0, 60);
}

function isObject(value: unknown): value is Record<string, unknown> {
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
