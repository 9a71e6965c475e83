import type { IssuedToken } from './access-token.js';
import type { LoginRequest } from './identity-login.js';
import { describeBody, isObject, type InfisicalHttpClient } from './infisical-http.client.js';
import { InfisicalHttpError } from './infisical-http.error.js';

const ACCESS_TOKEN = 'an Infisical access token';

/**
 * Infisical's token routes: a login (of any auth method) and a renewal. Both answer with `expiresIn`,
 * which the token lifecycle needs.
 */
export class IdentityAuthClient {
  constructor(private readonly http: InfisicalHttpClient) {}

  login(request: LoginRequest, signal?: AbortSignal): Promise<IssuedToken> {
    return this.post(request.path, request.body, signal);
  }

  renew(accessToken: string, signal?: AbortSignal): Promise<IssuedToken> {
    return this.post('/api/v1/auth/token/renew', { accessToken }, signal);
  }

  private async post(path: string, body: object, signal: AbortSignal | undefined): Promise<IssuedToken> {
    const answer = await this.http.request({ method: 'POST', path, body, signal, expecting: ACCESS_TOKEN });
    const reply = answer.notModified ? undefined : answer.body;
    if (!isObject(reply) || typeof reply.accessToken !== 'string' || typeof reply.expiresIn !== 'number') {
      throw new InfisicalHttpError(200, `the reply is not ${ACCESS_TOKEN} (${describeBody('{}', reply)})`, { notInfisical: true });
    }
    return { accessToken: reply.accessToken, expiresIn: reply.expiresIn, accessTokenMaxTTL: Number(reply.accessTokenMaxTTL ?? 0) };
  }
}
