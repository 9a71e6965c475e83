import { inspect } from 'node:util';
import { authSecretOf } from './resolve-auth.js';
import { resolveInfisicalOptions } from './resolve-options.js';
import { infisicalOptionsFromEnv } from './options-from-env.util.js';

const SECRET = 'top-secret-canary';
const valid = {
  siteUrl: 'https://infisical.example.com/',
  projectId: ' proj ',
  scopes: [{ environment: 'dev', secretPath: '/server/' }],
  auth: { clientId: 'id', clientSecret: SECRET },
};

describe('resolveInfisicalOptions', () => {
  it('applies the defaults once and normalizes URL and paths', () => {
    const resolved = resolveInfisicalOptions(valid);
    expect(authSecretOf(resolved.auth)).toBe(SECRET); // hidden from toEqual: it is not enumerable
    expect(resolved).toEqual({
      siteUrl: 'https://infisical.example.com',
      projectId: 'proj',
      scopes: [{ environment: 'dev', secretPath: '/server', recursive: false, includeImports: true, allowEmpty: false }],
      auth: { method: 'universal-auth', clientId: 'id' },
      processEnv: 'override',
      allowProcessEnvKeys: [],
      expandSecretReferences: true,
      startupTimeoutMs: 10_000,
      routineLogLevel: 'debug',
      refresh: {
        enabled: true,
        ttlMs: 300_000,
        timeoutMs: 10_000,
        refreshAt: 0.8,
        jitter: 0.1,
        retryBaseMs: 2_000,
        retryMaxMs: 60_000,
        maxRemovedShare: 0.5,
        acceptMassDeletion: false,
      },
      rotation: { keepPrevious: [], previousWindowMs: 300_000 },
      fileCache: undefined,
      caCertificates: [],
      schema: undefined,
      metrics: { enabled: undefined, prefix: 'infisical_config_', registry: undefined },
      dotenvFallback: { enabled: true, paths: ['.env.local', '.env'] },
    });
  });

  it('turns the .env fallback off in production unless enabled, and resolves the cache file', () => {
    expect(resolveInfisicalOptions(valid, { NODE_ENV: 'production' }).dotenvFallback.enabled).toBe(false);
    expect(resolveInfisicalOptions({ ...valid, dotenvFallback: { enabled: true } }, { NODE_ENV: 'production' }).dotenvFallback.enabled).toBe(true);
    const key = Buffer.alloc(32, 7).toString('base64');
    const resolved = resolveInfisicalOptions({ ...valid, fileCache: { key, path: 'cache/s.enc' } });
    expect(resolved.fileCache).toEqual({ path: expect.stringMatching(/^\/.*cache\/s\.enc$/), maxAgeMs: 604_800_000 });
    expect(resolved.fileCache?.key).toEqual(Buffer.alloc(32, 7));
    expect(() => resolveInfisicalOptions({ ...valid, fileCache: { key: `short-${SECRET}` } })).toThrow(/fileCache.key: Invalid file cache key/);
  });

  it('keeps the client secret and the cache key readable but out of logs, JSON and spreads', () => {
    const key = Buffer.alloc(32, 9).toString('base64');
    const resolved = resolveInfisicalOptions({ ...valid, fileCache: { key } });
    expect(authSecretOf(resolved.auth)).toBe(SECRET);
    expect(resolved.fileCache?.key).toEqual(Buffer.alloc(32, 9));
    for (const shown of [JSON.stringify(resolved), inspect(resolved, { depth: 10 }), JSON.stringify({ ...resolved.auth })]) {
      expect(shown).not.toContain(SECRET);
      expect(shown).not.toContain('clientSecret');
      expect(shown).not.toMatch(/<Buffer|"key"/);
    }
  });

  it.each([
    ['ftp://host', 'must start with http:// or https://'],
    ['https://user:pw@host', 'must not contain credentials'],
    ['https://host?x=1', 'must not have a query string'],
  ])('rejects the site URL %s without printing it', (siteUrl, problem) => {
    expect(() => resolveInfisicalOptions({ ...valid, siteUrl })).toThrow(problem);
    try {
      resolveInfisicalOptions({ ...valid, siteUrl });
    } catch (error) {
      expect((error as Error).message).not.toContain(siteUrl);
    }
  });

  it('validates the refresh options and keeps defaults for fields left undefined', () => {
    expect(() => resolveInfisicalOptions({ ...valid, refresh: { ttlMs: -1, refreshAt: 1.5, jitter: 1, maxRemovedShare: 2 } })).toThrow(
      /4 problems[\s\S]*refresh.ttlMs[\s\S]*refresh.refreshAt[\s\S]*refresh.jitter[\s\S]*refresh.maxRemovedShare/,
    );
    expect(resolveInfisicalOptions({ ...valid, refresh: { ttlMs: undefined, jitter: 0 } }).refresh).toEqual(
      expect.objectContaining({ ttlMs: 300_000, jitter: 0 }),
    );
  });

  it('rejects a non-positive startup timeout and an empty scope list', () => {
    expect(() => resolveInfisicalOptions({ ...valid, scopes: [], startupTimeoutMs: 0 })).toThrow(/2 problems[\s\S]*scopes[\s\S]*startupTimeoutMs/);
  });
});

describe('infisicalOptionsFromEnv', () => {
  const env = (values: Record<string, string>) => ({ get: (key: string) => values[key] });

  it('builds one scope from the bootstrap variables', () => {
    const options = infisicalOptionsFromEnv(
      env({
        INFISICAL_SITE_URL: 'http://127.0.0.1:8080',
        INFISICAL_PROJECT_ID: 'p',
        INFISICAL_ENVIRONMENT: 'prod',
        INFISICAL_CLIENT_ID: 'c',
        INFISICAL_CLIENT_SECRET: SECRET,
      }),
    );
    expect(options).toEqual({
      siteUrl: 'http://127.0.0.1:8080',
      projectId: 'p',
      scopes: [{ environment: 'prod' }],
      auth: { method: 'universal-auth', clientId: 'c', clientSecret: SECRET },
    });
  });

  it('names every missing variable in one error and never the secret', () => {
    expect(() => infisicalOptionsFromEnv(env({ INFISICAL_CLIENT_SECRET: SECRET }))).toThrow(
      /4 problems[\s\S]*INFISICAL_SITE_URL[\s\S]*INFISICAL_PROJECT_ID[\s\S]*INFISICAL_ENVIRONMENT[\s\S]*INFISICAL_CLIENT_ID/,
    );
    try {
      infisicalOptionsFromEnv(env({ INFISICAL_CLIENT_SECRET: SECRET }));
    } catch (error) {
      expect((error as Error).message).not.toContain(SECRET);
    }
  });
});
