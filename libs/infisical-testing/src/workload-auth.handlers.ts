import { readSignedStsRequest } from './aws-sts-request.reader.js';
import { jsonReply } from './http-reply.util.js';
import {
  accessDenied,
  accessForbidden,
  authMethodNotConfigured,
  invalidJwt,
  kubernetesTokenReviewFailed,
  kubernetesUsernameInvalid,
} from './infisical-error.replies.js';
import { audiencesOf, decodeJwt, JwtVerificationError, matchesPolicy, verifyJwt } from './jwt-verifier.js';
import type { DecodedJwt } from './jwt-verifier.js';
import { RequestFieldsReader } from './request-fields.reader.js';
import type { InboundRequest, RouteHandler } from './route-handler.types.js';

/*
 * Machine-identity logins beside Universal Auth, answering like upstream Infisical's routes: the same
 * success body as Universal Auth (tokens come from the same TokenIssuer, so renewal, TTLs and the secret
 * routes work unchanged), and upstream's errors:
 * - an unknown identityId, or an identity without that method: 404 NotFound "<Method> auth method not found
 *   for identity, did you configure <Method> auth?" (upstream finds the method's configuration by identity
 *   id, so it cannot tell the two apart);
 * - a token that fails verification or a binding: 401 (a few bindings are 403 ForbiddenError upstream:
 *   OIDC subject, JWT Auth issuer and subject);
 * - missing fields: the ValidationFailure of RequestFieldsReader.
 * Failed workload logins never count toward the Universal Auth lockout (upstream locks client secrets only).
 */

/** `{identityId, jwt}`, both trimmed as upstream's schema does. */
function readJwtLogin(request: InboundRequest): { identityId: string; jwt: string } {
  const fields = RequestFieldsReader.fromBody(request.body);
  const identityId = fields.requiredString('identityId').trim();
  const jwt = fields.requiredString('jwt').trim();
  fields.finish();
  return { identityId, jwt };
}

/** An empty policy list means "no restriction", as an empty field does upstream. */
const allowedBy = (policies: readonly string[], value: string): boolean =>
  policies.length === 0 || policies.some((policy) => matchesPolicy(value, policy));

const anyAudienceAllowed = (policies: readonly string[], token: Record<string, unknown>): boolean =>
  audiencesOf(token).some((audience) => policies.some((policy) => matchesPolicy(audience, policy)));

/**
 * What the cluster's TokenReview says about a token it cannot authenticate, as upstream passes it on;
 * worded like kube-apiserver's errors (the exact text varies with the Kubernetes version).
 */
const TOKEN_REVIEW_ERRORS = {
  malformed: '[invalid bearer token, square/go-jose: compact JWS format must have three parts]',
  signature: '[invalid bearer token, square/go-jose: error in cryptographic primitive]',
  expired: '[invalid bearer token, service account token has expired]',
  notBefore: '[invalid bearer token, service account token is not valid yet]',
  /** upstream's own words when the review says "not authenticated" without an error */
  other: 'Kubernetes token not authenticated',
} as const;

function reviewKubernetesToken(token: DecodedJwt | undefined, verify: (token: DecodedJwt) => Record<string, unknown>): Record<string, unknown> {
  if (!token) throw kubernetesTokenReviewFailed(TOKEN_REVIEW_ERRORS.malformed);
  try {
    return verify(token);
  } catch (error) {
    if (!(error instanceof JwtVerificationError)) throw error;
    const { reason } = error;
    const message =
      reason === 'algorithm' || reason === 'signature'
        ? TOKEN_REVIEW_ERRORS.signature
        : reason === 'expired' || reason === 'notBefore'
          ? TOKEN_REVIEW_ERRORS[reason]
          : TOKEN_REVIEW_ERRORS.other;
    throw kubernetesTokenReviewFailed(message);
  }
}

/**
 * POST /api/v1/auth/kubernetes-auth/login {identityId, jwt}. Upstream asks the cluster's TokenReview API;
 * here the seeded public key stands for the cluster: signature, `nbf`/`exp` by the server's clock, then the
 * username (`sub` = `system:serviceaccount:<namespace>:<name>`) against the allowed namespaces and names,
 * then `aud` against the allowed audience, in upstream's order and words.
 */
export const handleKubernetesLogin: RouteHandler = (request, context) => {
  const { identityId, jwt } = readJwtLogin(request);
  const identity = context.identities.findById(identityId);
  const config = identity?.kubernetesAuth;
  if (!identity || !config) throw authMethodNotConfigured('Kubernetes');

  const token = reviewKubernetesToken(decodeJwt(jwt), (decoded) => verifyJwt(decoded, config.publicKey, { now: context.now() }));
  const username = typeof token.sub === 'string' ? token.sub : '';
  const parts = username.split(':');
  if (parts.length !== 4 || parts[0] !== 'system' || parts[1] !== 'serviceaccount') throw kubernetesUsernameInvalid(username);
  const [, , namespace, name] = parts as [string, string, string, string];
  if (!allowedBy(config.allowedNamespaces, namespace)) throw accessDenied('K8s namespace not allowed.');
  if (!allowedBy(config.allowedNames, name)) throw accessDenied('K8s name not allowed.');
  if (config.allowedAudience !== undefined && !audiencesOf(token).includes(config.allowedAudience)) {
    throw accessDenied('K8s audience not allowed.');
  }
  return jsonReply(200, context.tokens.issue(identity));
};

/**
 * POST /api/v1/auth/oidc-auth/login {identityId, jwt}. Upstream fetches the signing key from the issuer's
 * discovery document and JWKS; here the seeded key is the JWKS. Verified like upstream's jsonwebtoken call
 * (signature, `nbf`, `exp`, `iss` = boundIssuer), then the bound subject (403) and audiences (401).
 */
export const handleOidcLogin: RouteHandler = (request, context) => {
  const { identityId, jwt } = readJwtLogin(request);
  const identity = context.identities.findById(identityId);
  const config = identity?.oidcAuth;
  if (!identity || !config) throw authMethodNotConfigured('OIDC');

  const decoded = decodeJwt(jwt);
  if (!decoded) throw invalidJwt();
  let token: Record<string, unknown>;
  try {
    token = verifyJwt(decoded, config.publicKey, { now: context.now(), issuer: config.boundIssuer });
  } catch (error) {
    if (!(error instanceof JwtVerificationError)) throw error;
    // with a `kid` upstream verifies against that key; without one it tries every JWKS key and says so
    throw typeof decoded.header.kid === 'string' && decoded.header.kid.length > 0
      ? accessDenied(error.message)
      : accessDenied(`Unable to verify JWT signature with any available signing key. ${error.message}`);
  }
  if (config.boundSubject !== undefined && !(typeof token.sub === 'string' && matchesPolicy(token.sub, config.boundSubject))) {
    throw accessForbidden('OIDC subject not allowed.');
  }
  if (config.boundAudiences.length > 0 && !anyAudienceAllowed(config.boundAudiences, token)) {
    throw accessDenied('OIDC audience not allowed.');
  }
  return jsonReply(200, context.tokens.issue(identity));
};

/**
 * POST /api/v1/auth/jwt-auth/login {identityId, jwt} (newer servers). Upstream's "static keys"
 * configuration with one key: signature, `nbf`, `exp`, then issuer (403), subject, audiences.
 */
export const handleJwtLogin: RouteHandler = (request, context) => {
  const { identityId, jwt } = readJwtLogin(request);
  const identity = context.identities.findById(identityId);
  const config = identity?.jwtAuth;
  if (!identity || !config) throw authMethodNotConfigured('JWT');

  const decoded = decodeJwt(jwt);
  if (!decoded) throw invalidJwt();
  let token: Record<string, unknown>;
  try {
    token = verifyJwt(decoded, config.publicKey, { now: context.now() });
  } catch (error) {
    if (!(error instanceof JwtVerificationError)) throw error;
    throw accessDenied(`JWT verification failed with all keys. Errors - ${error.message}`);
  }
  if (config.boundIssuer !== undefined && token.iss !== config.boundIssuer) throw accessForbidden('issuer mismatch');
  if (config.boundSubject !== undefined) {
    if (typeof token.sub !== 'string' || token.sub.length === 0) throw accessDenied('token has no subject field');
    if (!matchesPolicy(token.sub, config.boundSubject)) throw accessForbidden('subject not allowed');
  }
  if (config.boundAudiences.length > 0) {
    if (audiencesOf(token).length === 0) throw accessDenied('token has no audience field');
    if (!anyAudienceAllowed(config.boundAudiences, token)) throw accessDenied('token audience not allowed');
  }
  return jsonReply(200, context.tokens.issue(identity));
};

/**
 * POST /api/v1/auth/aws-auth/login {identityId, iamHttpRequestMethod, iamRequestBody, iamRequestHeaders}
 * as `@infisical/sdk` sends it (body and headers base64; no URL: upstream derives the STS endpoint from the
 * credential's region, and ignores any other field, `iamRequestUrl` included). Upstream forwards the signed
 * request to STS and checks the caller's account id / principal ARN; here the request's shape is checked
 * (not its signature) and its access key id stands for the principal.
 */
export const handleAwsLogin: RouteHandler = (request, context) => {
  const fields = RequestFieldsReader.fromBody(request.body);
  const identityId = fields.requiredString('identityId').trim();
  const iamHttpRequestMethod = fields.optionalString('iamHttpRequestMethod') ?? 'POST';
  const iamRequestBody = fields.requiredString('iamRequestBody');
  const iamRequestHeaders = fields.requiredString('iamRequestHeaders');
  fields.finish();
  const identity = context.identities.findById(identityId);
  const config = identity?.awsAuth;
  if (!identity || !config) throw authMethodNotConfigured('AWS');

  const { accessKeyId } = readSignedStsRequest({ iamHttpRequestMethod, iamRequestBody, iamRequestHeaders }, context.now());
  if (config.allowedAccessKeyIds.length > 0 && !config.allowedAccessKeyIds.includes(accessKeyId)) {
    // upstream: "Access denied: AWS principal ARN not allowed. [principal-arn=…]"; the key id stands in for it
    throw accessDenied(`AWS principal ARN not allowed. [access-key-id=${accessKeyId}]`);
  }
  return jsonReply(200, context.tokens.issue(identity));
};
