import { ConfigService } from '@nestjs/config';
import {
  InfisicalAuthError,
  InfisicalConfigModule,
  InfisicalConfigService,
  InfisicalConnectionError,
  type InfisicalAuthOptions,
  type InfisicalConfigModuleOptions,
} from 'nestjs-infisical-config';
import type { LocalInfisicalSeed } from 'nestjs-infisical-config/testing';
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { E2eHarness } from './support/boot.js';
import { eventually } from './support/eventually.js';
import { CANARY, CLIENT_ID, CLIENT_SECRET, DB_PASSWORD, PROJECT_ID, e2eSeed } from './support/seed.js';

const ISSUER = 'https://ci.example.com';
const IDENTITY_ID = 'identity-workload';
const base64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');

/** A JWT signed with `key` (RS256), as a cluster or a CI system would issue it. */
function jwt(key: KeyObject, claims: Record<string, unknown>): string {
  const now = Math.floor(Date.now() / 1000);
  const input = `${base64url(JSON.stringify({ alg: 'RS256', typ: 'JWT' }))}.${base64url(JSON.stringify({ iat: now, exp: now + 3_600, ...claims }))}`;
  return `${input}.${base64url(sign('sha256', Buffer.from(input), key))}`;
}

describe('logging in without a long-lived secret (e2e, local Infisical over HTTP)', () => {
  const issuerKeys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const otherKeys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const publicKeyPem = issuerKeys.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  let harness: E2eHarness;
  let dir: string;

  /** The e2e seed plus one identity that may log in with every workload method (short TTL: renewals come fast). */
  function seed(): LocalInfisicalSeed {
    const base = e2eSeed();
    base.identities.push({
      identityId: IDENTITY_ID,
      projects: [PROJECT_ID],
      accessTokenTTL: 3,
      accessTokenMaxTTL: 600,
      kubernetesAuth: { publicKeyPem, allowedNamespaces: ['apps'], allowedNames: ['server'] },
      oidcAuth: { publicKeyPem, boundIssuer: ISSUER, boundAudiences: ['infisical'] },
      jwtAuth: { publicKeyPem, boundIssuer: ISSUER },
      awsAuth: { allowedAccessKeyIds: ['AKIAEXAMPLEALLOWED'] },
    });
    return base;
  }

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'infisical-auth-'));
  });

  afterEach(async () => {
    await harness.close();
    rmSync(dir, { recursive: true, force: true });
    expect(harness.logs.text()).not.toContain(CANARY);
  });

  const boot = (auth: InfisicalAuthOptions, overrides: Partial<InfisicalConfigModuleOptions> = {}) =>
    harness.boot([InfisicalConfigModule.forRoot(harness.options({ auth, dotenvFallback: { enabled: false }, ...overrides }))]);

  const serviceAccountToken = (key: KeyObject, name = 'server') => jwt(key, { sub: `system:serviceaccount:apps:${name}`, iss: 'kubernetes/serviceaccount' });

  it('kubernetes: logs in with the service-account token, renews it before expiry, and re-reads the file at every login', async () => {
    harness = await E2eHarness.start(seed());
    const tokenPath = join(dir, 'token');
    writeFileSync(tokenPath, serviceAccountToken(issuerKeys.privateKey));
    const app = await boot({ method: 'kubernetes', identityId: IDENTITY_ID, serviceAccountTokenPath: tokenPath }, { refresh: { ttlMs: 600_000 } });
    const secrets = app.get(InfisicalConfigService);
    expect(app.get(ConfigService).get('DB_PASSWORD')).toBe(DB_PASSWORD);
    expect(harness.server.requestCount('kubernetesLogin')).toBe(1);

    // The token lives 3 s; it is renewed at two thirds of that, by the renewal timer.
    await eventually(() => harness.server.requestCount('renew') >= 1, 8_000);

    // The file changes (kubelet rotates it): the next login reads it. Here the new token is signed by a key
    // the cluster does not trust, so that login is refused, which the old token's would not have been.
    writeFileSync(tokenPath, serviceAccountToken(otherKeys.privateKey));
    harness.server.revokeTokens(IDENTITY_ID);
    // (The renewal timer may be the one that logs in first: either way the login reads the new file.)
    await secrets.refresh();
    await eventually(() => /^HTTP 401 \[invalid bearer token/.test(secrets.status().lastError?.reason ?? '') || harness.server.requestCount('kubernetesLogin') >= 2);
    expect(harness.server.requestCount('kubernetesLogin')).toBeGreaterThanOrEqual(2);
    expect(secrets.get('DB_PASSWORD')).toBe(DB_PASSWORD); // the last good values stay
  });

  it('kubernetes: a missing token file fails boot with what to mount, before any request', async () => {
    harness = await E2eHarness.start(seed());
    const error = await harness.bootError([
      InfisicalConfigModule.forRoot(
        harness.options({ auth: { method: 'kubernetes', identityId: IDENTITY_ID, serviceAccountTokenPath: join(dir, 'missing') }, dotenvFallback: { enabled: false } }),
      ),
    ]);
    expect(error).toBeInstanceOf(InfisicalAuthError);
    expect((error as InfisicalAuthError).problem).toBe('credentials-unavailable');
    expect(error.message).toContain('cannot read the service-account token');
    expect(error.message).toContain('automountServiceAccountToken');
    expect(harness.server.requestCount()).toBe(0);
  });

  it('oidc: logs in with a CI token given as a value; a token for another audience is refused with the OIDC remedy', async () => {
    harness = await E2eHarness.start(seed());
    const good = jwt(issuerKeys.privateKey, { iss: ISSUER, aud: 'infisical', sub: 'repo:acme/app' });
    const app = await boot({ method: 'oidc', identityId: IDENTITY_ID, token: good });
    expect(app.get(InfisicalConfigService).get('DB_PASSWORD')).toBe(DB_PASSWORD);
    expect(harness.server.requestCount('oidcLogin')).toBe(1);

    const wrongAudience = jwt(issuerKeys.privateKey, { iss: ISSUER, aud: 'someone-else', sub: 'repo:acme/app' });
    const error = await harness.bootError([
      InfisicalConfigModule.forRoot(harness.options({ auth: { method: 'oidc', identityId: IDENTITY_ID, token: wrongAudience }, dotenvFallback: { enabled: false } })),
    ]);
    expect(error).toBeInstanceOf(InfisicalAuthError);
    expect(error.message).toContain("check the identity's OIDC auth");
  });

  it('jwt: logs in with a token read from a file', async () => {
    harness = await E2eHarness.start(seed());
    const tokenPath = join(dir, 'jwt');
    writeFileSync(tokenPath, jwt(issuerKeys.privateKey, { iss: ISSUER, sub: 'deploy' }));
    const app = await boot({ method: 'jwt', identityId: IDENTITY_ID, tokenPath });
    expect(app.get(InfisicalConfigService).get('DB_PASSWORD')).toBe(DB_PASSWORD);
    expect(harness.server.requestCount('jwtLogin')).toBe(1);
  });

  it('aws-iam: signs an STS GetCallerIdentity request with the default credential chain', async () => {
    harness = await E2eHarness.start(seed());
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'AKIAEXAMPLEALLOWED', AWS_SECRET_ACCESS_KEY: `aws-secret-${CANARY}`, AWS_REGION: 'eu-west-1' });
    const app = await boot({ method: 'aws-iam', identityId: IDENTITY_ID });
    expect(app.get(InfisicalConfigService).get('DB_PASSWORD')).toBe(DB_PASSWORD);
    expect(harness.server.requestCount('awsLogin')).toBe(1);
  });

  it('access-token: a token obtained elsewhere is used as given; once refused, the remedy says to provide a new one', async () => {
    harness = await E2eHarness.start(seed());
    const login = await fetch(`${harness.server.url}/api/v1/auth/universal-auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }),
    });
    const { accessToken } = (await login.json()) as { accessToken: string };
    const app = await boot({ method: 'access-token', accessToken });
    const secrets = app.get(InfisicalConfigService);
    expect(secrets.get('DB_PASSWORD')).toBe(DB_PASSWORD);
    expect(secrets.status().tokenExpiresAt).toBeNull(); // unknown: never renewed by the module
    expect(harness.server.requestCount('login')).toBe(1); // the test's own

    harness.server.revokeTokens(CLIENT_ID);
    const outcome = await secrets.refresh();
    expect(outcome).toEqual({ status: 'failed', reason: 'HTTP 401 No identity access token found' });
    expect(harness.logs.text()).not.toContain(accessToken);
  });

  describe('a private CA', () => {
    const fixture = (name: string) => join('test', 'fixtures', 'tls', name);
    const tls = () => ({ key: readFileSync(fixture('server.key'), 'utf8'), cert: readFileSync(fixture('server.pem'), 'utf8') });

    it('is trusted when given in caCertificates (a PEM file)', async () => {
      harness = await E2eHarness.start(seed(), { tls: tls() });
      expect(harness.server.url).toMatch(/^https:\/\//);
      const app = await boot({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, { caCertificates: [fixture('ca.pem')] });
      expect(app.get(InfisicalConfigService).get('DB_PASSWORD')).toBe(DB_PASSWORD);
    });

    it('without it, boot fails with the TLS error and a remedy that names caCertificates and NODE_EXTRA_CA_CERTS', async () => {
      harness = await E2eHarness.start(seed(), { tls: tls() });
      const error = await harness.bootError([
        InfisicalConfigModule.forRoot(harness.options({ dotenvFallback: { enabled: false } })),
      ]);
      expect(error).toBeInstanceOf(InfisicalConnectionError);
      expect((error as InfisicalConnectionError).problem).toBe('tls');
      expect(error.message).toContain('caCertificates');
      expect(error.message).toContain('NODE_EXTRA_CA_CERTS');
    });
  });
});
