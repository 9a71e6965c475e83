import { InfisicalSDK } from '@infisical/sdk';
import { LocalInfisicalServer } from './local-infisical.server.js';
import type { LocalInfisicalSeed } from './local-infisical.seed.js';

const PROJECT = 'proj-1';

const seed = (): LocalInfisicalSeed => ({
  identities: [
    { clientId: 'app', clientSecret: 'app-secret', projects: [PROJECT] },
    { clientId: 'short', clientSecret: 'short-secret', projects: [PROJECT], accessTokenTTL: 10, accessTokenMaxTTL: 100 },
    { clientId: 'capped', clientSecret: 'capped-secret', projects: [PROJECT], accessTokenTTL: 10, accessTokenMaxTTL: 15 },
    { clientId: 'flat', clientSecret: 'flat-secret', projects: [PROJECT], accessTokenTTL: 10 },
    { clientId: 'tiny', clientSecret: 'tiny-secret', projects: [PROJECT], accessTokenTTL: 0.2, accessTokenMaxTTL: 60 },
  ],
  projects: { [PROJECT]: { environments: { dev: { '/': { secrets: { GREETING: 'hello' } } } } } },
});

describe('LocalInfisicalServer: Universal Auth and tokens', () => {
  let server: LocalInfisicalServer;
  let clock: number;

  beforeEach(async () => {
    clock = Date.parse('2025-01-01T00:00:00Z');
    server = await LocalInfisicalServer.start({ seed: seed(), now: () => clock });
  });

  afterEach(async () => {
    await server.close();
  });

  const post = (path: string, body: unknown): Promise<Response> =>
    fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  async function login(clientId: string): Promise<string> {
    const response = await post('/api/v1/auth/universal-auth/login', { clientId, clientSecret: `${clientId}-secret` });
    expect(response.status).toBe(200);
    return ((await response.json()) as { accessToken: string }).accessToken;
  }

  const list = (token?: string): Promise<Response> =>
    fetch(`${server.url}/api/v3/secrets/raw?workspaceId=${PROJECT}&environment=dev`, {
      headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
    });

  const renew = (accessToken: string): Promise<Response> => post('/api/v1/auth/token/renew', { accessToken });

  it('logs in through the real SDK and lists with the issued token', async () => {
    const sdk = await new InfisicalSDK({ siteUrl: server.url }).auth().universalAuth.login({ clientId: 'app', clientSecret: 'app-secret' });
    const result = await sdk.secrets().listSecrets({ projectId: PROJECT, environment: 'dev' });

    expect(sdk.auth().getAccessToken()).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(result.secrets.map((secret) => [secret.secretKey, secret.secretValue])).toEqual([['GREETING', 'hello']]);
  });

  it('answers a login with the token, its TTLs in seconds and the Bearer type', async () => {
    const response = await post('/api/v1/auth/universal-auth/login', { clientId: 'app', clientSecret: 'app-secret' });

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await response.json()).toEqual({
      accessToken: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
      expiresIn: 2_592_000,
      accessTokenMaxTTL: 2_592_000,
      tokenType: 'Bearer',
    });
  });

  it('issues an independent token for every login of the same identity', async () => {
    const first = await login('short');
    const second = await login('short');

    expect(first).not.toBe(second);
    server.revokeTokens('other-client');
    expect((await list(first)).status).toBe(200);
    expect((await list(second)).status).toBe(200);
  });

  it('puts a readable JWT payload with exp = max TTL in the token', async () => {
    const token = await login('short');
    const payload = JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString('utf8')) as Record<string, unknown>;

    expect(payload).toMatchObject({ authTokenType: 'identityAccessToken', iat: clock / 1000, exp: clock / 1000 + 100 });
  });

  it('refuses a wrong client secret with 401 Invalid credentials', async () => {
    const response = await post('/api/v1/auth/universal-auth/login', { clientId: 'app', clientSecret: 'nope' });

    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ statusCode: 401, message: 'Invalid credentials', error: 'UnauthorizedError' });
  });

  it('makes the SDK throw InfisicalSDKRequestError with URL, method and status for a wrong secret', async () => {
    const attempt = new InfisicalSDK({ siteUrl: server.url }).auth().universalAuth.login({ clientId: 'app', clientSecret: 'nope' });

    await expect(attempt).rejects.toMatchObject({
      name: 'InfisicalSDKRequestError',
      message: `[URL=${server.url}/api/v1/auth/universal-auth/login] [Method=POST] [StatusCode=401] Invalid credentials`,
    });
  });

  it('answers an unknown client id with 404', async () => {
    const response = await post('/api/v1/auth/universal-auth/login', { clientId: 'ghost', clientSecret: 'x' });

    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      statusCode: 404,
      message: 'No identity with specified client ID was found',
      error: 'NotFound',
    });
  });

  it('answers missing login fields with 401 ValidationFailure listing every issue', async () => {
    const response = await post('/api/v1/auth/universal-auth/login', {});

    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({
      statusCode: 401,
      error: 'ValidationFailure',
      message: [
        { code: 'invalid_type', expected: 'string', received: 'undefined', path: ['clientId'], message: 'Required' },
        { code: 'invalid_type', expected: 'string', received: 'undefined', path: ['clientSecret'], message: 'Required' },
      ],
    });
  });

  it('makes the SDK throw a plain InfisicalSDKError for ValidationFailure (its message is not a string)', async () => {
    const attempt = new InfisicalSDK({ siteUrl: server.url })
      .auth()
      .universalAuth.login({ clientId: undefined as unknown as string, clientSecret: 'x' });

    await expect(attempt).rejects.toMatchObject({ name: 'InfisicalSDKError', message: 'Request failed with status 401' });
  });

  it('answers a request without Authorization with 401 Token missing', async () => {
    const response = await list();

    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ statusCode: 401, message: 'Token missing', error: 'UnauthorizedError' });
  });

  it('answers a token it never issued with 403 TokenError (malformed)', async () => {
    const response = await list('not-a-token');

    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({
      statusCode: 403,
      error: 'TokenError',
      message: 'The provided access token is malformed. Please use a valid token or generate a new one and try again.',
    });
  });

  it('answers 401 TTL expiration once the TTL passes, then 401 not found since the token was deleted', async () => {
    const token = await login('short');
    clock += 10_000;
    expect((await list(token)).status).toBe(200);

    clock += 1;
    const expired = await list(token);
    const again = await list(token);

    expect(expired.status).toBe(401);
    expect(await expired.json()).toEqual({
      statusCode: 401,
      message: 'Failed to renew MI access token due to TTL expiration',
      error: 'UnauthorizedError',
    });
    expect(await again.json()).toEqual({ statusCode: 401, message: 'No identity access token found', error: 'UnauthorizedError' });
  });

  it('answers 403 "Your token has expired" once the max TTL (the JWT expiry) passes', async () => {
    const token = await login('flat');
    clock += 10_000;

    const response = await list(token);

    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({
      statusCode: 403,
      message: 'Your token has expired. Please re-authenticate.',
      error: 'TokenError',
    });
  });

  it('expires a token with a fractional TTL on the real clock when no clock is injected', async () => {
    await server.close();
    server = await LocalInfisicalServer.start({ seed: seed() });
    const token = await login('tiny');
    expect((await list(token)).status).toBe(200);

    await new Promise((resolve) => setTimeout(resolve, 300));

    expect((await list(token)).status).toBe(401);
  });

  it('renews to the same token string with a fresh TTL window', async () => {
    const token = await login('short');
    clock += 5_000;

    const response = await renew(token);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ accessToken: token, expiresIn: 10, accessTokenMaxTTL: 100, tokenType: 'Bearer' });

    clock += 9_000; // 14 s after login, 9 s after renewal
    expect((await list(token)).status).toBe(200);
    clock += 2_000; // 11 s after renewal
    expect((await list(token)).status).toBe(401);
  });

  it('refuses a renewal that would pass the max TTL with 401 and deletes the token', async () => {
    const token = await login('capped');
    clock += 6_000; // 6 + 10 > 15

    const refused = await renew(token);

    expect(refused.status).toBe(401);
    expect(await refused.json()).toEqual({
      statusCode: 401,
      message: 'Failed to renew MI access token past its Max TTL expiration',
      error: 'UnauthorizedError',
    });
    expect(await (await list(token)).json()).toMatchObject({ message: 'No identity access token found' });
  });

  it('refuses every renewal with the default TTL = max TTL, even right after login', async () => {
    const token = await login('app');

    const refused = await renew(token);

    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ message: 'Failed to renew MI access token past its Max TTL expiration' });
  });

  it('gives a renewal of an expired or unknown token the same errors as any other use', async () => {
    const token = await login('short');
    clock += 11_000;

    expect(await (await renew(token)).json()).toMatchObject({ statusCode: 401, message: 'Failed to renew MI access token due to TTL expiration' });
    expect(await (await renew('garbage')).json()).toMatchObject({ statusCode: 403, error: 'TokenError' });
    expect(await (await renew(undefined as unknown as string)).json()).toMatchObject({ statusCode: 401, error: 'ValidationFailure' });
  });

  it('renews through the SDK when the max TTL allows it; a refusal surfaces as InfisicalSDKError', async () => {
    const shortSdk = await new InfisicalSDK({ siteUrl: server.url }).auth().universalAuth.login({ clientId: 'short', clientSecret: 'short-secret' });
    const token = shortSdk.auth().getAccessToken();
    clock += 5_000;
    const renewed = await shortSdk.auth().universalAuth.renew();
    expect(renewed.auth().getAccessToken()).toBe(token);

    const appSdk = await new InfisicalSDK({ siteUrl: server.url }).auth().universalAuth.login({ clientId: 'app', clientSecret: 'app-secret' });
    // the SDK wraps twice here: the request error is re-wrapped as a plain InfisicalSDKError
    await expect(appSdk.auth().universalAuth.renew()).rejects.toMatchObject({
      name: 'InfisicalSDKError',
      message: `[URL=${server.url}/api/v1/auth/token/renew] [Method=POST] [StatusCode=401] Failed to renew MI access token past its Max TTL expiration`,
    });
  });

  it('revokes the tokens of one client, leaving the others working', async () => {
    const app = await login('app');
    const short = await login('short');

    server.revokeTokens('app');

    const revoked = await list(app);
    expect(revoked.status).toBe(401);
    expect(await revoked.json()).toEqual({ statusCode: 401, message: 'No identity access token found', error: 'UnauthorizedError' });
    expect((await list(short)).status).toBe(200);
    expect((await renew(app)).status).toBe(401);
  });

  it('revokes every token when no client id is given; a new login works again', async () => {
    const app = await login('app');
    const short = await login('short');

    server.revokeTokens();

    expect((await list(app)).status).toBe(401);
    expect((await list(short)).status).toBe(401);
    expect((await list(await login('app'))).status).toBe(200);
  });

  it('after a re-key, tokens issued before get 403 TokenError like any token it cannot verify; a new login works', async () => {
    const before = await login('app');
    server.rekey();
    const refused = await list(before);
    expect(refused.status).toBe(403);
    expect(await refused.json()).toEqual(expect.objectContaining({ statusCode: 403, error: 'TokenError' }));
    expect((await list(await login('app'))).status).toBe(200);
  });
});
