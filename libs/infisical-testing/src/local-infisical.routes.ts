import { handleLogin, handleRenew } from './auth.handlers.js';
import { handleCreateEnvironment, handleDeleteEnvironment, handleUpdateEnvironment } from './environment.handlers.js';
import { handleCreateFolder, handleDeleteFolder, handleListFolders } from './folder.handlers.js';
import { handleCreateIdentity, handleDeleteIdentity, handleListOrgIdentities, handleUpdateIdentity } from './identity.handlers.js';
import { handleCreateProject, handleGetProject, handleListProjects } from './project.handlers.js';
import {
  handleCreateProjectIdentityMembership,
  handleDeleteProjectIdentityMembership,
  handleListProjectIdentityMemberships,
  handleUpdateProjectIdentityMembership,
} from './project-membership.handlers.js';
import type { RouteHandler } from './route-handler.types.js';
import { handleCreateSecretsBatch, handleUpdateSecretsBatch } from './secret-batch.handlers.js';
import { handleCreateSecret, handleDeleteSecret, handleGetSecret, handleUpdateSecret } from './secret-crud.handlers.js';
import { handleCreateSecretImport, handleDeleteSecretImport, handleListSecretImports } from './secret-import.handlers.js';
import { handleListSecrets } from './secret-list.handler.js';
import { handleStatus } from './status.handler.js';
import {
  handleAttachUniversalAuth,
  handleCreateClientSecret,
  handleRevokeClientSecret,
  handleGetUniversalAuth,
  handleUpdateUniversalAuth,
} from './universal-auth-config.handlers.js';
import { handleAwsLogin, handleJwtLogin, handleKubernetesLogin, handleOidcLogin } from './workload-auth.handlers.js';

/**
 * The routes the server answers, by the names tests count requests and inject faults with. `login` is
 * Universal Auth; `kubernetesLogin`, `oidcLogin`, `jwtLogin` and `awsLogin` are the machine-identity logins
 * beside it. The rest after `status` are the management routes (projects, environments, folders, secret
 * imports, identities, their Universal Auth and their project memberships).
 */
export type LocalInfisicalRoute =
  | 'login'
  | 'kubernetesLogin'
  | 'oidcLogin'
  | 'jwtLogin'
  | 'awsLogin'
  | 'renew'
  | 'listSecrets'
  | 'getSecret'
  | 'createSecret'
  | 'updateSecret'
  | 'deleteSecret'
  | 'createSecretsBatch'
  | 'updateSecretsBatch'
  | 'status'
  | 'listProjects'
  | 'getProject'
  | 'createProject'
  | 'createEnvironment'
  | 'updateEnvironment'
  | 'deleteEnvironment'
  | 'listFolders'
  | 'createFolder'
  | 'deleteFolder'
  | 'listSecretImports'
  | 'createSecretImport'
  | 'deleteSecretImport'
  | 'listOrgIdentities'
  | 'createIdentity'
  | 'updateIdentity'
  | 'deleteIdentity'
  | 'getUniversalAuth'
  | 'attachUniversalAuth'
  | 'updateUniversalAuth'
  | 'createClientSecret'
  | 'revokeClientSecret'
  | 'listProjectIdentityMemberships'
  | 'createProjectIdentityMembership'
  | 'updateProjectIdentityMembership'
  | 'deleteProjectIdentityMembership';

export interface RouteMatch {
  route: LocalInfisicalRoute;
  /** still URL-encoded path parameters; decoding can fail and is the pipeline's job */
  rawParams: Record<string, string>;
}

/** Method, path pattern (`:name` is one segment), route name. */
const ROUTE_TABLE: ReadonlyArray<readonly [string, string, LocalInfisicalRoute]> = [
  ['POST', '/api/v1/auth/universal-auth/login', 'login'],
  ['POST', '/api/v1/auth/kubernetes-auth/login', 'kubernetesLogin'],
  ['POST', '/api/v1/auth/oidc-auth/login', 'oidcLogin'],
  ['POST', '/api/v1/auth/jwt-auth/login', 'jwtLogin'],
  ['POST', '/api/v1/auth/aws-auth/login', 'awsLogin'],
  ['POST', '/api/v1/auth/token/renew', 'renew'],
  ['GET', '/api/v3/secrets/raw', 'listSecrets'],
  ['GET', '/api/v3/secrets/raw/:secretName', 'getSecret'],
  ['POST', '/api/v3/secrets/raw/:secretName', 'createSecret'],
  ['PATCH', '/api/v3/secrets/raw/:secretName', 'updateSecret'],
  ['DELETE', '/api/v3/secrets/raw/:secretName', 'deleteSecret'],
  ['POST', '/api/v3/secrets/batch/raw', 'createSecretsBatch'],
  ['PATCH', '/api/v3/secrets/batch/raw', 'updateSecretsBatch'],
  ['GET', '/api/status', 'status'],
  ['GET', '/api/v1/workspace', 'listProjects'],
  ['GET', '/api/v1/workspace/:projectId', 'getProject'],
  ['POST', '/api/v2/workspace', 'createProject'],
  ['POST', '/api/v1/workspace/:projectId/environments', 'createEnvironment'],
  ['PATCH', '/api/v1/workspace/:projectId/environments/:environmentId', 'updateEnvironment'],
  ['DELETE', '/api/v1/workspace/:projectId/environments/:environmentId', 'deleteEnvironment'],
  ['GET', '/api/v1/folders', 'listFolders'],
  ['POST', '/api/v1/folders', 'createFolder'],
  ['DELETE', '/api/v1/folders/:folderIdOrName', 'deleteFolder'],
  ['GET', '/api/v1/secret-imports', 'listSecretImports'],
  ['POST', '/api/v1/secret-imports', 'createSecretImport'],
  ['DELETE', '/api/v1/secret-imports/:secretImportId', 'deleteSecretImport'],
  ['GET', '/api/v2/organizations/:organizationId/identity-memberships', 'listOrgIdentities'],
  ['POST', '/api/v1/identities', 'createIdentity'],
  ['PATCH', '/api/v1/identities/:identityId', 'updateIdentity'],
  ['DELETE', '/api/v1/identities/:identityId', 'deleteIdentity'],
  ['GET', '/api/v1/auth/universal-auth/identities/:identityId', 'getUniversalAuth'],
  ['POST', '/api/v1/auth/universal-auth/identities/:identityId', 'attachUniversalAuth'],
  ['PATCH', '/api/v1/auth/universal-auth/identities/:identityId', 'updateUniversalAuth'],
  ['POST', '/api/v1/auth/universal-auth/identities/:identityId/client-secrets', 'createClientSecret'],
  ['POST', '/api/v1/auth/universal-auth/identities/:identityId/client-secrets/:clientSecretId/revoke', 'revokeClientSecret'],
  ['GET', '/api/v2/workspace/:projectId/identity-memberships', 'listProjectIdentityMemberships'],
  ['POST', '/api/v2/workspace/:projectId/identity-memberships/:identityId', 'createProjectIdentityMembership'],
  ['PATCH', '/api/v2/workspace/:projectId/identity-memberships/:identityId', 'updateProjectIdentityMembership'],
  ['DELETE', '/api/v2/workspace/:projectId/identity-memberships/:identityId', 'deleteProjectIdentityMembership'],
];

interface CompiledRoute {
  method: string;
  pattern: RegExp;
  names: string[];
  route: LocalInfisicalRoute;
}

const COMPILED: readonly CompiledRoute[] = ROUTE_TABLE.map(([method, path, route]) => {
  const names: string[] = [];
  const source = path
    .split('/')
    .map((segment) => {
      if (!segment.startsWith(':')) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      names.push(segment.slice(1));
      return '([^/]+)';
    })
    .join('/');
  return { method, pattern: new RegExp(`^${source}$`), names, route };
});

/** Method + path to route; undefined is Fastify's 404. */
export function matchRoute(method: string, pathname: string): RouteMatch | undefined {
  for (const candidate of COMPILED) {
    if (candidate.method !== method) continue;
    const found = candidate.pattern.exec(pathname);
    if (!found) continue;
    const rawParams = Object.fromEntries(candidate.names.map((name, index) => [name, found[index + 1] as string]));
    return { route: candidate.route, rawParams };
  }
  return undefined;
}

export const ROUTE_HANDLERS: Record<LocalInfisicalRoute, RouteHandler> = {
  login: handleLogin,
  kubernetesLogin: handleKubernetesLogin,
  oidcLogin: handleOidcLogin,
  jwtLogin: handleJwtLogin,
  awsLogin: handleAwsLogin,
  renew: handleRenew,
  listSecrets: handleListSecrets,
  getSecret: handleGetSecret,
  createSecret: handleCreateSecret,
  updateSecret: handleUpdateSecret,
  deleteSecret: handleDeleteSecret,
  createSecretsBatch: handleCreateSecretsBatch,
  updateSecretsBatch: handleUpdateSecretsBatch,
  status: handleStatus,
  listProjects: handleListProjects,
  getProject: handleGetProject,
  createProject: handleCreateProject,
  createEnvironment: handleCreateEnvironment,
  updateEnvironment: handleUpdateEnvironment,
  deleteEnvironment: handleDeleteEnvironment,
  listFolders: handleListFolders,
  createFolder: handleCreateFolder,
  deleteFolder: handleDeleteFolder,
  listSecretImports: handleListSecretImports,
  createSecretImport: handleCreateSecretImport,
  deleteSecretImport: handleDeleteSecretImport,
  listOrgIdentities: handleListOrgIdentities,
  createIdentity: handleCreateIdentity,
  updateIdentity: handleUpdateIdentity,
  deleteIdentity: handleDeleteIdentity,
  getUniversalAuth: handleGetUniversalAuth,
  attachUniversalAuth: handleAttachUniversalAuth,
  updateUniversalAuth: handleUpdateUniversalAuth,
  createClientSecret: handleCreateClientSecret,
  revokeClientSecret: handleRevokeClientSecret,
  listProjectIdentityMemberships: handleListProjectIdentityMemberships,
  createProjectIdentityMembership: handleCreateProjectIdentityMembership,
  updateProjectIdentityMembership: handleUpdateProjectIdentityMembership,
  deleteProjectIdentityMembership: handleDeleteProjectIdentityMembership,
};
