import { generateKeyPairSync, sign } from 'node:crypto';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { InfisicalAccessError } from '../errors/infisical-access.error.js';
import { InfisicalAuthError } from '../errors/infisical-auth.error.js';
import { InfisicalConnectionError } from '../errors/infisical-connection.error.js';
import { InfisicalLoadError } from '../errors/infisical-load.error.js';
import { SecretNotFoundError } from '../errors/secret-not-found.error.js';
import type { ResolvedInfisicalOptions } from '../options/resolved-options.interface.js';
import { InfisicalHttpError } from './infisical-http.error.js';
import { describeFailure, notInfisicalReplyError, toLoadError } from './infisical-failure.util.js';
import { InfisicalHttpClient } from './infisical-http.client.js';
import { IdentityAuthClient } from './identity-auth.client.js';

const CANARY = 'CANARY-7f3a91';
const CLIENT_SECRET = `client-secret-${CANARY}`;
const options = {
  siteUrl: 'https://infisical.example.com',
  projectId: 'proj-1',
  auth: { method: 'universal-auth', clientId: 'identity-1', clientSecret: CLIENT_SECRET },
} as unknown as ResolvedInfisicalOptions;

/** A non-2xx reply as the module's HTTP client reports it: status, message and Infisical's `error` name. */
const http = (status: number, message: string, errorName?: string) => new InfisicalHttpError(status, message, { errorName });
/** What global fetch throws: TypeError('fetch failed') with the system error as cause. */
const fetchFailed = (cause: unknown) => new TypeError('fetch failed', { cause });
const systemError = (code: string) => Object.assign(new Error(`connect ${code} 10.0.0.1:443 ?token=${CANARY}`), { code });

/** No value, query string or URL path anywhere a log could show. */
function expectClean(error: InfisicalLoadError): void {
  const cause = error.cause as Error | undefined;
  const texts = [error.message, error.reason, error.stack ?? '', error.remedy ?? '', String(cause), cause?.message ?? '', cause?.stack ?? ''];
  for (const text of texts) {
    expect(text).not.toContain(CANARY);
    expect(text).not.toContain('workspaceId');
    expect(text).not.toContain('/api/v3/secrets');
    expect(text).not.toContain('[URL=');
  }
  expect(JSON.stringify({ ...error, cause: { ...cause, message: cause?.message } })).not.toContain(CANARY);
}

function expectLoadError<T extends InfisicalLoadError>(error: InfisicalLoadError, type: new (...args: never[]) => T, name: string): T {
  expect(error).toBeInstanceOf(type);
  expect(error).toBeInstanceOf(InfisicalLoadError);
  expect(error).toBeInstanceOf(Error);
  expect(error.name).toBe(name);
  expect(error.message).toMatch(/^InfisicalConfigModule: could not load secrets from https:\/\/infisical\.example\.com \(project proj-1\): /);
  expect(error.message).toContain(`: ${error.step} failed: ${error.reason}. ${error.remedy}`);
  expect(error.stack).toContain(error.reason);
  expectClean(error);
  return error as T;
}

describe('describeFailure', () => {
  it('keeps the status and server message of an HTTP failure', () => {
    expect(describeFailure(http(403, 'You are not allowed to access this resource'))).toEqual({ status: 403, reason: 'HTTP 403 You are not allowed to access this resource' });
  });

  it('turns network failures into a reachability reason', () => {
    expect(describeFailure(new TypeError('fetch failed'))).toEqual({
      reason: 'the server could not be reached (connection refused, reset or DNS failure)',
    });
  });

  it('strips URLs from any other message', () => {
    expect(describeFailure(new Error('odd failure at https://host/path?token=abc')).reason).toBe('odd failure at <url>');
  });

  it('strips query strings from a server message (Fastify echoes the route with its query)', () => {
    const { reason } = describeFailure(http(404, `Route GET:/api/v3/secrets/raw?workspaceId=p&x=${CANARY} not found`));
    expect(reason).toBe('HTTP 404 Route GET:/api/v3/secrets/raw not found');
  });

  it('keeps the reason of a load error as it is', () => {
    const error = toLoadError('login', http(401, 'Invalid credentials'), options);
    expect(describeFailure(error)).toEqual({ status: 401, reason: 'HTTP 401 Invalid credentials' });
  });
});

describe('toLoadError', () => {
  describe('InfisicalAuthError', () => {
    it('401 Invalid credentials on login names INFISICAL_CLIENT_SECRET', () => {
      const error = expectLoadError(toLoadError('login', new InfisicalHttpError(401, 'Invalid credentials'), options), InfisicalAuthError, 'InfisicalAuthError');
      expect(error).toMatchObject({ step: 'login', status: 401, problem: 'invalid-client-secret', reason: 'HTTP 401 Invalid credentials' });
      expect(error.message).toContain('login failed: HTTP 401 Invalid credentials');
      expect(error.remedy).toContain('INFISICAL_CLIENT_SECRET');
      expect(error.retryAfterMs).toBeUndefined();
    });

    it('404 unknown client id on login names INFISICAL_CLIENT_ID', () => {
      const http = new InfisicalHttpError(404, 'No identity with specified client ID was found');
      const error = expectLoadError(toLoadError('login', http, options), InfisicalAuthError, 'InfisicalAuthError');
      expect(error).toMatchObject({ status: 404, problem: 'unknown-client-id' });
      expect(error.remedy).toContain('INFISICAL_CLIENT_ID');
    });

    it('429 while locked out after failed logins says to wait, and waits what the server asked', () => {
      const http = new InfisicalHttpError(429, 'Identity is locked due to too many failed login attempts. Please try again later.', { retryAfterMs: 300_000 });
      const error = expectLoadError(toLoadError('login', http, options), InfisicalAuthError, 'InfisicalAuthError');
      expect(error).toMatchObject({ status: 429, problem: 'locked-out', retryAfterMs: 300_000 });
      expect(error.remedy).toMatch(/locked for minutes.*wait/);
      expect(error.remedy).toContain('INFISICAL_CLIENT_SECRET');
    });

    it('a lockout without retry-after waits the 5 minutes Infisical locks for', () => {
      const http = new InfisicalHttpError(429, 'Identity is locked due to too many failed login attempts.');
      expect(toLoadError('login', http, options).retryAfterMs).toBe(300_000);
    });

    it('a ValidationFailure on login says both credentials must be set', () => {
      const error = expectLoadError(toLoadError('login', new InfisicalHttpError(401, 'ValidationFailure', { errorName: 'ValidationFailure' }), options), InfisicalAuthError, 'InfisicalAuthError');
      expect(error.problem).toBe('invalid-request');
      expect(error.remedy).toContain('INFISICAL_CLIENT_ID and INFISICAL_CLIENT_SECRET');
    });

    it("a list call's 401 after a fresh login is a refused token", () => {
      const error = expectLoadError(toLoadError('list secrets', http(401, 'No identity access token found', 'UnauthorizedError'), options), InfisicalAuthError, 'InfisicalAuthError');
      expect(error).toMatchObject({ step: 'list secrets', status: 401, problem: 'token-rejected' });
    });

    it("a list call's 403 TokenError is a refused token, not missing access", () => {
      const error = toLoadError('list secrets', http(403, 'Your token has expired. Please re-authenticate.', 'TokenError'), options);
      expect(error).toBeInstanceOf(InfisicalAuthError);
    });

    it('never repeats the client secret, even when a server echoes it', () => {
      const error = toLoadError('login', new InfisicalHttpError(401, `Invalid credentials for ${CLIENT_SECRET}`), options);
      expect(error.reason).toBe('HTTP 401 Invalid credentials for <redacted>');
      expectClean(error);
    });
  });

  describe('InfisicalAccessError', () => {
    it('403 on list says to add the identity to the project with read access', () => {
      const error = expectLoadError(
        toLoadError('list secrets', http(403, 'You are not allowed to access this resource'), options),
        InfisicalAccessError,
        'InfisicalAccessError',
      );
      expect(error).toMatchObject({ status: 403, reason: 'HTTP 403 You are not allowed to access this resource' });
      expect(error.message).toContain('HTTP 403');
      expect(error.remedy).toMatch(/Add the machine identity to the project .* read access to the environment and secret path/);
    });
  });

  describe('SecretNotFoundError', () => {
    it('unknown project id names INFISICAL_PROJECT_ID', () => {
      const sdk = http(404, "Project with ID 'nope' not found during bot lookup. Are you sure you are using the correct project ID?");
      const error = expectLoadError(toLoadError('list secrets', sdk, options), SecretNotFoundError, 'SecretNotFoundError');
      expect(error).toMatchObject({ status: 404, missing: 'project' });
      expect(error.remedy).toContain('INFISICAL_PROJECT_ID');
    });

    it('unknown environment on a recursive list names INFISICAL_ENVIRONMENT', () => {
      const sdk = http(404, "Environment with slug 'stagin' in project with ID proj-1 not found");
      const error = expectLoadError(toLoadError('list secrets', sdk, options), SecretNotFoundError, 'SecretNotFoundError');
      expect(error).toMatchObject({ missing: 'environment' });
      expect(error.remedy).toContain('INFISICAL_ENVIRONMENT');
    });

    it('any other 404 names the project id, the environment and the secret path', () => {
      const error = toLoadError('list secrets', http(404, 'The requested entity was not found'), options) as SecretNotFoundError;
      expect(error.missing).toBe('scope');
      expect(error.remedy).toMatch(/INFISICAL_PROJECT_ID.*INFISICAL_ENVIRONMENT.*secret path/);
    });
  });

  describe('InfisicalConnectionError', () => {
    it.each([
      ['ECONNREFUSED', fetchFailed(systemError('ECONNREFUSED')), 'network', /Nothing accepts connections at INFISICAL_SITE_URL/],
      ['ENOTFOUND', fetchFailed(systemError('ENOTFOUND')), 'network', /does not resolve/],
      ['EAI_AGAIN', fetchFailed(systemError('EAI_AGAIN')), 'network', /temporary DNS failure/],
      ['ECONNRESET', fetchFailed(systemError('ECONNRESET')), 'network', /closed mid-request/],
      ['UND_ERR_SOCKET', new TypeError('terminated', { cause: systemError('UND_ERR_SOCKET') }), 'network', /closed mid-request/],
      ['UND_ERR_CONNECT_TIMEOUT', fetchFailed(systemError('UND_ERR_CONNECT_TIMEOUT')), 'timeout', /did not answer in time/],
    ])('%s', (code, error, problem, remedy) => {
      const loadError = expectLoadError(toLoadError('login', error, options), InfisicalConnectionError, 'InfisicalConnectionError');
      expect(loadError).toMatchObject({ problem, code, status: undefined });
      expect(loadError.reason).toMatch(problem === 'timeout' ? /request timed out/ : /the server could not be reached/);
      expect(loadError.reason).toContain(code);
      expect(loadError.remedy).toMatch(remedy);
      expect((loadError.cause as { code?: string }).code).toBe(code);
      expect((loadError.cause as Error).message).toBe(loadError.reason);
    });

    it('finds the code inside an AggregateError (happy eyeballs: one error per address)', () => {
      const aggregate = new AggregateError([systemError('ECONNREFUSED'), systemError('ECONNREFUSED')], `connect to ${CANARY}`);
      const error = toLoadError('login', fetchFailed(aggregate), options) as InfisicalConnectionError;
      expect(error).toMatchObject({ problem: 'network', code: 'ECONNREFUSED' });
      expectClean(error);
    });

    it.each([
      ['CERT_HAS_EXPIRED', /renew it/],
      ['DEPTH_ZERO_SELF_SIGNED_CERT', /NODE_EXTRA_CA_CERTS/],
      ['SELF_SIGNED_CERT_IN_CHAIN', /NODE_EXTRA_CA_CERTS/],
      ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', /NODE_EXTRA_CA_CERTS/],
      ['ERR_TLS_CERT_ALTNAME_INVALID', /not issued for the host name in INFISICAL_SITE_URL/],
    ])('TLS %s', (code, remedy) => {
      const error = expectLoadError(toLoadError('login', fetchFailed(systemError(code)), options), InfisicalConnectionError, 'InfisicalConnectionError');
      expect(error).toMatchObject({ problem: 'tls', code, reason: `the TLS connection to the server failed (${code})` });
      expect(error.remedy).toMatch(remedy);
    });

    it("a TimeoutError from our own request's AbortSignal", () => {
      const timeout = new DOMException('The operation was aborted due to timeout', 'TimeoutError');
      const error = toLoadError('login', timeout, options);
      expect(error).toMatchObject({ name: 'InfisicalConnectionError', problem: 'timeout', reason: 'the request timed out' });
      expect(error.message).toContain('request timed out');
    });

    it.each([500, 502, 503])('HTTP %i is a server error', (status) => {
      const error = expectLoadError(toLoadError('list secrets', http(status, 'Service Unavailable'), options), InfisicalConnectionError, 'InfisicalConnectionError');
      expect(error).toMatchObject({ status, problem: 'server-error' });
      expect(error.message).toContain(`HTTP ${status}`);
    });

    it('429 rate limiting (not a lockout) waits a minute unless the server said otherwise', () => {
      const limited = toLoadError('list secrets', http(429, 'Rate limit exceeded. Please try again in 1 minute'), options);
      expect(limited).toMatchObject({ name: 'InfisicalConnectionError', problem: 'rate-limited', status: 429, retryAfterMs: 60_000 });
      const onLogin = toLoadError('login', new InfisicalHttpError(429, 'Rate limit exceeded. Please try again in 1 minute', { retryAfterMs: 30_000 }), options);
      expect(onLogin).toMatchObject({ name: 'InfisicalConnectionError', problem: 'rate-limited', retryAfterMs: 30_000 });
    });

    it('a login reply that is not Infisical (HTML page, JSON without accessToken) points at INFISICAL_SITE_URL', () => {
      const http = new InfisicalHttpError(200, 'the reply is not an Infisical access token (an HTML page, not JSON)', { notInfisical: true });
      const error = expectLoadError(toLoadError('login', http, options), InfisicalConnectionError, 'InfisicalConnectionError');
      expect(error).toMatchObject({ problem: 'not-infisical', status: 200 });
      expect(error.remedy).toMatch(/INFISICAL_SITE_URL must be the base URL of Infisical itself .*without \/api.*login page/);
    });

    it("a 404 for an unknown route (another server, or a site URL ending in /api) is not Infisical's answer", () => {
      const http = new InfisicalHttpError(404, 'Route POST:/api/v1/auth/universal-auth/login not found');
      const error = toLoadError('login', http, options);
      expect(error).toMatchObject({ name: 'InfisicalConnectionError', problem: 'not-infisical', status: 404 });
    });

    it('a list reply of the wrong shape is not-infisical', () => {
      const error = notInfisicalReplyError('list secrets', 'the reply is not an Infisical secrets list', options);
      expect(error).toMatchObject({ name: 'InfisicalConnectionError', problem: 'not-infisical' });
      expect(error.message).toContain('list secrets failed: the reply is not an Infisical secrets list');
    });
  });

  it('returns a load error unchanged, whatever its class', () => {
    const first = toLoadError('login', new InfisicalHttpError(401, 'Invalid credentials'), options);
    expect(toLoadError('list secrets', first, options)).toBe(first);
    const plain = new InfisicalLoadError('m', 'list secrets', 400, 'r');
    expect(toLoadError('login', plain, options)).toBe(plain);
  });

  it("a 403 whose Infisical error is not TokenError is missing access, whatever the message says", () => {
    const error = toLoadError('list secrets', http(403, 'token-ish words but an access problem', 'PermissionDenied'), options);
    expect(error).toBeInstanceOf(InfisicalAccessError);
  });

  it('anything else is a plain InfisicalLoadError with a sanitized cause', () => {
    const error = toLoadError('list secrets', http(400, 'Secret already exist'), options);
    expect(error.constructor).toBe(InfisicalLoadError);
    expect(error).toMatchObject({ name: 'InfisicalLoadError', status: 400 });
    expect(error.cause).toBeInstanceOf(Error);
    expect((error.cause as Error).name).toBe('InfisicalHttpError');
    expectClean(error);
  });
});

describe('real failures through the login client', () => {
  let server: Server | undefined;

  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = undefined;
  });

  async function listen(created: Server): Promise<number> {
    server = created;
    await new Promise<void>((resolve) => created.listen(0, '127.0.0.1', resolve));
    return (created.address() as AddressInfo).port;
  }

  async function loginError(siteUrl: string): Promise<InfisicalLoadError> {
    const failure = await new IdentityAuthClient(new InfisicalHttpClient({ siteUrl, requestTimeoutMs: 5_000, shutdown: new AbortController().signal }))
      .login({ path: '/api/v1/auth/universal-auth/login', body: { clientId: 'identity-1', clientSecret: CLIENT_SECRET } }).then(
      () => undefined,
      (error: unknown) => error,
    );
    return toLoadError('login', failure, { ...options, siteUrl });
  }

  it('connection refused', async () => {
    const port = await listen(createHttpServer());
    await new Promise<void>((resolve) => server!.close(() => resolve()));
    server = undefined;
    const error = await loginError(`http://127.0.0.1:${port}`);
    expect(error).toMatchObject({ name: 'InfisicalConnectionError', problem: 'network', code: 'ECONNREFUSED' });
    expect(error.message).toContain('the server could not be reached (ECONNREFUSED)');
  });

  it('an HTML login page answering the login', async () => {
    const port = await listen(createHttpServer((_request, response) => response.end(`<html>${CANARY}</html>`)));
    const error = await loginError(`http://127.0.0.1:${port}`);
    expect(error).toMatchObject({ name: 'InfisicalConnectionError', problem: 'not-infisical', status: 200 });
    expect(error.reason).toBe('HTTP 200 the reply is not an Infisical access token (an HTML page, not JSON)');
    expectClean(error);
  });

  it('JSON of another service answering the login', async () => {
    const port = await listen(createHttpServer((_request, response) => response.end(JSON.stringify({ ok: true, token: CANARY }))));
    const error = await loginError(`http://127.0.0.1:${port}`);
    expect(error).toMatchObject({ problem: 'not-infisical', reason: 'HTTP 200 the reply is not an Infisical access token (JSON without the expected fields)' });
  });

  it('a 404 page of another server', async () => {
    const port = await listen(
      createHttpServer((_request, response) => {
        response.statusCode = 404;
        response.end(`<h1>Not found ${CANARY}</h1>`);
      }),
    );
    const error = await loginError(`http://127.0.0.1:${port}`);
    expect(error).toMatchObject({ problem: 'not-infisical', status: 404 });
    expect(error.reason).toBe('HTTP 404 Not Found (not an Infisical error reply: an HTML page, not JSON)');
    expectClean(error);
  });

  it('a self-signed certificate', async () => {
    const { key, cert } = selfSignedCertificate('localhost');
    const port = await listen(createHttpsServer({ key, cert }, (_request, response) => response.end('{}')));
    const error = await loginError(`https://127.0.0.1:${port}`);
    expect(error).toMatchObject({ name: 'InfisicalConnectionError', problem: 'tls', code: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
    expect(error.remedy).toContain('NODE_EXTRA_CA_CERTS');
    expectClean(error);
  });
});

// A minimal self-signed X.509 v3 certificate (EC P-256, ECDSA-SHA256) built with node:crypto and a few
// lines of DER, so the TLS test needs neither openssl nor a fixture file.
function selfSignedCertificate(commonName: string): { key: string; cert: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const der = (tag: number, ...content: Buffer[]) => {
    const body = Buffer.concat(content);
    const length = body.length < 0x80 ? Buffer.from([body.length]) : body.length < 0x100 ? Buffer.from([0x81, body.length]) : Buffer.from([0x82, body.length >> 8, body.length & 0xff]);
    return Buffer.concat([Buffer.from([tag]), length, body]);
  };
  const oid = (dotted: string) => {
    const [first, second, ...rest] = dotted.split('.').map(Number);
    const bytes = [first * 40 + second];
    for (const part of rest) {
      const chunk = [part & 0x7f];
      for (let value = part >> 7; value > 0; value >>= 7) chunk.unshift((value & 0x7f) | 0x80);
      bytes.push(...chunk);
    }
    return der(0x06, Buffer.from(bytes));
  };
  const utcTime = (date: Date) => der(0x17, Buffer.from(`${date.toISOString().slice(2, 19).replace(/[-T:]/g, '')}Z`));
  const name = der(0x30, der(0x31, der(0x30, oid('2.5.4.3'), der(0x0c, Buffer.from(commonName)))));
  const algorithm = der(0x30, oid('1.2.840.10045.4.3.2'));
  const now = Date.now();
  const tbs = der(
    0x30,
    der(0xa0, der(0x02, Buffer.from([2]))),
    der(0x02, Buffer.from([1])),
    algorithm,
    name,
    der(0x30, utcTime(new Date(now - 60_000)), utcTime(new Date(now + 3_600_000))),
    name,
    publicKey.export({ type: 'spki', format: 'der' }),
  );
  const signature = sign('sha256', tbs, privateKey);
  const certificate = der(0x30, tbs, algorithm, der(0x03, Buffer.from([0]), signature));
  const base64 = certificate.toString('base64').replace(/(.{64})/g, '$1\n');
  return {
    key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    cert: `-----BEGIN CERTIFICATE-----\n${base64}\n-----END CERTIFICATE-----\n`,
  };
}
