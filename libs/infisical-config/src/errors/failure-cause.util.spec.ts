import { failureCause } from './failure-cause.util.js';
import { InfisicalAccessError } from './infisical-access.error.js';
import { InfisicalAuthError } from './infisical-auth.error.js';
import { InfisicalConnectionError, type InfisicalConnectionProblem } from './infisical-connection.error.js';
import { InfisicalLoadError } from './infisical-load.error.js';
import { SecretNotFoundError } from './secret-not-found.error.js';

describe('failureCause', () => {
  it('names the class', () => {
    expect(failureCause(new InfisicalAuthError('m', 'login', 401, 'r', 'invalid-client-secret'))).toBe('auth');
    expect(failureCause(new InfisicalAuthError('m', 'login', 429, 'r', 'locked-out'))).toBe('auth');
    expect(failureCause(new InfisicalAccessError('m', 'list secrets', 403, 'r'))).toBe('access');
    expect(failureCause(new SecretNotFoundError('m', 'list secrets', 404, 'r'))).toBe('not_found');
  });

  it.each<[InfisicalConnectionProblem, string]>([
    ['network', 'network'],
    ['tls', 'tls'],
    ['timeout', 'timeout'],
    ['rate-limited', 'rate_limited'],
    ['server-error', 'server_error'],
    ['not-infisical', 'malformed'],
  ])('connection problem %s is %s', (problem, cause) => {
    expect(failureCause(new InfisicalConnectionError('m', 'login', undefined, 'r', problem))).toBe(cause);
  });

  it.each([
    [401, 'r', 'auth'],
    [403, 'r', 'access'],
    [404, 'r', 'not_found'],
    [429, 'r', 'rate_limited'],
    [502, 'r', 'server_error'],
    [400, 'r', 'malformed'],
    [undefined, 'the reply is not an Infisical secrets list', 'malformed'],
  ])('a plain InfisicalLoadError with status %s and reason %s is %s', (status, reason, cause) => {
    expect(failureCause(new InfisicalLoadError('m', 'list secrets', status, reason))).toBe(cause);
  });

  it('never reads the message or reason: rewording them changes no label', () => {
    for (const reason of ['no answer within 800 ms (refresh.timeoutMs)', 'the request timed out', 'the server could not be reached (ECONNRESET)']) {
      expect(failureCause(new InfisicalLoadError(reason, 'list secrets', undefined, reason))).toBe('malformed');
    }
    expect(failureCause(new InfisicalConnectionError('reworded', 'startup', undefined, 'reworded', 'timeout'))).toBe('timeout');
  });
});
