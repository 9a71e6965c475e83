/**
 * A small model of upstream Infisical's default roles: which action on which subject each built-in role
 * allows. Subjects and actions are spelled as upstream's CASL rules spell them, because a refusal names
 * them (`You are not allowed to create on identity`). Conditions (environment, secret path) and custom
 * roles are not modelled.
 */

export type PermissionAction = 'read' | 'create' | 'edit' | 'delete';

/** Organization-level subjects the local server checks. */
export type OrganizationSubject = 'workspace' | 'identity';

/** Project-level subjects the local server checks. */
export type ProjectSubject = 'environments' | 'secret-folders' | 'secret-imports' | 'identity' | 'secrets';

export const ORGANIZATION_ROLES = ['admin', 'member', 'no-access'] as const;
export type LocalInfisicalOrganizationRole = (typeof ORGANIZATION_ROLES)[number];

export const PROJECT_ROLES = ['admin', 'member', 'viewer', 'no-access'] as const;
export type LocalInfisicalProjectRole = (typeof PROJECT_ROLES)[number];

const ALL: readonly PermissionAction[] = ['read', 'create', 'edit', 'delete'];

const ORGANIZATION_GRANTS: Record<LocalInfisicalOrganizationRole, Partial<Record<OrganizationSubject, readonly PermissionAction[]>>> = {
  admin: { workspace: ALL, identity: ALL },
  member: { workspace: ['create'], identity: ['read'] },
  'no-access': {},
};

const PROJECT_GRANTS: Record<LocalInfisicalProjectRole, Partial<Record<ProjectSubject, readonly PermissionAction[]>>> = {
  admin: { environments: ALL, 'secret-folders': ALL, 'secret-imports': ALL, identity: ALL, secrets: ALL },
  member: { secrets: ALL, 'secret-folders': ALL, 'secret-imports': ALL, environments: ['read'], identity: ['read'] },
  viewer: { secrets: ['read'], 'secret-folders': ['read'], 'secret-imports': ['read'], environments: ['read'] },
  'no-access': {},
};

export const isOrganizationRole = (value: unknown): value is LocalInfisicalOrganizationRole =>
  (ORGANIZATION_ROLES as readonly unknown[]).includes(value);

export const isProjectRole = (value: unknown): value is LocalInfisicalProjectRole => (PROJECT_ROLES as readonly unknown[]).includes(value);

export function organizationRoleAllows(role: LocalInfisicalOrganizationRole, action: PermissionAction, subject: OrganizationSubject): boolean {
  return ORGANIZATION_GRANTS[role][subject]?.includes(action) ?? false;
}

/** Several roles in one project add up, as upstream's rules of all a membership's roles do. */
export function projectRolesAllow(roles: readonly LocalInfisicalProjectRole[], action: PermissionAction, subject: ProjectSubject): boolean {
  return roles.some((role) => PROJECT_GRANTS[role][subject]?.includes(action) ?? false);
}
