import { setTimeout as sleep } from 'node:timers/promises';
import { DEFAULTS } from '../../../../libs/infisical-config/src/infisical-config.constants.js';
import { InfisicalHttpClient, isObject, type InfisicalRequest } from '../../../../libs/infisical-config/src/source/infisical-http.client.js';
import { InfisicalHttpError } from '../../../../libs/infisical-config/src/source/infisical-http.error.js';
import { describeFailure } from '../../../../libs/infisical-config/src/source/infisical-failure.util.js';
import type { InfisicalSource } from '../../../../libs/infisical-config/src/source/infisical.source.js';
import { CliError, EXIT } from '../exit-codes.js';
import { childPath } from './folder-path.util.js';
import type { FolderRef } from './provision-layout.js';
import { ORGANIZATION_MISMATCH, ORGANIZATION_REMEDY, PROJECT_CREATION_REFUSED, PROJECT_REMEDY } from './provision.messages.js';

/** The permission a call needs, as Infisical's roles name it: named in the error when the server refuses. */
export interface Permission {
  readonly scope: 'organization' | 'project';
  readonly action: 'read' | 'create' | 'edit' | 'delete';
  readonly subject: string;
}

export interface RemoteProject {
  readonly id: string;
  readonly name: string;
  readonly slug: string;
  readonly environments: ReadonlyArray<{ readonly id: string; readonly slug: string; readonly name: string }>;
}

export interface RemoteImport {
  readonly id: string;
  readonly from: FolderRef;
}

export interface RemoteIdentity {
  readonly id: string;
  readonly name: string;
  readonly organizationRole: string;
}

export interface RemoteUniversalAuth {
  readonly clientId: string;
  readonly accessTokenTTL: number;
  readonly accessTokenMaxTTL: number;
}

export interface RemoteMembership {
  readonly identityId: string;
  readonly identityName: string;
  readonly roles: readonly string[];
}

/** Refused for lack of a permission: the step says which, and where to grant it. */
export class PermissionRefusedError extends CliError {
  /** what is missing, in Infisical's terms */
  readonly missing: string;
  /** how to grant it */
  readonly remedy: string;

  constructor(
    readonly what: string,
    readonly permission: Permission,
    readonly serverMessage: string,
    where: string,
  ) {
    const missing = `${permission.scope} permission "${permission.action}" on "${permission.subject}"`;
    const remedy = permission.scope === 'organization' ? ORGANIZATION_REMEDY : PROJECT_REMEDY(where);
    super(`Infisical refused to ${what}: missing ${missing} (server: ${serverMessage}). ${remedy}`, EXIT.infisical);
    this.missing = missing;
    this.remedy = remedy;
  }
}

/** Any other failure of a management call: its status (when Infisical answered) lets callers tell "absent" apart. */
export class AdminCallError extends CliError {
  constructor(
    message: string,
    readonly status: number | undefined,
  ) {
    super(message, EXIT.infisical);
  }
}

interface CallOptions {
  /** What this route's refusal means, when it means more than its status says; undefined: the usual handling. */
  readonly onRefused?: (error: InfisicalHttpError) => CliError | undefined;
  /** Wait out a 429 even after a stop signal: for the clean-up a stop must not skip. */
  readonly ignoreStop?: boolean;
}

const MAX_RATE_LIMIT_WAITS = 5;
const MAX_RATE_LIMIT_WAIT_MS = 60_000;
const PAGE_SIZE = 100;

const asString = (value: unknown): string => (typeof value === 'string' ? value : '');
const asNumber = (value: unknown): number => (typeof value === 'number' ? value : Number(value));

/**
 * Infisical's management routes (projects, environments, folders, imports, identities, Universal Auth,
 * project memberships) through the module's own HTTP client, with the token of one login. The paths are
 * the `/api/v1/workspace` and `/api/v2/workspace` families, which older and newer servers both answer.
 * A 429 is waited out (its `retry-after`); any other failure ends the command with what was being done,
 * the server's reason and, for a refusal, the permission that is missing. Never a secret in a message.
 */
export class InfisicalAdminClient {
  private readonly shutdown = new AbortController();
  private waitStop: AbortSignal | undefined;
  private readonly http: InfisicalHttpClient;

  constructor(
    siteUrl: string,
    caCertificates: readonly string[],
    private readonly source: InfisicalSource,
    private readonly onWait: (seconds: number) => void = () => undefined,
  ) {
    this.http = new InfisicalHttpClient({ siteUrl, requestTimeoutMs: DEFAULTS.requestTimeoutMs, shutdown: this.shutdown.signal, extraCaCertificates: caCertificates });
  }

  close(): void {
    this.shutdown.abort();
  }

  /**
   * From now on `stop` also cuts a rate-limit wait short (the call then fails as interrupted). Only the
   * waits: a request on the wire is left to finish, so a client secret issued is never lost to a signal.
   */
  stopWaitingOn(stop: AbortSignal): void {
    this.waitStop = stop;
  }

  async listProjects(): Promise<RemoteProject[]> {
    const body = await this.call('list the projects', { scope: 'organization', action: 'read', subject: 'workspace' }, 'organization', { method: 'GET', path: '/api/v1/workspace' });
    // Newer servers list KMS, certificate and SSH projects here too: provision makes secret-manager ones.
    return this.list(body, 'workspaces')
      .filter((raw) => raw.type === undefined || raw.type === 'secret-manager')
      .map(toProject);
  }

  /**
   * With the layout's slug, so a project of that slug this identity cannot see (it is not a member) is
   * refused rather than created twice: Infisical allows two projects of one name, never of one slug.
   */
  async createProject(name: string, slug: string): Promise<RemoteProject> {
    const what = `create project ${name}`;
    const permission: Permission = { scope: 'organization', action: 'create', subject: 'workspace' };
    const body = await this.call(
      what,
      permission,
      'organization',
      // The layout declares every environment; newer servers skip dev/staging/prod with this flag.
      { method: 'POST', path: '/api/v2/workspace', body: { projectName: name, slug, shouldCreateDefaultEnvs: false } },
      {
        onRefused: (error) => {
          // Newer servers refuse project creation outside CASL, as a ForbiddenError.
          if (error.status === 403 && error.errorName === 'ForbiddenError') return new PermissionRefusedError(what, permission, error.serverMessage, 'organization');
          if (error.status === 400) return new CliError(PROJECT_CREATION_REFUSED(name, slug, error.serverMessage), EXIT.infisical);
          return undefined;
        },
      },
    );
    return toProject(this.field(body, 'project'));
  }

  async createEnvironment(project: RemoteProject, slug: string, name: string): Promise<void> {
    await this.call(`create environment ${slug} in ${project.name}`, { scope: 'project', action: 'create', subject: 'environments' }, project.name, {
      method: 'POST',
      path: `/api/v1/workspace/${encodeURIComponent(project.id)}/environments`,
      body: { name, slug },
    });
  }

  async renameEnvironment(project: RemoteProject, environmentId: string, slug: string, name: string): Promise<void> {
    await this.call(`rename environment ${slug} of ${project.name}`, { scope: 'project', action: 'edit', subject: 'environments' }, project.name, {
      method: 'PATCH',
      path: `/api/v1/workspace/${encodeURIComponent(project.id)}/environments/${encodeURIComponent(environmentId)}`,
      body: { name },
    });
  }

  async deleteEnvironment(project: RemoteProject, environmentId: string, slug: string): Promise<void> {
    await this.call(`delete environment ${slug} of ${project.name}`, { scope: 'project', action: 'delete', subject: 'environments' }, project.name, {
      method: 'DELETE',
      path: `/api/v1/workspace/${encodeURIComponent(project.id)}/environments/${encodeURIComponent(environmentId)}`,
    });
  }

  /** The direct sub-folders of `at`, by name. */
  async listFolders(project: RemoteProject, at: FolderRef): Promise<string[]> {
    const body = await this.call(`list the folders of ${project.name} ${at.environment}:${at.path}`, { scope: 'project', action: 'read', subject: 'secret-folders' }, project.name, {
      method: 'GET',
      path: '/api/v1/folders',
      query: { workspaceId: project.id, environment: at.environment, path: at.path },
    });
    return this.list(body, 'folders').map((folder) => asString(folder.name));
  }

  async createFolder(project: RemoteProject, parent: FolderRef, name: string): Promise<void> {
    await this.call(`create folder ${parent.environment}:${childPath(parent.path, name)} in ${project.name}`, { scope: 'project', action: 'create', subject: 'secret-folders' }, project.name, {
      method: 'POST',
      path: '/api/v1/folders',
      body: { workspaceId: project.id, environment: parent.environment, path: parent.path, name },
    });
  }

  async deleteFolder(project: RemoteProject, parent: FolderRef, name: string): Promise<void> {
    await this.call(`delete folder ${parent.environment}:${childPath(parent.path, name)} of ${project.name}`, { scope: 'project', action: 'delete', subject: 'secret-folders' }, project.name, {
      method: 'DELETE',
      path: `/api/v1/folders/${encodeURIComponent(name)}`,
      body: { workspaceId: project.id, environment: parent.environment, path: parent.path },
    });
  }

  async listImports(project: RemoteProject, into: FolderRef): Promise<RemoteImport[]> {
    const body = await this.call(`list the imports of ${project.name} ${into.environment}:${into.path}`, { scope: 'project', action: 'read', subject: 'secret-imports' }, project.name, {
      method: 'GET',
      path: '/api/v1/secret-imports',
      query: { workspaceId: project.id, environment: into.environment, path: into.path },
    });
    return this.list(body, 'secretImports').map((entry) => ({
      id: asString(entry.id),
      from: { environment: asString(isObject(entry.importEnv) ? entry.importEnv.slug : undefined), path: asString(entry.importPath) },
    }));
  }

  async createImport(project: RemoteProject, into: FolderRef, from: FolderRef): Promise<void> {
    await this.call(`import ${from.environment}:${from.path} into ${into.environment}:${into.path} of ${project.name}`, { scope: 'project', action: 'create', subject: 'secret-imports' }, project.name, {
      method: 'POST',
      path: '/api/v1/secret-imports',
      body: { workspaceId: project.id, environment: into.environment, path: into.path, import: { environment: from.environment, path: from.path } },
    });
  }

  async deleteImport(project: RemoteProject, into: FolderRef, remote: RemoteImport): Promise<void> {
    await this.call(`delete the import of ${remote.from.environment}:${remote.from.path} into ${into.environment}:${into.path} of ${project.name}`, { scope: 'project', action: 'delete', subject: 'secret-imports' }, project.name, {
      method: 'DELETE',
      path: `/api/v1/secret-imports/${encodeURIComponent(remote.id)}`,
      body: { workspaceId: project.id, environment: into.environment, path: into.path },
    });
  }

  async listIdentities(organizationId: string): Promise<RemoteIdentity[]> {
    const what = 'list the machine identities of the organization';
    const memberships = await this.pages(what, { scope: 'organization', action: 'read', subject: 'identity' }, 'organization', `/api/v2/organizations/${encodeURIComponent(organizationId)}/identity-memberships`, {
      onRefused: (error) =>
        // The organization of the URL is not the token's: upstream answers ForbiddenError, not PermissionDenied.
        error.status === 403 && error.errorName === 'ForbiddenError' ? new CliError(ORGANIZATION_MISMATCH(what, error.serverMessage), EXIT.usage) : undefined,
    });
    return memberships.map((membership) => {
      const identity = isObject(membership.identity) ? membership.identity : {};
      return { id: asString(identity.id), name: asString(identity.name), organizationRole: asString(membership.role) };
    });
  }

  async createIdentity(organizationId: string, name: string, organizationRole: string): Promise<string> {
    const body = await this.call(`create identity ${name}`, { scope: 'organization', action: 'create', subject: 'identity' }, 'organization', {
      method: 'POST',
      path: '/api/v1/identities',
      body: { name, organizationId, role: organizationRole },
    });
    return asString(this.field(body, 'identity').id);
  }

  async setIdentityRole(identity: { id: string; name: string }, organizationRole: string): Promise<void> {
    await this.call(`change the organization role of identity ${identity.name}`, { scope: 'organization', action: 'edit', subject: 'identity' }, 'organization', {
      method: 'PATCH',
      path: `/api/v1/identities/${encodeURIComponent(identity.id)}`,
      body: { role: organizationRole },
    });
  }

  /** Undefined when the identity has no Universal Auth yet. */
  async getUniversalAuth(identity: RemoteIdentity): Promise<RemoteUniversalAuth | undefined> {
    try {
      const body = await this.call(`read the Universal Auth of identity ${identity.name}`, { scope: 'organization', action: 'read', subject: 'identity' }, 'organization', {
        method: 'GET',
        path: `/api/v1/auth/universal-auth/identities/${encodeURIComponent(identity.id)}`,
      });
      return toUniversalAuth(this.field(body, 'identityUniversalAuth'));
    } catch (error) {
      // Not attached: 404 on current servers, 400 on older ones.
      if (error instanceof AdminCallError && (error.status === 404 || error.status === 400)) return undefined;
      throw error;
    }
  }

  async attachUniversalAuth(identity: { id: string; name: string }, ttl: number, maxTtl: number): Promise<RemoteUniversalAuth> {
    const body = await this.call(`add Universal Auth to identity ${identity.name}`, { scope: 'organization', action: 'create', subject: 'identity' }, 'organization', {
      method: 'POST',
      path: `/api/v1/auth/universal-auth/identities/${encodeURIComponent(identity.id)}`,
      body: { accessTokenTTL: ttl, accessTokenMaxTTL: maxTtl, accessTokenNumUsesLimit: 0 },
    });
    return toUniversalAuth(this.field(body, 'identityUniversalAuth'));
  }

  async updateUniversalAuth(identity: { id: string; name: string }, ttl: number, maxTtl: number): Promise<void> {
    await this.call(`change the token TTLs of identity ${identity.name}`, { scope: 'organization', action: 'edit', subject: 'identity' }, 'organization', {
      method: 'PATCH',
      path: `/api/v1/auth/universal-auth/identities/${encodeURIComponent(identity.id)}`,
      body: { accessTokenTTL: ttl, accessTokenMaxTTL: maxTtl },
    });
  }

  /** The new client secret and its id: the caller writes the secret to its credentials file and nowhere else. */
  async createClientSecret(identity: { id: string; name: string }, description: string): Promise<{ id: string; secret: string }> {
    const body = await this.call(`create a client secret for identity ${identity.name}`, { scope: 'organization', action: 'create', subject: 'identity' }, 'organization', {
      method: 'POST',
      path: `/api/v1/auth/universal-auth/identities/${encodeURIComponent(identity.id)}/client-secrets`,
      body: { description, numUsesLimit: 0, ttl: 0 },
    });
    const secret = isObject(body) ? body.clientSecret : undefined;
    if (typeof secret !== 'string' || secret.length === 0) throw new CliError(`Infisical answered the client secret of identity ${identity.name} without one`, EXIT.infisical);
    return { id: asString(this.field(body, 'clientSecretData').id), secret };
  }

  /** A client secret that could not be written anywhere: it must not stay able to log in. */
  async revokeClientSecret(identity: { id: string; name: string }, clientSecretId: string): Promise<void> {
    await this.call(`revoke a client secret of identity ${identity.name}`, { scope: 'organization', action: 'edit', subject: 'identity' }, 'organization', {
      method: 'POST',
      path: `/api/v1/auth/universal-auth/identities/${encodeURIComponent(identity.id)}/client-secrets/${encodeURIComponent(clientSecretId)}/revoke`,
    }, { ignoreStop: true });
  }

  async listMemberships(project: RemoteProject): Promise<RemoteMembership[]> {
    const memberships = await this.pages(
      `list the identities of ${project.name}`,
      { scope: 'project', action: 'read', subject: 'identity' },
      project.name,
      `/api/v2/workspace/${encodeURIComponent(project.id)}/identity-memberships`,
    );
    return memberships.map((membership) => {
      const identity = isObject(membership.identity) ? membership.identity : {};
      const roles = Array.isArray(membership.roles) ? membership.roles.filter(isObject).map((role) => asString(role.customRoleSlug) || asString(role.role)) : [];
      return { identityId: asString(identity.id), identityName: asString(identity.name), roles };
    });
  }

  async addMembership(project: RemoteProject, identity: { id: string; name: string }, role: string): Promise<void> {
    await this.call(`add identity ${identity.name} to ${project.name} as ${role}`, { scope: 'project', action: 'create', subject: 'identity' }, project.name, {
      method: 'POST',
      path: `/api/v2/workspace/${encodeURIComponent(project.id)}/identity-memberships/${encodeURIComponent(identity.id)}`,
      body: { role },
    });
  }

  async setMembershipRole(project: RemoteProject, identity: { id: string; name: string }, role: string): Promise<void> {
    await this.call(`make identity ${identity.name} ${role} of ${project.name}`, { scope: 'project', action: 'edit', subject: 'identity' }, project.name, {
      method: 'PATCH',
      path: `/api/v2/workspace/${encodeURIComponent(project.id)}/identity-memberships/${encodeURIComponent(identity.id)}`,
      body: { roles: [{ role, isTemporary: false }] },
    });
  }

  async removeMembership(project: RemoteProject, identity: { id: string; name: string }): Promise<void> {
    await this.call(`remove identity ${identity.name} from ${project.name}`, { scope: 'project', action: 'delete', subject: 'identity' }, project.name, {
      method: 'DELETE',
      path: `/api/v2/workspace/${encodeURIComponent(project.id)}/identity-memberships/${encodeURIComponent(identity.id)}`,
    });
  }

  /**
   * Every page of an identity-membership list (`offset`/`limit`, `totalCount`): upstream answers 100 at
   * most by default. A server that ignores the paging answers the same page again: a page that adds no
   * identity ends the loop, so it cannot spin or list one membership twice.
   */
  private async pages(what: string, permission: Permission, where: string, path: string, options: CallOptions = {}): Promise<Array<Record<string, unknown>>> {
    const byIdentity = new Map<string, Record<string, unknown>>();
    for (let offset = 0; ; offset += PAGE_SIZE) {
      const body = await this.call(what, permission, where, { method: 'GET', path, query: { offset: String(offset), limit: String(PAGE_SIZE) } }, options);
      const page = this.list(body, 'identityMemberships');
      const before = byIdentity.size;
      for (const entry of page) byIdentity.set(asString(isObject(entry.identity) ? entry.identity.id : entry.identityId), entry);
      const total = isObject(body) ? asNumber(body.totalCount) : Number.NaN;
      if (page.length < PAGE_SIZE || byIdentity.size === before || (Number.isFinite(total) && byIdentity.size >= total)) return [...byIdentity.values()];
    }
  }

  /**
   * One call; 429s are waited out. A refusal the route knows (`options.onRefused`) becomes its error; a 403
   * PermissionDenied names the missing permission; anything else becomes an error naming `what`.
   */
  private async call(what: string, permission: Permission, where: string, request: Omit<InfisicalRequest, 'expecting' | 'accessToken'>, options: CallOptions = {}): Promise<unknown> {
    for (let waits = 0; ; waits += 1) {
      try {
        const token = await this.source.usableToken();
        const reply = await this.http.request({ ...request, expecting: 'an Infisical reply', accessToken: token.value });
        return reply.notModified ? undefined : reply.body;
      } catch (error) {
        if (error instanceof InfisicalHttpError && error.status === 429 && waits < MAX_RATE_LIMIT_WAITS) {
          const waitMs = Math.min(error.retryAfterMs ?? MAX_RATE_LIMIT_WAIT_MS, MAX_RATE_LIMIT_WAIT_MS);
          this.onWait(Math.ceil(waitMs / 1000));
          const stop = options.ignoreStop ? undefined : this.waitStop;
          const signal = stop ? AbortSignal.any([this.shutdown.signal, stop]) : this.shutdown.signal;
          await sleep(waitMs, undefined, { signal }).catch((error: unknown) => {
            if (stop?.aborted) throw new CliError(`interrupted while waiting to ${what}`, EXIT.interrupted);
            throw error;
          });
          continue;
        }
        const known = error instanceof InfisicalHttpError ? options.onRefused?.(error) : undefined;
        if (known) throw known;
        if (error instanceof InfisicalHttpError && error.status === 403 && error.errorName === 'PermissionDenied') {
          throw new PermissionRefusedError(what, permission, error.serverMessage, where);
        }
        if (error instanceof CliError) throw error;
        const { status, reason } = describeFailure(error);
        throw new AdminCallError(`cannot ${what}: ${reason}`, status);
      }
    }
  }

  private list(body: unknown, field: string): Array<Record<string, unknown>> {
    const value = isObject(body) ? body[field] : undefined;
    if (!Array.isArray(value)) throw new CliError(`Infisical's reply has no "${field}" list: is the site URL an Infisical server?`, EXIT.infisical);
    return value.filter(isObject);
  }

  private field(body: unknown, field: string): Record<string, unknown> {
    const value = isObject(body) ? body[field] : undefined;
    if (!isObject(value)) throw new CliError(`Infisical's reply has no "${field}": is the site URL an Infisical server?`, EXIT.infisical);
    return value;
  }
}

function toProject(raw: Record<string, unknown>): RemoteProject {
  const environments = Array.isArray(raw.environments) ? raw.environments.filter(isObject) : [];
  return {
    id: asString(raw.id ?? raw._id),
    name: asString(raw.name),
    slug: asString(raw.slug),
    environments: environments.map((environment) => ({ id: asString(environment.id), slug: asString(environment.slug), name: asString(environment.name) })),
  };
}

function toUniversalAuth(raw: Record<string, unknown>): RemoteUniversalAuth {
  return { clientId: asString(raw.clientId), accessTokenTTL: asNumber(raw.accessTokenTTL), accessTokenMaxTTL: asNumber(raw.accessTokenMaxTTL) };
}
