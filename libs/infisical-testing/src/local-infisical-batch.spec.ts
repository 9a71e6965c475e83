import { LocalInfisicalServer } from './local-infisical.server.js';
import type { LocalInfisicalSeed } from './local-infisical.seed.js';

const PROJECT = 'proj-1';
const OTHER_PROJECT = 'proj-2';

const seed = (): LocalInfisicalSeed => ({
  identities: [{ clientId: 'app', clientSecret: 'app-secret', projects: [PROJECT] }],
  projects: {
    [PROJECT]: { environments: { dev: { '/': { secrets: { EXISTING: 'old' } }, '/nested': { secrets: {} } } } },
    [OTHER_PROJECT]: { environments: { dev: { '/': { secrets: {} } } } },
  },
});

describe('LocalInfisicalServer: batch secret routes', () => {
  let server: LocalInfisicalServer;
  let token: string;

  beforeEach(async () => {
    server = await LocalInfisicalServer.start({ seed: seed() });
    const login = await fetch(`${server.url}/api/v1/auth/universal-auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ clientId: 'app', clientSecret: 'app-secret' }),
    });
    token = ((await login.json()) as { accessToken: string }).accessToken;
  });

  afterEach(async () => {
    await server.close();
  });

  const batch = (method: 'POST' | 'PATCH', body: object, bearer = token): Promise<Response> =>
    fetch(`${server.url}/api/v3/secrets/batch/raw`, {
      method,
      headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  const values = async (secretPath = '/'): Promise<Record<string, string>> => {
    const reply = await fetch(`${server.url}/api/v3/secrets/raw?workspaceId=${PROJECT}&environment=dev&secretPath=${encodeURIComponent(secretPath)}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const { secrets } = (await reply.json()) as { secrets: Array<{ secretKey: string; secretValue: string }> };
    return Object.fromEntries(secrets.map((secret) => [secret.secretKey, secret.secretValue]));
  };

  const location = { workspaceId: PROJECT, environment: 'dev', secretPath: '/' };

  it('creates every secret of a batch in one request and answers them', async () => {
    const reply = await batch('POST', {
      ...location,
      secretPath: '/nested',
      secrets: [
        { secretKey: 'A', secretValue: 'a', type: 'shared' },
        { secretKey: 'B', secretValue: 'b', secretComment: 'note' },
      ],
    });
    expect(reply.status).toBe(200);
    const { secrets } = (await reply.json()) as { secrets: Array<{ secretKey: string; secretValue: string; secretComment: string; version: number }> };
    expect(secrets.map((secret) => [secret.secretKey, secret.secretValue, secret.version])).toEqual([
      ['A', 'a', 1],
      ['B', 'b', 1],
    ]);
    expect(secrets[1].secretComment).toBe('note');
    expect(await values('/nested')).toEqual({ A: 'a', B: 'b' });
    expect(server.requestCount('createSecretsBatch')).toBe(1);
    expect(server.requestCount('createSecret')).toBe(0);
  });

  it('refuses a create batch holding an existing (or repeated) key and writes nothing', async () => {
    const taken = await batch('POST', { ...location, secrets: [{ secretKey: 'NEW', secretValue: 'n' }, { secretKey: 'EXISTING', secretValue: 'x' }] });
    expect(taken.status).toBe(400);
    expect(await taken.json()).toMatchObject({ statusCode: 400, error: 'BadRequest', message: 'Secret already exist' });
    const repeated = await batch('POST', { ...location, secrets: [{ secretKey: 'NEW', secretValue: 'n' }, { secretKey: 'NEW', secretValue: 'm' }] });
    expect(repeated.status).toBe(400);
    expect(await values()).toEqual({ EXISTING: 'old' });
  });

  it('updates every secret of a batch, and writes nothing when one is missing', async () => {
    await batch('POST', { ...location, secrets: [{ secretKey: 'OTHER', secretValue: 'o' }] });
    const missing = await batch('PATCH', { ...location, secrets: [{ secretKey: 'EXISTING', secretValue: 'x' }, { secretKey: 'GHOST', secretValue: 'g' }] });
    expect(missing.status).toBe(404);
    expect(await values()).toEqual({ EXISTING: 'old', OTHER: 'o' });

    const reply = await batch('PATCH', { ...location, secrets: [{ secretKey: 'EXISTING', secretValue: 'new' }, { secretKey: 'OTHER', secretValue: 'o2' }] });
    expect(reply.status).toBe(200);
    const { secrets } = (await reply.json()) as { secrets: Array<{ secretKey: string; version: number }> };
    expect(secrets.map((secret) => [secret.secretKey, secret.version])).toEqual([
      ['EXISTING', 2],
      ['OTHER', 2],
    ]);
    expect(await values()).toEqual({ EXISTING: 'new', OTHER: 'o2' });
    expect(server.requestCount('updateSecretsBatch')).toBe(2);
  });

  it('checks the token, project access, folder and body as the single create route does', async () => {
    const single = (body: object, bearer = token): Promise<Response> =>
      fetch(`${server.url}/api/v3/secrets/raw/X`, {
        method: 'POST',
        headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const secrets = [{ secretKey: 'X', secretValue: 'x' }];
    const cases: Array<[object, object, string?]> = [
      [{ ...location, secrets }, { ...location, secretValue: 'x' }, 'not-a-token'],
      [{ ...location, workspaceId: OTHER_PROJECT, secrets }, { ...location, workspaceId: OTHER_PROJECT, secretValue: 'x' }],
      [{ ...location, secretPath: '/nowhere', secrets }, { ...location, secretPath: '/nowhere', secretValue: 'x' }],
      [{ ...location, secrets: [{ secretKey: 'X' }] }, { ...location }],
    ];
    for (const [batchBody, singleBody, bearer] of cases) {
      const [fromBatch, fromSingle] = await Promise.all([batch('POST', batchBody, bearer), single(singleBody, bearer)]);
      expect(fromBatch.status).toBeGreaterThanOrEqual(400);
      expect([fromBatch.status, ((await fromBatch.json()) as { error: string }).error]).toEqual([fromSingle.status, ((await fromSingle.json()) as { error: string }).error]);
    }
    const noSecrets = await batch('POST', { ...location });
    expect(((await noSecrets.json()) as { error: string }).error).toBe('ValidationFailure');
    const empty = await batch('POST', { ...location, secrets: [] });
    expect(((await empty.json()) as { error: string }).error).toBe('ValidationFailure');
    expect(await values()).toEqual({ EXISTING: 'old' });
  });
});
