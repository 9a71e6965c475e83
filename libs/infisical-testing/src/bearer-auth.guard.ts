import { tokenMissing, tokenNotFound } from './infisical-error.replies.js';
import type { RegisteredIdentity } from './identity-registry.js';
import type { HandlerContext, InboundRequest } from './route-handler.types.js';

/** Resolves `Authorization: Bearer <token>` to its identity, or throws the reply Infisical gives. */
export function authenticateRequest(request: InboundRequest, context: HandlerContext): RegisteredIdentity {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
  if (!match) throw tokenMissing();
  const identityId = context.tokens.verify(match[1] as string);
  // deleting an identity revokes its tokens first; this only guards the order of those two steps
  const identity = context.identities.findById(identityId);
  if (!identity) throw tokenNotFound();
  return identity;
}
