import { jsonReply } from './http-reply.util.js';
import { clientSecretExpired, clientSecretUsesExhausted, invalidCredentials, unknownClientId } from './infisical-error.replies.js';
import { RequestFieldsReader } from './request-fields.reader.js';
import type { RouteHandler } from './route-handler.types.js';

/**
 * POST /api/v1/auth/universal-auth/login. Any live client secret of the identity logs in (an identity may
 * have several); the token lives as its Universal Auth configuration says.
 */
export const handleLogin: RouteHandler = (request, context) => {
  const fields = RequestFieldsReader.fromBody(request.body);
  const clientId = fields.requiredString('clientId').trim();
  const clientSecret = fields.requiredString('clientSecret').trim();
  fields.finish();
  const identity = context.identities.findByClientId(clientId);
  // an unknown client id is not an identity, so it counts toward no lockout
  if (!identity) throw unknownClientId();
  context.lockout.assertNotLocked(clientId);
  const { universalAuth } = identity;
  const secret = context.identities.matchClientSecret(universalAuth, clientSecret);
  if (!secret) {
    context.lockout.recordFailure(clientId);
    throw invalidCredentials();
  }
  context.lockout.recordSuccess(clientId);
  // upstream checks these after the lockout bookkeeping, and revokes the secret that failed them
  if (secret.ttlSeconds > 0 && context.now() > secret.createdAtMs + secret.ttlSeconds * 1000) {
    secret.revoked = true;
    throw clientSecretExpired();
  }
  if (secret.numUsesLimit > 0 && secret.numUses >= secret.numUsesLimit) {
    secret.revoked = true;
    throw clientSecretUsesExhausted();
  }
  secret.numUses += 1;
  const { accessTokenTTL, accessTokenMaxTTL } = universalAuth;
  return jsonReply(200, context.tokens.issue({ identityId: identity.identityId, accessTokenTTL, accessTokenMaxTTL }));
};

/** POST /api/v1/auth/token/renew: the token travels in the body, no Authorization header needed. */
export const handleRenew: RouteHandler = (request, context) => {
  const fields = RequestFieldsReader.fromBody(request.body);
  const accessToken = fields.requiredString('accessToken').trim();
  fields.finish();
  return jsonReply(200, context.tokens.renew(accessToken));
};
