import { generateKeyPairSync, sign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { InfisicalSDK } from '@infisical/sdk';
import { LocalInfisicalSeedError } from './local-infisical-seed.error.js';
import { LocalInfisicalServer } from './local-infisical.server.js';
import type { LocalInfisicalSeed } from './local-infisical.seed.js';

const PROJECT = 'proj-1';
const START = Date.parse('2025-01-01T00:00:00Z');
const NOW_S = START / 1000;

// Keys the tests make and sign with, as a cluster, an identity provider or a JWT issuer would.
const rsa = (): { publicKey: KeyObject; privateKey: KeyObject } => generateKeyPairSync('rsa', { modulusLength: 2048 });
const clusterKeys = rsa();
const jwtIssuerKeys = rsa();
const strangerKeys = rsa();
const oidcKeys = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const pem = (key: KeyObject): string => key.export({ type: 'spki', format: 'pem' }).toString();

/** A compact JWS: RS256 for RSA keys, ES256 (raw r||s) for EC keys, unless the header says otherwise. */
function signJwt(privateKey: KeyObject, claims: Record<string, unknown>, header: Record<string, unknown> = {}): string {
  const alg = privateKey.asymmetricKeyType === 'ec' ? 'ES256' : 'RS256';
  const encode = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  const signingInput = `${encode({ alg, typ: 'JWT', ...header })}.${encode(claims)}`;
  const signature =
    privateKey.asymmetricKeyType === 'ec'
      ? sign('sha256', Buffer.from(signingInput), { key: privateKey, dsaEncoding: 'ieee-p1363' })
      : sign('sha256', Buffer.from(signingInput), privateKey);
  return `${signingInput}.${signature.toString('base64url')}`;
}

/** A projected service-account token of namespace `apps`, as the kubelet mounts it. */
const serviceAccountToken = (claims: Record<string, unknown> = {}, key: KeyObject = clusterKeys.privateKey): string =>
  signJwt(key, { iss: 'https://kubernetes.default.svc', sub: 'system:serviceaccount:apps:web', aud: ['infisical'], iat: NOW_S, exp: NOW_S + 3600, ...claims });
const oidcToken = (claims: Record<string, unknown> = {}, header: Record<string, unknown> = { kid: 'key-1' }): string =>
  signJwt(oidcKeys.privateKey, { iss: 'https://token.actions.example', sub: 'repo:acme/api:ref:refs/heads/main', aud: 'infisical', iat: NOW_S, exp: NOW_S + 300, ...claims }, header);
const issuerToken = (claims: Record<string, unknown> = {}, key: KeyObject = jwtIssuerKeys.privateKey): string =>
  signJwt(key, { iss: 'https://jwt.example', sub: 'batch-job', aud: ['infisical'], iat: NOW_S, exp: NOW_S + 300, ...claims });

const seed = (): LocalInfisicalSeed => ({
  identities: [
    {
      identityId: 'k8s-identity',
      projects: [PROJECT],
      accessTokenTTL: 10,
      accessTokenMaxTTL: 100,
      kubernetesAuth: { publicKeyPem: pem(clusterKeys.publicKey), allowedNamespaces: ['apps'], allowedNames: ['web', 'worker-*'], allowedAudience: 'infisical' },
    },
    {
      identityId: 'oidc-identity',
      projects: [PROJECT],
      accessTokenTTL: 10,
      accessTokenMaxTTL: 100,
      oidcAuth: { publicKeyPem: pem(oidcKeys.publicKey), boundIssuer: 'https://token.actions.example', boundAudiences: ['infisical', 'sts.example'], boundSubject: 'repo:acme/**' },
    },
    {
      identityId: 'jwt-identity',
      projects: [PROJECT],
      accessTokenTTL: 10,
      accessTokenMaxTTL: 100,
      jwtAuth: { publicKeyPem: pem(jwtIssuerKeys.publicKey), boundIssuer: 'https://jwt.example', boundAudiences: ['infisical'] },
    },
    { identityId: 'aws-identity', projects: [PROJECT], accessTokenTTL: 10, accessTokenMaxTTL: 100, awsAuth: { allowedAccessKeyIds: ['AKIAALLOWED0000000001'] } },
    // Universal Auth and Kubernetes Auth on one identity, whose identityId the server picks
    { clientId: 'app', clientSecret: 'app-secret', projects: [PROJECT], kubernetesAuth: { publicKeyPem: pem(clusterKeys.publicKey) } },
    { clientId: 'ua-only', clientSecret: 'ua-only-secret', projects: [PROJECT] },
  ],
  projects: { [PROJECT]: { environments: { dev: { '/': { secrets: { GREETING: 'hello' } } } } } },
});

/** The headers @infisical/sdk's awsIamAuth.login signs with @smithy/signature-v4, hand-built (the signature is not checked). */
function signedStsHeaders(options: { accessKeyId?: string; region?: string; at?: number; omit?: string[] } = {}): Record<string, string> {
  const region = options.region ?? 'eu-west-1';
  const amzDate = new Date(options.at ?? START).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  const headers: Record<string, string> = {
    'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8',
    Host: `sts.${region}.amazonaws.com`,
    'Content-Length': '43',
    'x-amz-date': amzDate,
    'x-amz-content-sha256': 'ab821ae955788b0e33ebd34c208442ccfc2d406e2edc5e7a39bd6458fbb4f843',
    Authorization:
      `AWS4-HMAC-SHA256 Credential=${options.accessKeyId ?? 'AKIAALLOWED0000000001'}/${amzDate.slice(0, 8)}/${region}/sts/aws4_request, ` +
      `SignedHeaders=content-length;content-type;host;x-amz-content-sha256;x-amz-date, Signature=${'0f'.repeat(32)}`,
  };
  for (const name of options.omit ?? []) delete headers[name];
  return headers;
}

const base64 = (text: string): string => Buffer.from(text).toString('base64');

function awsLoginBody(overrides: Record<string, unknown> = {}, headers: Record<string, string> = signedStsHeaders()): Record<string, unknown> {
  return {
    identityId: 'aws-identity',
    iamHttpRequestMethod: 'POST',
    iamRequestBody: base64('Action=GetCallerIdentity&Version=2011-06-15'),
    iamRequestHeaders: base64(JSON.stringify(headers)),
    ...overrides,
  };
}

describe('LocalInfisicalServer: machine-identity logins beside Universal Auth', () => {
  let server: LocalInfisicalServer;
  let clock: number;

  beforeEach(async () => {
    clock = START;
    server = await LocalInfisicalServer.start({ seed: seed(), now: () => clock });
  });

  afterEach(async () => {
    await server.close();
  });

  const post = (path: string, body: unknown): Promise<Response> =>
    fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const kubernetesLogin = (body: unknown): Promise<Response> => post('/api/v1/auth/kubernetes-auth/login', body);
  const oidcLogin = (body: unknown): Promise<Response> => post('/api/v1/auth/oidc-auth/login', body);
  const jwtLogin = (body: unknown): Promise<Response> => post('/api/v1/auth/jwt-auth/login', body);
  const awsLogin = (body: unknown): Promise<Response> => post('/api/v1/auth/aws-auth/login', body);
  const list = (token: string): Promise<Response> =>
    fetch(`${server.url}/api/v3/secrets/raw?workspaceId=${PROJECT}&environment=dev`, { headers: { authorization: `Bearer ${token}` } });
  const renew = (accessToken: string): Promise<Response> => post('/api/v1/auth/token/renew', { accessToken });

  /** A login that must succeed: same body as Universal Auth; the token lists secrets and renews to itself. */
  async function expectWorkingLogin(response: Response): Promise<string> {
    expect(response.status).toBe(200);
    const grant = (await response.json()) as { accessToken: string };
    expect(grant).toEqual({ accessToken: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/), expiresIn: 10, accessTokenMaxTTL: 100, tokenType: 'Bearer' });
    const listed = await list(grant.accessToken);
    expect(listed.status).toBe(200);
    expect(((await listed.json()) as { secrets: Array<{ secretKey: string }> }).secrets.map((secret) => secret.secretKey)).toEqual(['GREETING']);
    clock += 5_000;
    const renewed = await renew(grant.accessToken);
    expect(renewed.status).toBe(200);
    expect(await renewed.json()).toEqual({ accessToken: grant.accessToken, expiresIn: 10, accessTokenMaxTTL: 100, tokenType: 'Bearer' });
    return grant.accessToken;
  }

  async function expectRefusal(response: Response, status: number, error: string, message: unknown): Promise<void> {
    expect({ status: response.status, body: await response.json() }).toEqual({ status, body: { statusCode: status, error, message } });
  }

  describe('Kubernetes Auth', () => {
    it('logs in with a service-account token signed by the cluster key; the token lists and renews', async () => {
      const token = await expectWorkingLogin(await kubernetesLogin({ identityId: 'k8s-identity', jwt: serviceAccountToken() }));

      const payload = JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString('utf8')) as Record<string, unknown>;
      expect(payload).toMatchObject({ identityId: 'k8s-identity', authTokenType: 'identityAccessToken' });
    });

    it('matches allowed names as globs and trims the fields like upstream', async () => {
      const response = await kubernetesLogin({ identityId: ' k8s-identity ', jwt: ` ${serviceAccountToken({ sub: 'system:serviceaccount:apps:worker-7' })}\n` });

      expect(response.status).toBe(200);
    });

    it('refuses a token signed by another key, or expired, as the TokenReview would (401)', async () => {
      await expectRefusal(
        await kubernetesLogin({ identityId: 'k8s-identity', jwt: serviceAccountToken({}, strangerKeys.privateKey) }),
        401,
        'KubernetesTokenReviewError',
        '[invalid bearer token, square/go-jose: error in cryptographic primitive]',
      );
      await expectRefusal(
        await kubernetesLogin({ identityId: 'k8s-identity', jwt: serviceAccountToken({ exp: NOW_S }) }),
        401,
        'KubernetesTokenReviewError',
        '[invalid bearer token, service account token has expired]',
      );
      await expectRefusal(
        await kubernetesLogin({ identityId: 'k8s-identity', jwt: 'not-a-jwt' }),
        401,
        'KubernetesTokenReviewError',
        '[invalid bearer token, square/go-jose: compact JWS format must have three parts]',
      );
    });

    it('expires tokens by the server clock, not the wall clock', async () => {
      const jwt = serviceAccountToken({ exp: NOW_S + 60 });
      expect((await kubernetesLogin({ identityId: 'k8s-identity', jwt })).status).toBe(200);

      clock += 60_000;

      expect((await kubernetesLogin({ identityId: 'k8s-identity', jwt })).status).toBe(401);
    });

    it('refuses a wrong namespace, name or audience with 401 Access denied', async () => {
      await expectRefusal(
        await kubernetesLogin({ identityId: 'k8s-identity', jwt: serviceAccountToken({ sub: 'system:serviceaccount:kube-system:web' }) }),
        401,
        'UnauthorizedError',
        'Access denied: K8s namespace not allowed.',
      );
      await expectRefusal(
        await kubernetesLogin({ identityId: 'k8s-identity', jwt: serviceAccountToken({ sub: 'system:serviceaccount:apps:admin' }) }),
        401,
        'UnauthorizedError',
        'Access denied: K8s name not allowed.',
      );
      await expectRefusal(
        await kubernetesLogin({ identityId: 'k8s-identity', jwt: serviceAccountToken({ aud: ['https://kubernetes.default.svc'] }) }),
        401,
        'UnauthorizedError',
        'Access denied: K8s audience not allowed.',
      );
    });

    it('answers a subject that is not a service account with 400, like upstream parsing the username', async () => {
      await expectRefusal(
        await kubernetesLogin({ identityId: 'k8s-identity', jwt: serviceAccountToken({ sub: 'alice' }) }),
        400,
        'KubernetesUsernameParseError',
        'Invalid Kubernetes service account username format: "alice". Expected format: system:serviceaccount:<namespace>:<name>',
      );
    });

    it('answers an unknown identity and an identity without Kubernetes Auth with the same 404', async () => {
      const notConfigured = 'Kubernetes auth method not found for identity, did you configure Kubernetes auth?';

      await expectRefusal(await kubernetesLogin({ identityId: 'ghost', jwt: serviceAccountToken() }), 404, 'NotFound', notConfigured);
      await expectRefusal(
        await kubernetesLogin({ identityId: server.identityIdOf('ua-only'), jwt: serviceAccountToken() }),
        404,
        'NotFound',
        notConfigured,
      );
    });

    it('answers missing fields with the ValidationFailure listing each', async () => {
      await expectRefusal(await kubernetesLogin({ identityId: 'k8s-identity' }), 401, 'ValidationFailure', [
        { code: 'invalid_type', expected: 'string', received: 'undefined', path: ['jwt'], message: 'Required' },
      ]);
      await expectRefusal(await kubernetesLogin({ identityId: 7, jwt: 'x' }), 401, 'ValidationFailure', [
        { code: 'invalid_type', expected: 'string', received: 'number', path: ['identityId'], message: 'Expected string, received number' },
      ]);
    });

    it('works beside Universal Auth on one identity; revokeTokens by client id takes both tokens', async () => {
      const identityId = server.identityIdOf('app');
      const viaKubernetes = await kubernetesLogin({ identityId, jwt: serviceAccountToken({ sub: 'system:serviceaccount:any:thing', aud: 'x' }) });
      const viaUniversal = await post('/api/v1/auth/universal-auth/login', { clientId: 'app', clientSecret: 'app-secret' });
      const tokens = await Promise.all([viaKubernetes, viaUniversal].map(async (response) => ((await response.json()) as { accessToken: string }).accessToken));

      expect([viaKubernetes.status, viaUniversal.status]).toEqual([200, 200]);
      server.revokeTokens('app');
      for (const token of tokens) expect((await list(token)).status).toBe(401);
    });
  });

  describe('OIDC Auth', () => {
    it('logs in with an ES256 token of the bound issuer; the token lists and renews', async () => {
      await expectWorkingLogin(await oidcLogin({ identityId: 'oidc-identity', jwt: oidcToken({ aud: ['other', 'sts.example'] }) }));
    });

    it('refuses a bad signature, an expired token or a wrong issuer with 401 "Access denied: <jsonwebtoken message>"', async () => {
      const forged = `${oidcToken().split('.').slice(0, 2).join('.')}.${oidcToken({ sub: 'repo:acme/other' }).split('.')[2] as string}`;

      await expectRefusal(await oidcLogin({ identityId: 'oidc-identity', jwt: forged }), 401, 'UnauthorizedError', 'Access denied: invalid signature');
      await expectRefusal(
        await oidcLogin({ identityId: 'oidc-identity', jwt: oidcToken({ exp: NOW_S - 1 }) }),
        401,
        'UnauthorizedError',
        'Access denied: jwt expired',
      );
      await expectRefusal(
        await oidcLogin({ identityId: 'oidc-identity', jwt: oidcToken({ iss: 'https://evil.example' }) }),
        401,
        'UnauthorizedError',
        'Access denied: jwt issuer invalid. expected: https://token.actions.example',
      );
    });

    it('words a failure without `kid` as upstream does after trying every JWKS key', async () => {
      await expectRefusal(
        await oidcLogin({ identityId: 'oidc-identity', jwt: oidcToken({ exp: NOW_S - 1 }, {}) }),
        401,
        'UnauthorizedError',
        'Access denied: Unable to verify JWT signature with any available signing key. jwt expired',
      );
    });

    it('refuses a wrong audience with 401 and a wrong subject with 403, as upstream', async () => {
      await expectRefusal(
        await oidcLogin({ identityId: 'oidc-identity', jwt: oidcToken({ aud: 'someone-else' }) }),
        401,
        'UnauthorizedError',
        'Access denied: OIDC audience not allowed.',
      );
      await expectRefusal(
        await oidcLogin({ identityId: 'oidc-identity', jwt: oidcToken({ sub: 'repo:mallory/api' }) }),
        403,
        'ForbiddenError',
        'Access denied: OIDC subject not allowed.',
      );
    });

    it('refuses a token that does not decode, or an algorithm that does not suit the key', async () => {
      await expectRefusal(await oidcLogin({ identityId: 'oidc-identity', jwt: 'a.b' }), 401, 'UnauthorizedError', 'Invalid JWT');
      await expectRefusal(
        await oidcLogin({ identityId: 'oidc-identity', jwt: oidcToken({}, { kid: 'key-1', alg: 'HS256' }) }),
        401,
        'UnauthorizedError',
        'Access denied: invalid algorithm',
      );
    });

    it('answers an identity without OIDC Auth with 404 and missing fields with ValidationFailure', async () => {
      await expectRefusal(
        await oidcLogin({ identityId: 'k8s-identity', jwt: oidcToken() }),
        404,
        'NotFound',
        'OIDC auth method not found for identity, did you configure OIDC auth?',
      );
      expect(await (await oidcLogin({})).json()).toMatchObject({
        statusCode: 401,
        error: 'ValidationFailure',
        message: [{ path: ['identityId'] }, { path: ['jwt'] }],
      });
    });
  });

  describe('JWT Auth', () => {
    it('logs in with an RS256 token of a static key; the token lists and renews', async () => {
      await expectWorkingLogin(await jwtLogin({ identityId: 'jwt-identity', jwt: issuerToken() }));
    });

    it('refuses a bad signature or an expired / not yet valid token with 401', async () => {
      await expectRefusal(
        await jwtLogin({ identityId: 'jwt-identity', jwt: issuerToken({}, strangerKeys.privateKey) }),
        401,
        'UnauthorizedError',
        'Access denied: JWT verification failed with all keys. Errors - invalid signature',
      );
      await expectRefusal(
        await jwtLogin({ identityId: 'jwt-identity', jwt: issuerToken({ exp: NOW_S - 60 }) }),
        401,
        'UnauthorizedError',
        'Access denied: JWT verification failed with all keys. Errors - jwt expired',
      );
      await expectRefusal(
        await jwtLogin({ identityId: 'jwt-identity', jwt: issuerToken({ nbf: NOW_S + 60 }) }),
        401,
        'UnauthorizedError',
        'Access denied: JWT verification failed with all keys. Errors - jwt not active',
      );
    });

    it('refuses a wrong issuer with 403 and a missing or wrong audience with 401, as upstream', async () => {
      await expectRefusal(
        await jwtLogin({ identityId: 'jwt-identity', jwt: issuerToken({ iss: 'https://evil.example' }) }),
        403,
        'ForbiddenError',
        'Access denied: issuer mismatch',
      );
      await expectRefusal(
        await jwtLogin({ identityId: 'jwt-identity', jwt: issuerToken({ aud: undefined }) }),
        401,
        'UnauthorizedError',
        'Access denied: token has no audience field',
      );
      await expectRefusal(
        await jwtLogin({ identityId: 'jwt-identity', jwt: issuerToken({ aud: 'elsewhere' }) }),
        401,
        'UnauthorizedError',
        'Access denied: token audience not allowed',
      );
    });

    it('answers an unknown identity with the JWT 404', async () => {
      await expectRefusal(
        await jwtLogin({ identityId: 'ghost', jwt: issuerToken() }),
        404,
        'NotFound',
        'JWT auth method not found for identity, did you configure JWT auth?',
      );
    });
  });

  describe('AWS Auth', () => {
    it('logs in with a signed GetCallerIdentity request of an allowed access key; the token lists and renews', async () => {
      await expectWorkingLogin(await awsLogin(awsLoginBody()));
    });

    it('takes the exact body @infisical/sdk awsIamAuth.login sends (credentials and region from the environment)', async () => {
      clock = Date.now(); // the SDK signs with the wall clock
      const environment: Record<string, string | undefined> = {
        AWS_ACCESS_KEY_ID: 'AKIAALLOWED0000000001',
        AWS_SECRET_ACCESS_KEY: 'local-test-secret-not-a-real-key',
        AWS_REGION: 'us-east-2',
        AWS_SESSION_TOKEN: undefined,
        AWS_PROFILE: undefined,
      };
      const saved = Object.fromEntries(Object.keys(environment).map((name) => [name, process.env[name]]));
      const apply = (values: Record<string, string | undefined>): void => {
        for (const [name, value] of Object.entries(values)) {
          if (value === undefined) delete process.env[name];
          else process.env[name] = value;
        }
      };
      apply(environment);
      try {
        const sdk = await new InfisicalSDK({ siteUrl: server.url }).auth().awsIamAuth.login({ identityId: 'aws-identity' });
        const result = await sdk.secrets().listSecrets({ projectId: PROJECT, environment: 'dev' });

        expect(result.secrets.map((secret) => secret.secretKey)).toEqual(['GREETING']);
        expect(server.requestCount('awsLogin')).toBe(1);
      } finally {
        apply(saved);
      }
    });

    it('refuses a signed request of an access key that is not allowed with 401', async () => {
      await expectRefusal(
        await awsLogin(awsLoginBody({}, signedStsHeaders({ accessKeyId: 'AKIAOTHER00000000002' }))),
        401,
        'UnauthorizedError',
        'Access denied: AWS principal ARN not allowed. [access-key-id=AKIAOTHER00000000002]',
      );
    });

    it('answers a request without a region in its credential with 400 Invalid AWS region', async () => {
      await expectRefusal(await awsLogin(awsLoginBody({}, signedStsHeaders({ omit: ['Authorization'] }))), 400, 'BadRequest', 'Invalid AWS region');
    });

    it('answers what STS would refuse with upstream\'s generic 500, the reason in x-local-infisical-reason', async () => {
      const cases: Array<[string, Record<string, unknown>, string]> = [
        ['another action', awsLoginBody({ iamRequestBody: base64('Action=GetSessionToken&Version=2011-06-15') }), 'STS: the body is not Action=GetCallerIdentity&Version=2011-06-15'],
        ['a GET', awsLoginBody({ iamHttpRequestMethod: 'GET' }), 'STS: the signed request is not a POST'],
        ['no X-Amz-Date', awsLoginBody({}, signedStsHeaders({ omit: ['x-amz-date'] })), 'STS: no valid X-Amz-Date header'],
        ['a stale signature', awsLoginBody({}, signedStsHeaders({ at: START - 16 * 60_000 })), 'STS: signature expired (X-Amz-Date more than 15 minutes away)'],
        ['another endpoint', awsLoginBody({}, { ...signedStsHeaders(), Host: 'sts.amazonaws.com' }), 'STS: Host is not the regional STS endpoint of the credential'],
        ['headers that are not JSON', awsLoginBody({ iamRequestHeaders: base64('Authorization: AWS4') }), 'iamRequestHeaders is not base64-encoded JSON'],
      ];
      for (const [label, body, reason] of cases) {
        const response = await awsLogin(body);
        expect({ label, status: response.status, reason: response.headers.get('x-local-infisical-reason'), body: await response.json() }).toEqual({
          label,
          status: 500,
          reason,
          body: { statusCode: 500, error: 'InternalServerError', message: 'Something went wrong' },
        });
      }
    });

    it('defaults the method to POST and ignores fields upstream does not read (iamRequestUrl)', async () => {
      const { iamHttpRequestMethod: _method, ...body } = awsLoginBody({ iamRequestUrl: base64('https://example.com/') });

      expect((await awsLogin(body)).status).toBe(200);
    });

    it('answers an unknown identity with the AWS 404 and missing fields with ValidationFailure', async () => {
      await expectRefusal(await awsLogin(awsLoginBody({ identityId: 'ghost' })), 404, 'NotFound', 'AWS auth method not found for identity, did you configure AWS auth?');
      expect(await (await awsLogin({ identityId: 'aws-identity', iamRequestBody: base64('x') })).json()).toEqual({
        statusCode: 401,
        error: 'ValidationFailure',
        message: [{ code: 'invalid_type', expected: 'string', received: 'undefined', path: ['iamRequestHeaders'], message: 'Required' }],
      });
    });
  });

  describe('shared behaviour', () => {
    it('never counts failed workload logins toward the Universal Auth lockout', async () => {
      const identityId = server.identityIdOf('app');
      for (let attempt = 0; attempt < 5; attempt += 1) {
        expect((await kubernetesLogin({ identityId, jwt: serviceAccountToken({}, strangerKeys.privateKey) })).status).toBe(401);
      }

      expect(server.isLockedOut('app')).toBe(false);
      expect((await post('/api/v1/auth/universal-auth/login', { clientId: 'app', clientSecret: 'app-secret' })).status).toBe(200);
      expect((await kubernetesLogin({ identityId, jwt: serviceAccountToken() })).status).toBe(200);
    });

    it('counts each login route under its own name and lets faults target it', async () => {
      server.injectFault('oidcLogin', { kind: 'status', status: 401, times: 1 });
      server.injectFault('awsLogin', { kind: 'status', status: 429, times: 1 });

      const faulted = await oidcLogin({ identityId: 'oidc-identity', jwt: oidcToken() });
      const limited = await awsLogin(awsLoginBody());
      expect((await jwtLogin({ identityId: 'jwt-identity', jwt: issuerToken() })).status).toBe(200);
      expect((await oidcLogin({ identityId: 'oidc-identity', jwt: oidcToken() })).status).toBe(200);

      expect(faulted.status).toBe(401);
      expect(await faulted.json()).toEqual({ statusCode: 401, error: 'UnauthorizedError', message: 'Access denied: Failed to verify JWT token' });
      expect(limited.status).toBe(429);
      expect(limited.headers.get('x-ratelimit-limit')).toBe('200');
      expect([server.requestCount('oidcLogin'), server.requestCount('awsLogin'), server.requestCount('jwtLogin'), server.requestCount('kubernetesLogin')]).toEqual([2, 1, 1, 0]);
      expect(server.replyCount('oidcLogin', 200)).toBe(1);
    });

    it('revokes the tokens of an identity named by its identityId', async () => {
      const k8s = ((await (await kubernetesLogin({ identityId: 'k8s-identity', jwt: serviceAccountToken() })).json()) as { accessToken: string }).accessToken;
      const jwt = ((await (await jwtLogin({ identityId: 'jwt-identity', jwt: issuerToken() })).json()) as { accessToken: string }).accessToken;

      server.revokeTokens('k8s-identity');

      expect(await (await list(k8s)).json()).toEqual({ statusCode: 401, message: 'No identity access token found', error: 'UnauthorizedError' });
      expect((await list(jwt)).status).toBe(200);
    });

    it('throws from identityIdOf for a client id it does not know', () => {
      expect(() => server.identityIdOf('nobody')).toThrow("No identity with client id 'nobody'");
    });

    it('validates the workload parts of a seed, listing every problem', async () => {
      const start = LocalInfisicalServer.start({
        seed: {
          identities: [
            { projects: [] },
            { projects: [], kubernetesAuth: { publicKeyPem: 'not a key' } },
            { identityId: 'x', projects: [], oidcAuth: { publicKeyPem: pem(oidcKeys.publicKey), boundAudiences: [''] } },
            { identityId: 'x', projects: [], awsAuth: {} },
            { identityId: 'y', clientId: 'c', projects: [], jwtAuth: { publicKeyPem: pem(jwtIssuerKeys.publicKey) } },
          ],
          projects: {},
        } as unknown as LocalInfisicalSeed,
      });

      await expect(start).rejects.toThrow(LocalInfisicalSeedError);
      await expect(start).rejects.toMatchObject({
        problems: [
          'identities[0].clientId must be a non-empty string',
          'identities[0].clientSecret must be a non-empty string',
          'identities[1].kubernetesAuth.publicKeyPem is not a readable PEM public key',
          'identities[1].identityId must be set when the identity has no clientId: workload logins name it',
          'identities[2].oidcAuth.boundIssuer must be a non-empty string',
          'identities[2].oidcAuth.boundAudiences must be an array of non-empty strings',
          'identities[3].awsAuth.allowedAccessKeyIds must be an array of access key ids',
          "identities[3].identityId 'x' is used twice",
          'identities[4].clientSecret must be a non-empty string',
        ],
      });
    });
  });
});
