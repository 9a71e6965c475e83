import { authenticateRequest } from './bearer-auth.guard.js';
import { jsonReply } from './http-reply.util.js';
import { IdentityListQuery } from './identity-list.query.js';
import {
  identityAlreadyInProject,
  identityNotInProject,
  identityOutsideOrganization,
  ownMembershipUndeletable,
  permanentRoleRequired,
  projectNotFoundForPermission,
  projectRolesNotFound,
} from './infisical-error.replies.js';
import { membershipRecordView, membershipRolesView, projectMembershipView } from './management.views.js';
import { isProjectRole } from './permission.policy.js';
import type { LocalInfisicalProjectRole } from './permission.policy.js';
import { assertProjectAccess } from './project-access.guard.js';
import { RequestFieldsReader } from './request-fields.reader.js';
import type { InboundRequest, RouteHandler } from './route-handler.types.js';

const projectIdOf = (request: InboundRequest): string => (request.params.projectId ?? '').trim();
const identityIdOf = (request: InboundRequest): string => (request.params.identityId ?? '').trim();

/**
 * `roles: [{role, isTemporary?: false}]`, as the role strings they name. Temporary roles (`isTemporary:
 * true` with a start time and a range) are not modelled: refused as the non-temporary branch of
 * upstream's union would refuse them.
 */
function readRoles(fields: RequestFieldsReader, required: boolean): string[] | undefined {
  const value = fields.value('roles');
  if (value === undefined && !required) return undefined;
  if (!Array.isArray(value)) {
    const received = value === undefined ? 'undefined' : value === null ? 'null' : typeof value;
    fields.addIssue({ code: 'invalid_type', expected: 'array', received, path: ['roles'], message: value === undefined ? 'Required' : `Expected array, received ${received}` });
    return undefined;
  }
  if (required && value.length === 0) {
    fields.addIssue({ code: 'too_small', minimum: 1, type: 'array', inclusive: true, exact: false, path: ['roles'], message: 'Array must contain at least 1 element(s)' });
  }
  return value.map((entry: unknown, index) => {
    const row = typeof entry === 'object' && entry !== null ? (entry as Record<string, unknown>) : {};
    if (typeof row.role !== 'string') {
      fields.addIssue({ code: 'invalid_type', expected: 'string', received: row.role === undefined ? 'undefined' : typeof row.role, path: ['roles', index, 'role'], message: row.role === undefined ? 'Required' : `Expected string, received ${typeof row.role}` });
    }
    if (row.isTemporary !== undefined && row.isTemporary !== false) {
      fields.addIssue({ received: row.isTemporary, code: 'invalid_literal', expected: false, path: ['roles', index, 'isTemporary'], message: 'Invalid literal value, expected false' });
    }
    return String(row.role ?? '');
  });
}

/** Built-in project roles only: any other slug names a custom role, which this server has none of. */
function projectRolesOf(roles: readonly string[]): LocalInfisicalProjectRole[] {
  if (!roles.every(isProjectRole)) throw projectRolesNotFound();
  return roles as LocalInfisicalProjectRole[];
}

/** GET /api/v2/workspace/:projectId/identity-memberships?offset&limit&orderDirection&search: by identity name. */
export const handleListProjectIdentityMemberships: RouteHandler = (request, context) => {
  const caller = authenticateRequest(request, context);
  const projectId = projectIdOf(request);
  const query = IdentityListQuery.read(request);
  assertProjectAccess(context, caller, projectId, { action: 'read', subject: 'identity' }, projectNotFoundForPermission);

  const project = context.store.findProject(projectId);
  if (!project) throw projectNotFoundForPermission(projectId);
  const { matching, page } = query.apply(context.identities.membersOf(projectId));
  const identityMemberships = page.flatMap((identity) => {
    const membership = identity.memberships.get(projectId);
    return membership ? [projectMembershipView(identity, membership, project)] : [];
  });
  return jsonReply(200, { identityMemberships, totalCount: matching.length });
};

/** POST /api/v2/workspace/:projectId/identity-memberships/:identityId {role?} or {roles: [{role}]}; `no-access` when neither. */
export const handleCreateProjectIdentityMembership: RouteHandler = (request, context) => {
  const caller = authenticateRequest(request, context);
  const projectId = projectIdOf(request);
  const identityId = identityIdOf(request);
  const body = RequestFieldsReader.fromBody(request.body);
  const role = body.optionalText('role') ?? 'no-access';
  const roles = readRoles(body, false) ?? [role];
  body.finish();
  if (roles.length === 0) throw permanentRoleRequired();
  assertProjectAccess(context, caller, projectId, { action: 'create', subject: 'identity' }, projectNotFoundForPermission);

  const identity = context.identities.findById(identityId);
  if (!identity) throw identityOutsideOrganization(identityId);
  const granted = projectRolesOf(roles);
  if (identity.memberships.has(projectId)) throw identityAlreadyInProject(identityId, projectId);
  const membership = context.identities.addMembership(identity, projectId, granted);
  return jsonReply(200, { identityMembership: membershipRecordView(identity, membership) });
};

/** PATCH /api/v2/workspace/:projectId/identity-memberships/:identityId {roles: [{role, isTemporary: false}]}: replaces the roles. */
export const handleUpdateProjectIdentityMembership: RouteHandler = (request, context) => {
  const caller = authenticateRequest(request, context);
  const projectId = projectIdOf(request);
  const identityId = identityIdOf(request);
  const body = RequestFieldsReader.fromBody(request.body);
  const roles = readRoles(body, true) ?? [];
  body.finish();
  assertProjectAccess(context, caller, projectId, { action: 'edit', subject: 'identity' }, projectNotFoundForPermission);

  const identity = context.identities.findById(identityId);
  const membership = identity?.memberships.get(projectId);
  if (!identity || !membership) throw identityNotInProject();
  context.identities.setMembershipRoles(membership, projectRolesOf(roles));
  return jsonReply(200, { roles: membershipRolesView(membership) });
};

/** DELETE /api/v2/workspace/:projectId/identity-memberships/:identityId: never the caller's own. */
export const handleDeleteProjectIdentityMembership: RouteHandler = (request, context) => {
  const caller = authenticateRequest(request, context);
  const projectId = projectIdOf(request);
  const identityId = identityIdOf(request);
  assertProjectAccess(context, caller, projectId, { action: 'delete', subject: 'identity' }, projectNotFoundForPermission);

  const identity = context.identities.findById(identityId);
  if (!identity?.memberships.has(projectId)) throw identityNotInProject();
  if (identity === caller) throw ownMembershipUndeletable();
  const membership = context.identities.removeMembership(identity, projectId);
  return jsonReply(200, { identityMembership: membership && membershipRecordView(identity, membership) });
};
