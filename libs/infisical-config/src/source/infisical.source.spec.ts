import { LocalInfisicalServer, type LocalInfisicalSeed } from 'nestjs-infisical-config/testing';
import { InfisicalAccessError } from '../errors/infisical-access.error.js';
import { InfisicalAuthError } from '../errors/infisical-auth.error.js';
import { InfisicalConnectionError } from '../errors/infisical-connection.error.js';
import { InfisicalLoadError } from '../errors/infisical-load.error.js';
import { resolveInfisicalOptions } from '../options/resolve-options.js';
import type { ResolvedInfisicalOptions } from '../options/resolved-options.interface.js';
import { InfisicalSource, type FetchedScope, type FetchedSecret } from './infisical.source.js';

const PROJECT_ID = 'proj-1';
const CLIENT_ID = 'identity-1';
const CLIENT_SECRET = 'client-secret-value';
const OUTSIDER_ID = 'identity-outsider';

function seed(tokenTtl?: { accessTokenTTL: number; accessTokenMaxTTL: number }): LocalInfisicalSeed {
  return {
    identities: [
      { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, projects: [PROJECT_ID], ...tokenTtl },
      { clientId: OUTSIDER_ID, clientSecret: CLIENT_SECRET, projects: [] },
    ],
    projects: {
      [PROJECT_ID]: {
        environments: {
          shared: { '/': { secrets: { SHARED_FLAG: 'on' } } },
          dev: {
            '/': { secrets: { DB_HOST: 'dev-db', DB_USER: 'app' }, imports: [{ environment: 'shared', secretPath: '/' }] },
            '/nested': { secrets: { NESTED_ONLY: 'nested' } },
          },
        },
      },
    },
  };
}

type Scope = ResolvedInfisicalOptions['scopes'][number];
const scope = (environment: string, secretPath = '/'): Scope => ({ environment, secretPath, recursive: false, includeImports: true, allowEmpty: false });
const DEV = scope('dev');

const byKey = (secrets: FetchedSecret[]) => [...secrets].sort((a, b) => a.key.localeCompare(b.key));
/** Key names and where they came from: enough to check a fetch without handling values in assertions. */
const keysOf = (secrets: FetchedSecret[]) => byKey(secrets).map(({ key, secretPath, imported }) => ({ key, secretPath, imported }));
const DEV_KEYS = [
  { key: 'DB_HOST', secretPath: '/', imported: false },
  { key: 'DB_USER', secretPath: '/', imported: false },
  { key: 'SHARED_FLAG', secretPath: '/', imported: true },
];

/** Resolves to the rejection of `promise` (fails the test if it resolves). */
async function rejectionOf(promise: Promise<unknown>): Promise<InfisicalLoadError> {
  try {
    await promise;
  } catch (error) {
    return error as InfisicalLoadError;
  }
  throw new Error('expected a rejection');
}

/** Polls `condition` on real timers; generous by default, for a busy machine. */
async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

let server: LocalInfisicalServer | undefined;
let source: InfisicalSource | undefined;
/** The source's clock: starts at the real time; tests move it to skip waits. */
let clock = 0;

async function start(options: { seed?: LocalInfisicalSeed; clientId?: string; serverNow?: () => number } = {}) {
  server = await LocalInfisicalServer.start({ seed: options.seed ?? seed(), now: options.serverNow });
  clock = Date.now();
  const resolved = resolveInfisicalOptions(
    {
      siteUrl: server.url,
      projectId: PROJECT_ID,
      scopes: [{ environment: 'dev' }],
      auth: { clientId: options.clientId ?? CLIENT_ID, clientSecret: CLIENT_SECRET },
    },
    {},
  );
  source = new InfisicalSource(resolved, () => clock);
  return { server, source };
}

afterEach(async () => {
  source?.close();
  await server?.close();
  source = undefined;
  server = undefined;
});

/** The secrets of a scope's answer. */
const secretsOf = async (answer: Promise<FetchedScope>) => [...(await answer).secrets];

describe('InfisicalSource: login and list', () => {
  it('logs in, then lists a scope with its own and imported secrets', async () => {
    const { server, source } = await start();
    expect(source.tokenExpiresAt).toBeUndefined();

    const secrets = await secretsOf(source.fetchScope(DEV));

    expect(keysOf(secrets)).toEqual(DEV_KEYS);
    const values = Object.fromEntries(secrets.map((secret) => [secret.key, secret.value]));
    expect(values).toEqual({ DB_HOST: 'dev-db', DB_USER: 'app', SHARED_FLAG: 'on' });
    expect(server.requestCount('login')).toBe(1);
    expect(server.requestCount('listSecrets')).toBe(1);
    // Infisical's default TTL (30 days), renewed at two thirds of it.
    expect(source.tokenExpiresAt).toBe(clock + 2_592_000_000);
    expect(source.tokenRenewAt).toBe(clock + (2_592_000_000 * 2) / 3);
  });

  it('asks again with the last ETag: an unchanged scope is a 304 that returns the same list; a change downloads again', async () => {
    const { server, source } = await start();
    const first = await source.fetchScope(DEV);
    const again = await source.fetchScope(DEV);
    expect(again.notModified).toBe(true);
    expect(again.secrets).toBe(first.secrets);
    expect(server.replyCount('listSecrets', 304)).toBe(1);

    server.setSecret(PROJECT_ID, 'dev', '/', 'DB_USER', 'changed');
    const changed = await source.fetchScope(DEV);
    expect(changed.notModified).toBe(false);
    expect(changed.secrets.find((secret) => secret.key === 'DB_USER')?.value).toBe('changed');
    expect(server.replyCount('listSecrets', 304)).toBe(1);
  });

  it('leaves the imports out when the scope asks so', async () => {
    const { source } = await start();
    const secrets = await secretsOf(source.fetchScope({ ...DEV, includeImports: false }));
    expect(keysOf(secrets)).toEqual(DEV_KEYS.filter((secret) => !secret.imported));
  });

  it('concurrent fetches of several scopes share one login; later fetches reuse the token', async () => {
    const { server, source } = await start();

    const [dev, nested, shared] = await Promise.all([secretsOf(source.fetchScope(DEV)), secretsOf(source.fetchScope(scope('dev', '/nested'))), secretsOf(source.fetchScope(scope('shared')))]);

    expect(keysOf(dev)).toEqual(DEV_KEYS);
    expect(keysOf(nested)).toEqual([{ key: 'NESTED_ONLY', secretPath: '/nested', imported: false }]);
    expect(keysOf(shared)).toEqual([{ key: 'SHARED_FLAG', secretPath: '/', imported: false }]);
    expect(server.requestCount('login')).toBe(1);
    expect(server.requestCount('listSecrets')).toBe(3);

    await secretsOf(source.fetchScope(DEV));
    expect(server.requestCount('login')).toBe(1);
  });

  it('calls onNewToken listeners on each login, until unsubscribed or closed', async () => {
    const { server, source } = await start();
    const seen: Array<number | undefined> = [];
    const unsubscribe = source.onNewToken(() => seen.push(source.tokenExpiresAt));

    await secretsOf(source.fetchScope(DEV));
    expect(seen).toEqual([expect.any(Number)]); // the new token is in place when listeners run

    server.revokeTokens();
    await secretsOf(source.fetchScope(DEV));
    expect(seen).toHaveLength(2);
    expect(server.requestCount('login')).toBe(2);

    unsubscribe();
    server.revokeTokens();
    await secretsOf(source.fetchScope(DEV));
    expect(server.requestCount('login')).toBe(3);
    expect(seen).toHaveLength(2);

    const afterClose: number[] = [];
    source.onNewToken(() => afterClose.push(1));
    source.close();
    expect(source.closed).toBe(true);
    await expect(secretsOf(source.fetchScope(DEV))).rejects.toBeInstanceOf(InfisicalLoadError);
    expect(afterClose).toEqual([]);
  });
});

describe('InfisicalSource: refused tokens', () => {
  it('after the server revokes the token (401), logs in once more and succeeds', async () => {
    const { server, source } = await start();
    await secretsOf(source.fetchScope(DEV));

    server.revokeTokens();
    const secrets = await secretsOf(source.fetchScope(DEV));

    expect(keysOf(secrets)).toEqual(DEV_KEYS);
    expect(server.requestCount('login')).toBe(2);
    expect(server.requestCount('listSecrets')).toBe(3); // ok, refused, ok
  });

  it('several scopes refused at once share the one new login', async () => {
    const { server, source } = await start();
    await secretsOf(source.fetchScope(DEV));

    server.revokeTokens();
    const fetched = await Promise.all([secretsOf(source.fetchScope(DEV)), secretsOf(source.fetchScope(scope('dev', '/nested'))), secretsOf(source.fetchScope(scope('shared')))]);

    expect(fetched.map((secrets) => secrets.length)).toEqual([3, 1, 1]);
    expect(server.requestCount('login')).toBe(2);
  });

  it('a 403 TokenError on a token that worked before leads to one new login', async () => {
    // The fault injector's 403 always says PermissionDenied, not TokenError. A real TokenError comes from a
    // token past its JWT expiry: the server's clock jumps past it while the client's still finds it usable.
    let serverTime = Date.now();
    const { server, source } = await start({ seed: seed({ accessTokenTTL: 3_600, accessTokenMaxTTL: 3_600 }), serverNow: () => serverTime });
    await secretsOf(source.fetchScope(DEV));

    serverTime += 3_600_000;
    const secrets = await secretsOf(source.fetchScope(DEV));

    expect(keysOf(secrets)).toEqual(DEV_KEYS);
    expect(server.requestCount('login')).toBe(2);
    expect(server.requestCount('listSecrets')).toBe(3);
  });

  it('a one-off 403 on a token that worked before also gets one new login and one more try', async () => {
    const { server, source } = await start();
    await secretsOf(source.fetchScope(DEV));

    server.injectFault('listSecrets', { kind: 'status', status: 403, times: 1 });
    const secrets = await secretsOf(source.fetchScope(DEV));

    expect(keysOf(secrets)).toEqual(DEV_KEYS);
    expect(server.requestCount('login')).toBe(2);
  });

  it('a 403 right after a fresh login is an InfisicalAccessError, with no second login', async () => {
    const { server, source } = await start({ clientId: OUTSIDER_ID });

    const error = await rejectionOf(source.fetchScope(DEV));

    expect(error).toBeInstanceOf(InfisicalAccessError);
    expect(error.status).toBe(403);
    expect(error.step).toBe('list secrets');
    expect(server.requestCount('login')).toBe(1);
    expect(server.requestCount('listSecrets')).toBe(1);
  });

  it('a 403 that persists after the one new login is an InfisicalAccessError, not a login loop', async () => {
    const { server, source } = await start();
    await secretsOf(source.fetchScope(DEV));

    server.injectFault('listSecrets', { kind: 'status', status: 403 });
    const error = await rejectionOf(source.fetchScope(DEV));

    expect(error).toBeInstanceOf(InfisicalAccessError);
    expect(error.status).toBe(403);
    expect(server.requestCount('login')).toBe(2);
    expect(server.requestCount('listSecrets')).toBe(3);
  });
});

describe('InfisicalSource: failed logins', () => {
  it('a 503 on login is not held against the next attempt: it goes to the server at once', async () => {
    const { server, source } = await start();
    server.injectFault('login', { kind: 'status', status: 503, times: 1 });

    const error = await rejectionOf(source.fetchScope(DEV));
    expect(error).toBeInstanceOf(InfisicalConnectionError);
    expect((error as InfisicalConnectionError).problem).toBe('server-error');
    expect(error.step).toBe('login');

    const secrets = await secretsOf(source.fetchScope(DEV));
    expect(keysOf(secrets)).toEqual(DEV_KEYS);
    expect(server.requestCount('login')).toBe(2);
  });

  it('a refused login (401) is spaced out: the next attempt within 15 s fails without a request', async () => {
    const { server, source } = await start();
    server.injectFault('login', { kind: 'status', status: 401, times: 1 });

    const first = await rejectionOf(source.fetchScope(DEV));
    expect(first).toBeInstanceOf(InfisicalAuthError);
    expect((first as InfisicalAuthError).problem).toBe('invalid-client-secret');
    expect(server.requestCount('login')).toBe(1);

    clock += 14_999;
    const blocked = await rejectionOf(source.fetchScope(DEV));
    expect(blocked).toBe(first);
    expect(server.requestCount('login')).toBe(1);
    expect(server.requestCount('listSecrets')).toBe(0);

    clock += 1;
    const secrets = await secretsOf(source.fetchScope(DEV));
    expect(keysOf(secrets)).toEqual(DEV_KEYS);
    expect(server.requestCount('login')).toBe(2);
  });
});

describe('InfisicalSource.renewToken', () => {
  it('renews a token that can still be extended instead of logging in again', async () => {
    const { server, source } = await start({ seed: seed({ accessTokenTTL: 60, accessTokenMaxTTL: 3_600 }) });
    await secretsOf(source.fetchScope(DEV));
    expect(source.tokenExpiresAt).toBe(clock + 60_000);

    clock += 30_000;
    await source.renewToken();

    expect(server.requestCount('renew')).toBe(1);
    expect(server.requestCount('login')).toBe(1);
    expect(source.tokenExpiresAt).toBe(clock + 60_000);
    await secretsOf(source.fetchScope(DEV));
    expect(server.requestCount('login')).toBe(1);
  });

  it('logs in again when the token cannot be renewed (TTL = max TTL, the default)', async () => {
    const { server, source } = await start();
    await secretsOf(source.fetchScope(DEV));
    const loggedIn: number[] = [];
    source.onNewToken(() => loggedIn.push(1));

    clock += 1_000;
    await source.renewToken();

    expect(server.requestCount('renew')).toBe(0);
    expect(server.requestCount('login')).toBe(2);
    expect(loggedIn).toHaveLength(1);
    expect(source.tokenExpiresAt).toBe(clock + 2_592_000_000);
  });

  it('a network failure during renewal keeps the token (it is still valid) and rejects', async () => {
    const { server, source } = await start({ seed: seed({ accessTokenTTL: 60, accessTokenMaxTTL: 3_600 }) });
    await secretsOf(source.fetchScope(DEV));
    const expiresAt = source.tokenExpiresAt;
    const renewAt = source.tokenRenewAt;
    expect(expiresAt).toBeDefined();

    await server.close();
    clock += 30_000;
    const error = await rejectionOf(source.renewToken());

    expect(error).toBeInstanceOf(InfisicalConnectionError);
    expect((error as InfisicalConnectionError).problem).toBe('network');
    expect(source.tokenExpiresAt).toBe(expiresAt);
    expect(source.tokenRenewAt).toBe(renewAt);
  });
});

describe('InfisicalSource.close', () => {
  it('aborts a request in flight: the fetch rejects as cancelled, not after the request timeout', async () => {
    const { server, source } = await start();
    server.injectFault('listSecrets', { kind: 'blackhole' });

    const fetching = rejectionOf(source.fetchScope(DEV));
    await waitFor(() => server.requestCount('listSecrets') === 1);
    const closedAt = Date.now();
    source.close();
    const error = await fetching;

    expect(error).toBeInstanceOf(InfisicalConnectionError);
    // The request timeout (10 s) would say "timed out"; the abort says "cancelled".
    expect(error.reason).toBe('the request was cancelled (shutdown or deadline)');
    expect(Date.now() - closedAt).toBeLessThan(8_000);
  });

  it('a login that answers after close() is not kept', async () => {
    const { server, source } = await start();
    server.injectFault('login', { kind: 'latency', ms: 200 });
    const loggedIn: number[] = [];
    source.onNewToken(() => loggedIn.push(1));

    const fetching = rejectionOf(source.fetchScope(DEV));
    await waitFor(() => server.requestCount('login') === 1);
    source.close();
    await fetching;

    expect(source.tokenExpiresAt).toBeUndefined();
    expect(loggedIn).toEqual([]);
    expect(server.requestCount('listSecrets')).toBe(0);
  });
});
