import { InfisicalAccessError } from '../errors/infisical-access.error.js';
import { InfisicalAuthError, type InfisicalAuthProblem } from '../errors/infisical-auth.error.js';
import { InfisicalConnectionError, type InfisicalConnectionProblem } from '../errors/infisical-connection.error.js';
import { InfisicalLoadError, type InfisicalLoadStep } from '../errors/infisical-load.error.js';
import { safeErrorCode } from '../errors/sanitized-cause.util.js';
import { SecretNotFoundError, type MissingSecretsTarget } from '../errors/secret-not-found.error.js';
import { LOAD_FAILED } from '../infisical-config.messages.js';
import type { ResolvedInfisicalOptions } from '../options/resolved-options.interface.js';
import { authSecretOf, type ResolvedAuth } from '../options/resolve-auth.js';
import { CredentialsUnavailableError } from './credentials-unavailable.error.js';
import { InfisicalHttpError } from './infisical-http.error.js';

// Infisical's rate-limit window is a fixed minute ("try again in 1 minute"); a Universal Auth lockout lasts
// 300 s on the servers that have one.
const RATE_LIMIT_WINDOW_MS = 60_000;
const LOCKOUT_MS = 300_000;
const MAX_REASON_LENGTH = 300;

// Fastify's 404 for an unknown route: the site URL is not Infisical's base URL (e.g. it ends with /api).
const UNKNOWN_ROUTE = /^Route [A-Z]+:\S* not found/;

const REACHABILITY = 'the server could not be reached';
const TLS_CODE = /CERT|^UNABLE_TO_|^ERR_TLS_|^ERR_SSL_|^EPROTO$|^HOSTNAME_MISMATCH$/;
const TIMEOUT_CODE = /^(ETIMEDOUT|ESOCKETTIMEDOUT|UND_ERR_CONNECT_TIMEOUT|UND_ERR_HEADERS_TIMEOUT|UND_ERR_BODY_TIMEOUT)$/;

/** What a failure was, before it becomes an error class. */
interface Failure {
  status?: number;
  reason: string;
  /** The server's message (sanitized), for an HTTP failure. */
  serverMessage?: string;
  /** Infisical's `error` field (TokenError, UnauthorizedError, ValidationFailure…). */
  errorName?: string;
  transport?: 'network' | 'tls' | 'timeout';
  code?: string;
  notInfisical?: boolean;
  retryAfterMs?: number;
}

/** The status and a short, value-free reason of a failed call. */
export function describeFailure(error: unknown): { status?: number; reason: string } {
  if (error instanceof InfisicalLoadError) return error.status === undefined ? { reason: error.reason } : { status: error.status, reason: error.reason };
  const { status, reason } = analyse(error);
  return status === undefined ? { reason } : { status, reason };
}

/**
 * Wraps a failed login or list call in the {@link InfisicalLoadError} subclass that says what went wrong,
 * with a remedy at the end of its message: {@link InfisicalAuthError}, {@link InfisicalAccessError},
 * {@link SecretNotFoundError}, {@link InfisicalConnectionError}, or a plain InfisicalLoadError for
 * anything else. An InfisicalLoadError is returned as is. The cause is kept sanitized.
 */
export function toLoadError(step: InfisicalLoadStep, error: unknown, options: ResolvedInfisicalOptions): InfisicalLoadError {
  if (error instanceof InfisicalLoadError) return error;
  const failure = analyse(error, authSecretOf(options.auth));
  const build = (remedy: string, retryAfterMs = failure.retryAfterMs) => ({
    message: LOAD_FAILED(options.siteUrl, options.projectId, step, failure.reason, remedy),
    options: { cause: error, retryAfterMs, remedy },
  });
  const { status, reason } = failure;

  const connection = connectionProblem(step, failure);
  if (connection) {
    const retryAfterMs = connection === 'rate-limited' ? (failure.retryAfterMs ?? RATE_LIMIT_WINDOW_MS) : failure.retryAfterMs;
    const { message, options: errorOptions } = build(connectionRemedy(connection, failure.code), retryAfterMs);
    return new InfisicalConnectionError(message, step, status, reason, connection, { ...errorOptions, code: failure.code });
  }
  if (error instanceof CredentialsUnavailableError) {
    const { message, options: errorOptions } = build(credentialsRemedy(options.auth));
    return new InfisicalAuthError(message, step, undefined, reason, 'credentials-unavailable', errorOptions);
  }
  const auth = authProblem(step, failure, options.auth.method);
  if (auth) {
    const retryAfterMs = auth === 'locked-out' ? (failure.retryAfterMs ?? LOCKOUT_MS) : failure.retryAfterMs;
    const { message, options: errorOptions } = build(authRemedy(auth, options.auth), retryAfterMs);
    return new InfisicalAuthError(message, step, status, reason, auth, errorOptions);
  }
  if (status === 403) {
    const { message, options: errorOptions } = build(ACCESS_REMEDY);
    return new InfisicalAccessError(message, step, status, reason, errorOptions);
  }
  if (status === 404) {
    const missing = missingTarget(failure.serverMessage ?? '');
    const { message, options: errorOptions } = build(NOT_FOUND_REMEDIES[missing]);
    return new SecretNotFoundError(message, step, status, reason, missing, errorOptions);
  }
  const rejected = status === 400 || status === 401 || status === 422;
  const { message, options: errorOptions } = build(rejected ? REJECTED_REQUEST_REMEDY : 'Check the options against your Infisical project.');
  return new InfisicalLoadError(message, step, status, reason, errorOptions);
}

/**
 * The error for a reply that is not Infisical's (e.g. a list reply that is not a secrets list): an
 * {@link InfisicalConnectionError} with problem `not-infisical`.
 */
export function notInfisicalReplyError(step: InfisicalLoadStep, reason: string, options: ResolvedInfisicalOptions): InfisicalConnectionError {
  const remedy = connectionRemedy('not-infisical', undefined);
  const message = LOAD_FAILED(options.siteUrl, options.projectId, step, reason, remedy);
  return new InfisicalConnectionError(message, step, undefined, reason, 'not-infisical', { remedy });
}

/**
 * A deadline of the module's own (startup, refresh) that passed: an {@link InfisicalConnectionError} with
 * problem `timeout`, so its cause is a field, not something read back from its text.
 */
export function deadlineError(step: InfisicalLoadStep, message: string, reason: string): InfisicalConnectionError {
  return new InfisicalConnectionError(message, step, undefined, reason, 'timeout', { remedy: connectionRemedy('timeout', undefined) });
}

// ---------------------------------------------------------------------------------------------------------
// What happened

function analyse(error: unknown, clientSecret?: string): Failure {
  if (error instanceof InfisicalHttpError) {
    const serverMessage = cleanServerMessage(error.serverMessage, clientSecret);
    const reason = `HTTP ${error.status}${serverMessage ? ` ${serverMessage}` : ''}`.slice(0, MAX_REASON_LENGTH);
    const unknownRoute = error.status === 404 && UNKNOWN_ROUTE.test(serverMessage);
    return {
      status: error.status,
      reason,
      serverMessage,
      errorName: error.errorName,
      notInfisical: error.notInfisical || unknownRoute || undefined,
      retryAfterMs: error.retryAfterMs,
    };
  }
  const name = (error as { name?: unknown } | null | undefined)?.name;
  if (name === 'TimeoutError') return { reason: 'the request timed out', transport: 'timeout' };
  if (name === 'AbortError') return { reason: 'the request was cancelled (shutdown or deadline)', transport: 'timeout' };
  const message = error instanceof Error ? error.message : String(error);
  return transportFailure(error, message) ?? { reason: cleanServerMessage(message, clientSecret) || 'unknown failure' };
}

/**
 * A network, TLS or timeout failure. Global fetch throws `TypeError('fetch failed')` with the system error
 * as `cause` (sometimes an AggregateError whose `errors` carry the codes).
 */
function transportFailure(error: unknown, message: string): Failure | undefined {
  const codes = findCodes(error);
  const code = codes.find((candidate) => TLS_CODE.test(candidate)) ?? codes.find((candidate) => TIMEOUT_CODE.test(candidate)) ?? codes[0];
  if (code && TLS_CODE.test(code)) return { reason: `the TLS connection to the server failed (${code})`, transport: 'tls', code };
  if (code && TIMEOUT_CODE.test(code)) return { reason: `the request timed out (${code})`, transport: 'timeout', code };
  if (code) return { reason: `${REACHABILITY} (${code})`, transport: 'network', code };
  if (/certificate|self[- ]signed|\bTLS\b|\bSSL\b/i.test(message)) return { reason: 'the TLS connection to the server failed', transport: 'tls' };
  if (/fetch failed|socket|terminated|other side closed/i.test(message)) {
    return { reason: `${REACHABILITY} (connection refused, reset or DNS failure)`, transport: 'network' };
  }
  return undefined;
}

/** Error codes anywhere in the cause chain, including an AggregateError's `errors`, outermost first. */
function findCodes(error: unknown): string[] {
  const codes: string[] = [];
  const seen = new Set<unknown>();
  const queue: unknown[] = [error];
  while (queue.length > 0 && seen.size < 20) {
    const current = queue.shift();
    if (current === null || typeof current !== 'object' || seen.has(current)) continue;
    seen.add(current);
    const code = safeErrorCode(current);
    if (code && !codes.includes(code)) codes.push(code);
    queue.push((current as { cause?: unknown }).cause);
    const nested = (current as { errors?: unknown }).errors;
    if (Array.isArray(nested)) queue.push(...nested.slice(0, 10));
  }
  return codes;
}

/**
 * A server message fit for a log line: no URL, no query string, never the client secret (should a server
 * echo it), no control characters, short.
 */
function cleanServerMessage(message: string, clientSecret?: string): string {
  let text = message.trim();
  if (clientSecret && clientSecret.length >= 4) text = text.split(clientSecret).join('<redacted>');
  return text
    .replace(/https?:\/\/\S+/g, '<url>')
    .replace(/(\S)\?[^\s'"]+/g, '$1')
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ')
    .slice(0, MAX_REASON_LENGTH);
}

// ---------------------------------------------------------------------------------------------------------
// Which class

function connectionProblem(step: InfisicalLoadStep, failure: Failure): InfisicalConnectionProblem | undefined {
  if (failure.transport) return failure.transport;
  if (failure.notInfisical) return 'not-infisical';
  if (failure.status === 429 && !(step === 'login' && isLockout(failure))) return 'rate-limited';
  if (failure.status !== undefined && failure.status >= 500) return 'server-error';
  return undefined;
}

const isLockout = (failure: Failure) => /lock|too many failed/i.test(failure.serverMessage ?? '');

function authProblem(step: InfisicalLoadStep, { status, errorName }: Failure, method: ResolvedAuth['method']): InfisicalAuthProblem | undefined {
  if (step === 'login') {
    if (status === 429) return 'locked-out'; // a plain rate limit is a connection problem
    if (errorName === 'ValidationFailure' || status === 422) return 'invalid-request';
    const universal = method === 'universal-auth';
    if (status === 401) return universal ? 'invalid-client-secret' : 'login-denied';
    if (status === 403) return 'login-denied';
    if (status === 404) return universal ? 'unknown-client-id' : 'unknown-identity';
    return undefined;
  }
  // A 401 refuses the token (revoked, past its TTL); a 403 TokenError could not verify it (expired JWT,
  // malformed, signed by another server). A ValidationFailure (401 on older servers) is about the request.
  if (status === 401 && errorName !== 'ValidationFailure') return 'token-rejected';
  if (status === 403 && errorName === 'TokenError') return 'token-rejected';
  return undefined;
}

function missingTarget(serverMessage: string): MissingSecretsTarget {
  if (/^Project\b/i.test(serverMessage)) return 'project';
  if (/^Environment\b/i.test(serverMessage)) return 'environment';
  if (/^Folder\b/i.test(serverMessage)) return 'folder';
  return 'scope';
}

// ---------------------------------------------------------------------------------------------------------
// What to do

const SITE_URL = 'INFISICAL_SITE_URL';

const UNIVERSAL_AUTH_REMEDIES = {
  'invalid-client-secret':
    'Check the client secret of the machine identity (INFISICAL_CLIENT_SECRET): it may be wrong, revoked or expired. ' +
    'Repeated failures lock the identity for minutes.',
  'unknown-client-id': 'Check the client id (INFISICAL_CLIENT_ID): no machine identity has it (Universal Auth must be enabled for it).',
  'invalid-request': 'Infisical rejected the login request: check that INFISICAL_CLIENT_ID and INFISICAL_CLIENT_SECRET are both set.',
  'login-denied': "Infisical refused the login: check the trusted IPs of the machine identity's Universal Auth and of its client secret.",
  'token-rejected':
    'Infisical refused an access token it had just issued: check that the machine identity still exists and its ' +
    'Universal Auth settings (access token TTL, trusted IPs, number of uses).',
} as const;

/** Why Infisical may refuse each workload method's login, and where to look. */
const WORKLOAD_LOGIN_DENIED: Record<Exclude<ResolvedAuth['method'], 'universal-auth' | 'access-token'>, string> = {
  kubernetes:
    "Infisical refused the pod's service-account token: check the identity's Kubernetes auth (allowed namespaces, " +
    'service account names and audience, and the token reviewer Infisical uses to reach the cluster).',
  oidc: "Infisical refused the token: check the identity's OIDC auth (discovery URL and issuer, bound audiences, subject and claims).",
  jwt: "Infisical refused the token: check the identity's JWT auth (static keys or JWKS URL, bound issuer, audiences and claims).",
  'aws-iam': "Infisical refused the AWS identity: the identity's AWS auth must allow this role's principal ARN or account id.",
};

/** The remedy of an auth problem, in the terms of the auth method in use. */
function authRemedy(problem: InfisicalAuthProblem, auth: ResolvedAuth): string {
  if (problem === 'locked-out') {
    return (
      'The identity is locked for minutes after repeated failed logins: wait for the lockout to end before retrying, ' +
      'and check the client secret (INFISICAL_CLIENT_SECRET), which probably caused the failures.'
    );
  }
  if (auth.method === 'universal-auth' && problem in UNIVERSAL_AUTH_REMEDIES) return UNIVERSAL_AUTH_REMEDIES[problem as keyof typeof UNIVERSAL_AUTH_REMEDIES];
  if (auth.method === 'access-token') {
    return 'Infisical refused the access token (INFISICAL_ACCESS_TOKEN): it may be expired, revoked or malformed. Provide a new one.';
  }
  if (problem === 'unknown-identity') {
    return `No machine identity has this id with ${auth.method} auth: check INFISICAL_IDENTITY_ID and the identity's auth methods.`;
  }
  if (problem === 'invalid-request') return `Infisical rejected the ${auth.method} login request: check INFISICAL_IDENTITY_ID and the token.`;
  if (problem === 'token-rejected') return "Infisical refused an access token it had just issued: check the identity's access token TTL and trusted IPs.";
  return WORKLOAD_LOGIN_DENIED[auth.method as keyof typeof WORKLOAD_LOGIN_DENIED] ?? UNIVERSAL_AUTH_REMEDIES['login-denied'];
}

/** What to do when the credentials could not even be gathered. */
function credentialsRemedy(auth: ResolvedAuth): string {
  switch (auth.method) {
    case 'kubernetes':
      return 'Mount the service-account token in the pod (automountServiceAccountToken, or a projected volume) or set INFISICAL_KUBERNETES_TOKEN_PATH.';
    case 'oidc':
    case 'jwt':
      return 'Provide the token: INFISICAL_JWT, or a readable file in INFISICAL_JWT_PATH.';
    case 'aws-iam':
      return 'Run with AWS credentials the default chain finds (a role, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_WEB_IDENTITY_TOKEN_FILE) and AWS_REGION set.';
    default:
      return 'Check the auth options.';
  }
}

const REJECTED_REQUEST_REMEDY =
  'Infisical rejected the request: check the environment slug (INFISICAL_ENVIRONMENT) and the secret path of every scope.';

const ACCESS_REMEDY =
  'Add the machine identity to the project (Project → Access Control → Machine Identities) with a role that has read ' +
  'access to the environment and secret path of every scope.';

const NOT_FOUND_REMEDIES: Record<MissingSecretsTarget, string> = {
  project: 'Check the project id (INFISICAL_PROJECT_ID): copy it from the project settings.',
  environment: 'Check the environment slug (INFISICAL_ENVIRONMENT or scopes[].environment): it must exist in the project.',
  folder: 'Check the secret path of the scope: the folder must exist in that environment.',
  scope: 'Check the project id (INFISICAL_PROJECT_ID), the environment slug (INFISICAL_ENVIRONMENT) and the secret path.',
};

function connectionRemedy(problem: InfisicalConnectionProblem, code: string | undefined): string {
  switch (problem) {
    case 'tls':
      return tlsRemedy(code);
    case 'timeout':
      return `Infisical did not answer in time: check that ${SITE_URL} is reachable from this host (a firewall that drops packets looks like this) and that the server is not overloaded.`;
    case 'rate-limited':
      return 'Infisical is rate limiting this client; reduce the refresh rate or the number of scopes (replicas behind one address share the limit).';
    case 'server-error':
      return 'Infisical answered with a server error; check its logs and those of any proxy in front of it.';
    case 'not-infisical':
      return `Something other than Infisical answered: ${SITE_URL} must be the base URL of Infisical itself (e.g. https://infisical.example.com, without /api), not a proxy's login page.`;
    case 'network':
      return networkRemedy(code);
  }
}

function networkRemedy(code: string | undefined): string {
  if (code === 'ECONNREFUSED') return `Nothing accepts connections at ${SITE_URL}: check its host and port, and that Infisical is running.`;
  if (code === 'ENOTFOUND' || code?.startsWith('EAI_')) {
    return `The host name in ${SITE_URL} does not resolve from this host: check the URL and DNS (EAI_AGAIN is a temporary DNS failure).`;
  }
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'UND_ERR_SOCKET') {
    return 'The connection was closed mid-request: check the proxies, load balancers and firewalls between this host and Infisical.';
  }
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return `No route to the host in ${SITE_URL}: check the network, VPN and firewall rules.`;
  return `Check that the site URL (${SITE_URL}) is right and reachable from this host.`;
}

function tlsRemedy(code: string | undefined): string {
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') {
    return "The server's certificate is outside its validity period: renew it (or fix this host's clock).";
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID' || code === 'HOSTNAME_MISMATCH') {
    return `The certificate is not issued for the host name in ${SITE_URL}: use the name the certificate covers, or fix the certificate.`;
  }
  if (code && /SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|UNTRUSTED/.test(code)) {
    return 'Node does not trust the certificate: for a private CA, give its PEM file in the caCertificates option, or set NODE_EXTRA_CA_CERTS to it before Node starts (do not disable TLS verification).';
  }
  return `Check the certificate of the server and the scheme of ${SITE_URL} (https:// on an https port); for a private CA, give its PEM file in the caCertificates option or NODE_EXTRA_CA_CERTS.`;
}
