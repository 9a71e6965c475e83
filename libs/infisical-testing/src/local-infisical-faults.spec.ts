import { InfisicalSDK } from '@infisical/sdk';
import { LocalInfisicalServer } from './local-infisical.server.js';
import type { LocalInfisicalSeed } from './local-infisical.seed.js';

const PROJECT = 'proj-1';

const seed = (): LocalInfisicalSeed => ({
  identities: [{ clientId: 'app', clientSecret: 'app-secret', projects: [PROJECT] }],
  projects: { [PROJECT]: { environments: { dev: { '/': { secrets: { GREETING: 'hello' } } } } } },
});

describe('LocalInfisicalServer: faults, request counts and shutdown', () => {
  let server: LocalInfisicalServer;

  beforeEach(async () => {
    server = await LocalInfisicalServer.start({ seed: seed() });
  });

  afterEach(async () => {
    await server.close();
  });

  const status = (): Promise<Response> => fetch(`${server.url}/api/status`);
  const login = (): Promise<Response> =>
    fetch(`${server.url}/api/v1/auth/universal-auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ clientId: 'app', clientSecret: 'app-secret' }),
    });
  // fetch's errors come from Node's realm, not the test's, so match them by name rather than instanceof
  const FETCH_FAILED = { name: 'TypeError', message: 'fetch failed' };
  const loggedInSdk = (): Promise<InfisicalSDK> =>
    new InfisicalSDK({ siteUrl: server.url }).auth().universalAuth.login({ clientId: 'app', clientSecret: 'app-secret' });

  it('listens on 127.0.0.1 with a random port and a URL without trailing slash', () => {
    expect(server.port).toBeGreaterThan(0);
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
  });

  describe('request counts', () => {
    it('counts per route and in total, unknown routes in the total only, and resets', async () => {
      const sdk = await loggedInSdk();
      await sdk.secrets().listSecrets({ projectId: PROJECT, environment: 'dev' });
      await sdk.secrets().listSecrets({ projectId: PROJECT, environment: 'dev' });
      await (await fetch(`${server.url}/nowhere`)).arrayBuffer();

      expect(server.requestCount('login')).toBe(1);
      expect(server.requestCount('listSecrets')).toBe(2);
      expect(server.requestCount('getSecret')).toBe(0);
      expect(server.requestCount()).toBe(4);

      server.resetRequestCounts();
      expect(server.requestCount()).toBe(0);
      expect(server.requestCount('listSecrets')).toBe(0);
    });

    it('counts requests a fault answered', async () => {
      server.injectFault('status', { kind: 'status', status: 500 });

      await (await status()).arrayBuffer();

      expect(server.requestCount('status')).toBe(1);
    });
  });

  describe('status faults', () => {
    it('answers a 500 with Infisical’s body; the SDK does not retry it', async () => {
      const sdk = await loggedInSdk();
      server.injectFault('listSecrets', { kind: 'status', status: 500 });

      const attempt = sdk.secrets().listSecrets({ projectId: PROJECT, environment: 'dev' });

      await expect(attempt).rejects.toMatchObject({ name: 'InfisicalSDKRequestError', message: expect.stringMatching(/\[StatusCode=500\] Something went wrong$/) });
      expect(server.requestCount('listSecrets')).toBe(1);
    });

    it('answers a 429 with the rate-limit headers and body', async () => {
      server.injectFault('login', { kind: 'status', status: 429, retryAfterSeconds: 7 });

      const response = await login();

      expect(response.status).toBe(429);
      expect(response.headers.get('retry-after')).toBe('7');
      expect(response.headers.get('x-ratelimit-limit')).toBe('200');
      expect(response.headers.get('x-ratelimit-remaining')).toBe('0');
      expect(response.headers.get('x-ratelimit-reset')).toBe('7');
      expect(await response.json()).toEqual({
        statusCode: 429,
        message: 'Rate limit exceeded. Please try again in 1 minute',
        error: 'RateLimitExceeded',
      });
    });

    it('defaults retry-after to 60 seconds', async () => {
      server.injectFault('status', { kind: 'status', status: 429 });

      const response = await status();
      await response.arrayBuffer();

      expect(response.headers.get('retry-after')).toBe('60');
    });

    it.each([
      [401, 'login', 'UnauthorizedError', 'Invalid credentials'],
      [401, 'listSecrets', 'UnauthorizedError', 'No identity access token found'],
      [403, 'listSecrets', 'PermissionDenied', 'You are not allowed to access this resource'],
      [404, 'getSecret', 'NotFound', 'The requested entity was not found'],
      [503, 'status', 'Service Unavailable', 'Service Unavailable'],
    ] as const)('answers an injected %i on %s with a realistic body', async (code, route, error, message) => {
      server.injectFault(route, { kind: 'status', status: code });
      const paths = { login: '/api/v1/auth/universal-auth/login', listSecrets: '/api/v3/secrets/raw', getSecret: '/api/v3/secrets/raw/X', status: '/api/status' };

      const response = await fetch(`${server.url}${paths[route]}`, { method: route === 'login' ? 'POST' : 'GET' });

      expect(response.status).toBe(code);
      expect(await response.json()).toEqual({ statusCode: code, message, error });
    });

    it('uses the given message', async () => {
      server.injectFault('status', { kind: 'status', status: 500, message: 'database is down' });

      expect(await (await status()).json()).toEqual({ statusCode: 500, message: 'database is down', error: 'InternalServerError' });
    });
  });

  describe('latency, malformed, drop and black-hole faults', () => {
    it('delays the answer and then answers normally', async () => {
      server.injectFault('status', { kind: 'latency', ms: 150, times: 1 });

      const started = performance.now();
      const response = await status();
      const elapsed = performance.now() - started;

      expect(elapsed).toBeGreaterThanOrEqual(140);
      expect(await response.json()).toMatchObject({ message: 'Ok' });
    });

    it('answers 200 JSON that does not parse; the SDK returns the raw text instead of throwing', async () => {
      const sdk = await loggedInSdk();
      server.injectFault('status', { kind: 'malformed' });
      server.injectFault('listSecrets', { kind: 'malformed' });

      const response = await status();
      const result: unknown = await sdk.secrets().listSecrets({ projectId: PROJECT, environment: 'dev' });

      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
      await expect(response.json()).rejects.toMatchObject({ name: 'SyntaxError' });
      expect(typeof result).toBe('string');
    });

    it('drops the connection mid-body: fetch resolves with 200, reading the body fails', async () => {
      server.injectFault('status', { kind: 'drop' });

      const response = await status();

      expect(response.status).toBe(200);
      await expect(response.text()).rejects.toThrow(/terminated/);
    });

    it('makes the SDK throw InfisicalSDKError "terminated" on a drop after the headers, without retrying', async () => {
      const sdk = await loggedInSdk();
      server.injectFault('listSecrets', { kind: 'drop' });

      await expect(sdk.secrets().listSecrets({ projectId: PROJECT, environment: 'dev' })).rejects.toMatchObject({
        name: 'InfisicalSDKError',
        message: 'terminated',
      });
      expect(server.requestCount('listSecrets')).toBe(1);
    });

    it('black-holes a request until the client gives up, and close() still resolves', async () => {
      server.injectFault('*', { kind: 'blackhole' });

      await expect(fetch(`${server.url}/api/status`, { signal: AbortSignal.timeout(200) })).rejects.toMatchObject({ name: 'TimeoutError' });
      const pending = fetch(`${server.url}/api/status`).catch((error: unknown) => error);
      await new Promise((resolve) => setTimeout(resolve, 50));
      await server.close();

      expect(await pending).toMatchObject(FETCH_FAILED);
    });

    it('ends a pending latency fault on close() instead of keeping a timer alive', async () => {
      server.injectFault('status', { kind: 'latency', ms: 60_000 });
      const pending = status().catch((error: unknown) => error);
      await new Promise((resolve) => setTimeout(resolve, 50));

      const started = performance.now();
      await server.close();

      expect(performance.now() - started).toBeLessThan(1_000);
      expect(await pending).toMatchObject(FETCH_FAILED);
    });
  });

  describe('fault bookkeeping', () => {
    it('applies a fault with times to the next N matching requests only', async () => {
      server.injectFault('status', { kind: 'status', status: 503, times: 2 });

      const codes = [];
      for (let i = 0; i < 3; i += 1) {
        const response = await status();
        await response.arrayBuffer();
        codes.push(response.status);
      }

      expect(codes).toEqual([503, 503, 200]);
    });

    it('applies a fault to its route only, and * to every route including unknown ones', async () => {
      server.injectFault('listSecrets', { kind: 'status', status: 500 });
      expect((await status()).status).toBe(200);

      server.injectFault('*', { kind: 'status', status: 503 });
      expect((await status()).status).toBe(503);
      expect((await fetch(`${server.url}/nowhere`)).status).toBe(503);
    });

    it('lets the oldest matching fault win', async () => {
      server.injectFault('status', { kind: 'status', status: 500, times: 1 });
      server.injectFault('*', { kind: 'status', status: 503, times: 1 });

      expect((await status()).status).toBe(500);
      expect((await status()).status).toBe(503);
      expect((await status()).status).toBe(200);
    });

    it('removes a fault with the returned function, and all with clearFaults()', async () => {
      const remove = server.injectFault('status', { kind: 'status', status: 500 });
      expect((await status()).status).toBe(500);
      remove();
      remove();
      expect((await status()).status).toBe(200);

      server.injectFault('status', { kind: 'status', status: 500 });
      server.injectFault('*', { kind: 'status', status: 503 });
      server.clearFaults();
      expect((await status()).status).toBe(200);
    });

    it('rejects invalid faults', () => {
      expect(() => server.injectFault('status', { kind: 'latency', ms: -1 })).toThrow(RangeError);
      expect(() => server.injectFault('status', { kind: 'drop', times: 0 })).toThrow(RangeError);
      expect(() => server.injectFault('status', { kind: 'drop', times: 1.5 })).toThrow(RangeError);
    });
  });

  describe('close', () => {
    it('closes idle keep-alive connections, refuses new ones, and can be called twice', async () => {
      await (await status()).arrayBuffer();

      await Promise.all([server.close(), server.close()]);

      await expect(status()).rejects.toMatchObject(FETCH_FAILED);
    });

    it('can start on a fixed port again once closed', async () => {
      const { port } = server;
      await server.close();

      server = await LocalInfisicalServer.start({ seed: seed(), port });

      expect(server.port).toBe(port);
      expect((await status()).status).toBe(200);
    });
  });
});
