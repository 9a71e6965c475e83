import { authMethodsOf } from './identity-registry.js';
import type { ClientSecretRecord, ProjectMembership, RegisteredIdentity, UniversalAuthConfig } from './identity-registry.js';
import type { LoginLockoutSettings } from './login-lockout.js';
import type { SecretStore, StoredEnvironment, StoredFolder, StoredImport, StoredProject } from './secret-store.js';

/*
 * The management routes' reply bodies, field by field as upstream's response schemas let them through
 * (Fastify's Zod serializer drops every field a schema does not name). Fields upstream has and this server
 * does not model carry upstream's defaults for a fresh object.
 */

/** A project as the `/api/v1/workspace` and `/api/v2/workspace` routes answer it; environments by position, `{id, name, slug}` only. */
export function projectView(project: StoredProject, organizationId: string, store: SecretStore) {
  return {
    id: project.id,
    _id: project.id,
    name: project.name,
    description: project.description,
    type: 'secret-manager',
    defaultProduct: 'secret-manager',
    slug: project.slug,
    autoCapitalization: false,
    orgId: organizationId,
    createdAt: project.createdAt,
    updatedAt: project.updatedAt,
    version: 3,
    upgradeStatus: null,
    pitVersionLimit: 10,
    kmsCertificateKeyId: null,
    auditLogsRetentionDays: null,
    hasDeleteProtection: false,
    secretSharing: true,
    showSnapshotsLegacy: false,
    secretDetectionIgnoreValues: [],
    environments: store.listEnvironments(project.id).map(({ id, name, slug }) => ({ id, name, slug })),
  };
}

export function environmentView(environment: StoredEnvironment, projectId: string) {
  const { id, name, slug, position, createdAt, updatedAt } = environment;
  return { id, name, slug, position, projectId, createdAt, updatedAt };
}

/** A folder as the folder routes answer it (`SecretFoldersSchema`); the root folder is named `root`. */
export function folderView(folder: StoredFolder, store: SecretStore) {
  return {
    id: folder.id,
    name: folder.path === '/' ? 'root' : (folder.path.split('/').at(-1) as string),
    version: 1,
    createdAt: folder.createdAt,
    updatedAt: folder.updatedAt,
    envId: store.findEnvironment(folder.projectId, folder.environment)?.id ?? null,
    parentId: store.findParentFolder(folder)?.id ?? null,
    isReserved: false,
    description: null,
    lastSecretModified: folder.lastSecretModified,
  };
}

/** An import with its source environment; undefined when that environment does not exist (a seed may name one). */
export function secretImportView(entry: StoredImport, folder: StoredFolder, store: SecretStore) {
  const source = store.findEnvironment(folder.projectId, entry.environment);
  if (!source) return undefined;
  return {
    id: entry.id,
    version: 1,
    importPath: entry.secretPath,
    importEnv: { id: source.id, name: source.name, slug: source.slug },
    position: folder.imports.indexOf(entry) + 1,
    createdAt: entry.createdAt,
    updatedAt: entry.updatedAt,
    folderId: folder.id,
    isReplication: false,
  };
}

/** `IdentitiesSchema`: what the identity create, update and delete routes answer (create adds `authMethods`). */
export function identityView(identity: RegisteredIdentity, organizationId: string) {
  return {
    id: identity.identityId,
    name: identity.name,
    authMethod: null,
    createdAt: identity.createdAt,
    updatedAt: identity.updatedAt,
    hasDeleteProtection: false,
    orgId: organizationId,
    projectId: null,
  };
}

/** One entry of the organization's identity list. */
export function organizationMembershipView(identity: RegisteredIdentity, organizationId: string) {
  return {
    id: identity.organizationMembershipId,
    role: identity.organizationRole,
    roleId: null,
    orgId: organizationId,
    identityId: identity.identityId,
    createdAt: identity.createdAt,
    updatedAt: identity.updatedAt,
    lastLoginAuthMethod: null,
    lastLoginTime: null,
    identity: { id: identity.identityId, name: identity.name, orgId: organizationId, authMethods: authMethodsOf(identity) },
  };
}

/** `IdentityUniversalAuthsSchema`; the lockout fields are the server's `loginLockout`, which applies to every identity here. */
export function universalAuthView(identity: RegisteredIdentity, config: UniversalAuthConfig, lockout: LoginLockoutSettings) {
  return {
    id: config.id,
    clientId: config.clientId,
    accessTokenTTL: config.accessTokenTTL,
    accessTokenMaxTTL: config.accessTokenMaxTTL,
    accessTokenNumUsesLimit: config.accessTokenNumUsesLimit,
    clientSecretTrustedIps: config.clientSecretTrustedIps,
    accessTokenTrustedIps: config.accessTokenTrustedIps,
    createdAt: config.createdAt,
    updatedAt: config.updatedAt,
    identityId: identity.identityId,
    accessTokenPeriod: 0,
    lockoutEnabled: lockout.enabled,
    lockoutThreshold: lockout.attempts,
    lockoutDurationSeconds: lockout.lockSeconds,
    lockoutCounterResetSeconds: lockout.windowSeconds,
  };
}

/** A client secret's data, never its value. */
export function clientSecretView(record: ClientSecretRecord, config: UniversalAuthConfig) {
  return {
    id: record.id,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    description: record.description,
    clientSecretPrefix: record.prefix,
    clientSecretNumUses: record.numUses,
    clientSecretNumUsesLimit: record.numUsesLimit,
    clientSecretTTL: record.ttlSeconds,
    identityUAId: config.id,
    isClientSecretRevoked: record.revoked,
  };
}

/** `IdentityProjectMembershipsSchema`: what creating and deleting a membership answer. */
export function membershipRecordView(identity: RegisteredIdentity, membership: ProjectMembership) {
  const { id, projectId, createdAt, updatedAt } = membership;
  return { id, projectId, identityId: identity.identityId, createdAt, updatedAt };
}

/** One entry of a project's identity list. */
export function projectMembershipView(identity: RegisteredIdentity, membership: ProjectMembership, project: StoredProject) {
  return {
    id: membership.id,
    identityId: identity.identityId,
    createdAt: membership.createdAt,
    updatedAt: membership.updatedAt,
    roles: membership.roles.map((row) => ({
      id: row.id,
      role: row.role,
      customRoleId: null,
      customRoleName: null,
      customRoleSlug: null,
      isTemporary: false,
      temporaryMode: null,
      temporaryRange: null,
      temporaryAccessStartTime: null,
      temporaryAccessEndTime: null,
    })),
    identity: { id: identity.identityId, name: identity.name, authMethods: authMethodsOf(identity) },
    project: { id: project.id, name: project.name },
  };
}

/** The role rows the membership update answers (`ProjectUserMembershipRolesSchema`). */
export function membershipRolesView(membership: ProjectMembership) {
  return membership.roles.map((row) => ({
    id: row.id,
    role: row.role,
    projectMembershipId: membership.id,
    customRoleId: null,
    isTemporary: false,
    temporaryMode: null,
    temporaryRange: null,
    temporaryAccessStartTime: null,
    temporaryAccessEndTime: null,
    createdAt: membership.updatedAt,
    updatedAt: membership.updatedAt,
  }));
}
