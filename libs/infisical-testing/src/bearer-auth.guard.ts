import { tokenMissing } from './infisical-error.replies.js';
import type { RegisteredIdentity } from './identity-registry.js';
import type { HandlerContext, InboundRequest } from './route-handler.types.js';

/** Resolves `Authorization: Bearer <token>` to its identity, or throws the reply Infisical gives. */
export function authenticateRequest(request: InboundRequest, context: HandlerContext): RegisteredIdentity {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
  if (!match) throw tokenMissing();
  const identityId = context.tokens.verify(match[1] as string);
  const identity = context.identities.findById(identityId);
  // identities are fixed for the server's lifetime, so a verified token always has one
  if (!identity) throw new Error('Verified token without identity');
  return identity;
}
