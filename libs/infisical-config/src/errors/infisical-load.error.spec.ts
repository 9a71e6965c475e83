import { InfisicalAccessError } from './infisical-access.error.js';
import { InfisicalAuthError } from './infisical-auth.error.js';
import { InfisicalConnectionError } from './infisical-connection.error.js';
import { InfisicalLoadError } from './infisical-load.error.js';
import { SecretNotFoundError } from './secret-not-found.error.js';

const CANARY = 'CANARY-c0ffee';
const sdkError = () =>
  Object.assign(new Error(`[URL=http://h/api/v3/secrets/raw?workspaceId=p&token=${CANARY}] [Method=GET] [StatusCode=403] denied`), {
    name: 'InfisicalSDKRequestError',
  });

describe('InfisicalLoadError and its subclasses', () => {
  it.each([
    ['InfisicalAuthError', new InfisicalAuthError('m', 'login', 401, 'HTTP 401 Invalid credentials', 'invalid-client-secret', { cause: sdkError(), remedy: 'r' })],
    ['InfisicalAccessError', new InfisicalAccessError('m', 'list secrets', 403, 'HTTP 403 denied', { cause: sdkError(), remedy: 'r' })],
    ['SecretNotFoundError', new SecretNotFoundError('m', 'list secrets', 404, 'HTTP 404 nope', 'project', { cause: sdkError(), remedy: 'r' })],
    ['InfisicalConnectionError', new InfisicalConnectionError('m', 'login', undefined, 'unreachable', 'network', { cause: sdkError(), remedy: 'r', code: 'ECONNREFUSED' })],
  ])('%s keeps step, status, reason, remedy and a sanitized cause', (name, error: InfisicalLoadError) => {
    expect(error).toBeInstanceOf(InfisicalLoadError);
    expect(error.name).toBe(name);
    expect(error.remedy).toBe('r');
    const cause = error.cause as Error;
    expect(cause).toBeInstanceOf(Error);
    expect(cause.name).toBe('InfisicalSDKRequestError');
    expect(cause.message).toBe(error.reason);
    expect(cause.stack?.split('\n')[0]).toBe(`InfisicalSDKRequestError: ${error.reason}`);
    for (const text of [cause.message, cause.stack ?? '', String(cause), error.stack ?? '', JSON.stringify(error)]) {
      expect(text).not.toContain(CANARY);
      expect(text).not.toContain('workspaceId');
    }
  });

  it('keeps the structured fields of each subclass', () => {
    expect(new InfisicalAuthError('m', 'login', 429, 'r', 'locked-out', { retryAfterMs: 300_000 })).toMatchObject({
      step: 'login',
      status: 429,
      problem: 'locked-out',
      retryAfterMs: 300_000,
    });
    expect(new SecretNotFoundError('m', 'list secrets', undefined, 'the scope is empty')).toMatchObject({ missing: 'scope', status: undefined });
    const connection = new InfisicalConnectionError('m', 'login', undefined, 'r', 'tls', { code: 'CERT_HAS_EXPIRED', cause: new Error('x') });
    expect(connection).toMatchObject({ problem: 'tls', code: 'CERT_HAS_EXPIRED' });
    expect((connection.cause as { code?: string }).code).toBe('CERT_HAS_EXPIRED');
  });

  it('keeps another InfisicalLoadError as cause, and has no cause when none was given', () => {
    const inner = new InfisicalAccessError('inner', 'list secrets', 403, 'HTTP 403');
    expect(new InfisicalLoadError('outer', 'startup', 403, 'HTTP 403', { cause: inner }).cause).toBe(inner);
    expect(inner.cause).toBeUndefined();
    expect('cause' in inner).toBe(false);
  });

  it('drops a cause name or code that is not a plain identifier', () => {
    const hostile = Object.assign(new Error('x'), { name: `Bad ${CANARY}\nname`, code: `not a code ${CANARY}` });
    const cause = new InfisicalLoadError('m', 'login', undefined, 'r', { cause: hostile }).cause as Error & { code?: string };
    expect(cause.name).toBe('Error');
    expect(cause.code).toBeUndefined();
    expect(cause.stack).not.toContain(CANARY);
  });

  it('a plain value thrown as cause becomes an Error with the reason', () => {
    const cause = new InfisicalLoadError('m', 'login', undefined, 'r', { cause: `string ${CANARY}` }).cause as Error;
    expect(cause.message).toBe('r');
    expect(String(cause)).not.toContain(CANARY);
  });
});
