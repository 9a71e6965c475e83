import { createHash, timingSafeEqual } from 'node:crypto';
import { jsonReply } from './http-reply.util.js';
import { invalidCredentials, unknownClientId } from './infisical-error.replies.js';
import { RequestFieldsReader } from './request-fields.reader.js';
import type { RouteHandler } from './route-handler.types.js';

/** Constant-time comparison, so the test server does not teach a bad habit. */
function sameSecret(expected: string, given: string): boolean {
  const digest = (value: string): Buffer => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(expected), digest(given));
}

/** POST /api/v1/auth/universal-auth/login */
export const handleLogin: RouteHandler = (request, context) => {
  const fields = RequestFieldsReader.fromBody(request.body);
  const clientId = fields.requiredString('clientId').trim();
  const clientSecret = fields.requiredString('clientSecret').trim();
  fields.finish();
  const identity = context.identities.findByClientId(clientId);
  // an unknown client id is not an identity, so it counts toward no lockout
  if (!identity) throw unknownClientId();
  context.lockout.assertNotLocked(clientId);
  if (!sameSecret(identity.clientSecret, clientSecret)) {
    context.lockout.recordFailure(clientId);
    throw invalidCredentials();
  }
  context.lockout.recordSuccess(clientId);
  return jsonReply(200, context.tokens.issue(identity));
};

/** POST /api/v1/auth/token/renew: the token travels in the body, no Authorization header needed. */
export const handleRenew: RouteHandler = (request, context) => {
  const fields = RequestFieldsReader.fromBody(request.body);
  const accessToken = fields.requiredString('accessToken').trim();
  fields.finish();
  return jsonReply(200, context.tokens.renew(accessToken));
};
