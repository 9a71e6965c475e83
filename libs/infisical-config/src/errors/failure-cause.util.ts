import { InfisicalAccessError } from './infisical-access.error.js';
import { InfisicalAuthError } from './infisical-auth.error.js';
import { InfisicalConnectionError, type InfisicalConnectionProblem } from './infisical-connection.error.js';
import type { InfisicalLoadError } from './infisical-load.error.js';
import { SecretNotFoundError } from './secret-not-found.error.js';

/** A load failure in one word, for metrics labels (a small, fixed set). */
export type LoadFailureCause = 'auth' | 'access' | 'not_found' | 'rate_limited' | 'server_error' | 'timeout' | 'network' | 'tls' | 'malformed';

const CONNECTION_CAUSES: Record<InfisicalConnectionProblem, LoadFailureCause> = {
  network: 'network',
  tls: 'tls',
  timeout: 'timeout',
  'rate-limited': 'rate_limited',
  'server-error': 'server_error',
  'not-infisical': 'malformed',
};

/**
 * The cause of a load failure, for a metrics label, from the error's class and fields only (never from its
 * text: rewording a message must not change a label). A login lockout counts as `auth`. A plain
 * InfisicalLoadError is an unexpected answer: classified by its status, `malformed` without one.
 */
export function failureCause(error: InfisicalLoadError): LoadFailureCause {
  if (error instanceof InfisicalAuthError) return 'auth';
  if (error instanceof InfisicalAccessError) return 'access';
  if (error instanceof SecretNotFoundError) return 'not_found';
  if (error instanceof InfisicalConnectionError) return CONNECTION_CAUSES[error.problem];
  const { status } = error;
  if (status === 401) return 'auth';
  if (status === 403) return 'access';
  if (status === 404) return 'not_found';
  if (status === 429) return 'rate_limited';
  if (status !== undefined && status >= 500) return 'server_error';
  return 'malformed';
}
