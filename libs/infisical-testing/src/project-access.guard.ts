import { notProjectMember, permissionDenied, projectNotFound } from './infisical-error.replies.js';
import type { InfisicalReplyError } from './infisical-error.replies.js';
import type { ProjectMembership, RegisteredIdentity } from './identity-registry.js';
import { projectRolesAllow } from './permission.policy.js';
import type { PermissionAction, ProjectSubject } from './permission.policy.js';
import type { HandlerContext } from './route-handler.types.js';

/** What a route needs in the project: an action on a subject, or membership alone (`undefined`). */
export interface ProjectPermission {
  action: PermissionAction;
  subject: ProjectSubject;
}

/**
 * Upstream's order: the project must exist (404, worded by the route: the secret routes say "bot lookup",
 * the management routes the permission service's words), the identity must be a member of it (403, any
 * role), then one of its roles must allow `need` (403 PermissionDenied).
 */
export function assertProjectAccess(
  context: HandlerContext,
  identity: RegisteredIdentity,
  projectId: string,
  need: ProjectPermission | undefined,
  unknownProject: (projectId: string) => InfisicalReplyError = projectNotFound,
): ProjectMembership {
  if (!context.store.hasProject(projectId)) throw unknownProject(projectId);
  const membership = identity.memberships.get(projectId);
  if (!membership) throw notProjectMember(projectId);
  const roles = membership.roles.map((row) => row.role);
  if (need && !projectRolesAllow(roles, need.action, need.subject)) throw permissionDenied(need.action, need.subject);
  return membership;
}
