import { InfisicalSDK } from '@infisical/sdk';
import { LocalInfisicalServer } from './local-infisical.server.js';
import type { LocalInfisicalServerOptions } from './local-infisical.server.js';
import type { LocalInfisicalSeed } from './local-infisical.seed.js';

const PROJECT = 'proj-1';
const LOCKED_MESSAGE = 'Identity is locked due to too many failed login attempts. Please try again later.';

const seed = (): LocalInfisicalSeed => ({
  identities: [
    { clientId: 'app', clientSecret: 'app-secret', projects: [PROJECT] },
    { clientId: 'other', clientSecret: 'other-secret', projects: [PROJECT] },
  ],
  projects: { [PROJECT]: { environments: { dev: { '/': { secrets: { GREETING: 'hello' } } } } } },
});

describe('LocalInfisicalServer: Universal Auth login lockout', () => {
  let server: LocalInfisicalServer;
  let clock: number;

  async function restart(options: Partial<LocalInfisicalServerOptions> = {}): Promise<void> {
    await server.close();
    server = await LocalInfisicalServer.start({ seed: seed(), now: () => clock, ...options });
  }

  beforeEach(async () => {
    clock = Date.parse('2025-01-01T00:00:00Z');
    server = await LocalInfisicalServer.start({ seed: seed(), now: () => clock });
  });

  afterEach(async () => {
    await server.close();
  });

  const login = (clientId: string, clientSecret: string): Promise<Response> =>
    fetch(`${server.url}/api/v1/auth/universal-auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ clientId, clientSecret }),
    });

  /** `count` wrong-secret logins, each expected to be a plain 401. */
  async function fail(clientId: string, count = 1): Promise<void> {
    for (let attempt = 0; attempt < count; attempt += 1) {
      const response = await login(clientId, 'wrong');
      expect(response.status).toBe(401);
      await response.body?.cancel();
    }
  }

  async function statusOf(clientId: string, clientSecret = `${clientId}-secret`): Promise<number> {
    const response = await login(clientId, clientSecret);
    await response.body?.cancel();
    return response.status;
  }

  it('locks after 3 wrong secrets within the window (SDK logins), then refuses the right secret with 429 + retry-after', async () => {
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const sdkLogin = new InfisicalSDK({ siteUrl: server.url }).auth().universalAuth.login({ clientId: 'app', clientSecret: 'wrong' });
      await expect(sdkLogin).rejects.toMatchObject({ name: 'InfisicalSDKRequestError', message: expect.stringContaining('[StatusCode=401]') });
      clock += 5_000;
    }
    expect(server.isLockedOut('app')).toBe(true);

    const refused = await login('app', 'app-secret');

    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('295');
    expect(refused.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await refused.json()).toEqual({ statusCode: 429, message: LOCKED_MESSAGE, error: 'RateLimitExceeded' });
  });

  it('refuses every login while locked without extending the lock, and rounds retry-after up', async () => {
    await fail('app', 3);
    clock += 100_500;

    const wrong = await login('app', 'wrong');
    expect(wrong.status).toBe(429);
    expect(wrong.headers.get('retry-after')).toBe('200');
    await wrong.body?.cancel();

    clock += 199_499; // 1 ms before the original lock ends: the refused logins did not move it
    const right = await login('app', 'app-secret');
    expect(right.status).toBe(429);
    expect(right.headers.get('retry-after')).toBe('1');
    await right.body?.cancel();

    clock += 1;
    expect(server.isLockedOut('app')).toBe(false);
    expect(await statusOf('app')).toBe(200);
  });

  it('ends the lock after lockSeconds and starts the failure count fresh', async () => {
    await fail('app', 3);
    clock += 300_000;

    expect(server.isLockedOut('app')).toBe(false);
    await fail('app', 2); // the 3 failures before the lock no longer count
    expect(server.isLockedOut('app')).toBe(false);
    const sdk = await new InfisicalSDK({ siteUrl: server.url }).auth().universalAuth.login({ clientId: 'app', clientSecret: 'app-secret' });
    expect(sdk.auth().getAccessToken()).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
  });

  it('does not lock for failures spread wider than the window, but counts those still inside it', async () => {
    await fail('app');
    clock += 16_000;
    await fail('app');
    clock += 15_000; // the first failure is now 31 s old
    await fail('app');
    expect(server.isLockedOut('app')).toBe(false);
    clock += 9_000;
    await fail('app'); // failures at 16, 31 and 40 s: three within 30 s

    expect(server.isLockedOut('app')).toBe(true);
  });

  it('resets the failure count on a successful login', async () => {
    await fail('app', 2);
    expect(await statusOf('app')).toBe(200);
    await fail('app', 2);
    expect(server.isLockedOut('app')).toBe(false);

    await fail('app');
    expect(server.isLockedOut('app')).toBe(true);
  });

  it('never locks with loginLockout: false', async () => {
    await restart({ loginLockout: false });

    await fail('app', 10);

    expect(server.isLockedOut('app')).toBe(false);
    expect(await statusOf('app')).toBe(200);
  });

  it('leaves other identities unaffected, and never counts unknown client ids', async () => {
    await fail('app', 3);

    const other = await new InfisicalSDK({ siteUrl: server.url }).auth().universalAuth.login({ clientId: 'other', clientSecret: 'other-secret' });
    const listed = await other.secrets().listSecrets({ projectId: PROJECT, environment: 'dev' });
    expect(listed.secrets.map((secret) => secret.secretKey)).toEqual(['GREETING']);
    expect(server.isLockedOut('other')).toBe(false);

    for (let attempt = 0; attempt < 5; attempt += 1) expect(await statusOf('ghost', 'x')).toBe(404);
    expect(server.isLockedOut('ghost')).toBe(false);
  });

  it('follows custom attempts, windowSeconds and lockSeconds', async () => {
    await restart({ loginLockout: { attempts: 2, windowSeconds: 5, lockSeconds: 10 } });
    await fail('app');
    clock += 5_000;
    await fail('app'); // the first failure is 5 s old: outside the window
    expect(server.isLockedOut('app')).toBe(false);

    await fail('app');
    const refused = await login('app', 'app-secret');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('10');
    await refused.body?.cancel();

    clock += 10_000;
    expect(await statusOf('app')).toBe(200);
  });

  it('rejects invalid lockout settings at start', async () => {
    await expect(LocalInfisicalServer.start({ seed: seed(), loginLockout: { attempts: 0 } })).rejects.toThrow(RangeError);
    await expect(LocalInfisicalServer.start({ seed: seed(), loginLockout: { windowSeconds: -1 } })).rejects.toThrow(
      "loginLockout 'windowSeconds' must be a positive number, got -1",
    );
    await expect(LocalInfisicalServer.start({ seed: seed(), loginLockout: { lockSeconds: Number.NaN } })).rejects.toThrow(RangeError);
  });
});
