import { organizationMismatch, permissionDenied } from './infisical-error.replies.js';
import type { RegisteredIdentity } from './identity-registry.js';
import { organizationRoleAllows } from './permission.policy.js';
import type { OrganizationSubject, PermissionAction } from './permission.policy.js';
import type { HandlerContext } from './route-handler.types.js';

/**
 * Upstream's organization permission: a route naming another organization is refused first (403
 * ForbiddenError), then the identity's organization role must allow the action (403 PermissionDenied).
 */
export function assertOrganizationPermission(
  context: HandlerContext,
  identity: RegisteredIdentity,
  action: PermissionAction,
  subject: OrganizationSubject,
  organizationId: string = context.organizationId,
): void {
  if (organizationId !== context.organizationId) throw organizationMismatch(context.organizationId);
  if (!organizationRoleAllows(identity.organizationRole, action, subject)) throw permissionDenied(action, subject);
}
