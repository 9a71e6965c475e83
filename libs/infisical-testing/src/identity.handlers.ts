import { authenticateRequest } from './bearer-auth.guard.js';
import { jsonReply } from './http-reply.util.js';
import { IdentityListQuery } from './identity-list.query.js';
import { identityNotFound, organizationRoleNotFound } from './infisical-error.replies.js';
import type { RegisteredIdentity } from './identity-registry.js';
import { identityView, organizationMembershipView } from './management.views.js';
import { assertOrganizationPermission } from './organization-access.guard.js';
import { isOrganizationRole } from './permission.policy.js';
import type { LocalInfisicalOrganizationRole } from './permission.policy.js';
import { RequestFieldsReader } from './request-fields.reader.js';
import type { HandlerContext, InboundRequest, RouteHandler } from './route-handler.types.js';

/** A built-in organization role; any other slug names a custom role, which this server has none of. */
function organizationRoleOf(role: string, context: HandlerContext): LocalInfisicalOrganizationRole {
  if (!isOrganizationRole(role)) throw organizationRoleNotFound(role, context.organizationId);
  return role;
}

/** Upstream looks the identity up in the caller's organization before checking any permission. */
function requireIdentity(request: InboundRequest, context: HandlerContext): RegisteredIdentity {
  const identityId = request.params.identityId ?? '';
  const identity = context.identities.findById(identityId);
  if (!identity) throw identityNotFound(identityId);
  return identity;
}

/**
 * GET /api/v2/organizations/:orgId/identity-memberships?offset&limit&orderDirection&search: every identity of
 * the organization with its role, by name; `totalCount` counts them all (after `search`).
 */
export const handleListOrgIdentities: RouteHandler = (request, context) => {
  const caller = authenticateRequest(request, context);
  const organizationId = (request.params.organizationId ?? '').trim();
  const query = IdentityListQuery.read(request);
  assertOrganizationPermission(context, caller, 'read', 'identity', organizationId);

  const { matching, page } = query.apply(context.identities.list());
  const identityMemberships = page.map((identity) => organizationMembershipView(identity, context.organizationId));
  return jsonReply(200, { identityMemberships, totalCount: matching.length });
};

/** POST /api/v1/identities {name, organizationId, role?}: role `no-access` when absent, as upstream. */
export const handleCreateIdentity: RouteHandler = (request, context) => {
  const caller = authenticateRequest(request, context);
  const body = RequestFieldsReader.fromBody(request.body);
  const name = body.requiredText('name');
  const organizationId = body.requiredText('organizationId');
  const role = body.optionalText('role', { min: 1 }) ?? 'no-access';
  body.finish();
  assertOrganizationPermission(context, caller, 'create', 'identity', organizationId);

  const identity = context.identities.create(name, organizationRoleOf(role, context));
  return jsonReply(200, { identity: { ...identityView(identity, context.organizationId), authMethods: [] } });
};

/** PATCH /api/v1/identities/:identityId {name?, role?} */
export const handleUpdateIdentity: RouteHandler = (request, context) => {
  const caller = authenticateRequest(request, context);
  const body = RequestFieldsReader.fromBody(request.body);
  const name = body.optionalText('name');
  const role = body.optionalText('role', { min: 1 });
  body.finish();
  const identity = requireIdentity(request, context);
  assertOrganizationPermission(context, caller, 'edit', 'identity');

  const organizationRole = role === undefined ? undefined : organizationRoleOf(role, context);
  // upstream ignores an empty name
  context.identities.update(identity, { name: name || undefined, organizationRole });
  return jsonReply(200, { identity: identityView(identity, context.organizationId) });
};

/** DELETE /api/v1/identities/:identityId: its memberships and Universal Auth go with it, its tokens die. */
export const handleDeleteIdentity: RouteHandler = (request, context) => {
  const caller = authenticateRequest(request, context);
  const identity = requireIdentity(request, context);
  assertOrganizationPermission(context, caller, 'delete', 'identity');

  context.tokens.revoke(identity.identityId);
  context.identities.remove(identity);
  return jsonReply(200, { identity: identityView(identity, context.organizationId) });
};
