import { jsonReply } from './http-reply.util.js';
import type { Reply } from './route-handler.types.js';
import type { LocalInfisicalRoute } from './local-infisical.routes.js';
import type { OrganizationSubject, PermissionAction, ProjectSubject } from './permission.policy.js';

/** One issue of a Zod validation failure, as Infisical sends it in `message` for ValidationFailure. */
export interface ValidationIssue {
  code: string;
  path: Array<string | number>;
  message: string;
  [detail: string]: unknown;
}

/**
 * An answer in Infisical's error shape `{statusCode, message, error}`. Handlers throw it; the request
 * pipeline turns it into the reply, so a handler never has to know about the response object.
 */
export class InfisicalReplyError extends Error {
  override readonly name = 'InfisicalReplyError';

  constructor(
    readonly statusCode: number,
    /** the `error` field: Infisical's error class name (UnauthorizedError, NotFound, TokenError, …) */
    readonly error: string,
    /** the `message` field: a sentence, or the Zod issues for ValidationFailure */
    readonly reply: string | ValidationIssue[],
    readonly headers: Record<string, string> = {},
    /** upstream's `details` (403 PermissionDenied: the rules that applied); omitted when undefined */
    readonly details?: unknown,
  ) {
    super(typeof reply === 'string' ? reply : 'Validation failed');
  }

  toReply(): Reply {
    const body = { statusCode: this.statusCode, message: this.reply, error: this.error, ...(this.details !== undefined && { details: this.details }) };
    return jsonReply(this.statusCode, body, this.headers);
  }
}

// Login
export const invalidCredentials = (): InfisicalReplyError =>
  new InfisicalReplyError(401, 'UnauthorizedError', 'Invalid credentials');
export const unknownClientId = (): InfisicalReplyError =>
  new InfisicalReplyError(404, 'NotFound', 'No identity with specified client ID was found');
/**
 * Newer servers lock Universal Auth after repeated failed logins; the exact status, wording and headers of
 * that reply are not in the observed protocol notes, so this shape is this server's choice.
 */
export const identityLocked = (retryAfterSeconds: number): InfisicalReplyError =>
  new InfisicalReplyError(429, 'RateLimitExceeded', 'Identity is locked due to too many failed login attempts. Please try again later.', {
    'retry-after': String(retryAfterSeconds),
  });
/** Older servers answer a Zod failure with 401 (newer ones 422). */
export const validationFailure = (issues: ValidationIssue[]): InfisicalReplyError =>
  new InfisicalReplyError(401, 'ValidationFailure', issues);

// Machine-identity logins beside Universal Auth. Worded as upstream's source words them (newer servers; not
// observed on our reference server): the login looks up the method's configuration by identity id, so an
// unknown identity and an identity without that method get the same 404.

/** How each workload method names itself in its messages. */
export type WorkloadAuthLabel = 'Kubernetes' | 'OIDC' | 'JWT' | 'AWS';
export const authMethodNotConfigured = (label: WorkloadAuthLabel): InfisicalReplyError =>
  new InfisicalReplyError(404, 'NotFound', `${label} auth method not found for identity, did you configure ${label} auth?`);
/** OIDC and JWT Auth: a token that does not even decode. */
export const invalidJwt = (): InfisicalReplyError => new InfisicalReplyError(401, 'UnauthorizedError', 'Invalid JWT');
/** A failed verification or binding check (UnauthorizedError). */
export const accessDenied = (reason: string): InfisicalReplyError =>
  new InfisicalReplyError(401, 'UnauthorizedError', `Access denied: ${reason}`);
/** The few binding checks upstream throws as ForbiddenRequestError: OIDC subject, JWT Auth issuer and subject. */
export const accessForbidden = (reason: string): InfisicalReplyError =>
  new InfisicalReplyError(403, 'ForbiddenError', `Access denied: ${reason}`);
/** The cluster's TokenReview refused the token; `message` is what the API server said. */
export const kubernetesTokenReviewFailed = (message: string): InfisicalReplyError =>
  new InfisicalReplyError(401, 'KubernetesTokenReviewError', message);
export const kubernetesUsernameInvalid = (username: string): InfisicalReplyError =>
  new InfisicalReplyError(
    400,
    'KubernetesUsernameParseError',
    `Invalid Kubernetes service account username format: "${username}". Expected format: system:serviceaccount:<namespace>:<name>`,
  );
/** No usable region in the signed request's `Authorization` credential scope. */
export const invalidAwsRegion = (): InfisicalReplyError => new InfisicalReplyError(400, 'BadRequest', 'Invalid AWS region');
/**
 * An AWS login that upstream fails with an error its handler does not know: STS refusing the forwarded
 * request (wrong action, stale date, bad signature...) surfaces as the HTTP client's error, headers that
 * are not base64 JSON as a SyntaxError; both become the generic 500. The `x-local-infisical-reason` header
 * (this server's own, a fixed phrase) says which check failed.
 */
export const awsLoginInternalError = (reason: string): InfisicalReplyError =>
  new InfisicalReplyError(500, 'InternalServerError', 'Something went wrong', { 'x-local-infisical-reason': reason });

// Tokens, in the order the server checks them
export const tokenMissing = (): InfisicalReplyError => new InfisicalReplyError(401, 'UnauthorizedError', 'Token missing');
export const tokenMalformed = (): InfisicalReplyError =>
  new InfisicalReplyError(
    403,
    'TokenError',
    'The provided access token is malformed. Please use a valid token or generate a new one and try again.',
  );
export const tokenJwtExpired = (): InfisicalReplyError =>
  new InfisicalReplyError(403, 'TokenError', 'Your token has expired. Please re-authenticate.');
export const tokenNotFound = (): InfisicalReplyError =>
  new InfisicalReplyError(401, 'UnauthorizedError', 'No identity access token found');
export const tokenTtlExpired = (): InfisicalReplyError =>
  new InfisicalReplyError(401, 'UnauthorizedError', 'Failed to renew MI access token due to TTL expiration');
export const renewPastMaxTtl = (): InfisicalReplyError =>
  new InfisicalReplyError(401, 'UnauthorizedError', 'Failed to renew MI access token past its Max TTL expiration');

// Projects, environments, folders, secrets
export const notProjectMember = (projectId: string): InfisicalReplyError =>
  new InfisicalReplyError(
    403,
    `Identity is not a member of the specified project with ID '${projectId}'`,
    'You are not allowed to access this resource',
  );
export const projectNotFound = (projectId: string): InfisicalReplyError =>
  new InfisicalReplyError(
    404,
    'NotFound',
    `Project with ID '${projectId}' not found during bot lookup. Are you sure you are using the correct project ID?`,
  );
export const environmentNotFound = (environment: string, projectId: string): InfisicalReplyError =>
  new InfisicalReplyError(404, 'NotFound', `Environment with slug '${environment}' in project with ID ${projectId} not found`);
export const folderNotFound = (secretPath: string, environment: string): InfisicalReplyError =>
  new InfisicalReplyError(404, 'NotFound', `Folder with path '${secretPath}' in environment with slug '${environment}' not found`);
export const secretNotFound = (secretName: string): InfisicalReplyError =>
  new InfisicalReplyError(404, 'NotFound', `Secret with name '${secretName}' not found`);
export const secretAlreadyExists = (): InfisicalReplyError => new InfisicalReplyError(400, 'BadRequest', 'Secret already exist');
export const newSecretNameTaken = (): InfisicalReplyError =>
  new InfisicalReplyError(400, 'BadRequest', 'Secret with the new name already exist');

// Permissions. A CASL refusal names the action and subject; `details` lists the actor's rules for that pair,
// which is always empty here: the built-in roles grant or do not, and none of them forbids explicitly.
export const permissionDenied = (action: PermissionAction, subject: OrganizationSubject | ProjectSubject): InfisicalReplyError =>
  new InfisicalReplyError(403, 'PermissionDenied', `You are not allowed to ${action} on ${subject}`, {}, []);
/** Newer servers check project creation themselves (workspace or project), not through CASL. */
export const projectCreationForbidden = (): InfisicalReplyError =>
  new InfisicalReplyError(403, 'ForbiddenError', "You don't have permission to create a project");
export const organizationMismatch = (actorOrgId: string): InfisicalReplyError =>
  new InfisicalReplyError(
    403,
    'ForbiddenError',
    `Your token is scoped to organization with ID ${actorOrgId}, but this resource belongs to a different organization.`,
  );

// Projects and environments (management routes)
/** `GET /api/v1/workspace/:id` looks the project up itself. */
export const projectIdNotFound = (projectId: string): InfisicalReplyError =>
  new InfisicalReplyError(404, 'NotFound', `Project with ID '${projectId}' not found`);
/** The permission service's lookup, which every other project-scoped management route goes through (sic). */
export const projectNotFoundForPermission = (projectId: string): InfisicalReplyError =>
  new InfisicalReplyError(404, 'NotFound', `Project with ${projectId} not found`);
export const projectSlugTaken = (slug: string): InfisicalReplyError =>
  new InfisicalReplyError(
    400,
    'BadRequest',
    `A project with the slug "${slug}" already exists in your organization. Please choose a different name or slug.`,
  );
/** Upstream names the error after the operation (`CreateEnvironment`, `UpdateEnvironment`). */
export const environmentSlugTaken = (operation: 'CreateEnvironment' | 'UpdateEnvironment'): InfisicalReplyError =>
  new InfisicalReplyError(400, operation, 'Environment with slug already exists');
/** The delete's NotFound carries the operation's name in `error`, the update's the default. */
export const environmentIdNotFound = (id: string, projectId: string, error: 'NotFound' | 'DeleteEnvironment' = 'NotFound'): InfisicalReplyError =>
  new InfisicalReplyError(404, error, `Environment with id '${id}' in project with ID '${projectId}' not found`);
/** Folder creation's wording (the project id quoted). */
export const environmentNotFoundInProject = (environment: string, projectId: string): InfisicalReplyError =>
  new InfisicalReplyError(404, 'NotFound', `Environment with slug '${environment}' in project with ID '${projectId}' not found`);
/** Folder listing's and deletion's wording. */
export const environmentSlugNotFound = (environment: string): InfisicalReplyError =>
  new InfisicalReplyError(404, 'NotFound', `Environment with slug '${environment}' not found`);

// Folders and secret imports
export const targetFolderNotFound = (): InfisicalReplyError => new InfisicalReplyError(404, 'NotFound', 'Target folder not found');
/** Upstream passes its sentence as `error:` instead of `message:`, so the default message goes out. */
export const importedEnvironmentNotFound = (): InfisicalReplyError =>
  new InfisicalReplyError(404, 'NotFound', 'The requested entity is not found');
export const cyclicImport = (): InfisicalReplyError => new InfisicalReplyError(400, 'BadRequest', 'Cyclic import not allowed');
/** Replication is an Enterprise feature: a server without the licence answers this. */
export const replicationNotInPlan = (): InfisicalReplyError =>
  new InfisicalReplyError(400, 'BadRequest', 'Failed to create secret replication due to plan restriction. Upgrade plan to create replication.');
export const secretImportNotFound = (id: string): InfisicalReplyError =>
  new InfisicalReplyError(404, 'NotFound', `Secret import with folder ID '${id}' not found`);

// Identities and Universal Auth. The identity routes and the Universal Auth routes word the same miss differently.
export const identityNotFound = (identityId: string): InfisicalReplyError =>
  new InfisicalReplyError(404, 'NotFound', `Failed to find identity with id ${identityId}`);
export const identityNotFoundForAuth = (identityId: string): InfisicalReplyError =>
  new InfisicalReplyError(404, 'NotFound', `Failed to find identity with ID ${identityId}`);
export const organizationRoleNotFound = (role: string, orgId: string): InfisicalReplyError =>
  new InfisicalReplyError(404, 'NotFound', `Specified roles '${role}' was not found in the organization with ID '${orgId}'`);
export const universalAuthNotFound = (identityId: string): InfisicalReplyError =>
  new InfisicalReplyError(404, 'NotFound', `Failed to find universal auth for identity with ID ${identityId}`);
export const universalAuthAlreadyAttached = (): InfisicalReplyError =>
  new InfisicalReplyError(400, 'BadRequest', 'Failed to add universal auth to already configured identity');
export const clientSecretNotFound = (): InfisicalReplyError =>
  new InfisicalReplyError(404, 'NotFound', 'Failed to find identity client secret');
export const universalAuthMissing = (): InfisicalReplyError =>
  new InfisicalReplyError(400, 'BadRequest', 'The identity does not have universal auth');
/** The service's own check, reached when the route's schema could not compare (one of the two TTLs given). */
export const accessTokenTtlAboveMax = (): InfisicalReplyError =>
  new InfisicalReplyError(400, 'BadRequest', 'Access token TTL cannot be greater than max TTL');
export const invalidTrustedIp = (): InfisicalReplyError =>
  new InfisicalReplyError(400, 'BadRequest', 'The IP is not a valid IPv4, IPv6, or CIDR block');
export const clientSecretExpired = (): InfisicalReplyError =>
  new InfisicalReplyError(401, 'UnauthorizedError', 'Access denied due to expired client secret');
export const clientSecretUsesExhausted = (): InfisicalReplyError =>
  new InfisicalReplyError(401, 'UnauthorizedError', 'Access denied due to client secret usage limit reached');

// Project memberships of identities
export const identityOutsideOrganization = (identityId: string): InfisicalReplyError =>
  new InfisicalReplyError(400, 'BadRequest', `Identity ${identityId} is missing organization membership`);
/** The explicit check of servers before the membership rewrite (newer ones leave it to a unique index). */
export const identityAlreadyInProject = (identityId: string, projectId: string): InfisicalReplyError =>
  new InfisicalReplyError(400, 'BadRequest', `Identity with id ${identityId} already exists in project with id ${projectId}`);
export const projectRolesNotFound = (): InfisicalReplyError => new InfisicalReplyError(404, 'NotFound', 'One or more custom roles not found');
export const permanentRoleRequired = (): InfisicalReplyError =>
  new InfisicalReplyError(400, 'BadRequest', 'Identity must have at least one permanent role');
export const identityNotInProject = (): InfisicalReplyError => new InfisicalReplyError(400, 'BadRequest', "Identity doesn't have membership");
export const ownMembershipUndeletable = (): InfisicalReplyError =>
  new InfisicalReplyError(400, 'BadRequest', "You can't delete your own membership");

// Transport-level answers, worded like Fastify's defaults
export const routeNotFound = (method: string, url: string): InfisicalReplyError =>
  new InfisicalReplyError(404, 'Not Found', `Route ${method}:${url} not found`);
export const invalidJsonBody = (): InfisicalReplyError =>
  new InfisicalReplyError(400, 'Bad Request', "Body is not valid JSON but content-type is set to 'application/json'");
export const invalidUrl = (url: string): InfisicalReplyError =>
  new InfisicalReplyError(400, 'Bad Request', `'${url}' is not a valid url component`);
export const bodyTooLarge = (): InfisicalReplyError =>
  new InfisicalReplyError(413, 'Payload Too Large', 'Request body is too large');
export const internalError = (): InfisicalReplyError =>
  new InfisicalReplyError(500, 'InternalServerError', 'Something went wrong');

// Injected faults

/** What an injected 401 says on each login route: a refusal of its credentials. */
const LOGIN_REFUSALS: Partial<Record<LocalInfisicalRoute, string>> = {
  login: 'Invalid credentials',
  kubernetesLogin: 'Kubernetes token not authenticated',
  oidcLogin: 'Access denied: Failed to verify JWT token',
  jwtLogin: 'Access denied: Failed to verify JWT token',
  awsLogin: 'Access denied: AWS account ID not allowed.',
};

/**
 * Per-route limits observed on a self-hosted server: secret reads 40/min, writes and logins 200, others 60
 * (every login route, workload ones included, uses the write limit upstream). The management routes take
 * upstream's classes: folder and import writes the secrets limit (40 observed), project creation its own
 * (30), other writes 200, reads 60.
 */
const RATE_LIMITS: Partial<Record<LocalInfisicalRoute, number>> = {
  listSecrets: 40,
  getSecret: 40,
  createSecret: 200,
  updateSecret: 200,
  deleteSecret: 200,
  createSecretsBatch: 200,
  updateSecretsBatch: 200,
  createProject: 30,
  createEnvironment: 200,
  updateEnvironment: 200,
  deleteEnvironment: 200,
  createFolder: 40,
  deleteFolder: 40,
  createSecretImport: 40,
  deleteSecretImport: 40,
  createIdentity: 200,
  updateIdentity: 200,
  deleteIdentity: 200,
  attachUniversalAuth: 200,
  updateUniversalAuth: 200,
  createClientSecret: 200,
  revokeClientSecret: 200,
  createProjectIdentityMembership: 200,
  updateProjectIdentityMembership: 200,
  deleteProjectIdentityMembership: 200,
};

function rateLimitOf(route: LocalInfisicalRoute | undefined): number {
  if (route === undefined) return 60;
  if (LOGIN_REFUSALS[route] !== undefined) return 200;
  return RATE_LIMITS[route] ?? 60;
}

/** @fastify/rate-limit's answer, with the headers a client may use to back off. */
export const rateLimitExceeded = (route: LocalInfisicalRoute | undefined, retryAfterSeconds: number, message?: string): InfisicalReplyError =>
  new InfisicalReplyError(429, 'RateLimitExceeded', message ?? 'Rate limit exceeded. Please try again in 1 minute', {
    'x-ratelimit-limit': String(rateLimitOf(route)),
    'x-ratelimit-remaining': '0',
    'x-ratelimit-reset': String(retryAfterSeconds),
    'retry-after': String(retryAfterSeconds),
  });

/** A realistic body for an injected status fault; `message` overrides the default wording. */
export function injectedStatusError(
  status: 401 | 403 | 404 | 429 | 500 | 503,
  route: LocalInfisicalRoute | undefined,
  options: { message?: string; retryAfterSeconds?: number },
): InfisicalReplyError {
  const { message } = options;
  switch (status) {
    case 401: {
      // a login is refused for its credentials; anything else because the token died server-side
      const refusal = route === undefined ? undefined : LOGIN_REFUSALS[route];
      const error = route === 'kubernetesLogin' ? 'KubernetesTokenReviewError' : 'UnauthorizedError';
      return refusal !== undefined
        ? new InfisicalReplyError(401, error, message ?? refusal)
        : new InfisicalReplyError(401, 'UnauthorizedError', message ?? 'No identity access token found');
    }
    case 403:
      return new InfisicalReplyError(403, 'PermissionDenied', message ?? 'You are not allowed to access this resource');
    case 404:
      return new InfisicalReplyError(404, 'NotFound', message ?? 'The requested entity was not found');
    case 429:
      return rateLimitExceeded(route, options.retryAfterSeconds ?? 60, message);
    case 500:
      return new InfisicalReplyError(500, 'InternalServerError', message ?? 'Something went wrong');
    case 503:
      // what @fastify/under-pressure answers while the server is overloaded or its database is down
      return new InfisicalReplyError(503, 'Service Unavailable', message ?? 'Service Unavailable');
  }
}
