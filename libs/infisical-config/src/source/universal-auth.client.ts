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
    const parsed = parseJson(text) as Partial<IssuedToken> & { message?: unknown };
    if (!reply.ok) {
      const message = typeof parsed?.message === 'string' ? parsed.message : reply.statusText || 'no message';
      throw new InfisicalHttpError(reply.status, message, retryAfterMs(reply.headers.get('retry-after')));
    }
    if (typeof parsed?.accessToken !== 'string' || typeof parsed.expiresIn !== 'number') {
      throw new InfisicalHttpError(reply.status, 'the reply is not an Infisical access token');
    }
    return { accessToken: parsed.accessToken, expiresIn: parsed.expiresIn, accessTokenMaxTTL: Number(parsed.accessTokenMaxTTL ?? 0) };
  }
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
