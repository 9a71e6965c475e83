import { createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { LocalInfisicalSeedError } from './local-infisical-seed.error.js';
import { checkWebhook } from './local-infisical.webhooks.js';
import type { LocalInfisicalSeedWebhook } from './local-infisical.webhooks.js';
import { isOrganizationRole, isProjectRole, ORGANIZATION_ROLES, PROJECT_ROLES } from './permission.policy.js';
import type { LocalInfisicalOrganizationRole, LocalInfisicalProjectRole } from './permission.policy.js';

/**
 * Kubernetes Auth. The real server sends the service-account token to the cluster's TokenReview API; this
 * one verifies the JWT itself against `publicKeyPem` (the cluster's service-account signing key, in tests a
 * key the test made): RS256/384/512 or ES256/384/512 signature, `nbf` and `exp` by the server's clock, the
 * subject `system:serviceaccount:<namespace>:<name>` against the allowed lists and `aud` against the
 * allowed audience. An absent or empty list, or no audience, allows anything, as on the real server.
 */
export interface LocalInfisicalKubernetesAuth {
  /** PEM (SPKI) RSA or EC public key that service-account tokens are signed with */
  publicKeyPem: string;
  /** namespaces allowed to log in; exact or a glob (`*`, `**`, `?`) */
  allowedNamespaces?: string[];
  /** service-account names allowed to log in; exact or a glob */
  allowedNames?: string[];
  /** an audience the token must carry in `aud` */
  allowedAudience?: string;
}

/**
 * OIDC Auth. The real server fetches the issuer's discovery document and JWKS from its OIDC discovery URL;
 * this one verifies against the one key given here. `iss` must equal `boundIssuer`.
 */
export interface LocalInfisicalOidcAuth {
  /** PEM (SPKI) RSA or EC public key that stands for the issuer's JWKS */
  publicKeyPem: string;
  boundIssuer: string;
  /** one of them must be in `aud` (a string or an array); exact or a glob; absent or empty = any */
  boundAudiences?: string[];
  /** `sub` must match it; exact or a glob */
  boundSubject?: string;
}

/** JWT Auth (newer servers) in its "static keys" configuration, with one key. */
export interface LocalInfisicalJwtAuth {
  /** PEM (SPKI) RSA or EC public key */
  publicKeyPem: string;
  /** `iss` must equal it when set */
  boundIssuer?: string;
  /** one of them must be in `aud` when set; exact or a glob */
  boundAudiences?: string[];
  /** `sub` must match it when set; exact or a glob */
  boundSubject?: string;
}

/**
 * AWS Auth. The real server forwards the signed STS GetCallerIdentity request to AWS and checks the
 * caller's account id / principal ARN; this one has no AWS secret, so it checks the request's shape (not
 * its signature) and the access key id in its `Authorization` header.
 */
export interface LocalInfisicalAwsAuth {
  /** access key ids that may log in; empty = any, like a real AWS Auth with no allowed ARNs or accounts */
  allowedAccessKeyIds: string[];
}

/**
 * A machine identity. It logs in with Universal Auth when it has `clientId` + `clientSecret`, and with each
 * workload method it has a configuration for; it needs at least one.
 */
export interface LocalInfisicalIdentity {
  /**
   * The identity's id, which workload logins name in `identityId`. Required when the identity has no
   * `clientId`; otherwise a random UUID by default (see `LocalInfisicalServer.identityIdOf(clientId)`).
   */
  identityId?: string;
  /** Universal Auth client id; with `clientSecret` */
  clientId?: string;
  /** Universal Auth client secret; with `clientId` */
  clientSecret?: string;
  /** project ids this identity is a member of, each with `projectRole` */
  projects: string[];
  /** shown in the identity routes; @default the clientId, else the identityId */
  name?: string;
  /**
   * Its role in the organization: `admin` may manage identities, `member` may create projects and read
   * identities, `no-access` neither.
   * @default 'member'
   */
  organizationRole?: LocalInfisicalOrganizationRole;
  /**
   * Its role in each of `projects`: `admin` (everything), `member` (secrets, folders, imports; reads
   * environments and memberships), `viewer` (reads secrets, folders, imports, environments), `no-access`.
   * @default 'admin'
   */
  projectRole?: LocalInfisicalProjectRole;
  /**
   * Seconds the token lives without renewal; fractions are allowed so tests can expire tokens quickly.
   * Shared by every auth method of the identity (the real server configures TTLs per method).
   * @default 2_592_000 (30 days, Infisical's default)
   */
  accessTokenTTL?: number;
  /**
   * Seconds after which the token dies whatever happens (the JWT's own expiry).
   * @default accessTokenTTL
   */
  accessTokenMaxTTL?: number;
  /** `POST /api/v1/auth/kubernetes-auth/login` */
  kubernetesAuth?: LocalInfisicalKubernetesAuth;
  /** `POST /api/v1/auth/oidc-auth/login` */
  oidcAuth?: LocalInfisicalOidcAuth;
  /** `POST /api/v1/auth/jwt-auth/login` */
  jwtAuth?: LocalInfisicalJwtAuth;
  /** `POST /api/v1/auth/aws-auth/login` */
  awsAuth?: LocalInfisicalAwsAuth;
}

/** One folder of one environment. */
export interface LocalInfisicalFolder {
  secrets?: Record<string, string>;
  /** secret imports of this folder, in order */
  imports?: Array<{ environment: string; secretPath: string }>;
}

/** One project: its environments (slug -> folder path -> folder), in position order. */
export interface LocalInfisicalProject {
  /** @default the project id */
  name?: string;
  /** unique in the organization; @default the project id */
  slug?: string;
  /** environment slug -> folder path ('/', '/nested', '/a/b') -> folder; an environment's name is its slug */
  environments: Record<string, Record<string, LocalInfisicalFolder>>;
  /** registered at start as `addWebhook()` would (give them an `id` to name them in tests) */
  webhooks?: LocalInfisicalSeedWebhook[];
}

/** Everything the local server knows at start. */
export interface LocalInfisicalSeed {
  /** the one organization every identity and project belongs to; @default a random UUID */
  organizationId?: string;
  identities: LocalInfisicalIdentity[];
  /** projectId -> project */
  projects: Record<string, LocalInfisicalProject>;
}

/** Default TTL of a Universal Auth token, in seconds (Infisical's own default: 30 days). */
export const DEFAULT_ACCESS_TOKEN_TTL_SECONDS = 2_592_000;

type Problems = string[];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'an array' : `a ${typeof value}`;
}

function checkTtl(value: unknown, at: string, problems: Problems): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    problems.push(`${at} must be a positive number of seconds, got ${JSON.stringify(value)}`);
  }
}

function checkPublicKeyPem(value: unknown, at: string, problems: Problems): void {
  if (typeof value !== 'string' || value.trim().length === 0) {
    problems.push(`${at} must be a PEM public key (RSA or EC)`);
    return;
  }
  try {
    const type = createPublicKey(value).asymmetricKeyType;
    if (type !== 'rsa' && type !== 'ec') problems.push(`${at} must be an RSA or EC key, got ${type}`);
  } catch {
    problems.push(`${at} is not a readable PEM public key`);
  }
}

function checkStringList(value: unknown, at: string, problems: Problems): void {
  if (value === undefined) return;
  if (!Array.isArray(value) || value.some((entry) => typeof entry !== 'string' || entry.length === 0)) {
    problems.push(`${at} must be an array of non-empty strings`);
  }
}

function checkString(value: unknown, at: string, problems: Problems, required: boolean): void {
  if (value === undefined && !required) return;
  if (typeof value !== 'string' || value.length === 0) problems.push(`${at} must be a non-empty string`);
}

function checkRole(value: unknown, at: string, roles: readonly string[], isRole: (value: unknown) => boolean, problems: Problems): void {
  if (value === undefined || isRole(value)) return;
  problems.push(`${at} must be one of ${roles.map((role) => `'${role}'`).join(', ')}, got ${JSON.stringify(value)}`);
}

/** The workload methods' configurations, by seed field; each checks its own fields. */
const WORKLOAD_METHODS: Record<string, (config: Record<string, unknown>, at: string, problems: Problems) => void> = {
  kubernetesAuth: (config, at, problems) => {
    checkPublicKeyPem(config.publicKeyPem, `${at}.publicKeyPem`, problems);
    checkStringList(config.allowedNamespaces, `${at}.allowedNamespaces`, problems);
    checkStringList(config.allowedNames, `${at}.allowedNames`, problems);
    checkString(config.allowedAudience, `${at}.allowedAudience`, problems, false);
  },
  oidcAuth: (config, at, problems) => {
    checkPublicKeyPem(config.publicKeyPem, `${at}.publicKeyPem`, problems);
    checkString(config.boundIssuer, `${at}.boundIssuer`, problems, true);
    checkStringList(config.boundAudiences, `${at}.boundAudiences`, problems);
    checkString(config.boundSubject, `${at}.boundSubject`, problems, false);
  },
  jwtAuth: (config, at, problems) => {
    checkPublicKeyPem(config.publicKeyPem, `${at}.publicKeyPem`, problems);
    checkString(config.boundIssuer, `${at}.boundIssuer`, problems, false);
    checkStringList(config.boundAudiences, `${at}.boundAudiences`, problems);
    checkString(config.boundSubject, `${at}.boundSubject`, problems, false);
  },
  awsAuth: (config, at, problems) => {
    if (config.allowedAccessKeyIds === undefined) problems.push(`${at}.allowedAccessKeyIds must be an array of access key ids`);
    else checkStringList(config.allowedAccessKeyIds, `${at}.allowedAccessKeyIds`, problems);
  },
};

/** Checks the workload methods of one identity; returns how many it has. */
function checkWorkloadMethods(identity: Record<string, unknown>, at: string, problems: Problems): number {
  let count = 0;
  for (const [field, check] of Object.entries(WORKLOAD_METHODS)) {
    const config = identity[field];
    if (config === undefined) continue;
    count += 1;
    if (!isRecord(config)) problems.push(`${at}.${field} must be an object, got ${describe(config)}`);
    else check(config, `${at}.${field}`, problems);
  }
  return count;
}

function checkIdentities(value: unknown, problems: Problems): void {
  if (!Array.isArray(value)) {
    problems.push(`identities must be an array, got ${describe(value)}`);
    return;
  }
  const seen = new Set<string>();
  const seenIds = new Set<string>();
  value.forEach((identity: unknown, index) => {
    const at = `identities[${index}]`;
    if (!isRecord(identity)) {
      problems.push(`${at} must be an object, got ${describe(identity)}`);
      return;
    }
    const workloadMethods = checkWorkloadMethods(identity, at, problems);
    const universalAuth = identity.clientId !== undefined || identity.clientSecret !== undefined;
    if (universalAuth || workloadMethods === 0) {
      // Universal Auth needs both; an identity with no workload method must have it
      for (const field of ['clientId', 'clientSecret'] as const) {
        if (typeof identity[field] !== 'string' || identity[field].length === 0) {
          problems.push(`${at}.${field} must be a non-empty string`);
        }
      }
    }
    if (typeof identity.clientId === 'string') {
      if (seen.has(identity.clientId)) problems.push(`${at}.clientId '${identity.clientId}' is used twice`);
      seen.add(identity.clientId);
    }
    if (identity.identityId !== undefined) {
      if (typeof identity.identityId !== 'string' || identity.identityId.length === 0) {
        problems.push(`${at}.identityId must be a non-empty string`);
      } else {
        if (seenIds.has(identity.identityId)) problems.push(`${at}.identityId '${identity.identityId}' is used twice`);
        seenIds.add(identity.identityId);
      }
    } else if (!universalAuth && workloadMethods > 0) {
      problems.push(`${at}.identityId must be set when the identity has no clientId: workload logins name it`);
    }
    if (!Array.isArray(identity.projects) || identity.projects.some((project) => typeof project !== 'string')) {
      problems.push(`${at}.projects must be an array of project ids`);
    }
    checkString(identity.name, `${at}.name`, problems, false);
    checkRole(identity.organizationRole, `${at}.organizationRole`, ORGANIZATION_ROLES, isOrganizationRole, problems);
    checkRole(identity.projectRole, `${at}.projectRole`, PROJECT_ROLES, isProjectRole, problems);
    checkTtl(identity.accessTokenTTL, `${at}.accessTokenTTL`, problems);
    checkTtl(identity.accessTokenMaxTTL, `${at}.accessTokenMaxTTL`, problems);
    const ttl = typeof identity.accessTokenTTL === 'number' ? identity.accessTokenTTL : DEFAULT_ACCESS_TOKEN_TTL_SECONDS;
    if (typeof identity.accessTokenMaxTTL === 'number' && identity.accessTokenMaxTTL < ttl) {
      // Infisical refuses this combination too: a token could never live its TTL.
      problems.push(`${at}.accessTokenMaxTTL (${identity.accessTokenMaxTTL}) must not be below accessTokenTTL (${ttl})`);
    }
  });
}

function checkFolder(folder: unknown, at: string, problems: Problems): void {
  if (!isRecord(folder)) {
    problems.push(`${at} must be an object, got ${describe(folder)}`);
    return;
  }
  if (folder.secrets !== undefined) {
    if (!isRecord(folder.secrets)) {
      problems.push(`${at}.secrets must be an object of name -> value, got ${describe(folder.secrets)}`);
    } else {
      for (const [key, value] of Object.entries(folder.secrets)) {
        if (typeof value !== 'string') problems.push(`${at}.secrets.${key} must be a string, got ${describe(value)}`);
      }
    }
  }
  if (folder.imports !== undefined) {
    if (!Array.isArray(folder.imports)) {
      problems.push(`${at}.imports must be an array, got ${describe(folder.imports)}`);
      return;
    }
    folder.imports.forEach((entry: unknown, index) => {
      const valid =
        isRecord(entry) &&
        typeof entry.environment === 'string' &&
        typeof entry.secretPath === 'string' &&
        entry.secretPath.startsWith('/');
      if (!valid) problems.push(`${at}.imports[${index}] must be { environment: string, secretPath: '/…' }`);
    });
  }
}

function checkProjects(value: unknown, problems: Problems): void {
  if (!isRecord(value)) {
    problems.push(`projects must be an object keyed by project id, got ${describe(value)}`);
    return;
  }
  const webhookIds = new Set<string>();
  /** slug -> the project that has it (an unset slug is the project id) */
  const slugs = new Map<string, string>();
  for (const [projectId, project] of Object.entries(value)) {
    const at = `projects.${projectId}`;
    if (isRecord(project)) {
      checkString(project.name, `${at}.name`, problems, false);
      checkString(project.slug, `${at}.slug`, problems, false);
      const slug = typeof project.slug === 'string' && project.slug.length > 0 ? project.slug : projectId;
      const holder = slugs.get(slug);
      if (holder !== undefined) problems.push(`${at}.slug '${slug}' is already the slug of projects.${holder} (slugs are unique in the organization)`);
      else slugs.set(slug, projectId);
    }
    if (!isRecord(project) || !isRecord(project.environments)) {
      problems.push(`${at}.environments must be an object keyed by environment slug`);
      continue;
    }
    for (const [environment, folders] of Object.entries(project.environments)) {
      const envAt = `${at}.environments.${environment}`;
      if (!isRecord(folders)) {
        problems.push(`${envAt} must be an object keyed by folder path, got ${describe(folders)}`);
        continue;
      }
      for (const [path, folder] of Object.entries(folders)) {
        if (!path.startsWith('/')) problems.push(`${envAt} folder path '${path}' must start with '/'`);
        checkFolder(folder, `${envAt}['${path}']`, problems);
      }
    }
    checkWebhooks(project.webhooks, `${at}.webhooks`, problems, webhookIds);
  }
}

function checkWebhooks(value: unknown, at: string, problems: Problems, seenIds: Set<string>): void {
  if (value === undefined) return;
  if (!Array.isArray(value)) {
    problems.push(`${at} must be an array, got ${describe(value)}`);
    return;
  }
  value.forEach((webhook: unknown, index) => {
    checkWebhook(webhook, `${at}[${index}]`, problems);
    const id = isRecord(webhook) ? webhook.id : undefined;
    if (typeof id !== 'string' || id.length === 0) return;
    if (seenIds.has(id)) problems.push(`${at}[${index}].id '${id}' is used twice`);
    seenIds.add(id);
  });
}

/**
 * Checks a seed and returns it typed; throws LocalInfisicalSeedError listing every problem.
 * @internal used by the server and by loadLocalInfisicalSeed
 */
export function validateLocalInfisicalSeed(value: unknown, source: string): LocalInfisicalSeed {
  const problems: Problems = [];
  if (!isRecord(value)) {
    problems.push(`the seed must be an object with 'identities' and 'projects', got ${describe(value)}`);
  } else {
    checkString(value.organizationId, 'organizationId', problems, false);
    checkIdentities(value.identities, problems);
    checkProjects(value.projects, problems);
  }
  if (problems.length > 0) throw new LocalInfisicalSeedError(source, problems);
  return value as unknown as LocalInfisicalSeed;
}

/** Reads a JSON seed file and validates it; the error names the file and every problem. */
export function loadLocalInfisicalSeed(filePath: string): LocalInfisicalSeed {
  let text: string;
  try {
    text = readFileSync(filePath, 'utf8');
  } catch (error) {
    throw new LocalInfisicalSeedError(filePath, [`cannot read the file: ${(error as Error).message}`], { cause: error });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    // V8 quotes a slice of the input in its message, which may hold a secret value: keep only the position.
    const position = /position (\d+)/.exec((error as Error).message)?.[1];
    throw new LocalInfisicalSeedError(filePath, [`not valid JSON${position ? ` (at position ${position})` : ''}`]);
  }
  return validateLocalInfisicalSeed(parsed, filePath);
}
